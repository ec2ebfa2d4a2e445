// Whether a person has a conversation (taken over in the web app, or replying from the phone),
// so that the bot stays quiet.
/** In handoff with no end set (until released), or paused until a time still ahead. */
export function isPausedForPerson(
  c: { status: string; handoffUntil: Date | null },
  now: Date,
): boolean {
  return c.status === 'handoff' && (c.handoffUntil === null || c.handoffUntil > now);
}
