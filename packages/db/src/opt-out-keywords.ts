// The words that opt a contact out of (and back into) everything the workspace sends on its own
// initiative: kept in the workspace's settings, with these defaults when unset.

export const OPT_OUT_KEYWORDS_SETTING = 'optOutKeywords';
export const START_KEYWORDS_SETTING = 'startKeywords';

export const DEFAULT_OPT_OUT_KEYWORDS: readonly string[] = [
  'STOP',
  'BAJA',
  'SAIR',
  'UNSUBSCRIBE',
  'CANCELAR',
];
export const DEFAULT_START_KEYWORDS: readonly string[] = ['START', 'ALTA', 'VOLTAR'];

const words = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((w) => typeof w === 'string') ? v : undefined;

/** A workspace's keywords (its settings, or the defaults). */
export function optOutKeywords(settings: Record<string, unknown> | null | undefined): {
  optOut: readonly string[];
  start: readonly string[];
} {
  return {
    optOut: words(settings?.[OPT_OUT_KEYWORDS_SETTING]) ?? DEFAULT_OPT_OUT_KEYWORDS,
    start: words(settings?.[START_KEYWORDS_SETTING]) ?? DEFAULT_START_KEYWORDS,
  };
}
