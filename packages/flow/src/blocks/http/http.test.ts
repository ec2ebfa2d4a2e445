import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, play, T0, text, texts } from '../../engine/test-harness.ts';
import type { Effect, FlowEvent } from '../../engine/types.ts';

describe('http block', () => {
  describe('http', () => {
    const f = flow([
      {
        id: 'h',
        type: 'http',
        method: 'POST',
        url: 'https://api.test/{{x}}',
        headers: { 'x-k': 'v{{x}}' },
        body: { q: '{{items}}' },
        mappings: [{ variable: 'out', path: '$.data.name' }],
        saveStatusAs: 'code',
        next: 'ok',
        onFailure: 'fail',
        onTimeout: 'slow',
      },
      { id: 'ok', type: 'end', message: 'ok {{out}} {{code}}' },
      { id: 'fail', type: 'end', message: 'fail {{code}}' },
      { id: 'slow', type: 'end', message: 'slow' },
    ]);
    const reply =
      (r: Partial<Extract<FlowEvent, { type: 'http_response' }>>) =>
      (effects: Effect[]): FlowEvent => ({
        type: 'http_response',
        requestId: effects.find((e) => e.type === 'http_request')?.id ?? '',
        outcome: 'response',
        ...r,
      });

    it('asks the runtime for the request with templated parts', () => {
      const req = advance(f, null, text('go'), T0).effects.find((e) => e.type === 'http_request');
      expect(req).toMatchObject({
        method: 'POST',
        url: 'https://api.test/',
        headers: { 'x-k': 'v' },
        body: { q: ['a', 'b', 'c'] },
        timeoutMs: 10_000,
      });
    });
    it('URL-encodes answers put into the URL, but keeps a base address that starts it', () => {
      const g = flow([
        {
          id: 's',
          type: 'set',
          assignments: [
            { variable: 'x', value: 'a b&admin=1/..' },
            { variable: 'out', value: 'https://api.test/v1' },
          ],
          next: 'h',
        },
        { id: 'h', type: 'http', method: 'GET', url: '{{out}}/find?q={{x}}', next: 'e' },
        { id: 'e', type: 'end' },
      ]);
      const req = advance(g, null, text('go'), T0).effects.find((e) => e.type === 'http_request');
      expect(req).toMatchObject({ url: 'https://api.test/v1/find?q=a%20b%26admin%3D1%2F..' });
    });
    it('maps fields of a 2xx answer into variables and takes the success path', () => {
      const { all } = play(f, [
        text('go'),
        reply({ status: 200, body: { data: { name: 'Zed' } } }),
      ]);
      expect(texts(all[1] ?? [])).toEqual(['ok Zed 200']);
    });
    it('takes the failure path on an error status', () => {
      const { all } = play(f, [text('go'), reply({ status: 503 })]);
      expect(texts(all[1] ?? [])).toEqual(['fail 503']);
    });
    it('takes the timeout path on a timeout', () => {
      const { all } = play(f, [text('go'), reply({ outcome: 'timeout' })]);
      expect(texts(all[1] ?? [])).toEqual(['slow']);
    });
    it('tells the transcript why a refused call failed and keeps it in http_error for the results', () => {
      const { all } = play(f, [
        text('go'),
        reply({ outcome: 'error', error: 'blocked: 10.0.0.1 is a private address (RFC 1918)' }),
      ]);
      expect(all[1]?.find((e) => e.type === 'notice')).toMatchObject({
        nodeId: 'h',
        text: 'h: blocked: 10.0.0.1 is a private address (RFC 1918)',
      });
      expect(all[1]?.find((e) => e.type === 'results')).toMatchObject({
        variables: { http_error: 'blocked: 10.0.0.1 is a private address (RFC 1918)', code: 0 },
      });
      expect(texts(all[1] ?? [])).toEqual(['fail 0']);
    });
    it('clears http_error when a later call succeeds', () => {
      const g = flow([
        { id: 'a', type: 'http', method: 'GET', url: 'https://api.test/a', next: 'b' },
        { id: 'b', type: 'http', method: 'GET', url: 'https://api.test/b', next: 'e' },
        { id: 'e', type: 'end', message: 'done' },
      ]);
      const { all } = play(g, [
        text('go'),
        reply({ status: 500 }),
        (effects) => ({
          type: 'http_response',
          requestId: [...effects].reverse().find((e) => e.type === 'http_request')?.id ?? '',
          outcome: 'response',
          status: 200,
        }),
      ]);
      expect(all[1]?.find((e) => e.type === 'results')).toMatchObject({
        variables: { http_error: 'answered 500' },
      });
      const last = all[2]?.find((e) => e.type === 'results');
      expect(last).toBeDefined();
      expect(last && 'variables' in last ? last.variables : {}).not.toHaveProperty('http_error');
    });
    it('ignores an answer to another request', () => {
      const { all } = play(f, [
        text('go'),
        { type: 'http_response', requestId: 'other', outcome: 'response', status: 200 },
      ]);
      expect(all[1]).toEqual([]);
    });
  });
});
