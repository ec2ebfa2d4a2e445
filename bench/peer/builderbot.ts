// BuilderBot's side of the peer benchmark: its core (@builderbot/bot, pinned) with the TestProvider
// and MemoryDB it ships, all in memory, holding the same conversation as conversation.ts. Messages
// go in as a real provider hands them over (a 'message' event on the provider); replies are read
// where the core hands them to the provider (sendMessage).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerSide } from './conversation.ts';

// BuilderBot's core opens core.class.log and queue.class.log in the working directory when it is
// loaded (it logs every message there, as in production): keep them out of the repository.
// It names them after process.cwd() as it loads, so the directory changes for the import only.
const cwd = process.cwd();
process.chdir(mkdtempSync(join(tmpdir(), 'bench-builderbot-')));
const { addKeyword, createBot, createFlow, MemoryDB, TestTool } = await import('@builderbot/bot');
process.chdir(cwd);

// The same check as waflow's email validation (packages/flow/src/blocks/ask/validate-answer.ts).
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
// BuilderBot stores the reply it sent only after the provider's sendMessage resolved, and a
// message arriving before that is answered from the previous step: rounds wait this long after
// their last reply, off the clock (BENCH_BUILDERBOT_SETTLE_MS).
const SETTLE_MS = Number(process.env.BENCH_BUILDERBOT_SETTLE_MS ?? 20);

type Listener = (to: string, text: string) => void;

/** A fresh bot (empty MemoryDB) on BuilderBot's TestProvider, replies reported to the listeners. */
export async function startBuilderBot(): Promise<PeerSide> {
  const listeners = new Set<Listener>();
  class ReportingProvider extends TestTool.TestProvider {
    override async sendMessage<K>(userId: string, message: string): Promise<K> {
      for (const l of listeners) l(userId, message);
      return super.sendMessage(userId, message) as Promise<K>;
    }
  }
  const flow = addKeyword<ReportingProvider, InstanceType<typeof MemoryDB>>('hi')
    .addAnswer('What is your name?', { capture: true }, async (ctx, { state, flowDynamic }) => {
      await state.update({ name: ctx.body });
      await flowDynamic(`Nice to meet you, ${ctx.body}! What is your email?`);
    })
    .addAnswer('', { capture: true }, async (ctx, { state, fallBack, endFlow }) => {
      if (!EMAIL.test(ctx.body))
        return fallBack('That does not look like an email. Try again, like ann@example.com.');
      const email = ctx.body.toLowerCase();
      await state.update({ email });
      return endFlow(`Thanks ${String(state.get('name'))}, we will write to ${email}.`);
    });
  const provider = new ReportingProvider();
  await createBot({ flow: createFlow([flow]), provider, database: new MemoryDB() });
  return {
    send: (from, text) => provider.emit('message', { from, body: text, name: from }),
    onReply: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    settle: () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS)),
  };
}
