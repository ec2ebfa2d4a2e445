// A flow over the deployment's block limit, in real Chromium against the real API: the builder's
// autosave is refused and the page says so in the API's words, naming the limit and its variable;
// an import over the limit is refused the same way. The cap is set small (WAFLOW_MAX_FLOW_BLOCKS=2)
// so a person can pass it with two drags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startProduct, type Product } from './harness.ts';
import { callApi, createWorkspace } from './workspace.ts';

describe('the flow block limit in the web app', () => {
  let product: Product;
  let page: Page;

  beforeAll(async () => {
    product = await startProduct({ env: { WAFLOW_MAX_FLOW_BLOCKS: '2' } });
    page = await product.page();
    await createWorkspace(page, product.url);
  });
  afterAll(async () => {
    await product?.close();
  });

  const limit = (blocks: number) =>
    `This flow has ${blocks} blocks; a flow can have at most 2 (WAFLOW_MAX_FLOW_BLOCKS).`;

  it('shows why a draft over the limit is not saved, and keeps the last one that fit', async () => {
    await page.getByRole('button', { name: 'New flow' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Small');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('canvas').waitFor();
    const drop = (y: number) =>
      page
        .getByTestId('palette-say')
        .dragTo(page.getByTestId('canvas'), { targetPosition: { x: 420, y } });
    await drop(10);
    await page.getByTestId('save-state').getByText('All changes saved').waitFor();
    await drop(290);
    await page.getByText(limit(3), { exact: false }).waitFor();

    const flows = await callApi(page, 'GET', '/flows');
    const id = (flows.body as { items: { id: string; name: string }[] }).items.find(
      (f) => f.name === 'Small',
    )?.id;
    const stored = await callApi(page, 'GET', `/flows/${id}`);
    expect((stored.body as { draft: { nodes: unknown[] } }).draft.nodes).toHaveLength(2);
  });

  it('shows why an import over the limit is refused', async () => {
    await page.getByRole('link', { name: 'Flows' }).first().click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    // Four blocks: the draft's toast (three blocks) may still be showing from the test before.
    const nodes = [1, 2, 3, 4].map((i) => ({ id: `b${i}`, type: 'end', message: `bye ${i}` }));
    await page.getByLabel('Flow file to import').setInputFiles({
      name: 'big.flow.json',
      mimeType: 'application/json',
      buffer: Buffer.from(
        JSON.stringify({
          schemaVersion: 1,
          name: 'Big',
          triggers: [{ type: 'any' }],
          variables: [],
          start: 'b1',
          nodes,
        }),
      ),
    });
    await page.getByText(limit(4), { exact: false }).waitFor();
  });
});
