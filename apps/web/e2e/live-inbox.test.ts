// The live team inbox in real Chromium against the real API and the embedded runtime with a
// sandbox number: a message appears in the open inbox with no reload and no conversation-list
// request, delivery and read ticks follow; two agents in two browsers see each other's take-over,
// assignment and notes as they happen, and the one without the conversation cannot reply over
// it; after the API is killed and restarted the page reconnects and shows what happened meanwhile,
// once each; on a phone-sized screen the list leads to the conversation and back.
import { describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { echoFlow, until } from '@waflow/testkit';
import type { SandboxChannel } from '@waflow/runtime';
import { productForSuite, screenshotsDir } from './harness.ts';
import { callApi, createWorkspace, publishFlow } from './workspace.ts';

/** Requests for a conversation list (GET …/conversations, with or without a query). */
const isListRequest = (r: Request) =>
  r.method() === 'GET' && /\/api\/v1\/workspaces\/[^/]+\/conversations(\?|$)/.test(r.url());

describe('the live team inbox', () => {
  const suite = productForSuite();
  let sandbox: SandboxChannel;
  let ben: Page;
  /** Conversation-list requests of Olga's page once its inbox is open and live. */
  const listRequests: string[] = [];

  it('shows a new message with no reload and no list request, and its ticks as they change', async () => {
    const { product, page } = suite;
    await createWorkspace(page, product.url);
    await publishFlow(page, 'Echo', echoFlow);
    const flows = await callApi(page, 'GET', '/flows');
    const flowId = (flows.body as { items: { id: string }[] }).items[0]?.id;
    const number = await callApi(page, 'POST', '/numbers', {
      label: 'Sandbox line',
      flowId,
      channel: 'sandbox',
    });
    sandbox = await product.runtime.attachSandbox((number.body as { id: string }).id);

    await page.getByRole('link', { name: 'Conversations' }).click();
    await page.getByText('No conversations').waitFor();
    // Everything the page loads on arrival has loaded (the stream is open): from here, count.
    await page.locator('[data-testid="live-status"][data-live="on"]').waitFor();
    page.on('request', (r) => {
      if (isListRequest(r)) listRequests.push(r.url());
    });

    sandbox.deliver({ from: '34600000201@c.us', text: 'Hello, anyone there?' });
    const row = page.getByTestId('conversation-row').filter({ hasText: '34600000201' });
    await row.waitFor();
    await row.getByTestId('row-unread').getByText('1').waitFor();
    await page.getByTestId('nav-unread').getByText('1').waitFor();
    expect(await page.title()).toMatch(/^\(1\) /);
    expect(listRequests).toEqual([]);

    await row.click();
    const reply = page.getByTestId('transcript-message').filter({ hasText: 'say something' });
    await reply.getByText('bot · sent').waitFor();
    await until(
      () =>
        page
          .getByTestId('nav-unread')
          .count()
          .then((n) => (n === 0 ? true : undefined)),
      'read',
    );
    const sent = sandbox.sent.find((s) => s.message.to === '34600000201@c.us');
    sandbox.acknowledge(sent!.providerMessageId, 'delivered');
    await reply.getByText('bot · delivered').waitFor();
    sandbox.acknowledge(sent!.providerMessageId, 'read');
    await reply.getByText('bot · read').waitFor();
    expect(await reply.getByTestId('ticks').getAttribute('aria-label')).toBe('read');

    sandbox.deliver({ from: '34600000201@c.us', text: 'Second message' });
    await page
      .getByTestId('transcript-message')
      .filter({ hasText: /^Second message/ })
      .waitFor();
    expect(listRequests).toEqual([]);
    await page.screenshot({ path: `${screenshotsDir}/inbox-live.png` });
  });

  it('lets two agents work together: take-over, assignment and notes show live in both', async () => {
    const { product, page } = suite;
    const invite = await callApi(page, 'POST', '/invites', {
      email: 'ben@acme.test',
      role: 'editor',
    });
    ben = await product.page();
    await ben.goto(`${product.url}/invite/${(invite.body as { token: string }).token}`);
    await ben.getByLabel('Your name').fill('Ben Agent');
    await ben.getByLabel('Password').fill('ben agent password 1');
    await ben.getByRole('button', { name: 'Join workspace' }).click();
    await ben.getByRole('heading', { name: 'Overview' }).waitFor();
    await ben.getByRole('link', { name: 'Conversations' }).click();
    await ben.getByTestId('conversation-row').filter({ hasText: '34600000201' }).click();
    await ben
      .getByTestId('transcript-message')
      .filter({ hasText: /^Second message/ })
      .waitFor();

    // Olga takes it over: Ben sees it live, and his reply box says who has it.
    await page.getByRole('button', { name: 'Take over' }).click();
    await ben.getByTestId('handoff-banner').getByText('Olga Owner has this conversation').waitFor();
    await ben.getByTestId('reply-locked').getByText('Olga Owner has this conversation').waitFor();
    expect(await ben.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await page.getByTestId('handoff-banner').getByText('You have this conversation').waitFor();

    // A note from Olga shows for Ben, and is never sent.
    await page.getByRole('tab', { name: 'Internal note' }).click();
    await page.getByLabel('Note').fill('Asked about the refund policy');
    await page.getByRole('button', { name: 'Add note' }).click();
    await ben
      .getByTestId('note')
      .filter({ hasText: 'Asked about the refund policy' })
      .getByText('note by Olga Owner')
      .waitFor();
    expect(
      sandbox.sent.some((s) => s.message.type === 'text' && s.message.text.includes('refund')),
    ).toBe(false);

    // Olga gives it to Ben: both see it; now Ben answers.
    await page.getByLabel('Assigned to').focus();
    await page
      .getByLabel('Assigned to')
      .locator('option', { hasText: 'Ben Agent' })
      .waitFor({ state: 'attached' });
    await page.getByLabel('Assigned to').selectOption({ label: 'Ben Agent' });
    await ben.getByTestId('handoff-banner').getByText('You have this conversation').waitFor();
    await page.getByTestId('handoff-banner').getByText('Ben Agent has this conversation').waitFor();
    await ben.getByRole('tab', { name: 'Mine' }).click();
    await ben.getByTestId('conversation-row').filter({ hasText: '34600000201' }).waitFor();
    await ben.getByLabel('Reply').fill('Ben here, happy to help');
    await ben.getByRole('button', { name: 'Send' }).click();
    await page
      .getByTestId('transcript-message')
      .filter({ hasText: 'Ben here, happy to help' })
      .getByText('agent · sent')
      .waitFor();
    // Ben sends a photo with a caption from the inbox: Olga sees it live; the contact gets the file.
    await ben.getByLabel('Reply').fill('Our price list');
    await ben.getByLabel('Attach an image or a document').setInputFiles({
      name: 'prices.png',
      mimeType: 'image/png',
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
    });
    await page
      .getByTestId('transcript-message')
      .filter({ hasText: 'Our price list' })
      .getByTestId('attachment')
      .waitFor();
    await expect
      .poll(() =>
        sandbox.sent
          .map((s) => s.message)
          .filter((m) => m.type === 'media')
          .map((m) => [m.mediaType, m.fileName, m.caption]),
      )
      .toEqual([['image', 'prices.png', 'Our price list']]);
    expect(await ben.getByLabel('Reply').inputValue()).toBe('');
    await ben.screenshot({ path: `${screenshotsDir}/inbox-two-agents.png` });
  });

  it('reconnects after the API is killed and shows what happened meanwhile, once each', async () => {
    const { product, page } = suite;
    const sentBefore = sandbox.sent.length;
    await product.restartApi(async () => {
      sandbox.deliver({ from: '34600000201@c.us', text: 'While you were away' });
      sandbox.deliver({ from: '34600000202@c.us', text: 'A new contact' });
      // Handled and answered while no API runs (the first is in handoff: no reply).
      await until(() => (sandbox.sent.length >= sentBefore + 1 ? true : undefined), 'the reply');
      await page.locator('[data-testid="live-status"][data-live="off"]').waitFor();
    });
    await page.locator('[data-testid="live-status"][data-live="on"]').waitFor();
    await page
      .getByTestId('transcript-message')
      .filter({ hasText: /^While you were away/ })
      .waitFor();
    await page.getByTestId('conversation-row').filter({ hasText: '34600000202' }).waitFor();
    expect(
      await page
        .getByTestId('transcript-message')
        .filter({ hasText: /^While you were away/ })
        .count(),
    ).toBe(1);
    expect(
      await page.getByTestId('conversation-row').filter({ hasText: '34600000202' }).count(),
    ).toBe(1);
    expect(
      await page.getByTestId('conversation-row').filter({ hasText: '34600000201' }).count(),
    ).toBe(1);
    // Replayed from the event log after the last event the page had, not read again.
    expect(listRequests).toEqual([]);
  });

  it('works on a phone: the list, then the conversation with a back button', async () => {
    const { product } = suite;
    const phone = await product.page({ width: 390, height: 844 });
    await phone.goto(`${product.url}/sign-in`);
    await phone.getByLabel('Email').fill('ben@acme.test');
    await phone.getByLabel('Password').fill('ben agent password 1');
    await phone.getByRole('button', { name: 'Sign in' }).click();
    await phone.getByRole('heading', { name: 'Overview' }).waitFor();
    await phone.getByRole('link', { name: 'Conversations' }).click();
    const row = phone.getByTestId('conversation-row').filter({ hasText: '34600000202' });
    await row.waitFor();
    await phone.screenshot({ path: `${screenshotsDir}/inbox-phone-list.png` });
    await row.click();
    await phone
      .getByTestId('transcript-message')
      .filter({ hasText: /^A new contact/ })
      .waitFor();
    expect(await phone.getByTestId('conversation-list').isVisible()).toBe(false);
    await phone.screenshot({ path: `${screenshotsDir}/inbox-phone-conversation.png` });
    await phone.getByRole('button', { name: 'Back' }).click();
    await row.waitFor();
    expect(await phone.getByTestId('transcript').count()).toBe(0);
  });
});
