/* Generated from schemas/webhooks/ by `npm run gen:webhooks -w @waflow/db`. Do not edit: change the schemas. */

/**
 * A campaign finished: every recipient was sent to, failed or skipped, or it was cancelled (`status`). Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface CampaignCompletedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'campaign.completed';
  timestamp: string;
  data: {
    campaignId: string;
    name: string;
    status: 'completed' | 'cancelled';
    /**
     * Recipients by status.
     */
    counts: {
      queued: number;
      sent: number;
      delivered: number;
      read: number;
      replied: number;
      failed: number;
      skipped: number;
    };
  };
}

/**
 * A campaign message to one recipient could not be sent; `reason` says why. Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface CampaignRecipientFailedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'campaign.recipient_failed';
  timestamp: string;
  data: {
    campaignId: string;
    recipientId: string;
    contactId: string;
    /**
     * The WhatsApp id (`<digits>@c.us`).
     */
    contact: string;
    numberId: string;
    messageId?: string | null;
    reason: string;
  };
}

/**
 * A campaign started sending: its recipients were chosen (one row each) at this moment. Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface CampaignStartedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'campaign.started';
  timestamp: string;
  data: {
    campaignId: string;
    name: string;
    /**
     * How many recipients were chosen, skipped ones included.
     */
    recipients: number;
    /**
     * Of them, how many will get nothing (opted out, invalid).
     */
    skipped?: number;
  };
}

/**
 * A contact was erased on request (the right to erasure): waflow deleted their conversations, messages and results. Erase what your systems keep about them too. Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface ContactErasedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'contact.erased';
  timestamp: string;
  data: {
    /**
     * The contact as results and conversations named it (contact.id).
     */
    contactId: string;
    /**
     * The number they wrote to.
     */
    numberId: string;
    /**
     * The contact's WhatsApp id, e.g. 34600123456@c.us.
     */
    contact: string;
    /**
     * How many conversations were deleted.
     */
    conversations?: number;
  };
}

/**
 * A conversation reached an end block; `results` holds the variables it collected. Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface ConversationCompletedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'conversation.completed';
  timestamp: string;
  data: {
    /**
     * The conversation (read it at /api/v1/integrations/conversations/{id}).
     */
    conversationId: string;
    /**
     * The contact's WhatsApp id, e.g. 34600123456@c.us.
     */
    contact: string;
    flowId: string | null;
    flowVersionId: string | null;
    /**
     * The flow's variables at the end (name → value).
     */
    results: {
      [k: string]: unknown | undefined;
    };
  };
}

/**
 * A contact started a conversation (or an integrator started one), on the flow version it will finish on. Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface ConversationStartedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'conversation.started';
  timestamp: string;
  data: {
    /**
     * The conversation (read it at /api/v1/integrations/conversations/{id}).
     */
    conversationId: string;
    /**
     * The contact's WhatsApp id, e.g. 34600123456@c.us.
     */
    contact: string;
    flowId: string | null;
    flowVersionId: string | null;
  };
}

/**
 * Another endpoint of the workspace was disabled after failing (410 Gone, or 5 days of failures). Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface EndpointDisabledEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'endpoint.disabled';
  timestamp: string;
  data: {
    endpointId: string;
    url?: string;
    reason: string;
  };
}

/**
 * A new version of a flow was published (new conversations use it at once). Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface FlowPublishedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'flow.published';
  timestamp: string;
  data: {
    flowId: string;
    versionId: string;
    version: number;
    changelog?: string;
  };
}

/**
 * What a flow's webhook block sends: the event name is the block's own (e.g. support.ticket), `data` carries the conversation and the block's payload fields. Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface FlowWebhookEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  /**
   * The event name the flow's webhook block sets (e.g. lead.captured).
   */
  type: string;
  timestamp: string;
  /**
   * conversationId, contact and flowId, plus the block's payload fields (field → text, variables filled in; when the block sets no payload, every variable of the conversation).
   */
  data: {
    /**
     * The conversation (read it at /api/v1/integrations/conversations/{id}).
     */
    conversationId: string;
    /**
     * The contact's WhatsApp id, e.g. 34600123456@c.us.
     */
    contact: string;
    flowId: string | null;
    [k: string]: unknown | undefined;
  };
}

/**
 * A flow passed a conversation to a person (handoff block); the bot stays quiet until it is released. Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface HandoffRequestedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'handoff.requested';
  timestamp: string;
  data: {
    /**
     * The conversation (read it at /api/v1/integrations/conversations/{id}).
     */
    conversationId: string;
    /**
     * The contact's WhatsApp id, e.g. 34600123456@c.us.
     */
    contact: string;
    reason?: string | null;
  };
}

/**
 * A message could not be sent after its retries; `error` says why. Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface MessageFailedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'message.failed';
  timestamp: string;
  data: {
    /**
     * waflow's id of the message (null if the transcript row was deleted before the send failed).
     */
    messageId: string | null;
    numberId: string;
    conversationId?: string | null;
    contact: string;
    /**
     * What was sent; for a template, `text` is its fallback text.
     */
    type?: 'text' | 'media' | 'location' | 'template';
    text?: string | null;
    error: string;
    author?: 'bot' | 'agent' | 'integrator' | 'campaign';
  };
}

/**
 * A contact's message was stored (before the flow answers it). Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface MessageReceivedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'message.received';
  timestamp: string;
  data: {
    /**
     * waflow's id of the message.
     */
    messageId?: string;
    numberId: string;
    conversationId?: string | null;
    contact: string;
    type: 'text' | 'media' | 'location';
    text?: string | null;
    waMessageId?: string;
  };
}

/**
 * WhatsApp accepted a message the bot, a person or an integrator sent. Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface MessageSentEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'message.sent';
  timestamp: string;
  data: {
    /**
     * waflow's id of the message.
     */
    messageId: string;
    numberId: string;
    conversationId?: string | null;
    contact: string;
    /**
     * What was sent; for a template, `text` is its fallback text.
     */
    type?: 'text' | 'media' | 'location' | 'template';
    text?: string | null;
    providerMessageId: string;
    author?: 'bot' | 'agent' | 'integrator' | 'campaign';
  };
}

/**
 * A WhatsApp number's session changed state (qr, authenticated, ready, disconnected, logged_out). Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface NumberStatusChangedEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'number.status_changed';
  timestamp: string;
  data: {
    numberId: string;
    status: 'new' | 'qr' | 'authenticated' | 'ready' | 'disconnected' | 'logged_out';
    previous?: string | null;
    detail?: string | null;
  };
}

/**
 * Sent by "Send test event" in the web app (or POST …/webhooks/{id}/test). Delivered as a POST signed per Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); `id` equals webhook-id and stays the same on every retry and replay.
 */
export interface WebhookTestEvent {
  /**
   * Unique per event: deduplicate on it.
   */
  id: string;
  type: 'webhook.test';
  timestamp: string;
  data: {
    message: string;
  };
}

/** Each platform event type and the `data` its payload carries (flow events: FlowWebhookEvent). */
export interface WebhookPayloads {
  'campaign.completed': CampaignCompletedEvent['data'];
  'campaign.recipient_failed': CampaignRecipientFailedEvent['data'];
  'campaign.started': CampaignStartedEvent['data'];
  'contact.erased': ContactErasedEvent['data'];
  'conversation.completed': ConversationCompletedEvent['data'];
  'conversation.started': ConversationStartedEvent['data'];
  'endpoint.disabled': EndpointDisabledEvent['data'];
  'flow.published': FlowPublishedEvent['data'];
  'handoff.requested': HandoffRequestedEvent['data'];
  'message.failed': MessageFailedEvent['data'];
  'message.received': MessageReceivedEvent['data'];
  'message.sent': MessageSentEvent['data'];
  'number.status_changed': NumberStatusChangedEvent['data'];
  'webhook.test': WebhookTestEvent['data'];
}

export type WebhookEventType = keyof WebhookPayloads;
