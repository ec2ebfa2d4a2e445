// The inbox in real Chromium, against the real API and the embedded runtime with a sandbox
// number: a reply the channel refused shows failed with its reason and a Resend button, which
// sends it (once) and the transcript shows it sent; a person's reply from the linked phone is in
// the transcript by "person on the phone", with the pause in the banner.
import { describe, expect, it } from 'vitest';
import { echoFlow } from '@waflow/testkit';
import { productForSuite } from './harness.ts';
import { callApi, createWorkspace, publishFlow } from './workspace.ts';

const contact = '34600000055@c.us';

describe('the inbox', () => {
  const suite = productForSuite();

  it('resends a failed reply with one click, and shows what a person typed on the phone', async () => {
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
    const sandbox = await product.runtime.attachSandbox((number.body as { id: string }).id);
    sandbox.failNext = { count: 1, transient: false };
    sandbox.deliver({ from: contact, text: 'hi' });

    await page.getByRole('link', { name: 'Conversations' }).click();
    await page.getByRole('button', { name: '34600000055' }).click();
    const failed = page.getByTestId('transcript-message').filter({ hasText: 'say something' });
    await failed.getByText('Not sent: sandbox send failure (requested by a test)').waitFor();
    await failed.getByText('bot · failed').waitFor();

    await failed.getByRole('button', { name: 'Resend' }).click();
    await failed.getByText('bot · sent').waitFor();
    expect(await failed.getByRole('button', { name: 'Resend' }).count()).toBe(0);
    expect(sandbox.sent.map((s) => s.message.type === 'text' && s.message.text)).toEqual([
      'say something',
    ]);

    sandbox.sendFromPhone(contact, 'Marta here: I will help you.');
    const fromPhone = page
      .getByTestId('transcript-message')
      .filter({ hasText: 'Marta here: I will help you.' });
    await fromPhone.getByText('person on the phone · sent').waitFor();
    await page
      .getByTestId('handoff-banner')
      .getByText('A person replied from the phone: the bot stays quiet until')
      .waitFor();
  });
});
