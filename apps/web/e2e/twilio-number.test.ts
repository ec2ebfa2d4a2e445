// A Twilio WhatsApp number end to end in real Chromium, against the real API and runtime with a
// double of Twilio's REST API: added through the dialog (a malformed Account SID refused under its
// field), the incoming-message and status callback URLs shown and copied, the connection checked
// (the account in plain words, then a refusal with Twilio's code), credentials replaced, and a
// signed webhook to the URL shown answered by the published flow through the double.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  inboundParams,
  postTwilioSigned,
  startTwilioDouble,
  type TwilioDouble,
} from '@waflow/testkit/twilio';
import { screenshotsDir, startProduct, type Product } from './harness.ts';
import { createWorkspace, hintOf, publishFlow } from './workspace.ts';

const ACCOUNT_SID = `AC${'3c'.repeat(16)}`;
const AUTH_TOKEN = '0123456789abcdef'.repeat(2);
const SENDER = 'whatsapp:+14155238886';

const leadFlow: unknown = JSON.parse(
  readFileSync(
    new URL('../../../schemas/examples/lead-capture.flow.json', import.meta.url),
    'utf8',
  ),
);

describe('a Twilio number in the web app', () => {
  let twilio: TwilioDouble;
  let product: Product;
  let page: Page;

  beforeAll(async () => {
    twilio = await startTwilioDouble({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      senders: [SENDER],
      friendlyName: 'Acme on Twilio',
    });
    product = await startProduct({ env: { WAFLOW_TWILIO_BASE_URL: twilio.baseUrl } });
    page = await product.page();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: product.url,
    });
  });
  afterAll(async () => {
    await product?.close();
    await twilio?.close();
  });

  it('adds the number, shows the URLs to set on the sender, checks the account, takes new credentials and answers a signed webhook', async () => {
    await createWorkspace(page, product.url);
    await publishFlow(page, 'Leads', leadFlow);

    await page.getByRole('link', { name: 'Numbers' }).click();
    await page.getByRole('button', { name: 'Add number' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Label').fill('Twilio line');
    await dialog.getByLabel('Flow that answers').selectOption({ label: 'Leads' });
    await dialog.getByRole('radio', { name: 'Twilio (WhatsApp through Twilio)' }).check();
    expect(await dialog.getByLabel('Phone number ID', { exact: true }).count()).toBe(0);
    await dialog.getByLabel('Auth token', { exact: true }).fill(AUTH_TOKEN);
    await dialog.getByLabel('WhatsApp sender', { exact: true }).fill(SENDER);
    expect(await dialog.getByLabel('Auth token', { exact: true }).getAttribute('type')).toBe(
      'password',
    );
    expect(await hintOf(page, 'Account SID')).toContain('Account Info');
    expect(await hintOf(page, 'WhatsApp sender')).toContain('Senders → WhatsApp senders');

    // Cut short: the API refuses it, said under the field.
    await dialog.getByLabel('Account SID', { exact: true }).fill('AC123');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect
      .poll(() => hintOf(page, 'Account SID'))
      .toContain('the Account SID is AC and 32 hex digits');
    expect(
      await dialog.getByLabel('Account SID', { exact: true }).getAttribute('aria-invalid'),
    ).toBe('true');
    expect(await hintOf(page, 'Auth token')).toContain('Stored encrypted');

    await dialog.getByLabel('Account SID', { exact: true }).fill(ACCOUNT_SID);
    await dialog.getByRole('button', { name: 'Add' }).click();

    // The new number opens what to set on its WhatsApp sender in the Twilio Console.
    const panel = page.getByTestId('twilio-panel');
    await page.getByRole('heading', { name: 'Connect Twilio line to Twilio' }).waitFor();
    const webhookUrl = (await panel.getByTestId('webhook-url').textContent()) ?? '';
    const base = `${product.url}/api/v1/channels/twilio/`;
    expect(webhookUrl).toMatch(new RegExp(`^${base}[0-9a-f-]{36}/webhook$`));
    expect(await panel.getByTestId('status-callback-url').textContent()).toBe(
      webhookUrl.replace(/\/webhook$/, '/status'),
    );
    await panel.getByText('When a message comes in', { exact: true }).waitFor();
    await panel.getByText("paste the URL under 'Webhook URL for incoming messages'").waitFor();
    // Served over http here: the page says Twilio needs a public https URL.
    expect(await panel.getByText('Twilio needs a public https:// URL').textContent()).toContain(
      'set WAFLOW_PUBLIC_URL',
    );
    await panel.getByRole('button', { name: 'Copy webhook URL' }).click();
    await page.getByText('Webhook URL copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(webhookUrl);
    await panel.getByRole('button', { name: 'Copy status callback URL' }).click();
    await page.getByText('Status callback URL copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      webhookUrl.replace(/\/webhook$/, '/status'),
    );
    expect(await page.content()).not.toContain(AUTH_TOKEN);

    await panel.getByRole('button', { name: 'Check connection' }).click();
    await panel
      .getByRole('status')
      .getByText(
        `Connected: the saved Account SID and auth token open the Twilio account “Acme on Twilio” (${ACCOUNT_SID}).`,
      )
      .waitFor();
    await page.screenshot({ path: `${screenshotsDir}numbers-twilio.png` });

    // Twilio refuses the credentials (a rotated auth token): said with Twilio's code.
    twilio.failNext(1, 20003);
    await panel.getByRole('button', { name: 'Check connection' }).click();
    await expect
      .poll(() => panel.getByRole('alert').textContent())
      .toMatch(/^Not connected: .+ \(Twilio's error code 20003\)$/);

    // New credentials: the SID and sender filled in, the auth token asked for again.
    await panel.getByRole('button', { name: 'Replace credentials' }).click();
    expect(await panel.getByLabel('Account SID', { exact: true }).inputValue()).toBe(ACCOUNT_SID);
    expect(await panel.getByLabel('WhatsApp sender', { exact: true }).inputValue()).toBe(SENDER);
    expect(await panel.getByLabel('Auth token', { exact: true }).inputValue()).toBe('');
    await panel.getByLabel('Auth token', { exact: true }).fill(AUTH_TOKEN);
    await panel.getByRole('button', { name: 'Save credentials' }).click();
    await page.getByText('New credentials saved').waitFor();
    expect(await panel.getByTestId('webhook-url').textContent()).toBe(webhookUrl);

    // The card: ready, the sender's number, a Twilio badge and no QR code.
    await page.keyboard.press('Escape');
    const card = page.getByTestId('number-Twilio line');
    await card.getByText('+14155238886').waitFor();
    await card.getByText('Twilio', { exact: true }).waitFor();
    await card.getByText('Ready', { exact: true }).waitFor();
    expect(await page.getByTestId('qr').count()).toBe(0);

    // A contact writes: Twilio's webhook, signed over the URL shown (no public URL is set, so it
    // is the one posted to); the bot answers through the REST API.
    const target = { url: webhookUrl, authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID, to: SENDER };
    const { params } = inboundParams(
      target,
      { waId: '34600111222', name: 'Ana' },
      { kind: 'text', text: 'hi' },
    );
    const posted = await postTwilioSigned(target, params);
    expect(posted.status).toBe(200);
    const sends = await twilio.waitForSends(2);
    expect(sends.map((s) => [s.params.From, s.params.To, s.params.Body])).toEqual([
      [
        SENDER,
        'whatsapp:+34600111222',
        "Hi! I'm the Acme assistant. I'll ask three quick questions.",
      ],
      [SENDER, 'whatsapp:+34600111222', "What's your name?"],
    ]);
  });
});
