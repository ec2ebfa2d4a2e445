import { describe, expect, it } from 'vitest';
import { validateFlow } from './validate-flow.ts';
import type { FlowError } from './flow-error.ts';
import { base, schemaCases } from './broken-flows.fixture.ts';
import { graphCases } from './broken-graphs.fixture.ts';

function errorsOf(mutate: (f: ReturnType<typeof base>) => void, ctx = {}): FlowError[] {
  const f = base();
  mutate(f);
  const r = validateFlow(f, ctx);
  return r.ok ? [] : r.errors;
}

describe('validateFlow', () => {
  it('accepts a valid flow', () => {
    expect(validateFlow(base())).toMatchObject({ ok: true, errors: [] });
  });

  it('warns, without refusing, about an http block calling an address the egress policy refuses', () => {
    // The API passes @waflow/egress's check with the operator's policy; this stand-in refuses 10.*.
    const refusedHost = (host: string) =>
      host.startsWith('10.')
        ? {
            reason: `${host} is a private address (RFC 1918)`,
            allowWith: 'WAFLOW_EGRESS_ALLOW_CIDRS',
          }
        : undefined;
    const f = base();
    f.nodes[0] = {
      id: 'call',
      type: 'http',
      method: 'GET',
      url: 'http://10.0.0.1/x',
      next: 'thanks',
    };
    f.nodes.push({
      id: 'named',
      type: 'http',
      method: 'GET',
      url: 'https://{{email}}/x',
      next: 'thanks',
    });
    f.start = 'call';
    (f.nodes[0] as Record<string, unknown>).next = 'named';
    const r = validateFlow(f, { refusedHost });
    expect(r).toMatchObject({ ok: true, errors: [] });
    expect(r.warnings).toEqual([
      {
        code: 'INTERNAL_ADDRESS',
        nodeId: 'call',
        field: 'url',
        message:
          '10.0.0.1 is a private address (RFC 1918): this call will be blocked unless your operator allows it with WAFLOW_EGRESS_ALLOW_CIDRS. Use a public address if you can.',
      },
    ]);
    expect(validateFlow(f).warnings).toEqual([]);
  });

  it('accepts a flow that carries its id and name', () => {
    expect(validateFlow({ ...base(), id: 'lead-capture', name: 'Lead capture' }).ok).toBe(true);
  });

  const cases = [...schemaCases, ...graphCases];

  it.each(cases)(
    'reports $name with the block, the field and what to change',
    ({ mutate, ctx, error }) => {
      expect(errorsOf(mutate, ctx)).toContainEqual(error);
    },
  );

  it('has at least 15 broken-flow cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it('refuses something that is not a flow at all with one clear error', () => {
    expect(validateFlow('hello')).toEqual({
      ok: false,
      errors: [{ code: 'SCHEMA', field: '', message: 'A flow must be a group of settings.' }],
      warnings: [],
    });
  });
});
