// The X-Twilio-Signature check against the official helper library: ours must agree both ways.
import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { readTwilioForm, twilioSignature, verifyTwilioSignature } from './index.ts';
import { inbound } from './twilio-fixture.ts';

const { getExpectedTwilioSignature, validateRequest } = twilio;

describe('the X-Twilio-Signature check', () => {
  const url =
    'https://bot.example.com/api/v1/channels/twilio/n1/webhook?workspace=w1&tag=caf%C3%A9';
  const params = inbound({
    Body: 'Olá! ☕ 日本語 — “quotes” & <tags> + emoji 🎉',
    ProfileName: 'Zoë Ångström',
  });
  const token = 'f00dbabe0123456789abcdef01234567';

  it("matches Twilio's documented example", () => {
    const documented = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    };
    const doc = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature(doc, documented, '12345')).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(verifyTwilioSignature(doc, documented, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', '12345')).toBe(
      true,
    );
  });

  it("signs what the official library's validateRequest accepts, and accepts what it signs", () => {
    const ours = twilioSignature(url, params, token);
    expect(validateRequest(token, ours, url, params)).toBe(true);
    const theirs = getExpectedTwilioSignature(token, url, params);
    expect(theirs).toBe(ours);
    expect(verifyTwilioSignature(url, params, theirs, token)).toBe(true);
  });

  it('agrees with the official library on any unicode parameters', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 12 }),
          fc.string({ unit: 'grapheme', maxLength: 40 }),
        ),
        fc.webUrl({ withQueryParameters: true }),
        (form, where) => {
          const ours = twilioSignature(where, form, token);
          return (
            validateRequest(token, ours, where, form) &&
            verifyTwilioSignature(
              where,
              form,
              getExpectedTwilioSignature(token, where, form),
              token,
            )
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a wrong token or a tampered parameter, as the official library does', () => {
    const good = twilioSignature(url, params, token);
    const tampered = { ...params, Body: 'Olá! ☕ 日本語 — “quotes” & <tags> + emoji 🎊' };
    expect(verifyTwilioSignature(url, params, good, 'another-token')).toBe(false);
    expect(validateRequest('another-token', good, url, params)).toBe(false);
    expect(verifyTwilioSignature(url, tampered, good, token)).toBe(false);
    expect(validateRequest(token, good, url, tampered)).toBe(false);
    const added = { ...params, Extra: '1' };
    expect(verifyTwilioSignature(url, added, good, token)).toBe(false);
    expect(validateRequest(token, good, url, added)).toBe(false);
    // Another query string is another URL.
    const other = url.replace('w1', 'w2');
    expect(verifyTwilioSignature(other, params, good, token)).toBe(false);
    expect(validateRequest(token, good, other, params)).toBe(false);
  });

  it('accepts the URL with or without its standard port, as Twilio may sign either', () => {
    const withPort = 'https://bot.example.com:443/hook?a=1';
    const signed = twilioSignature(withPort, params, token);
    expect(verifyTwilioSignature('https://bot.example.com/hook?a=1', params, signed, token)).toBe(
      true,
    );
    expect(
      verifyTwilioSignature(
        withPort,
        params,
        twilioSignature('https://bot.example.com/hook?a=1', params, token),
        token,
      ),
    ).toBe(true);
  });

  it('refuses a missing or malformed header and an empty token', () => {
    const good = twilioSignature(url, params, token);
    expect(verifyTwilioSignature(url, params, undefined, token)).toBe(false);
    expect(verifyTwilioSignature(url, params, '', token)).toBe(false);
    expect(verifyTwilioSignature(url, params, 'not-base64!', token)).toBe(false);
    expect(verifyTwilioSignature(url, params, good, '')).toBe(false);
  });

  it('reads the form body it is computed over, decoding + and percent escapes', () => {
    const raw = new URLSearchParams(params).toString();
    expect(raw).toContain('+');
    expect(readTwilioForm(raw)).toEqual(params);
  });
});
