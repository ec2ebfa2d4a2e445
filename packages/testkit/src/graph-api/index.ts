export {
  graphFailure,
  startGraphApiDouble,
  type GraphApiDouble,
  type GraphFailure,
  type GraphSend,
  type GraphTemplate,
} from './graph-api-double.ts';
export {
  messageWebhook,
  newWamid,
  postSigned,
  statusWebhook,
  type ContactMessage,
  type WebhookTarget,
} from './webhooks.ts';
