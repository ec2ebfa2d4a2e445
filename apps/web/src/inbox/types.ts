// The inbox's shapes as the API answers them (conversations list and detail, the event stream).
import type { TranscriptEntry } from '../pages/transcript-message.tsx';

export interface Conv {
  id: string;
  status: string;
  lastActivityAt: string;
  assignedTo: string | null;
  handoffReason: string | null;
  /** A pause for a reply from the phone ends then; null: taken over until released. */
  handoffUntil: string | null;
  contact: {
    id: string;
    waId: string;
    name: string | null;
    /** Set when they opted out (an opt-out keyword): the inbox marks them. */
    optedOutAt?: string | null;
  };
  /** Messages from the contact you have not read (the list only). */
  unread?: number;
}

export interface ConvDetail extends Conv {
  /** The blocks of the flow it runs: where the bot may carry on when given it back. */
  blocks: { id: string; type: string }[];
  /** The contact's tags and attributes (the workspace's contacts), and whether they opted out. */
  contactProfile: {
    phone: string | null;
    tags: string[];
    attributes: Record<string, unknown>;
    optedOutAt: string | null;
  } | null;
  variables: Record<string, unknown>;
  messages: TranscriptEntry[];
}

export interface ListPage {
  items: Conv[];
  nextCursor: string | null;
}

/** One `inbox` event of GET /workspaces/:ws/events. */
export interface InboxEvent {
  seq: number;
  kind: 'message' | 'message_status' | 'conversation' | 'number';
  conversationId: string | null;
  conversation: Conv | null;
  message: TranscriptEntry | null;
  number: { id: string; status: string } | null;
}

export type View = 'all' | 'mine' | 'unassigned' | 'handoff' | 'bot';

export const contactLabel = (c: Conv['contact']) => c.name ?? c.waId.replace(/@.*/, '');
