// Analytics in real Chromium, against the real API and the embedded runtime with a sandbox number:
// a fresh workspace's Overview says what to do first; after a day of traffic (the shop's scripted
// contacts, several rounds) the Overview shows the day's figures with its charts and the number's
// health, and the builder's Analytics toggle paints every block and edge with its figures.
// Screenshots for the README: overview.png, canvas-analytics.png.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shopFlow, shopScripts, until } from '@waflow/testkit';
import { productForSuite, screenshotsDir } from './harness.ts';
import { callApi, createWorkspace, publishFlow } from './workspace.ts';

const ROUNDS = 4;

describe('analytics', () => {
  const suite = productForSuite();

  it('shows the Overview and the canvas overlay after a day of traffic', async () => {
    const { product, page } = suite;
    await createWorkspace(page, product.url);
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByText('Nothing to show yet: link a WhatsApp number').waitFor();

    await publishFlow(page, 'Shop', shopFlow);
    const flows = await callApi(page, 'GET', '/flows');
    const flowId = (flows.body as { items: { id: string }[] }).items[0]?.id ?? '';
    const number = await callApi(page, 'POST', '/numbers', {
      label: 'Shop line',
      flowId,
      channel: 'sandbox',
    });
    const sandbox = await product.runtime.attachSandbox((number.body as { id: string }).id);
    let replies = 0;
    let received = 0;
    for (let round = 0; round < ROUNDS; round++)
      for (const s of shopScripts) {
        const from = `3460000${round}${s.contact.length}${shopScripts.indexOf(s)}@c.us`;
        for (const [text, expected] of s.says) {
          sandbox.deliver({ from, text });
          received += 1;
          replies += expected;
          await until(() => (sandbox.sent.length >= replies ? true : undefined), 'the replies');
        }
      }

    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect
      .poll(() => page.getByTestId('stat-Messages received').textContent())
      .toBe(String(received));
    expect(await page.getByTestId('stat-Conversations').textContent()).toBe(
      String(ROUNDS * shopScripts.length),
    );
    expect(await page.getByTestId('stat-Completion rate').textContent()).toBe('20%');
    expect(await page.getByTestId('stat-Handoffs').textContent()).toBe(String(ROUNDS * 2));
    // Drawn by Recharts: a chart surface per card, with the bars of today.
    await page.locator('.recharts-surface').first().waitFor();
    expect(await page.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    await page.getByLabel("Numbers' health").getByText('Shop line').waitFor();
    await page.getByText('No webhook is failing.').waitFor();
    await page.screenshot({ path: join(screenshotsDir, 'overview.png'), fullPage: true });

    await page.getByRole('link', { name: 'Flows' }).first().click();
    await page.locator('main [data-testid="flow-Shop"] a').click();
    await page.getByTestId('canvas').waitFor();
    await page.getByRole('button', { name: 'Analytics' }).click();
    const menu = page.getByTestId('stats-menu');
    await expect.poll(() => menu.textContent()).toContain(`${ROUNDS * 5} reached`);
    expect(await menu.textContent()).toContain(`${ROUNDS} stopped (20%)`);
    expect(await page.getByTestId('stats-sales').textContent()).toContain(
      `${ROUNDS} stopped (50%)`,
    );
    expect(await page.getByTestId('stats-bye').textContent()).toContain(`${ROUNDS} reached`);
    // Edges by traffic: the menu's way to sales carried two conversations a round.
    await page.locator('.react-flow__edge-text', { hasText: `Buy · ${ROUNDS * 2}` }).waitFor();
    await page
      .getByRole('button', { name: 'Tidy up' })
      .click()
      .catch(() => undefined);
    await page.locator('.react-flow__controls-fitview').click();
    await page.screenshot({ path: join(screenshotsDir, 'canvas-analytics.png') });
  });
});
