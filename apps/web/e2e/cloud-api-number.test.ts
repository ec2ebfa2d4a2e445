// A WhatsApp Cloud API number end to end in real Chromium, against the real API and runtime with
// a double of Meta's Graph API: added through the dialog (a malformed app secret refused under its
// field), its callback URL and verify token shown and copied, the connection checked, credentials
// replaced, a signed webhook to the shown callback URL answered by the published flow through the
// double; a say block's template picked from the approved ones Meta lists for the number; a
// campaign sent as that template with its parameters taken from the contact; a viewer
// sees the details without the admin's buttons.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  messageWebhook,
  postSigned,
  startGraphApiDouble,
  type GraphApiDouble,
} from '@waflow/testkit/graph-api';
import { screenshotsDir, startProduct, type Product } from './harness.ts';
import { callApi, createWorkspace, hintOf, publishFlow, toFlows } from './workspace.ts';

const ACCESS_TOKEN = 'EAAG-e2e-access-token-0123456789';
const APP_SECRET = '0123456789abcdef0123456789abcdef';
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';

const leadFlow: unknown = JSON.parse(
  readFileSync(
    new URL('../../../schemas/examples/lead-capture.flow.json', import.meta.url),
    'utf8',
  ),
);

describe('a Cloud API number in the web app', () => {
  let graph: GraphApiDouble;
  let product: Product;
  let page: Page;

  beforeAll(async () => {
    graph = await startGraphApiDouble({
      accessToken: ACCESS_TOKEN,
      phoneNumbers: { [PHONE_NUMBER_ID]: { display: '+1 555-0100', verifiedName: 'Acme' } },
    });
    product = await startProduct({ env: { WAFLOW_CLOUD_API_BASE_URL: graph.baseUrl } });
    page = await product.page();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: product.url,
    });
  });
  afterAll(async () => {
    await product?.close();
    await graph?.close();
  });

  it('adds the number, shows what to paste into Meta, checks it, takes new credentials and answers a signed webhook', async () => {
    await createWorkspace(page, product.url);
    // The flow that answers, published through the API with the session's access token.
    await publishFlow(page, 'Leads', leadFlow);

    await page.getByRole('link', { name: 'Numbers' }).click();
    await page.getByRole('button', { name: 'Add number' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Label').fill('Meta line');
    await dialog.getByLabel('Flow that answers').selectOption({ label: 'Leads' });
    for (const name of [
      'WhatsApp Web (scan a QR)',
      'WhatsApp Cloud API (Meta)',
      'Sandbox (simulator only)',
    ])
      await dialog.getByRole('radio', { name }).waitFor();
    await dialog.getByRole('radio', { name: 'WhatsApp Cloud API (Meta)' }).check();
    await dialog.getByLabel('Phone number ID').fill(PHONE_NUMBER_ID);
    await dialog.getByLabel('WhatsApp Business Account ID').fill(WABA_ID);
    await dialog.getByLabel('Access token').fill(ACCESS_TOKEN);
    expect(await dialog.getByLabel('Access token').getAttribute('type')).toBe('password');
    expect(await dialog.getByLabel('App secret').getAttribute('type')).toBe('password');
    expect(await hintOf(page, 'App secret')).toContain('App settings → Basic');

    // Not the hex string Meta shows: the API refuses it, said under the field.
    await dialog.getByLabel('App secret').fill('my app secret');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect
      .poll(() => hintOf(page, 'App secret'))
      .toContain('the app secret is the hex string');
    expect(await dialog.getByLabel('App secret').getAttribute('aria-invalid')).toBe('true');
    expect(await hintOf(page, 'Phone number ID')).toContain('API Setup');

    await dialog.getByLabel('App secret').fill(APP_SECRET);
    await dialog.getByRole('button', { name: 'Add' }).click();

    // The new number opens what to paste into Meta's dashboard.
    const panel = page.getByTestId('cloud-api-panel');
    await page.getByRole('heading', { name: 'Connect Meta line to Meta' }).waitFor();
    const callbackUrl = (await panel.getByTestId('callback-url').textContent()) ?? '';
    expect(callbackUrl).toMatch(
      new RegExp(`^${product.url}/api/v1/channels/cloud-api/[0-9a-f-]{36}/webhook$`),
    );
    const verifyToken = (await panel.getByTestId('verify-token').textContent()) ?? '';
    expect(verifyToken.length).toBeGreaterThanOrEqual(20);
    await panel.getByText('subscribe to the messages field').waitFor();
    await panel.getByRole('button', { name: 'Copy callback URL' }).click();
    await page.getByText('Callback URL copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(callbackUrl);
    // Neither the token nor the secret is anywhere on the page.
    const html = await page.content();
    expect(html).not.toContain(ACCESS_TOKEN);
    expect(html).not.toContain(APP_SECRET);

    // Meta's subscription check passes with the verify token shown.
    const subscribe = await fetch(
      `${callbackUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=4242`,
    );
    expect(await subscribe.text()).toBe('4242');

    await panel.getByRole('button', { name: 'Check connection' }).click();
    await panel
      .getByRole('status')
      .getByText('Connected: Meta knows this number as +1 555-0100 (Acme).')
      .waitFor();
    await page.screenshot({ path: `${screenshotsDir}numbers-cloud-api.png` });

    // New credentials (a rotated token): the IDs filled in, the secrets asked for again.
    await panel.getByRole('button', { name: 'Replace credentials' }).click();
    expect(await panel.getByLabel('Phone number ID').inputValue()).toBe(PHONE_NUMBER_ID);
    expect(await panel.getByLabel('Access token').inputValue()).toBe('');
    await panel.getByLabel('Access token').fill('EAAG-cut-short');
    await panel.getByLabel('App secret').fill(APP_SECRET);
    await panel.getByRole('button', { name: 'Save credentials' }).click();
    await expect.poll(() => hintOf(page, 'Access token')).toContain('paste the whole access token');
    await panel.getByLabel('Access token').fill(ACCESS_TOKEN);
    await panel.getByRole('button', { name: 'Save credentials' }).click();
    await page.getByText('New credentials saved').waitFor();
    expect(await panel.getByTestId('verify-token').textContent()).toBe(verifyToken);

    // The card: ready, its phone from Meta, a Cloud API badge and no QR code.
    await page.keyboard.press('Escape');
    const card = page.getByTestId('number-Meta line');
    await card.getByText('+1 555-0100').waitFor();
    await card.getByText('Cloud API', { exact: true }).waitFor();
    await card.getByText('Ready', { exact: true }).waitFor();
    expect(await page.getByTestId('qr').count()).toBe(0);

    // A contact writes: Meta's signed webhook to the callback URL shown; the bot answers.
    const target = {
      url: callbackUrl,
      appSecret: APP_SECRET,
      phoneNumberId: PHONE_NUMBER_ID,
      displayPhoneNumber: '15550100',
      wabaId: WABA_ID,
    };
    const hi = messageWebhook(
      target,
      { waId: '34600111222', name: 'Ana' },
      { kind: 'text', text: 'hi' },
    );
    expect((await postSigned(callbackUrl, hi.payload, APP_SECRET)).status).toBe(200);
    const sends = await graph.waitForSends(2);
    expect(
      sends.map((s) => [s.body.to, (s.body.text as { body?: string } | undefined)?.body]),
    ).toEqual([
      ['34600111222', "Hi! I'm the Acme assistant. I'll ask three quick questions."],
      ['34600111222', "What's your name?"],
    ]);
  });

  it('fills a say block’s template from the approved ones Meta lists for the flow’s number', async () => {
    graph.templates.push(
      {
        name: 'order_update',
        language: 'en_US',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} has shipped.' }],
      },
      {
        name: 'not_yet',
        language: 'en_US',
        status: 'PENDING',
        category: 'MARKETING',
        components: [],
      },
    );
    await page.getByRole('link', { name: 'Flows' }).click();
    await page.getByRole('link', { name: /Leads/ }).click();
    const block = page.locator('.react-flow__node[data-id="welcome"]');
    await block.click();
    await page.getByLabel('Message: kind').selectOption({
      label: 'Template (WhatsApp Cloud API / Twilio)',
    });
    const picker = page.getByLabel('Pick from Meta (optional)');
    await expect
      .poll(() => picker.locator('option').allTextContents())
      .toEqual(['— choose an approved template —', 'order_update (en_US, utility, 2 parameters)']);
    await picker.selectOption({ label: 'order_update (en_US, utility, 2 parameters)' });
    expect(await page.getByLabel('Template name', { exact: true }).inputValue()).toBe(
      'order_update',
    );
    expect(await page.getByLabel('Language', { exact: true }).inputValue()).toBe('en_US');

    // One field per parameter, with the {{ variable picker of the text fields.
    await page.getByLabel('{{1}}', { exact: true }).fill('{{');
    await page
      .getByRole('listbox', { name: 'Variables' })
      .getByRole('option', { name: '{{contact.name}}' })
      .click();
    await page.getByLabel('{{2}}', { exact: true }).fill('#42');
    // A Content SID that is not one is refused under its field, in words that say what to change.
    await page.getByLabel('Twilio Content SID (optional)').fill('MG123');
    await expect
      .poll(() => hintOf(page, 'Twilio Content SID (optional)'))
      .toContain('"Twilio Content SID" is not in the right form. For Twilio numbers');
    await page.getByLabel('Twilio Content SID (optional)').fill('');
    await page
      .getByLabel('Fallback text (optional)')
      .fill('Hi {{contact.name}}, order #42 shipped.');
    await page.getByTestId('save-state').getByText('All changes saved').waitFor();
    await expect.poll(() => block.textContent()).toContain('Template order_update');

    const draft = await page.evaluate(async (flowId) => {
      const { accessToken } = (await (
        await fetch('/api/v1/auth/refresh', { method: 'POST' })
      ).json()) as { accessToken: string };
      const headers = { authorization: `Bearer ${accessToken}` };
      const me = (await (await fetch('/api/v1/me', { headers })).json()) as {
        workspaces: { id: string }[];
      };
      const res = await fetch(`/api/v1/workspaces/${me.workspaces[0]?.id}/flows/${flowId}`, {
        headers,
      });
      return ((await res.json()) as { draft: { nodes: { id: string; message?: unknown }[] } })
        .draft;
    }, new URL(page.url()).pathname.split('/').pop());
    expect(draft.nodes.find((n) => n.id === 'welcome')?.message).toEqual({
      kind: 'template',
      name: 'order_update',
      language: 'en_US',
      parameters: ['{{contact.name}}', '#42'],
      fallbackText: 'Hi {{contact.name}}, order #42 shipped.',
    });
  });

  it('sends a campaign as an approved template, each {{n}} taken from the contact', async () => {
    // Ana wrote in the first test; she gets a tag, a declared attribute and a template campaign.
    await callApi(page, 'POST', '/contact-tags', { name: 'vip' });
    await callApi(page, 'POST', '/contact-attributes', {
      key: 'order_ref',
      label: 'Order',
      type: 'text',
    });
    const list = await callApi(page, 'GET', '/contacts?q=Ana');
    const ana = (list.body as { items: { id: string }[] }).items[0];
    expect(
      (
        await callApi(page, 'PATCH', `/contacts/${ana?.id}`, {
          tags: ['vip'],
          attributes: { order_ref: '#7781' },
        })
      ).status,
    ).toBe(200);
    // Her conversation from the first test is still open: a campaign waits for its end.
    const convs = await callApi(page, 'GET', '/conversations?q=Ana');
    const open = (convs.body as { items: { id: string; status: string }[] }).items.filter(
      (conv) => conv.status !== 'completed' && conv.status !== 'expired',
    );
    expect(open.length).toBeGreaterThan(0);
    for (const conv of open)
      expect((await callApi(page, 'POST', `/conversations/${conv.id}/end`)).status).toBe(200);
    const before = graph.sends.length;

    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('button', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Shipping notice');
    await page.getByLabel('Tag', { exact: true }).fill('vip');
    await page.getByLabel('Send', { exact: true }).selectOption({
      label: 'A WhatsApp template (Cloud API, Twilio)',
    });
    const picker = page.getByLabel('Approved template');
    await expect
      .poll(() => picker.locator('option').allTextContents())
      .toContain('order_update (en_US, utility, 2 parameters)');
    await picker.selectOption({ label: 'order_update (en_US, utility, 2 parameters)' });
    expect(await page.getByLabel('Template text').inputValue()).toBe(
      'Hi {{1}}, order {{2}} has shipped.',
    );
    // {{1}} is the contact's name (the default); {{2}} one of their attributes.
    await page.getByLabel('{{2}} is', { exact: true }).selectOption({
      label: 'One of their attributes',
    });
    await page.getByLabel('{{2}} is: attribute').fill('order_ref');
    await page.getByLabel('Meta line').check();
    await page.getByLabel('Messages per minute, per number').fill('600');
    await page.getByLabel('Send between').fill('');
    await page.getByLabel('Send until').fill('');
    await page.getByRole('button', { name: 'Start campaign' }).click();
    await page.getByRole('heading', { name: 'Shipping notice' }).waitFor();
    await page.getByTestId('progress').getByText('100% done').waitFor({ timeout: 60_000 });

    const sent = (await graph.waitForSends(before + 1)).slice(before);
    expect(sent.map((s) => [s.body.to, s.body.type, s.body.template])).toEqual([
      [
        '34600111222',
        'template',
        {
          name: 'order_update',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Ana' },
                { type: 'text', text: '#7781' },
              ],
            },
          ],
        },
      ],
    ]);
  });

  it('shows a viewer the connection details, without check, replace or remove', async () => {
    const invite = await callApi(page, 'POST', '/invites', {
      email: 'vic@acme.test',
      role: 'viewer',
    });
    const token = (invite.body as { token: string }).token;
    const viewer = await product.page();
    await viewer.goto(`${product.url}/invite/${token}`);
    await viewer.getByLabel('Your name').fill('Vic Viewer');
    await viewer.getByLabel('Password').fill('viewer password 1');
    await viewer.getByRole('button', { name: 'Join workspace' }).click();
    await toFlows(viewer);
    await viewer.getByRole('link', { name: 'Numbers' }).click();
    await viewer
      .getByTestId('number-Meta line')
      .getByRole('button', { name: 'Connection' })
      .click();
    await viewer.getByTestId('callback-url').waitFor();
    for (const name of ['Check connection', 'Replace credentials', 'Remove', 'Add number'])
      expect(await viewer.getByRole('button', { name }).count()).toBe(0);
  });
});
