export { twilioAddressFromWaId, waIdFromTwilioAddress } from './address.ts';
export {
  classifyTwilioError,
  type TwilioErrorBody,
  type TwilioErrorVerdict,
} from './rest-error.ts';
export {
  mapsLink,
  toTwilioMessage,
  toTwilioTemplate,
  twilioMessageSid,
  type TwilioSendOptions,
  type TwilioTemplateMessage,
} from './rest-message.ts';
export { twilioSignature, verifyTwilioSignature } from './signature.ts';
export {
  parseTwilioInbound,
  parseTwilioStatus,
  readTwilioForm,
  TWILIO_MEDIA_PREFIX,
  TwilioWebhookError,
  type TwilioStatus,
} from './webhook.ts';
export {
  defaultTwilioConfig,
  downloadTwilioMedia,
  readTwilioAccount,
  sendTwilioMessage,
  TwilioCallError,
  type TwilioAccountDetails,
  type TwilioConfig,
  type TwilioCredentials,
} from './rest-client.ts';
