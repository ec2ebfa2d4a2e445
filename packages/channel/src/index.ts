export {
  ChannelSendError,
  type AckLevel,
  type Channel,
  type ChannelEvents,
  type HandedMessage,
  type InboundMessage,
  type NumberStatus,
  type OutboundMessage,
  type PhoneMessage,
  type SendOptions,
} from './channel.ts';
export { digitsFromWaId, waIdFromDigits } from './wa-id.ts';
export {
  cloudApiCapabilities,
  menuRendering,
  splitText,
  templateAsText,
  twilioCapabilities,
  whatsappWebCapabilities,
  type ChannelCapabilities,
  type FreeFormMessage,
  type MenuRendering,
} from './capabilities.ts';
export { isMediaRef, MediaStorage, mimeOfRef } from './media-storage.ts';
