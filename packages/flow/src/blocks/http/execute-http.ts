// http: ask the runtime to call an API, wait for its answer, keep fields of the JSON answer
// in variables, and branch on success, failure or timeout (missing branches continue at next).
import { JSONPath } from 'jsonpath-plus';
import type { HttpNode } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import type { FlowEvent } from '../../engine/types.ts';
import { render, renderUrl, renderValue } from '../../engine/template.ts';

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

export function executeHttp(node: HttpNode, run: Run): Step {
  const vars = run.scope;
  const headers = Object.fromEntries(Object.entries(node.headers ?? {}).map(([k, v]) => [k, render(v ?? '', vars)]));
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

export function resumeHttp(node: HttpNode, run: Run, event: Extract<FlowEvent, { type: 'http_response' }>): Step {
  delete run.state.wait;
  if (node.saveStatusAs) run.state.vars[node.saveStatusAs] = event.status ?? 0;
  if (event.outcome === 'timeout') return { go: node.onTimeout ?? node.onFailure ?? node.next };
  const ok = event.outcome === 'response' && event.status !== undefined && event.status >= 200 && event.status < 300;
  if (!ok) return { go: node.onFailure ?? node.next };
  for (const m of node.mappings ?? []) {
    let found: unknown;
    try {
      const hits: unknown = JSONPath({ path: m.path, json: (event.body ?? null) as object, wrap: true, eval: false });
      found = Array.isArray(hits) ? (hits.length === 1 ? hits[0] : hits.length === 0 ? null : hits) : null;
    } catch {
      found = null;
    }
    run.state.vars[m.variable] = found ?? null;
  }
  return { go: node.next };
}
