// What the web app and the API say whenever a campaign sends from a WhatsApp Web number.
export const WHATSAPP_WEB_BAN_WARNING =
  'This number is linked through WhatsApp Web. WhatsApp bans accounts that message many people ' +
  'who did not write first or that send too fast. Keep the pace slow (a few messages a minute), ' +
  'send only to people who expect to hear from you, and keep a daily cap; for large audiences ' +
  'use a WhatsApp Cloud API number.';
