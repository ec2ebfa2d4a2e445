export {
  startTwilioDouble,
  twilioFailure,
  type TwilioDouble,
  type TwilioFailure,
  type TwilioSend,
} from './twilio-double.ts';
export {
  inboundParams,
  newTwilioSid,
  postTwilioSigned,
  statusParams,
  type TwilioContactMessage,
  type TwilioMessageStatus,
  type TwilioWebhookTarget,
} from './webhooks.ts';
