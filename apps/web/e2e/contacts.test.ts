// The contacts page in real Chromium against the real API on Postgres: a pasted CSV mapped column
// by column with a preview, imported, its bad rows listed by line; a file uploaded; filtering by
// tag; tagging many at once; editing an attribute; the screenshot for the README.
import { describe, expect, it } from 'vitest';
import { productForSuite, screenshotsDir } from './harness.ts';
import { callApi, createWorkspace } from './workspace.ts';

describe('the contacts page', () => {
  const suite = productForSuite();

  it('imports a mapped CSV, lists its bad rows, filters by tag, tags many and edits an attribute', async () => {
    const { product, page } = suite;
    await createWorkspace(page, product.url);
    for (const name of ['vip', 'lead']) await callApi(page, 'POST', '/contact-tags', { name });
    await callApi(page, 'POST', '/contact-attributes', {
      key: 'city',
      label: 'City',
      type: 'text',
    });
    await callApi(page, 'POST', '/contact-attributes', {
      key: 'age',
      label: 'Age',
      type: 'number',
    });

    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.getByText('No contacts yet').waitFor();
    await page.getByRole('button', { name: 'Import CSV' }).click();
    await page
      .getByLabel('Paste a CSV')
      .fill(
        [
          'Móvil;Cliente;Etiquetas;Ciudad;Edad',
          '+34 600 000 001;Ana;vip;Madrid;31',
          ';Nobody;;;',
          '+34600000003;Bea;gold;Porto;',
          '+34600000004;Carl;vip;Sevilla;forty',
          '+34600000005;Dora;;Bilbao;52',
        ].join('\n'),
      );
    await page.getByRole('button', { name: 'Next: map columns' }).click();
    await page.getByLabel('Column Móvil').selectOption('phone');
    await page.getByLabel('Column Cliente').selectOption('name');
    await page.getByLabel('Column Etiquetas').selectOption('tags');
    await page.getByLabel('Column Ciudad').selectOption('city');
    await page.getByLabel('Column Edad').selectOption('age');
    const preview = page.getByTestId('import-preview');
    await preview.getByRole('columnheader', { name: 'Phone' }).waitFor();
    expect(await preview.locator('tbody tr').count()).toBe(5);
    await preview.getByRole('cell', { name: '+34 600 000 001' }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('2 new, 0 updated, 3 rows not imported:').waitFor();
    const errors = page.getByTestId('import-errors');
    expect(await errors.locator('li').allTextContents()).toEqual([
      'Line 3: no phone: every contact needs one',
      'Line 4: unknown tag "gold": declare it on the Contacts page first, or fix the spelling',
      'Line 5: wrong type for age (number): "forty" is not a number (write it like 42 or 3.5)',
    ]);
    await page.getByRole('button', { name: 'Done' }).click();

    // A file upload takes the same way (its header names map themselves).
    await page.getByRole('button', { name: 'Import CSV' }).click();
    await page.getByLabel('Or upload a CSV file').setInputFiles({
      name: 'more.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('phone,name,tags,city\n+34600000006,Eva,vip,Valencia\n'),
    });
    await page.getByRole('button', { name: 'Next: map columns' }).click();
    expect(await page.getByLabel('Column city').inputValue()).toBe('city');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('1 new, 0 updated.').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();

    const rows = page.getByTestId('contact-row');
    await rows.filter({ hasText: 'Eva' }).waitFor();
    expect(await rows.count()).toBe(3);

    // Filter by tag.
    await page.getByLabel('Tag', { exact: true }).selectOption('vip');
    // The list shows a spinner while the filtered page loads: wait for its rows, then count.
    await rows.filter({ hasText: 'Dora' }).waitFor({ state: 'detached' });
    await rows.filter({ hasText: 'Ana' }).waitFor();
    await rows.filter({ hasText: 'Eva' }).waitFor();
    expect(await rows.count()).toBe(2);
    await page.getByLabel('Tag', { exact: true }).selectOption('');
    await rows.filter({ hasText: 'Dora' }).waitFor();

    // Tag many at once.
    await page.getByLabel('Select Ana').check();
    await page.getByLabel('Select Dora').check();
    await page.getByLabel('Tag to add').selectOption('lead');
    await page.getByTestId('bulk-tag').getByRole('button', { name: 'Add tag' }).click();
    await page.getByText('Tagged 2 contacts "lead".').waitFor();
    await page.getByLabel('Tag', { exact: true }).selectOption('lead');
    await rows.filter({ hasText: 'Eva' }).waitFor({ state: 'detached' });
    await rows.filter({ hasText: 'Ana' }).waitFor();
    await rows.filter({ hasText: 'Dora' }).waitFor();
    expect(await rows.count()).toBe(2);
    await page.getByLabel('Tag', { exact: true }).selectOption('');

    // Edit an attribute.
    await rows.filter({ hasText: 'Dora' }).getByRole('button', { name: /Dora/ }).click();
    await page.getByLabel('City').fill('San Sebastián');
    await page.getByRole('button', { name: 'Save' }).click();
    await rows.filter({ hasText: 'Dora' }).getByText('San Sebastián').waitFor();
    const dora = (await callApi(page, 'GET', '/contacts?q=Dora')).body as {
      items: { attributes: Record<string, unknown>; tags: string[] }[];
    };
    expect(dora.items[0]).toMatchObject({
      attributes: { city: 'San Sebastián', age: 52 },
      tags: ['lead'],
    });

    await page.screenshot({ path: `${screenshotsDir}contacts.png` });
  });
});
