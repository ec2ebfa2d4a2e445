// http: ask the runtime to call an API, wait for its answer, keep fields of the JSON answer
// in variables, and branch on success, failure or timeout (missing branches continue at next).
import { JSONPath } from 'jsonpath-plus';
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { render, renderUrl, renderValue } from '../../engine/template.ts';
import { HTTP_ERROR, templateReads } from '../../graph/variable-refs.ts';
import { JSON_PATH } from '../../validate/rule-checks.ts';
import type { BlockDefinition, BlockIssue, HttpResponseEvent } from '../block-definition.ts';
import { httpMeta } from './http.meta.ts';

type HttpNode = NodeOf<'http'>;

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/** The URL's host when it is written out (no {{variable}} in it), else undefined. */
function literalHost(url: string): string | undefined {
  try {
    const host = new URL(url).hostname;
    return host.includes('{') || host.includes('%7B') ? undefined : host;
  } catch {
    return undefined;
  }
}

export function executeHttp(node: HttpNode, run: Run): Step {
  const vars = run.scope;
  const headers = Object.fromEntries(
    Object.entries(node.headers ?? {}).map(([k, v]) => [k, render(v ?? '', vars)]),
  );
  const req = run.emit({
    type: 'http_request',
    method: node.method,
    url: renderUrl(node.url, vars),
    headers,
    ...(node.body === undefined ? {} : { body: renderValue(node.body, vars) }),
    timeoutMs: node.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
  });
  run.state.wait = { k: 'http', node: node.id, req };
  return { wait: true };
}

/** Why the call failed, in words (the runtime words a refused address "blocked: …"); undefined: it succeeded. */
function failureOf(node: HttpNode, event: HttpResponseEvent): string | undefined {
  switch (event.outcome) {
    case 'timeout':
      return `no answer within ${node.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS} ms`;
    case 'error':
      return event.error ?? 'the request failed';
    case 'response':
      return event.status !== undefined && event.status >= 200 && event.status < 300
        ? undefined
        : `answered ${event.status ?? 'nothing'}`;
  }
}

export function resumeHttp(node: HttpNode, run: Run, event: HttpResponseEvent): Step {
  delete run.state.wait;
  if (node.saveStatusAs) run.state.vars[node.saveStatusAs] = event.status ?? 0;
  // A failure is told to whoever watches (transcript, simulator) and kept in `http_error`, so
  // the results say why, and a reply can too; the contact is told only what the flow says.
  const failure = failureOf(node, event);
  if (failure === undefined) delete run.state.vars[HTTP_ERROR];
  else {
    run.state.vars[HTTP_ERROR] = failure;
    run.emit({ type: 'notice', nodeId: node.id, text: `${node.label ?? node.id}: ${failure}` });
  }
  if (event.outcome === 'timeout') return { go: node.onTimeout ?? node.onFailure ?? node.next };
  if (failure !== undefined) return { go: node.onFailure ?? node.next };
  for (const m of node.mappings ?? []) {
    let found: unknown;
    try {
      const hits: unknown = JSONPath({
        path: m.path,
        json: (event.body ?? null) as object,
        wrap: true,
        eval: false,
      });
      found = Array.isArray(hits)
        ? hits.length === 1
          ? hits[0]
          : hits.length === 0
            ? null
            : hits
        : null;
    } catch {
      found = null;
    }
    run.state.vars[m.variable] = found ?? null;
  }
  return { go: node.next };
}

export const httpBlock: BlockDefinition<HttpNode> = {
  meta: httpMeta,
  variables(node) {
    const uses = templateReads([
      ['url', node.url],
      ['headers', node.headers],
      ['body', node.body],
    ]);
    (node.mappings ?? []).forEach((m, i) =>
      uses.writes.push({ field: `mappings[${i}].variable`, name: m.variable }),
    );
    if (node.saveStatusAs) uses.writes.push({ field: 'saveStatusAs', name: node.saveStatusAs });
    return uses;
  },
  waits: true,
  check(node) {
    const issues: BlockIssue[] = [];
    (node.mappings ?? []).forEach((m, i) => {
      if (!JSON_PATH.test(m.path))
        issues.push({
          code: 'INVALID_PATH',
          field: `mappings[${i}].path`,
          message: `"${m.path}" is not a path into the answer: write it like $.data.items[0].name.`,
        });
    });
    return issues;
  },
  warn(node, ctx) {
    const host = literalHost(node.url);
    const refused = host === undefined ? undefined : ctx.refusedHost?.(host);
    if (!refused) return [];
    return [
      {
        code: 'INTERNAL_ADDRESS',
        field: 'url',
        message: `${refused.reason}: this call will be blocked unless your operator allows it with ${refused.allowWith}. Use a public address if you can.`,
      },
    ];
  },
  execute: executeHttp,
  resume: { http_response: resumeHttp },
};
