// Reads schemas/examples/ (flows and their scripted conversations) for tests and benchmarks.
// Not exported by the package: the product never reads example files at run time.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FlowConfig } from '../schema/types.ts';
import { validateFlow } from '../validate/validate-flow.ts';
import { advance } from '../engine/advance.ts';
import type { ConversationState, Effect, FlowEvent, SubflowMap } from '../engine/types.ts';

export const examplesDir = fileURLToPath(new URL('../../../../schemas/examples/', import.meta.url));

export type ScriptStep = (
  | { send: string }
  | { httpResponse: { status: number; body?: unknown } }
  | { release: true }
  | { timer: 'ask_timeout' | 'delay' | 'conversation_timeout' }
) & { expect: string[]; http?: { url: string }; handoff?: boolean };

export interface Script {
  name: string;
  description: string;
  flow: FlowConfig;
  subflows: SubflowMap;
  steps: ScriptStep[];
  results: Record<string, unknown>;
  webhooks?: string[];
}

export function loadFlow(file: string): FlowConfig {
  const doc: unknown = JSON.parse(readFileSync(examplesDir + file, 'utf8'));
  const v = validateFlow(doc);
  if (!v.ok) throw new Error(`${file} is not a valid flow: ${JSON.stringify(v.errors)}`);
  return v.flow;
}

export function loadScripts(): Script[] {
  return readdirSync(examplesDir)
    .filter((f) => f.endsWith('.script.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(examplesDir + file, 'utf8')) as Omit<
        Script,
        'flow' | 'subflows' | 'name'
      > & {
        flow: string;
        subflows?: Record<string, string>;
      };
      const subflows: Record<string, FlowConfig> = {};
      for (const [id, f] of Object.entries(raw.subflows ?? {})) subflows[id] = loadFlow(f);
      return { ...raw, name: file.replace('.script.json', ''), flow: loadFlow(raw.flow), subflows };
    });
}

/** Plays a script through advance(); returns every step's effects and the final state. */
export function playScript(
  script: Script,
  startAt = 1_700_000_000_000,
): {
  steps: Effect[][];
  state: ConversationState | null;
} {
  let state: ConversationState | null = null;
  let now = startAt;
  let lastEffects: Effect[] = [];
  const steps: Effect[][] = [];
  for (const step of script.steps) {
    now += 1_000;
    let event: FlowEvent;
    if ('send' in step) event = { type: 'message', message: { kind: 'text', text: step.send } };
    else if ('release' in step) event = { type: 'handoff_released' };
    else if ('httpResponse' in step) {
      const req = [...lastEffects].reverse().find((e) => e.type === 'http_request');
      event = {
        type: 'http_response',
        requestId: req?.id ?? 'none',
        outcome: 'response',
        ...step.httpResponse,
      };
    } else {
      const timer = [...steps.flat()]
        .reverse()
        .find((e) => e.type === 'set_timer' && e.purpose === step.timer);
      event = { type: 'timer', timerId: timer?.id ?? 'none' };
    }
    const r = advance(script.flow, state, event, now, script.subflows);
    state = r.state;
    // An http request stays the one to answer until the next step emits another.
    if (r.effects.some((e) => e.type === 'http_request') || !('send' in step))
      lastEffects = r.effects;
    steps.push(r.effects);
  }
  return { steps, state };
}

export function sentTexts(effects: Effect[]): string[] {
  return effects.flatMap((e) =>
    e.type === 'send' && e.message.kind === 'text' ? [e.message.text] : [],
  );
}
