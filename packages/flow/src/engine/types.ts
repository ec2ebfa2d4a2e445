// What goes into and comes out of advance(): events from the outside, effects for the runtime
// to carry out, and the conversation state (plain JSON, kept small).
import type { FlowConfig } from '../schema/types.ts';

export type InboundContent =
  | { kind: 'text'; text: string }
  /**
   * A tap on an option of a menu (the simulator, or a button/list reply where a channel still
   * delivers them): `option` is its 1-based number in the menu as sent; `label` as shown, if known.
   */
  | { kind: 'choice'; option: number; label?: string }
  | { kind: 'media'; ref: string; mimeType: string; caption?: string }
  | { kind: 'location'; latitude: number; longitude: number; name?: string };

export interface ContactInfo {
  name?: string;
  phone?: string;
  /** The contact's tags and custom attributes (by key): flows read them as {{contact.tags}}, {{contact.<key>}}. */
  tags?: string[];
  attributes?: Record<string, unknown>;
}

export type FlowEvent =
  | { type: 'message'; message: InboundContent; isFirstMessage?: boolean; contact?: ContactInfo }
  | { type: 'timer'; timerId: string }
  | {
      type: 'http_response';
      requestId: string;
      outcome: 'response' | 'timeout' | 'error';
      status?: number;
      body?: unknown;
      error?: string;
    }
  /** A person gives the conversation back: the bot carries on after the handoff block, or at `nodeId` (a block of the main flow). */
  | { type: 'handoff_released'; nodeId?: string }
  | { type: 'api_start'; variables?: Record<string, unknown>; contact?: ContactInfo };

/**
 * A choice question's menu beside its text: `text` is the numbered menu every channel can send;
 * a channel that renders reply buttons or lists sends `body` with `options` (1-based, in order)
 * and maps a tap back to the option's number (InboundContent `choice`).
 */
export interface Menu {
  body: string;
  options: string[];
}

export type OutboundContent =
  | { kind: 'text'; text: string; menu?: Menu }
  | {
      kind: 'media';
      mediaType: 'image' | 'document' | 'audio' | 'video';
      url: string;
      caption?: string;
      fileName?: string;
    }
  | { kind: 'location'; latitude: number; longitude: number; name?: string }
  /**
   * An approved WhatsApp template (Meta's `name` and `language` code), its body parameters
   * rendered; `contentSid` is its Twilio Content SID. `text` is what channels without templates
   * (WhatsApp Web, the sandbox) send instead, and what the transcript shows.
   */
  | {
      kind: 'template';
      name: string;
      language: string;
      parameters: string[];
      contentSid?: string;
      text: string;
    };

export type EndReason = 'completed' | 'stopped' | 'expired' | 'error';

/** Effect ids are unique within a conversation and the same on a replay: the runtime's idempotency keys. */
export type Effect =
  | { type: 'send'; id: string; message: OutboundContent }
  | { type: 'webhook'; id: string; event: string; payload: Record<string, unknown> }
  | {
      type: 'http_request';
      id: string;
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      url: string;
      headers: Record<string, string>;
      body?: unknown;
      timeoutMs: number;
    }
  | {
      type: 'set_timer';
      id: string;
      dueAt: number;
      purpose: 'ask_timeout' | 'delay' | 'conversation_timeout';
    }
  | { type: 'cancel_timer'; id: string; timerId: string }
  | {
      type: 'handoff';
      id: string;
      reason?: string;
      /** Who gets it in the inbox: `round-robin` or a member's email (absent: unassigned). */
      assignTo?: string;
    }
  | {
      type: 'results';
      id: string;
      status: 'partial' | 'completed';
      variables: Record<string, unknown>;
    }
  /**
   * A line for the people watching the conversation (its transcript, the simulator), never sent
   * to the contact: why an http block failed ("blocked: 10.0.0.1 is a private address …").
   */
  | { type: 'notice'; id: string; nodeId: string; text: string }
  /**
   * Values a set block saves on the contact (`saveToContact`), by attribute key, as the flow
   * computed them: the runtime writes them with the attribute's declared type.
   */
  | { type: 'contact_update'; id: string; nodeId: string; attributes: Record<string, unknown> }
  | { type: 'end'; id: string; reason: EndReason }
  | {
      type: 'error';
      id: string;
      code: 'STEP_LIMIT' | 'SUBFLOW_MISSING' | 'NODE_MISSING';
      message: string;
      nodeId?: string;
    };

export type Frame =
  | {
      k: 'sub';
      flow?: string;
      ret?: string;
      out?: Record<string, string>;
      vars: Record<string, unknown>;
    }
  | { k: 'loop'; node: string; i: number };

export type Wait =
  | { k: 'input'; node: string; timer?: string }
  | { k: 'timer'; node: string; timer: string }
  | { k: 'http'; node: string; req: string }
  | { k: 'handoff'; node: string };

export interface ConversationState {
  v: 1;
  status: 'active' | 'waiting' | 'handoff' | 'completed';
  /** The flow being run when inside a sub-flow (absent: the main flow). */
  flow?: string;
  wait?: Wait;
  vars: Record<string, unknown>;
  /** Invalid answers to the current question. */
  tries?: number;
  /** Effect counter: effect ids derive from it. */
  seq: number;
  /** Seed of the conversation's random draws (A/B splits). */
  seed: number;
  stack?: Frame[];
  /** The conversation-timeout timer in force. */
  convTimer?: string;
  endReason?: EndReason;
  /** When the run started waiting at `wait.node` (ms): the time spent there, for analytics. */
  since?: number;
}

/**
 * What a run did on the main flow's blocks, for analytics (the runtime counts them in the turn's
 * commit): a block entered; left towards the next block (`to`, null: the path ended) after `ms`
 * in it (0 unless it waited); an answer it refused; an http call that failed.
 */
export type Visit =
  | { k: 'enter'; node: string }
  | { k: 'leave'; node: string; to: string | null; ms: number }
  | { k: 'invalid'; node: string }
  | { k: 'http_failed'; node: string };

export interface AdvanceResult {
  state: ConversationState | null;
  effects: Effect[];
  /** The blocks visited, when a flow ran (absent when nothing did). */
  visits?: Visit[];
}

/** Other flows a sub-flow block may call, by flow id (the runtime pins their versions). */
export type SubflowMap = Readonly<Record<string, FlowConfig>>;
