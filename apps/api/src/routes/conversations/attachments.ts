// Send an image or a document from the inbox: the file is the request's body (its Content-Type
// says what it is), kept in the data folder like inbound media (`media/<numberId>/…`), and queued
// as a person's message through the outbox like a typed reply. WhatsApp Web and the sandbox send
// the file itself; a Cloud API number uploads it to Meta first (POST /{phone-number-id}/media).
// Twilio fetches media only from a public link, which a file of the data folder is not: refused
// there, in words. Images are JPEG or PNG (what WhatsApp shows as a photo); anything else goes as
// a document. At most MAX_ATTACHMENT_MB.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod/v4';
import { MediaStorage } from '@waflow/channel';
import { queueMessage, schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { rawBody } from '../../routing/raw-body.ts';
import type { RouteFn } from '../../routing/route.ts';
import { loadConversation } from './conversation-access.ts';
import { inPersonsHands } from './take-over.ts';

export const ATTACHMENTS_PATH = '/api/v1/workspaces/:ws/conversations/:id/attachments';
export const ATTACHMENTS_PATH_END = '/attachments';
export const MAX_ATTACHMENT_MB = 16;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);

const attachmentQuery = z.object({
  fileName: z
    .string()
    .trim()
    .min(1, 'name the file (fileName=photo.jpg)')
    .max(200, 'a file name is at most 200 characters'),
  caption: z
    .string()
    .trim()
    .max(1024, 'a caption is at most 1024 characters')
    .optional()
    .describe('Text shown with the file'),
});

export function registerAttachments(route: RouteFn, deps: Deps): void {
  route({
    method: 'post',
    path: ATTACHMENTS_PATH,
    access: 'conversations.reply',
    tag: 'Conversations',
    summary:
      'Send an image or a document as a person (the body is the file, its Content-Type its kind)',
    description:
      `JPEG and PNG go as images, any other file as a document; at most ${MAX_ATTACHMENT_MB} MB. The conversation is taken over first, as for a reply. ` +
      'Errors: 400 EMPTY_ATTACHMENT; 413 ATTACHMENT_TOO_LARGE; 422 ATTACHMENT_NOT_SUPPORTED on a Twilio number (Twilio fetches media from a public link only).',
    query: attachmentQuery,
    responses: [{ status: 202, description: 'Queued: the message id' }],
    handler: async (c, { query }) => {
      const workspaceId = c.get('workspaceId');
      const conv = await loadConversation(deps, workspaceId, c.req.param('id'));
      const [number] = await deps.client.db
        .select({ channel: schema.numbers.channel })
        .from(schema.numbers)
        .where(eq(schema.numbers.id, conv.numberId));
      if (number?.channel === 'twilio')
        throw new AppError(
          422,
          'ATTACHMENT_NOT_SUPPORTED',
          'Twilio numbers send media only from a public link: paste a link to the file in a reply instead.',
        );
      if (!deps.dataDir)
        throw new AppError(
          503,
          'NO_DATA_FOLDER',
          'This server keeps no files: set WAFLOW_DATA_DIR.',
        );
      const data = Buffer.from(
        await rawBody(
          c,
          MAX_ATTACHMENT_MB * 1_048_576,
          () =>
            new AppError(
              413,
              'ATTACHMENT_TOO_LARGE',
              `The file is larger than ${MAX_ATTACHMENT_MB} MB, the most WhatsApp takes from the inbox: send a smaller one, or a link.`,
            ),
        ),
      );
      if (data.length === 0)
        throw new AppError(400, 'EMPTY_ATTACHMENT', 'The file is empty: choose another.');
      const mimeType =
        (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const mediaType = IMAGE_TYPES.has(mimeType) ? 'image' : 'document';
      await inPersonsHands(deps, c, conv);
      const ref = await new MediaStorage(deps.dataDir).save(
        conv.numberId,
        `agent-${randomUUID()}`,
        {
          data,
          mimeType: mimeType || 'application/octet-stream',
          fileName: query.fileName,
        },
      );
      const queued = await deps.client.db.transaction(async (tx) => {
        // The conversation's row first, then the transcript line (the runtime's lock order).
        await tx
          .update(schema.conversations)
          .set({ lastActivityAt: new Date() })
          .where(eq(schema.conversations.id, conv.id));
        const r = await queueMessage(tx, {
          workspaceId,
          numberId: conv.numberId,
          conversationId: conv.id,
          to: conv.contact.waId,
          text: query.caption ?? '',
          author: 'agent',
          idempotencyKey: `agent:${conv.id}:${randomUUID()}`,
          media: { ref, mediaType, fileName: query.fileName },
        });
        await audit(c, tx, {
          action: 'conversation.reply',
          entityType: 'conversation',
          entityId: conv.id,
          after: { messageId: r.messageId, attachment: mediaType },
        });
        return r;
      });
      return c.json({ messageId: queued.messageId, mediaType }, 202);
    },
  });
}
