export { classifyGraphError, type GraphErrorBody, type GraphErrorVerdict } from './graph-error.ts';
export {
  CLOUD_UPLOAD_PREFIX,
  graphMessageId,
  LIST_BUTTON_TITLE,
  toGraphMessage,
  toGraphMessages,
} from './graph-message.ts';
export { verifyHubSignature } from './signature.ts';
export {
  CLOUD_MEDIA_PREFIX,
  CloudWebhookError,
  parseCloudWebhook,
  type CloudStatus,
  type CloudWebhookBatch,
} from './webhook.ts';
export {
  defaultGraphConfig,
  GraphCallError,
  listTemplates,
  readPhoneNumber,
  sendGraphMessage,
  uploadGraphMedia,
  type CloudCredentials,
  type CloudTemplate,
  type GraphConfig,
  type PhoneNumberDetails,
} from './graph-client.ts';
