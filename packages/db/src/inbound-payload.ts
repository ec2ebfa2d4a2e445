// What an inbound_events row carries: every outside event a conversation reacts to goes through
// the same persisted queue (messages, fired timers, HTTP answers, handoff releases, API starts),
// so a crash replays them all the same way.
import type { ContactInfo } from '@waflow/flow';
import type { InboundMessage } from '@waflow/channel';

export type InboundPayload =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'timer'; conversationId: string; timerId: string }
  | {
      kind: 'http_response';
      conversationId: string;
      requestId: string;
      outcome: 'response' | 'timeout' | 'error';
      status?: number;
      body?: unknown;
      error?: string;
    }
  | { kind: 'handoff_released'; conversationId: string; nodeId?: string }
  | {
      kind: 'api_start';
      flowId?: string;
      variables: Record<string, unknown>;
      contact: ContactInfo;
    };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Rows are written only by this module's ingest(); still, check the shape before trusting it. */
export function parseInboundPayload(raw: unknown): InboundPayload {
  if (!isRecord(raw) || typeof raw.kind !== 'string')
    throw new Error('inbound event payload has no kind');
  switch (raw.kind) {
    case 'message':
      if (!isRecord(raw.message) || typeof raw.message.messageId !== 'string')
        throw new Error('message event without a message');
      break;
    case 'timer':
    case 'http_response':
    case 'handoff_released':
      if (typeof raw.conversationId !== 'string')
        throw new Error(`${raw.kind} event without a conversation`);
      break;
    case 'api_start':
      break;
    default:
      throw new Error(`unknown inbound event kind ${raw.kind}`);
  }
  return raw as InboundPayload;
}
