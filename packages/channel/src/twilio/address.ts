// Twilio names WhatsApp parties `whatsapp:+<digits>`; we name contacts `<digits>@c.us`.
import { digitsFromWaId, waIdFromDigits } from '../wa-id.ts';

/** `16315551234@c.us` → `whatsapp:+16315551234`. */
export function twilioAddressFromWaId(waId: string): string {
  return `whatsapp:+${digitsFromWaId(waId)}`;
}

/** `whatsapp:+16315551234` → `16315551234@c.us`; undefined for anything else (SMS, Messenger…). */
export function waIdFromTwilioAddress(address: string | undefined): string | undefined {
  const m = /^whatsapp:\+?(\d{5,20})$/.exec(address?.trim() ?? '');
  return m?.[1] ? waIdFromDigits(m[1]) : undefined;
}
