// The numbers routes' shapes: the channels a number can use, the add and change bodies (with each
// official channel's credentials), the columns read and the view answered.
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import { cloudApiCredentials } from './cloud-api-account.ts';
import { twilioCredentials } from './twilio-account.ts';

export const CHANNELS = ['whatsapp', 'sandbox', 'cloud_api', 'twilio'] as const;

export const createBody = z
  .object({
    label: z
      .string()
      .trim()
      .min(1, 'give the number a label')
      .max(80, 'keep the label under 80 characters'),
    flowId: z.string().uuid('pick a flow from the list').optional(),
    channel: z.enum(CHANNELS).default('whatsapp'),
    /** With `channel: "cloud_api"`: the number's Meta credentials. */
    cloudApi: cloudApiCredentials.optional(),
    /** With `channel: "twilio"`: the account and the WhatsApp sender. */
    twilio: twilioCredentials.optional(),
  })
  .refine((b) => b.channel !== 'cloud_api' || b.cloudApi, {
    path: ['cloudApi'],
    message:
      'a Cloud API number needs its phoneNumberId, wabaId, accessToken and appSecret (from Meta’s dashboard)',
  })
  .refine((b) => b.channel !== 'twilio' || b.twilio, {
    path: ['twilio'],
    message: 'a Twilio number needs its accountSid, authToken and sender (from the Twilio Console)',
  });
export const updateBody = z.object({
  label: z.string().trim().min(1, 'give the number a label').max(80).optional(),
  flowId: z.string().uuid('pick a flow from the list').nullable().optional(),
});

export const columns = {
  id: schema.numbers.id,
  label: schema.numbers.label,
  channel: schema.numbers.channel,
  phone: schema.numbers.phone,
  status: schema.numbers.status,
  flowId: schema.numbers.flowId,
  lastError: schema.numbers.lastError,
  restartCount: schema.numbers.restartCount,
  heartbeatAt: schema.numbers.heartbeatAt,
  createdAt: schema.numbers.createdAt,
};

export const numberView = z.object({
  id: z.string(),
  label: z.string(),
  channel: z.enum(CHANNELS),
  phone: z.string().nullable(),
  status: z.enum(['new', 'qr', 'authenticated', 'ready', 'disconnected', 'logged_out']),
  flowId: z.string().nullable(),
  lastError: z.string().nullable(),
  restartCount: z.number(),
  heartbeatAt: z.date().nullable(),
  createdAt: z.date(),
});
