// A person wrote to a contact from the phone: the bot steps back in that conversation for a while
// (a conversation is opened in handoff when none is), and what the person wrote is kept in its
// transcript. See Runtime.pauseForPerson.
import { eq } from 'drizzle-orm';
import { withConversationLock, type Coordinator } from '@waflow/coord';
import {
  createConversation,
  findOpenConversation,
  handConversationToPerson,
  schema,
  upsertContact,
  type Database,
} from '@waflow/db';
import type { PhoneMessage } from '@waflow/channel';
import { recordPhoneMessage } from './phone-message.ts';

export interface PauseDeps {
  db: Database;
  coord: Coordinator;
  now: () => number;
  /** The runtime's default pause (ms; 1 h when unset). */
  humanReplyPauseMs: number | undefined;
}

export async function pauseConversationForPerson(
  deps: PauseDeps,
  numberId: string,
  waId: string,
  message?: PhoneMessage,
): Promise<void> {
  const [number] = await deps.db
    .select({ workspaceId: schema.numbers.workspaceId, settings: schema.workspaces.settings })
    .from(schema.numbers)
    .innerJoin(schema.workspaces, eq(schema.workspaces.id, schema.numbers.workspaceId))
    .where(eq(schema.numbers.id, numberId));
  if (!number) return;
  // The workspace's setting (Settings → Workspace in the web app), else the runtime's default.
  const minutes = number.settings.humanReplyPauseMinutes;
  const pauseMs =
    typeof minutes === 'number' ? minutes * 60_000 : (deps.humanReplyPauseMs ?? 60 * 60_000);
  const until = new Date(deps.now() + pauseMs);
  await withConversationLock(deps.coord, numberId, waId, async (lock) => {
    const contact = await upsertContact(deps.db, {
      workspaceId: number.workspaceId,
      numberId,
      waId,
    });
    const open = await findOpenConversation(deps.db, numberId, contact.id);
    const conversation =
      open ??
      (await createConversation(deps.db, {
        workspaceId: number.workspaceId,
        numberId,
        contactId: contact.id,
        flowId: null,
        flowVersionId: null,
      }));
    // A take-over in the web app is kept (it lasts until released).
    await handConversationToPerson(deps.db, conversation.id, {
      until,
      keepTakeOver: true,
      at: new Date(deps.now()),
      ...(lock ? { fence: lock.fence } : {}),
    });
    if (message)
      await recordPhoneMessage(deps.db, {
        workspaceId: number.workspaceId,
        numberId,
        conversationId: conversation.id,
        message,
      });
  });
}
