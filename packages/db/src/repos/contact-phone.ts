// A contact's phone in E.164 ('+' then up to 15 digits, no leading zero) and its WhatsApp id.

const E164 = /^\+[1-9]\d{5,14}$/;

/** `34600111222@c.us` → `+34600111222`; undefined for an id that is no phone (a group). */
export function phoneFromWaId(waId: string): string | undefined {
  const m = /^(\d+)@c\.us$/.exec(waId);
  const phone = m ? `+${m[1]}` : undefined;
  return phone && E164.test(phone) ? phone : undefined;
}

/**
 * A phone as people write it (`+34 600 11 12 22`, `0034-600…`, `(34) 600…`) in E.164, or
 * undefined when it is none: a number needs its country code.
 */
export function normalizePhone(input: string): string | undefined {
  let s = input.trim().replace(/[\s().-]/g, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (!s.startsWith('+')) s = `+${s}`;
  return E164.test(s) ? s : undefined;
}

/** `+34600111222` → `34600111222@c.us`: the id contacts are keyed by. */
export const waIdFromPhone = (phone: string) => `${phone.slice(1)}@c.us`;
