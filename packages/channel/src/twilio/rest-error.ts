// What a Twilio error means for the outbox: retry later (transient) or give up with a reason an
// admin reads in the inbox. Decided on Twilio's numeric `code` (https://www.twilio.com/docs/errors),
// never on the message text; the same table reads the ErrorCode of a failed status callback.

/** Twilio's REST error body. */
export interface TwilioErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

export interface TwilioErrorVerdict {
  code: number | null;
  transient: boolean;
  /** Plain words for the transcript and the inbox. */
  reason: string;
}

const PERMANENT: Record<number, string> = {
  63016:
    'More than 24 hours have passed since the contact last wrote: only an approved template (sent by its Content SID) can be sent until they write again.',
  63003:
    'This number is not a valid WhatsApp recipient: WhatsApp does not know it (it may not use WhatsApp).',
  21211: 'This number is not a valid WhatsApp recipient: Twilio refused the "To" phone number.',
  21614:
    'This number is not a valid WhatsApp recipient: it is not a mobile number WhatsApp can reach.',
  63024:
    'WhatsApp refused this recipient: the number may not use WhatsApp, may not have accepted its terms, or runs a very old app version.',
  63007:
    "Twilio has no WhatsApp sender with this From number on the account: check the sender in the number's settings (a WhatsApp-enabled sender of this Twilio account).",
  63001:
    "Twilio could not authenticate with WhatsApp for this sender: check the sender's WhatsApp setup in the Twilio console.",
  20003:
    "Twilio refused the credentials: check the Account SID and Auth Token in the number's settings (the token may have been rotated).",
  20404: 'Twilio does not know this account or resource: check the Account SID.',
  21610:
    'The contact opted out (they replied STOP): Twilio will not send to them until they write START.',
  63015:
    'The Twilio WhatsApp sandbox only sends to numbers that joined it: the contact must send "join <your sandbox code>" to the sandbox number (again after 3 days).',
  63038:
    'The Twilio account reached its daily message limit (trial accounts send 50 a day): upgrade the account or wait for the 24-hour window to reset.',
  63005: 'WhatsApp did not accept the content of this message.',
  63021: 'WhatsApp refused the content of this message as invalid.',
  63019: 'WhatsApp could not fetch the media: check that its URL is public and its size and type.',
  63013: "WhatsApp refused this message: it violates WhatsApp's policy.",
  63027: 'The template does not exist in this language or is not approved yet.',
  63028: "The template's variables do not match the number the template expects.",
  21656: 'The template variables (ContentVariables) are not valid JSON of the expected shape.',
  21617: 'The message is longer than the 1,600 characters Twilio accepts: shorten it.',
  63031: 'The sender and the recipient are the same number.',
  63032:
    'WhatsApp did not deliver this message to the contact (a WhatsApp restriction on their side).',
  63049: 'Meta chose not to deliver this marketing message to the contact.',
  30008: 'WhatsApp could not deliver the message (unknown error).',
};

const TRANSIENT: Record<number, string> = {
  20429: 'Too many requests to Twilio: sending again shortly.',
  63018: "The WhatsApp sender's rate limit was reached: sending again shortly.",
  63017: "The Twilio account's message rate limit was reached: sending again shortly.",
  63009: 'WhatsApp answered Twilio with an internal error: trying again.',
  30001: "Twilio's queue for this sender is full: sending again later.",
  20500: 'Twilio had an internal error: trying again.',
  20503: 'Twilio is temporarily unavailable: trying again.',
};

export function classifyTwilioError(httpStatus: number, body: unknown): TwilioErrorVerdict {
  const err: TwilioErrorBody = typeof body === 'object' && body !== null ? body : {};
  const code = typeof err.code === 'number' && Number.isInteger(err.code) ? err.code : null;
  if (code !== null && code in TRANSIENT)
    return { code, transient: true, reason: TRANSIENT[code] ?? '' };
  if (code !== null && code in PERMANENT)
    return { code, transient: false, reason: PERMANENT[code] ?? '' };
  // Unknown codes: the HTTP status decides (5xx and 429 are worth another try).
  const transient = httpStatus >= 500 || httpStatus === 429;
  const detail = typeof err.message === 'string' ? err.message.trim().replace(/\.$/, '') : '';
  return {
    code,
    transient,
    reason: `Twilio refused the message${code !== null ? ` (error ${code})` : ''}${detail ? `: ${detail}` : ''}.`,
  };
}
