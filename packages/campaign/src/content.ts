// What a campaign sends: one message, a published flow started with variables taken from the
// contact, or an approved WhatsApp template (the only message the Cloud API delivers to a contact
// who has not written in the last 24 hours) with its body's {{1}}, {{2}}… taken from the contact.
// Parsed from what the API or the web app sent, every problem said in words.
import { isRecord, type Parsed } from './audience.ts';

export type Content =
  | { kind: 'message'; text: string }
  /** `variables`: flow variable → where its value comes from (`name`, `phone` or `attributes.<key>`). */
  | { kind: 'flow'; flowId: string; variables: Record<string, string> }
  /**
   * `text`: the template's body as Meta shows it (with {{1}}…), what the transcript and the
   * channels without templates show, filled; `parameters`: where each {{n}} comes from, in order.
   */
  | {
      kind: 'template';
      name: string;
      language: string;
      text: string;
      parameters: string[];
      contentSid?: string;
    };

/** Where a value comes from: the contact's name, their phone, or one of their attributes. */
export type ContactSource = string;

const CONTACT_SOURCE = /^(name|phone|attributes\.[a-z][a-z0-9_]{0,63})$/i;
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const CONTENT_SID = /^HX[0-9a-f]{32}$/;
const MAX_TEXT = 4096;

export interface ContactValues {
  name: string | null;
  waId: string;
  attributes: Record<string, unknown>;
}

/** The value of `source` for a contact, typed as the attribute is ('' when the contact has none). */
export function contactValue(source: ContactSource, contact: ContactValues): unknown {
  if (source === 'name') return contact.name ?? '';
  if (source === 'phone') return `+${contact.waId.replace(/@c\.us$/, '')}`;
  return contact.attributes[source.replace(/^attributes\./, '')] ?? '';
}

/** The {{n}} numbers a template body uses, ascending and once each. */
export function templatePlaceholders(text: string): number[] {
  const seen = new Set<number>();
  for (const m of text.matchAll(/\{\{\s*(\d+)\s*\}\}/g)) seen.add(Number(m[1]));
  return [...seen].sort((a, b) => a - b);
}

/** A template for one contact: its parameters' values and its body with them filled in. */
export function templateFor(
  content: Extract<Content, { kind: 'template' }>,
  contact: ContactValues,
): { parameters: string[]; text: string } {
  // Meta refuses an empty parameter: a contact without the value gets a dash.
  const parameters = content.parameters.map(
    (src) => String(contactValue(src, contact)).trim() || '-',
  );
  const text = content.text.replace(
    /\{\{\s*(\d+)\s*\}\}/g,
    (whole, n: string) => parameters[Number(n) - 1] ?? whole,
  );
  return { parameters, text };
}

function sourceProblem(where: string, v: unknown): string | undefined {
  return typeof v === 'string' && CONTACT_SOURCE.test(v)
    ? undefined
    : `${where}: take it from name, phone or attributes.<key>`;
}

function parseTemplate(raw: Record<string, unknown>): Parsed<Content> {
  const problems: string[] = [];
  const name = typeof raw.name === 'string' ? raw.name.trim() : '';
  if (!TEMPLATE_NAME.test(name))
    problems.push(
      'content.name: choose an approved template (its name as Meta shows it, e.g. appointment_reminder)',
    );
  const language = typeof raw.language === 'string' ? raw.language.trim() : '';
  if (!LANGUAGE.test(language))
    problems.push('content.language: the template’s language code, e.g. en_US or es');
  const text = typeof raw.text === 'string' ? raw.text.trim() : '';
  if (text === '') problems.push('content.text: the template’s body, as Meta shows it');
  else if (text.length > MAX_TEXT)
    problems.push(`content.text is longer than WhatsApp allows (${MAX_TEXT} characters)`);
  const list = Array.isArray(raw.parameters) ? (raw.parameters as unknown[]) : [];
  list.forEach((v, i) => {
    const p = sourceProblem(`content.parameters[${i}] ({{${i + 1}}})`, v);
    if (p) problems.push(p);
  });
  const used = templatePlaceholders(text);
  const expected = used.length === 0 ? 0 : Math.max(...used);
  if (text !== '' && list.length !== expected)
    problems.push(
      `content.parameters: the body uses ${expected} placeholder${expected === 1 ? '' : 's'} ({{1}}…), ${list.length} ${list.length === 1 ? 'is' : 'are'} given: say where each comes from`,
    );
  const contentSid = typeof raw.contentSid === 'string' ? raw.contentSid.trim() : undefined;
  if (contentSid !== undefined && contentSid !== '' && !CONTENT_SID.test(contentSid))
    problems.push('content.contentSid: a Twilio Content SID starts with HX and 32 hex digits');
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      kind: 'template',
      name,
      language,
      text,
      parameters: list as string[],
      ...(contentSid ? { contentSid } : {}),
    },
  };
}

export function parseContent(raw: unknown): Parsed<Content> {
  if (!isRecord(raw)) return { ok: false, problems: ['content must be an object with a kind'] };
  if (raw.kind === 'message') {
    const text = typeof raw.text === 'string' ? raw.text.trim() : '';
    if (text === '') return { ok: false, problems: ['content.text: write the message to send'] };
    if (text.length > MAX_TEXT)
      return {
        ok: false,
        problems: [`content.text is longer than WhatsApp allows (${MAX_TEXT} characters)`],
      };
    return { ok: true, value: { kind: 'message', text } };
  }
  if (raw.kind === 'flow') {
    if (typeof raw.flowId !== 'string' || raw.flowId === '')
      return { ok: false, problems: ['content.flowId: choose the published flow to start'] };
    const vars = isRecord(raw.variables) ? raw.variables : {};
    const problems: string[] = [];
    const variables: Record<string, string> = {};
    for (const [k, v] of Object.entries(vars)) {
      const p = sourceProblem(`content.variables.${k}`, v);
      if (p) problems.push(p);
      else variables[k] = v as string;
    }
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, value: { kind: 'flow', flowId: raw.flowId, variables } };
  }
  if (raw.kind === 'template') return parseTemplate(raw);
  return { ok: false, problems: ['content.kind is message, flow or template'] };
}
