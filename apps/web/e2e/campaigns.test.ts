// Campaigns in real Chromium, against the real API and the embedded runtime with a sandbox number:
// contacts with tags and attributes are imported from a pasted CSV, the admin builds the audience (a tag and an attribute
// condition), schedules the campaign a minute ahead, watches the progress reach 100% and reads the
// recipients; only the matching contacts got the message, once each. The campaign page lands in
// docs/screenshots/campaign.png.
import { describe, expect, it } from 'vitest';
import { echoFlow } from '@waflow/testkit';
import { productForSuite, screenshotsDir } from './harness.ts';
import { callApi, createWorkspace, publishFlow } from './workspace.ts';

const waId = (i: number) => `3462000${String(i).padStart(4, '0')}@c.us`;

describe('campaigns', () => {
  const suite = productForSuite();

  it(
    'schedules a campaign for a tag + attribute audience and shows it through to 100%',
    { timeout: 300_000 },
    async () => {
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
      const numberId = (number.body as { id: string }).id;
      const sandbox = await product.runtime.attachSandbox(numberId);
      // 24 contacts imported on the Contacts page (pasted CSV): every third is a VIP, every other
      // one lives in Madrid → 4 VIPs in Madrid.
      await callApi(page, 'POST', '/contact-tags', { name: 'vip' });
      await callApi(page, 'POST', '/contact-attributes', {
        key: 'city',
        label: 'City',
        type: 'text',
      });
      await page.getByRole('link', { name: 'Contacts' }).click();
      await page.getByRole('button', { name: 'Import CSV' }).click();
      await page
        .getByLabel('Paste a CSV')
        .fill(
          [
            'Phone;Name;Tags;City',
            ...Array.from(
              { length: 24 },
              (_, i) =>
                `+${waId(i).replace('@c.us', '')};Customer ${i};${i % 3 === 0 ? 'vip' : ''};${i % 2 === 0 ? 'Madrid' : 'Bilbao'}`,
            ),
          ].join('\n'),
        );
      await page.getByRole('button', { name: 'Next: map columns' }).click();
      await page.getByLabel('Column Phone').selectOption('phone');
      await page.getByLabel('Column Name').selectOption('name');
      await page.getByLabel('Column Tags').selectOption('tags');
      await page.getByLabel('Column City').selectOption('city');
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByText('24 new, 0 updated').waitFor();
      await page.getByRole('button', { name: 'Done' }).click();
      const expected = [0, 6, 12, 18].map(waId);

      await page.getByRole('link', { name: 'Campaigns' }).click();
      await page.getByRole('button', { name: 'New campaign' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Madrid VIP preview');
      await page.getByLabel('Tag', { exact: true }).fill('vip');
      await page.getByRole('button', { name: 'Add condition' }).click();
      await page.getByLabel('Attribute', { exact: true }).fill('city');
      await page.getByLabel('Value', { exact: true }).fill('Madrid');
      await page
        .getByLabel('Message', { exact: true })
        .fill('Our Madrid store opens early for you on Saturday');
      await page.getByLabel('Sandbox line').check();
      await page.getByLabel('Messages per minute, per number').fill('600');
      await page.getByLabel('Daily cap per number').fill('');
      // Any hour (the test runs at any time of day).
      await page.getByLabel('Send between').fill('');
      await page.getByLabel('Send until').fill('');
      await page.getByLabel('When', { exact: true }).selectOption('later');
      // A minute ahead, in the workspace's time zone (UTC: none was set).
      const at = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
      await page.getByLabel('Start at').fill(at.toISOString().slice(0, 16));
      await page.getByRole('button', { name: 'Schedule campaign' }).click();

      await page.getByRole('heading', { name: 'Madrid VIP preview' }).waitFor();
      await page.getByText('contacts tagged "vip" and city is "Madrid" · 0 recipients').waitFor();
      await page.getByText('scheduled', { exact: true }).waitFor();
      await page.getByTestId('progress').getByText('100% done').waitFor({ timeout: 200_000 });
      await page.getByText('completed', { exact: true }).waitFor();
      expect(await page.getByTestId('counts').locator('[data-status="sent"]').textContent()).toBe(
        '4',
      );
      const rows = page.getByTestId('recipients').locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(4);
      // The list refreshes on its own: every row reads sent once it has caught up with the counts.
      await expect
        .poll(
          async () => (await rows.allTextContents()).map((t) => t.replace(/sent.*/, '')).sort(),
          {
            timeout: 20_000,
          },
        )
        .toEqual(['Customer 0', 'Customer 12', 'Customer 18', 'Customer 6']);
      await page.getByLabel('Search recipients').fill('Customer 18');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
      await page.getByLabel('Search recipients').fill('');
      await page.screenshot({ path: `${screenshotsDir}campaign.png`, fullPage: true });

      const got = sandbox.sent.filter(
        (s) => s.message.type === 'text' && s.message.text.startsWith('Our Madrid store'),
      );
      expect(got.map((s) => s.message.to).sort()).toEqual(expected);
    },
  );
});
