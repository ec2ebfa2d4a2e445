// One identity for a contact across channels: `<digits>@c.us`, the form whatsapp-web.js uses and
// contacts are keyed by. The official APIs speak bare digits (Cloud API) or `whatsapp:+<digits>`
// (Twilio); these convert at the channel's edge.

/** `16315551234` or `+16315551234` → `16315551234@c.us`. */
export function waIdFromDigits(phone: string): string {
  const digits = phone.replace(/^\+/, '');
  if (!/^\d{5,20}$/.test(digits)) throw new Error(`"${phone}" is not a phone number in digits`);
  return `${digits}@c.us`;
}

/** `16315551234@c.us` → `16315551234`. */
export function digitsFromWaId(waId: string): string {
  const m = /^(\d{5,20})@c\.us$/.exec(waId);
  if (!m?.[1]) throw new Error(`"${waId}" is not a contact's WhatsApp id (<digits>@c.us)`);
  return m[1];
}
