// Twilio signs every webhook with the account's auth token: `X-Twilio-Signature` is the base64
// HMAC-SHA1 of the URL Twilio called (query string included) followed by each POST parameter's
// name and value, sorted by name. It covers the URL, so the receiver checks it against the public
// URL configured in Twilio (not the one a proxy forwarded to).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature Twilio puts in `X-Twilio-Signature` for this URL and these form parameters. */
export function twilioSignature(
  url: string,
  params: Record<string, string>,
  authToken: string,
): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + (params[name] ?? ''), url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * The URL as configured, and the same with the scheme's port added or removed: Twilio's own
 * validators accept either, since which one Twilio signed depends on how the URL was written.
 */
function urlVariants(url: string): string[] {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)(:\d+)?(.*)$/is.exec(url);
  if (!m) return [url];
  const [, scheme = '', user = '', host = '', port, rest = ''] = m;
  const standard = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return [
    ...new Set([
      url,
      scheme + user + host + rest,
      scheme + user + host + (port ?? standard) + rest,
    ]),
  ];
}

export function verifyTwilioSignature(
  url: string,
  params: Record<string, string>,
  header: string | null | undefined,
  authToken: string,
): boolean {
  if (!header || !authToken) return false;
  const given = Buffer.from(header.trim());
  return urlVariants(url).some((candidate) => {
    const expected = Buffer.from(twilioSignature(candidate, params, authToken));
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
