// Anti-ban manners: how long the contact sees "typing…" before a reply. It grows with the
// reply's length, like a person typing, within bounds.

export interface Manners {
  /** Mark the contact's messages as read when they arrive. */
  markSeen: boolean;
  /** Typing shown per character of the reply (ms). */
  typingMsPerChar: number;
  typingMinMs: number;
  typingMaxMs: number;
}

export const defaultManners: Manners = {
  markSeen: true,
  typingMsPerChar: 30,
  typingMinMs: 600,
  typingMaxMs: 4_000,
};

export function typingDelayMs(text: string, m: Manners): number {
  return Math.min(
    m.typingMaxMs,
    Math.max(m.typingMinMs, Math.round(text.length * m.typingMsPerChar)),
  );
}
