// What a person typed on the linked phone (WhatsApp Web's own messages that waflow did not send)
// goes into the conversation's transcript, so the inbox shows what the human said. It is an
// outbound message by `phone`, already sent (it is on the network); the WhatsApp message id
// keeps it once per number whatever the library re-emits. No `message.sent` webhook: that event
// is for what waflow sent.
import { insertMessage, type Database } from '@waflow/db';
import type { PhoneMessage } from '@waflow/channel';

export async function recordPhoneMessage(
  db: Database,
  input: { workspaceId: string; numberId: string; conversationId: string; message: PhoneMessage },
): Promise<void> {
  const { message } = input;
  const at = new Date(message.timestamp);
  await insertMessage(db, {
    workspaceId: input.workspaceId,
    numberId: input.numberId,
    conversationId: input.conversationId,
    direction: 'out',
    author: 'phone',
    waMessageId: message.messageId,
    type: message.type,
    body: message.text ?? null,
    status: 'sent',
    sentAt: at,
  });
}
