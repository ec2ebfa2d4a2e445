export {
  ChannelSendError,
  type AckLevel,
  type Channel,
  type ChannelEvents,
  type InboundMessage,
  type NumberStatus,
  type OutboundMessage,
} from './channel.ts';
export { digitsFromWaId, waIdFromDigits } from './wa-id.ts';
