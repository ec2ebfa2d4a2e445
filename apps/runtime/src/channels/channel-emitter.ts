// A small typed event emitter the channel implementations share.
import type { ChannelEvents } from '@waflow/channel';

type Listeners = { [E in keyof ChannelEvents]: Set<ChannelEvents[E]> };

export class ChannelEmitter {
  private readonly listeners: Listeners = {
    inbound: new Set(),
    status: new Set(),
    qr: new Set(),
    ack: new Set(),
    humanReply: new Set(),
  };

  on<E extends keyof ChannelEvents>(event: E, listener: ChannelEvents[E]): () => void {
    const set: Set<ChannelEvents[E]> = this.listeners[event];
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends keyof ChannelEvents>(event: E, ...args: Parameters<ChannelEvents[E]>): void {
    const set: Set<ChannelEvents[E]> = this.listeners[event];
    for (const l of set) (l as (...a: Parameters<ChannelEvents[E]>) => void)(...args);
  }
}
