// What the API asks of the runtime it is composed with. main.ts (and the tests) hand it the
// embedded Runtime; the routes see only this port, so the API depends on packages, never on the
// runtime's code (a lint rule forbids one app importing another outside the composition).
import type { InboundMessage, OutboundMessage } from '@waflow/channel';
import type { Coordinator } from '@waflow/coord';
import type { InboundPayload } from '@waflow/db';
import type { HistogramSnapshot } from '@waflow/telemetry';

/** A reply the sandbox channel "sent" (the simulator streams them). */
export interface SandboxReply {
  providerMessageId: string;
  message: OutboundMessage;
  at: number;
}

export interface SandboxPort {
  readonly sent: readonly SandboxReply[];
  /** Calls `listener` for each reply from now on; the returned function stops it. */
  onSent(listener: (s: SandboxReply) => void): () => void;
}

export interface RuntimePort {
  /** The conversation locks the runtime's turns hold (take-over and erasure take them too). */
  readonly coord: Coordinator;
  readonly counters: {
    snapshot(): Record<string, number>;
    histogramSnapshot(): Record<string, HistogramSnapshot>;
  };
  /** Serves a sandbox number in this process (idempotent). */
  attachSandbox(numberId: string): Promise<SandboxPort>;
  /** An inbound message, persisted before it is processed. */
  receive(
    numberId: string,
    message: InboundMessage,
    opts?: { canWait?: boolean },
  ): Promise<{ inserted: boolean }>;
  /** An event already persisted as an inbound_events row: handle it now rather than at the next sweep. */
  submit(
    numberId: string,
    fromWaId: string,
    eventId: string,
    payload: InboundPayload,
  ): Promise<{ inserted: boolean }>;
}

/** What serves the numbers of an official channel (the embedded runtime's ProviderNumbers). */
export interface ProviderPort {
  /** A verified webhook's messages persisted and statuses recorded; resolves once all is stored. */
  deliver(
    numberId: string,
    delivery: {
      messages: InboundMessage[];
      statuses: {
        providerMessageId: string;
        level: 'sent' | 'delivered' | 'read' | 'failed';
        error?: { reason: string };
      }[];
    },
  ): Promise<{ inserted: number }>;
  /** Serves the number again with its current credentials (after they changed). */
  attach(numberId: string): Promise<void>;
  /** Serves the numbers not served yet (a new one at once), stops serving removed ones. */
  sync(): Promise<void>;
  /** The account of a number served here, as attached (saves the webhook route two reads). */
  account(
    numberId: string,
  ): { settings: Record<string, string>; secrets: Record<string, string> } | undefined;
}

/** The runtime refused a message because it cannot reach Redis: nothing was stored. */
export function isRuntimeNotReady(
  err: unknown,
): err is Error & { code: 'RUNTIME_NOT_READY'; retryAfterSeconds: number } {
  return (
    err instanceof Error &&
    (err as { code?: unknown }).code === 'RUNTIME_NOT_READY' &&
    typeof (err as { retryAfterSeconds?: unknown }).retryAfterSeconds === 'number'
  );
}
