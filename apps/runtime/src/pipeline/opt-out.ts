// Opt-out by keyword: a contact who writes one of the workspace's opt-out keywords (or a stop
// keyword of the flow that answers them) is opted out of everything the workspace sends on its
// own; only a start keyword, written by the contact, opts them back in.
import { optOutKeywords } from '@waflow/db';
import { normalize, type FlowConfig } from '@waflow/flow';

export type OptChange =
  { kind: 'out'; reason: string; flowStop: boolean } | { kind: 'in' } | undefined;

/** What a text message changes in the contact's opt-out (undefined: nothing). */
export function optChange(
  text: string,
  optedOut: boolean,
  settings: Record<string, unknown>,
  flow: FlowConfig | undefined,
): OptChange {
  // Keywords are short: a longer message is never one (and costs no normalizing).
  if (text.length > 60) return undefined;
  const said = normalize(text);
  if (said === '') return undefined;
  const words = optOutKeywords(settings);
  const has = (list: readonly string[]) => list.some((k) => normalize(k) === said);
  if (optedOut) return has(words.start) ? { kind: 'in' } : undefined;
  const flowStop = has(flow?.settings?.stopKeywords ?? []);
  if (!flowStop && !has(words.optOut)) return undefined;
  return { kind: 'out', reason: `wrote "${text.trim().slice(0, 50)}"`, flowStop };
}
