// What the Twilio wire tests share: an account, a message sid, and an incoming-message form as
// Twilio posts it (the fields a test gives replace the defaults).
export const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
export const SID = 'SM0123456789abcdef0123456789abcdef';

export const inbound = (fields: Record<string, string>): Record<string, string> => ({
  MessageSid: SID,
  SmsMessageSid: SID,
  SmsSid: SID,
  AccountSid: ACCOUNT,
  From: 'whatsapp:+14155550123',
  To: 'whatsapp:+14155238886',
  NumMedia: '0',
  NumSegments: '1',
  SmsStatus: 'received',
  ApiVersion: '2010-04-01',
  WaId: '14155550123',
  ...fields,
});
