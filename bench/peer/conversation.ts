// The conversation both sides of the peer benchmark hold, and the rounds that drive it: every
// contact sends one step, the round ends when every contact got its one reply (checked against the
// text it must be), then the next step. Only send → last reply of each round is timed.

/** What each contact sends, in order, and the reply each step must get. */
export const STEPS: readonly { send: (c: number) => string; reply: (c: number) => string }[] = [
  { send: () => 'hi', reply: () => 'What is your name?' },
  { send: (c) => `Ann ${c}`, reply: (c) => `Nice to meet you, Ann ${c}! What is your email?` },
  {
    send: () => 'not an email',
    reply: () => 'That does not look like an email. Try again, like ann@example.com.',
  },
  {
    send: (c) => `ann${c}@example.com`,
    reply: (c) => `Thanks Ann ${c}, we will write to ann${c}@example.com.`,
  },
];

/** waflow's version of the conversation: keyword "hi", two asks (the email validated, with a retry), an end. */
export const waflowFlow = {
  schemaVersion: 1,
  triggers: [{ type: 'keyword', keywords: ['hi'], match: 'exact' }],
  variables: [
    { name: 'name', type: 'string' },
    { name: 'email', type: 'string' },
  ],
  start: 'ask_name',
  nodes: [
    {
      id: 'ask_name',
      type: 'ask',
      prompt: 'What is your name?',
      saveAs: 'name',
      validation: { kind: 'text' },
      next: 'ask_email',
    },
    {
      id: 'ask_email',
      type: 'ask',
      prompt: 'Nice to meet you, {{name}}! What is your email?',
      saveAs: 'email',
      validation: { kind: 'email' },
      retryPrompt: 'That does not look like an email. Try again, like ann@example.com.',
      maxRetries: 2,
      next: 'thanks',
    },
    { id: 'thanks', type: 'end', message: 'Thanks {{name}}, we will write to {{email}}.' },
  ],
};

/** One side of the comparison: how a contact's message goes in and how the bot's replies come out. */
export interface PeerSide {
  send(from: string, text: string): void;
  onReply(listener: (to: string, text: string) => void): () => void;
  /** Waits, off the clock, after a round's replies are out (BuilderBot stores its reply after sending it). */
  settle?(): Promise<void>;
}

export interface RoundsResult {
  messages: number;
  /** Sum over the rounds of send → last reply. */
  seconds: number;
  roundMs: number[];
}

/**
 * Runs the conversation for `contacts` contacts named `${prefix}${c}`. Rejects if a reply is not
 * the expected one (a side that lost its place) or if a round stalls for `stallS` seconds.
 */
export async function runRounds(
  side: PeerSide,
  prefix: string,
  contacts: number,
  stallS: number,
): Promise<RoundsResult> {
  const roundMs: number[] = [];
  for (let step = 0; step < STEPS.length; step++) {
    const { send, reply } = STEPS[step] as (typeof STEPS)[number];
    const expected = new Map<string, string>();
    for (let c = 0; c < contacts; c++) expected.set(`${prefix}${c}`, reply(c));
    let timer: NodeJS.Timeout | undefined;
    let off = () => {};
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      off = side.onReply((to, text) => {
        const want = expected.get(to);
        if (want === undefined) return;
        if (text !== want)
          return reject(new Error(`step ${step + 1}: ${to} got "${text}", expected "${want}"`));
        expected.delete(to);
        if (expected.size === 0) resolve();
      });
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `step ${step + 1} stalled: ${expected.size} of ${contacts} replies missing after ${stallS} s`,
            ),
          ),
        stallS * 1000,
      );
      for (let c = 0; c < contacts; c++) side.send(`${prefix}${c}`, send(c));
    }).finally(() => {
      clearTimeout(timer);
      off();
    });
    roundMs.push(performance.now() - started);
    await side.settle?.();
  }
  const seconds = roundMs.reduce((a, b) => a + b, 0) / 1000;
  return { messages: contacts * STEPS.length, seconds, roundMs };
}

/** "N msgs in S s: R msgs/s (rounds a / b / c / d ms)". */
export function describe(r: RoundsResult): string {
  return `${r.messages} msgs in ${r.seconds.toFixed(2)} s: ${rate(r)} msgs/s (rounds ${r.roundMs.map((ms) => Math.round(ms)).join(' / ')} ms)`;
}

export const rate = (r: RoundsResult): number => Math.round(r.messages / r.seconds);
