// The one lock a conversation's writers share: the runtime's turn (claim → commit), an admin's
// take-over, a person replying from the phone and the contact's erasure all run under it, so
// none of them is overwritten by a turn that began before it.
import type { Coordinator, HeldLock } from './coordinator.ts';

/** The lock key of the conversation between a number and a contact. */
export const conversationLockKey = (numberId: string, waId: string): string =>
  `${numberId}:${waId}`;

/**
 * Runs `fn` holding the conversation's lock. Without a coordinator (an API serving no runtime,
 * as in some tests) `fn` runs unlocked with no fence: there is no turn to race.
 */
export function withConversationLock<T>(
  coord: Coordinator | undefined,
  numberId: string,
  waId: string,
  fn: (lock: HeldLock | undefined) => Promise<T>,
): Promise<T> {
  return coord ? coord.withLock(conversationLockKey(numberId, waId), fn) : fn(undefined);
}
