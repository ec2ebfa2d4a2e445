// The channel parity test's story: the bakery flow (every block kind a conversation meets), the
// contact's script (how many replies each step brings), and the flow's local HTTP API (price
// quotes and the cake's photo). The same on every channel; only how it is driven differs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json } from '../integrations/test-harness.ts';

/** A 1×1 PNG: the image the flow sends (by URL, from the bakery API). */
const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** The same person writes to each number. */
export const ANA = { waId: '34600111222', name: 'Ana' };
export const ANA_WA_ID = `${ANA.waId}@c.us`;

export const SIZES = ['Small', 'Medium', 'Large'] as const;
const FLAVOURS = [
  'Vanilla',
  'Chocolate',
  'Strawberry',
  'Lemon',
  'Carrot',
  'Red velvet',
  'Coffee',
  'Coconut',
  'Banana',
  'Cheesecake',
  'Pistachio',
  'Hazelnut',
] as const;
const SIZE_PROMPT = 'Which size, {{name}}?';
const FLAVOUR_PROMPT = 'Which flavour?';

/**
 * Every block kind a conversation meets: say, ask (text; number with a retry prompt; choices of 3
 * and of 12 options, each option its own branch), http (a local price API), say with an image,
 * handoff and end. `api`: the local server's base URL (price quotes and the image).
 */
export function parityFlow(api: string): Json {
  const numbered = (what: string, i: number) => `${what}_${i}`;
  return {
    schemaVersion: 1,
    name: 'Cake order (channel parity)',
    triggers: [{ type: 'first_message' }],
    variables: [
      { name: 'name', type: 'string' },
      { name: 'qty', type: 'number' },
      { name: 'size', type: 'string' },
      { name: 'flavour', type: 'string' },
      { name: 'total', type: 'number' },
      { name: 'ref', type: 'string' },
      { name: 'quoteStatus', type: 'number' },
    ],
    start: 'welcome',
    nodes: [
      {
        id: 'welcome',
        type: 'say',
        message: { kind: 'text', text: 'Welcome to the Parity Bakery!' },
        next: 'ask_name',
      },
      {
        id: 'ask_name',
        type: 'ask',
        prompt: "What's your name?",
        saveAs: 'name',
        validation: { kind: 'text', minLength: 2, maxLength: 80 },
        next: 'ask_qty',
      },
      {
        id: 'ask_qty',
        type: 'ask',
        prompt: 'How many cakes, {{name}}? (1 to 20)',
        saveAs: 'qty',
        validation: { kind: 'number', min: 1, max: 20, integer: true },
        retryPrompt: 'Please answer with a whole number from 1 to 20, like 3.',
        maxRetries: 2,
        onInvalid: 'too_many_tries',
        next: 'ask_size',
      },
      {
        id: 'too_many_tries',
        type: 'end',
        message: 'Let us start again another time.',
      },
      {
        id: 'ask_size',
        type: 'ask',
        prompt: SIZE_PROMPT,
        saveAs: 'size',
        validation: {
          kind: 'choice',
          options: SIZES.map((label, i) => ({ label, next: numbered('size', i + 1) })),
        },
        next: 'ask_flavour',
      },
      ...SIZES.map((label, i) => ({
        id: numbered('size', i + 1),
        type: 'say',
        message: { kind: 'text', text: `Size branch ${i + 1}: ${label}, {{qty}} of them.` },
        next: 'ask_flavour',
      })),
      {
        id: 'ask_flavour',
        type: 'ask',
        prompt: FLAVOUR_PROMPT,
        saveAs: 'flavour',
        validation: {
          kind: 'choice',
          options: FLAVOURS.map((label, i) => ({ label, next: numbered('flavour', i + 1) })),
        },
        next: 'quote',
      },
      ...FLAVOURS.map((label, i) => ({
        id: numbered('flavour', i + 1),
        type: 'say',
        message: { kind: 'text', text: `Flavour branch ${i + 1}: ${label}.` },
        next: 'quote',
      })),
      {
        id: 'quote',
        type: 'http',
        method: 'GET',
        url: `${api}/quote?size={{size}}&flavour={{flavour}}&qty={{qty}}`,
        mappings: [
          { variable: 'total', path: '$.total' },
          { variable: 'ref', path: '$.ref' },
        ],
        saveStatusAs: 'quoteStatus',
        timeoutMs: 5000,
        next: 'quoted',
        onFailure: 'no_quote',
      },
      {
        id: 'no_quote',
        type: 'end',
        message: 'Our price list is not answering, sorry.',
      },
      {
        id: 'quoted',
        type: 'say',
        message: {
          kind: 'text',
          text: '{{qty}} {{size}} {{flavour}} cakes: {{total}} EUR (quote {{ref}}).',
        },
        next: 'photo',
      },
      {
        id: 'photo',
        type: 'say',
        message: {
          kind: 'media',
          mediaType: 'image',
          url: `${api}/cake.png`,
          caption: 'This is what a {{flavour}} cake looks like.',
        },
        next: 'baker',
      },
      {
        id: 'baker',
        type: 'handoff',
        message: 'A baker will confirm quote {{ref}} with you here.',
        reason: 'Confirm quote {{ref}}',
        next: 'bye',
      },
      { id: 'bye', type: 'end', message: 'Thanks {{name}}, your order is confirmed!' },
    ],
  };
}

/**
 * What the contact does, and how many replies each step brings. A choice may be tapped on the
 * channels that render buttons (`tap`); the others type its number (`text`).
 */
export type Input =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; text: string; tap: { id: string; title: string } }
  | { kind: 'release' };
interface Step {
  input: Input;
  replies: number;
}
export const SCRIPT: Step[] = [
  { input: { kind: 'text', text: 'hi' }, replies: 2 },
  { input: { kind: 'text', text: 'Ana' }, replies: 1 },
  // A wrong answer first: the retry prompt, then the right one.
  { input: { kind: 'text', text: 'a dozen' }, replies: 1 },
  { input: { kind: 'text', text: '3' }, replies: 1 },
  // Size 2 (Medium): its branch, then the 12-option question.
  { input: { kind: 'choice', text: '2', tap: { id: '2', title: 'Medium' } }, replies: 2 },
  // Flavour 11 (Pistachio): its branch; the quote (after the HTTP call), the photo, the handoff.
  { input: { kind: 'text', text: '11' }, replies: 4 },
  // A person has the conversation: the bot stays quiet.
  { input: { kind: 'text', text: 'Is anyone there?' }, replies: 0 },
  { input: { kind: 'release' }, replies: 1 },
];

export interface BakeryApi {
  url: string;
  /** The query string of each price quote asked for, in order. */
  quotes: string[];
  close: () => Promise<void>;
}

/** The flow's HTTP API and image host: a price per size, the same quote for the same order. */
export async function startBakeryApi(): Promise<BakeryApi> {
  const quotes: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/cake.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(PNG_B64, 'base64'));
      return;
    }
    quotes.push(url.search);
    const each = { Small: 12, Medium: 20, Large: 31 }[url.searchParams.get('size') ?? ''] ?? 0;
    const qty = Number(url.searchParams.get('qty'));
    const ref = `Q-${url.searchParams.get('size')?.[0]}${qty}-${url.searchParams.get('flavour')?.slice(0, 3).toUpperCase()}`;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ total: each * qty, ref }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    quotes,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
