// What a Graph API error means for the outbox: retry later (transient) or give up with a reason an
// admin reads in the inbox. Decided on Meta's `code`, as Meta recommends, never on the title text.

export interface GraphErrorBody {
  error?: {
    message?: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    error_data?: { details?: string };
    fbtrace_id?: string;
  };
}

export interface GraphErrorVerdict {
  code: number | null;
  transient: boolean;
  /** Plain words for the transcript and the inbox. */
  reason: string;
}

const PERMANENT: Record<number, string> = {
  131047:
    'More than 24 hours have passed since the contact last wrote: only an approved template can be sent until they write again.',
  131026:
    'WhatsApp could not deliver this message to the contact (the number may not use WhatsApp, or has an old app version).',
  131051: 'WhatsApp does not support this kind of message.',
  131052: 'The media the contact sent could not be downloaded.',
  131053: 'The media could not be uploaded: check its URL, size and type.',
  132000: "The template's parameters do not match the number the template expects.",
  132001: 'The template does not exist in this language or is not approved yet.',
  132012: "A template parameter's format is wrong.",
  133010: 'The phone number is not registered on the Cloud API.',
  100: 'Meta refused a parameter of this message (invalid parameter).',
  131009: 'Meta refused a parameter of this message (a value is not valid).',
  131008: 'A required parameter is missing from this message.',
  190: "The access token has expired or was revoked: paste a new one in the number's settings.",
  10: 'The access token lacks the whatsapp_business_messaging permission.',
  200: 'The access token lacks the whatsapp_business_messaging permission.',
  368: 'The number is temporarily blocked by Meta for policy violations.',
  131031: 'The WhatsApp Business account is locked or restricted.',
};

const TRANSIENT: Record<number, string> = {
  130429: "The number's message throughput limit was reached: sending again shortly.",
  131056: 'Too many messages to this contact in a short time: sending again shortly.',
  131048: 'Spam rate limit hit: sending again later.',
  4: 'Too many API calls for this app: sending again shortly.',
  80007: "The WhatsApp Business account's rate limit was reached: sending again shortly.",
  131000: 'Meta could not send the message (unknown error): trying again.',
  131016: 'The WhatsApp service is temporarily unavailable: trying again.',
  1: 'Meta answered with an unknown error: trying again.',
  2: 'The Graph API is temporarily unavailable: trying again.',
};

export function classifyGraphError(httpStatus: number, body: unknown): GraphErrorVerdict {
  const err = (typeof body === 'object' && body !== null ? (body as GraphErrorBody) : {}).error;
  const code = typeof err?.code === 'number' ? err.code : null;
  const detail = err?.error_data?.details ?? err?.message;
  if (code !== null && code in TRANSIENT)
    return { code, transient: true, reason: TRANSIENT[code] ?? '' };
  if (code !== null && code in PERMANENT)
    return { code, transient: false, reason: PERMANENT[code] ?? '' };
  // Unknown codes: the HTTP status decides (5xx and 429 are worth another try).
  const transient = httpStatus >= 500 || httpStatus === 429;
  return {
    code,
    transient,
    reason: `Meta refused the message${code !== null ? ` (error ${code})` : ''}${detail ? `: ${detail}` : ''}.`,
  };
}
