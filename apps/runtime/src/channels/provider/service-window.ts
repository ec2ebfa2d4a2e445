// WhatsApp's customer-service window, which the official channels enforce: free-form messages
// only within 24 hours of the contact's last message; outside it, only approved templates. A
// free-form send outside it is refused here, before any HTTP call, with a reason an admin reads.

export const SERVICE_WINDOW_MS = 24 * 60 * 60_000;

export const OUTSIDE_WINDOW_REASON =
  'Not sent: the contact last wrote more than 24 hours ago, and WhatsApp only delivers approved templates outside that window. The contact has to write first, or the flow has to open with a template (a "Send message" block of kind Template).';

export class ServiceWindow {
  /** Per contact: their last inbound as last read (a lower bound: they may have written since). */
  private readonly lastInbound = new Map<string, number>();

  constructor(
    /** When the contact last wrote to the number (persisted inbound), undefined if never. */
    private readonly lastInboundAt: (waId: string) => Promise<number | undefined>,
    private readonly now: () => number,
  ) {}

  /** A contact's message was just received: their window is open from `at`. */
  note(waId: string, at: number): void {
    if ((this.lastInbound.get(waId) ?? 0) < at) this.lastInbound.set(waId, at);
  }

  async isOpen(waId: string): Promise<boolean> {
    const cutoff = this.now() - SERVICE_WINDOW_MS;
    if ((this.lastInbound.get(waId) ?? 0) > cutoff) return true;
    const last = await this.lastInboundAt(waId);
    if (last !== undefined) this.note(waId, last);
    return last !== undefined && last > cutoff;
  }
}
