// End to end in real Chromium against the real API and runtime on real Postgres: first-run setup,
// a flow drawn on the canvas (ask email → condition → say), a validation error pinned on a block
// and fixed, the preview, a simulator conversation that collects an email, publishing, the run
// in Results and in the CSV download, erasing the contact; the flow list's import, duplicate,
// rename, export and delete; then a viewer who cannot edit, changes their password and signs
// out everywhere, and whose password the owner resets. Screenshots of the builder,
// simulator, conversations, numbers (QR), results and flows pages land in docs/screenshots/.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshotsDir, startProduct, type Product } from './harness.ts';
import { toFlows } from './workspace.ts';

describe('the web app', () => {
  let product: Product;
  let page: Page;

  beforeAll(async () => {
    product = await startProduct();
    page = await product.page();
  });
  afterAll(async () => {
    await product?.close();
  });

  const block = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
  async function connect(from: string, handle: string, to: string) {
    await block(from)
      .locator(`.react-flow__handle[data-handleid="${handle}"]`)
      .dragTo(block(to).locator('.react-flow__handle.target'));
  }
  async function dropBlock(type: string, x: number, y: number) {
    await page
      .getByTestId(`palette-${type}`)
      .dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
  }
  const saved = () => page.getByTestId('save-state').getByText('All changes saved').waitFor();

  it('builds, tries, publishes a flow and finds what it collected in Results and the CSV', async () => {
    await page.goto(product.url);
    await page.getByLabel('Your name').fill('Olga Owner');
    await page.getByLabel('Email').fill('olga@acme.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Acme');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await toFlows(page);

    await page.getByRole('button', { name: 'New flow' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Leads');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('canvas').waitFor();
    await block('welcome').waitFor();

    // Drag three blocks from the palette onto the canvas and fill them in.
    await dropBlock('ask', 420, 10);
    await block('ask_1').waitFor();
    await page.getByLabel('Question').fill("What's your email?");
    await page.getByLabel('Save the answer in').fill('email');
    await page.getByLabel('Expected answer: kind').selectOption({ label: 'Email' });

    await dropBlock('condition', 420, 290);
    await block('condition_1').waitFor();
    await page.getByLabel('Variable', { exact: true }).selectOption('email');
    await page.getByLabel('Operator').selectOption({ label: 'contains' });
    await page.getByLabel('Value').fill('@');
    await expect.poll(() => block('condition_1').textContent()).toContain('email contains @');

    await dropBlock('say', 420, 520);
    await block('say_1').waitFor();
    // Typing {{ offers the variables, the contact's fields and the time.
    await page.getByLabel('Text', { exact: true }).fill('It is {{');
    await page
      .getByRole('listbox', { name: 'Variables' })
      .getByRole('option', { name: '{{now.time}}' })
      .click();
    expect(await page.getByLabel('Text', { exact: true }).inputValue()).toBe('It is {{now.time}}');
    expect(await page.getByRole('listbox', { name: 'Variables' }).count()).toBe(0);
    await page.getByLabel('Text', { exact: true }).fill('Thanks {{email}}!');

    // Edges drawn on the canvas (everything in view first).
    await page.locator('.react-flow__controls-fitview').click();
    await connect('__start__', 'start', 'ask_1');
    await connect('ask_1', 'next', 'condition_1');
    await connect('condition_1', 'branches[0].next', 'say_1');
    await saved();

    // The old welcome block is now unreachable: the problem is pinned on it, in plain words.
    await expect
      .poll(() => block('welcome').getByRole('alert').textContent())
      .toMatch(/No path leads to this block/);

    // Tidy up: Start, then each block a row below the one leading to it, none on top of another;
    // the block nothing leads to goes below the rest.
    await page.getByRole('button', { name: 'Tidy up' }).click();
    await saved();
    await expect
      .poll(async () => {
        const boxes = await Promise.all(
          ['__start__', 'ask_1', 'condition_1', 'say_1', 'welcome'].map(
            async (id) => (await block(id).boundingBox()) ?? { x: 0, y: 0, width: 0, height: 0 },
          ),
        );
        const below = boxes.every(
          (b, i) => i === 0 || b.y >= (boxes[i - 1]?.y ?? 0) + (boxes[i - 1]?.height ?? 0),
        );
        return below && boxes.every((b) => b.width > 0);
      })
      .toBe(true);
    await page.screenshot({ path: `${screenshotsDir}builder.png` });
    await connect('condition_1', 'else', 'welcome');
    await saved();
    await page.getByRole('button', { name: 'Tidy up' }).click();
    await saved();
    await expect
      .poll(async () =>
        Math.abs(
          ((await block('welcome').boundingBox())?.y ?? 0) -
            ((await block('say_1').boundingBox())?.y ?? 1),
        ),
      )
      .toBeLessThan(1);
    await expect.poll(() => block('welcome').getByRole('alert').count()).toBe(0);
    await page.getByText('Ready to publish').waitFor();

    await page.getByRole('tab', { name: 'Preview' }).click();
    expect(
      await page.getByTestId('preview').getByLabel("What's your email?").getAttribute('type'),
    ).toBe('email');

    // A conversation with the draft through the sandbox channel.
    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.getByRole('button', { name: 'Start a test chat' }).click();
    const sim = page.getByTestId('simulator');
    await sim.getByLabel('Message').fill('hello');
    await sim.getByRole('button', { name: 'Send' }).click();
    await sim.getByTestId('bot-message').filter({ hasText: "What's your email?" }).waitFor();
    await sim.getByLabel('Message').fill('not an email');
    await sim.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => sim.getByTestId('bot-message').count()).toBeGreaterThanOrEqual(2);
    await sim.getByLabel('Message').fill('ana@example.com');
    await sim.getByRole('button', { name: 'Send' }).click();
    await sim.getByTestId('bot-message').filter({ hasText: 'Thanks ana@example.com!' }).waitFor();
    await sim.getByTestId('variables').getByText('ana@example.com').waitFor();
    await page.screenshot({ path: `${screenshotsDir}simulator.png` });

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByLabel('What changed?').fill('First version: asks for the email');
    await page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Version 1 is live').waitFor();

    // The run is in Results, and in the CSV.
    await page.getByRole('link', { name: 'Results' }).click();
    await page.getByTestId('results').getByText('ana@example.com').waitFor();
    // The filters sit side by side at the width they were given, not one per line.
    const [flowBox, statusBox] = await Promise.all([
      page.getByLabel('Flow', { exact: true }).boundingBox(),
      page.getByLabel('Status', { exact: true }).boundingBox(),
    ]);
    expect(flowBox?.y).toBe(statusBox?.y);
    expect(flowBox?.width).toBe(176);
    await page.screenshot({ path: `${screenshotsDir}results.png` });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    expect(csv.split('\r\n')[0]).toContain('email');
    expect(csv).toContain('ana@example.com');

    // The contact asks to be forgotten: an admin erases them from the inbox; Results has nothing left of them.
    await page.getByRole('link', { name: 'Conversations' }).click();
    await page.getByRole('button', { name: /Simulator/ }).click();
    await page.getByText('Thanks ana@example.com!').waitFor();
    await page.screenshot({ path: `${screenshotsDir}conversations.png` });
    await page.getByRole('button', { name: 'Erase contact' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Erase', exact: true }).click();
    await page.getByText('No conversations').waitFor();
    await page.getByRole('link', { name: 'Results' }).click();
    await page.getByText('No results yet').waitFor();

    // A retention period, kept in the workspace settings.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Delete conversations after (days)').fill('90');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Workspace settings saved.').waitFor();
    expect(
      (
        await product.client.query<{ days: string }>(
          `select settings->>'retentionDays' as days from workspaces`,
        )
      )[0]?.days,
    ).toBe('90');
    // A reload keeps the session (and the page).
    await page.reload();
    await expect
      .poll(() => page.getByLabel('Delete conversations after (days)').inputValue())
      .toBe('90');

    // Numbers: a WhatsApp number offers its QR code live (the worker's part is played here).
    await page.getByRole('link', { name: 'Numbers' }).click();
    await page.getByRole('button', { name: 'Add number' }).click();
    await page.getByLabel('Label').fill('Sales line');
    await page.getByRole('dialog').getByRole('button', { name: 'Add' }).click();
    await page.getByText('Sales line').waitFor();
    const rows = await product.client.query<{ id: string }>(
      `update numbers set status = 'qr', qr = $1, qr_updated_at = now() where label = 'Sales line' returning id`,
      ['2@waflow-e2e-qr,abcdefghijklmnop,qrstuvwxyz0123456789=,ABCDEFGHIJ='],
    );
    await product.client.notify('number_status', JSON.stringify({ numberId: rows[0]?.id }));
    await page.getByTestId('qr').waitFor();
    await page.getByText('Scan the QR code').waitFor();
    await page.screenshot({ path: `${screenshotsDir}numbers.png` });
  });

  it('duplicates, renames, exports, imports and deletes flows from the list', async () => {
    await page.getByRole('link', { name: 'Flows' }).first().click();
    const card = (name: string) => page.getByTestId(`flow-${name}`);
    await card('Leads').getByRole('button', { name: 'Duplicate' }).click();
    await card('Leads (copy)').waitFor();

    await card('Leads (copy)').getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name').fill('Leads v2');
    await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
    await card('Leads v2').waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      card('Leads').getByRole('button', { name: 'Export' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Leads.flow.json');
    const exported = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8')) as {
      name: string;
      config: { nodes: { id: string }[] };
    };
    expect(exported.name).toBe('Leads');
    expect(exported.config.nodes.map((n) => n.id)).toContain('ask_1');

    // A file that is not a flow says so; an export comes back as a draft, opened in the builder.
    const input = page.getByLabel('Flow file to import');
    await input.setInputFiles({
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('not json'),
    });
    await page.getByText('notes.json is not JSON').waitFor();
    await input.setInputFiles({
      name: 'welcome.flow.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...exported, name: 'Welcome' })),
    });
    await block('ask_1').waitFor();
    await page.getByText('Imported as a draft.').waitFor();
    await page.getByRole('link', { name: 'Flows' }).first().click();
    await card('Welcome').waitFor();

    await card('Leads v2').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => card('Leads v2').count()).toBe(0);
    expect(await card('Leads').count()).toBe(1);

    // From a template: laid out, valid, ready to publish.
    await page.getByRole('button', { name: 'New flow' }).click();
    await page.getByRole('radio', { name: /Support with human handoff/ }).check();
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('canvas').waitFor();
    await page.getByText('Ready to publish').waitFor();
    expect(await page.locator('.react-flow__node').count()).toBeGreaterThan(5);
    // The flow's conversation settings, a form like a block's.
    await page.getByTestId('flow-settings').locator('summary').click();
    await page.getByLabel('Start over when the contact writes').fill('menu\nstart');
    await page
      .getByLabel('Say when the bot cannot use a message')
      .fill('Sorry, I did not get that.');
    await saved();
    await expect
      .poll(
        async () =>
          (
            await product.client.query<{ s: Record<string, unknown> }>(
              `select draft->'settings' as s from flows where name = 'Support with human handoff'`,
            )
          )[0]?.s,
      )
      .toMatchObject({
        restartKeywords: ['menu', 'start'],
        fallbackText: 'Sorry, I did not get that.',
      });
    // A time zone it does not know is a problem in plain words; a real one is fine.
    await page.getByLabel(/^Time zone of now/).fill('Mars/Olympus');
    await page.getByText('"Mars/Olympus" is not a time zone').waitFor();
    await page.getByLabel(/^Time zone of now/).fill('Europe/Madrid');
    await page.getByText('Ready to publish').waitFor();
    // A rule on the time of the message, said in words on the canvas.
    await block('route').click();
    await page.getByLabel('Variable', { exact: true }).first().selectOption('now.weekday');
    await page.getByLabel('Operator').first().selectOption({ label: 'is more than' });
    await page.getByLabel('Value').first().fill('5');
    await expect.poll(() => block('route').textContent()).toContain('now.weekday is more than 5');
    await saved();
    await page.getByRole('link', { name: 'Flows' }).first().click();
    await card('Support with human handoff').waitFor();
    await page.screenshot({ path: `${screenshotsDir}flows.png` });
  });

  it('reads long lists a page at a time: Show more brings the next', async () => {
    // 60 finished conversations with their results, more than a page (50).
    await product.client.query(`
      with n as (select id, workspace_id from numbers where label = 'Sales line'),
      c as (insert into contacts (workspace_id, number_id, wa_id, name)
            select n.workspace_id, n.id, '3460000' || lpad(g::text, 4, '0') || '@c.us', 'Bulk ' || g from n, generate_series(1, 60) g returning id, workspace_id, number_id),
      v as (insert into conversations (workspace_id, number_id, contact_id, status) select workspace_id, number_id, id, 'completed' from c returning id, workspace_id, contact_id)
      insert into results (workspace_id, conversation_id, contact_id, status, variables) select workspace_id, id, contact_id, 'completed', '{"email": "bulk@example.com"}' from v`);
    await page.getByRole('link', { name: 'Results' }).click();
    const rows = page.getByTestId('results').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => rows.count()).toBe(60);
    expect(await page.getByRole('button', { name: 'Show more' }).count()).toBe(0);
    // Days, as the browser's calendar has them: until yesterday nothing, from today everything.
    const day = (offset: number) => {
      const d = new Date(Date.now() + offset * 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    await page.getByLabel('Updated until').fill(day(-1));
    await page.getByText('No results match these filters').waitFor();
    await page.getByLabel('Updated until').fill(day(0));
    await page.getByLabel('Updated from').fill(day(0));
    await expect.poll(() => rows.count()).toBe(50);

    await page.getByRole('link', { name: 'Conversations' }).click();
    const items = page.getByRole('button', { name: /^Bulk \d+/ });
    await expect.poll(() => items.count()).toBe(50);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => items.count()).toBe(60);
  });

  it('shows a viewer the flows without any edit control', async () => {
    const invite = await page.evaluate(async () => {
      const r = await fetch('/api/v1/auth/refresh', { method: 'POST' });
      const { accessToken } = (await r.json()) as { accessToken: string };
      const me = (await (
        await fetch('/api/v1/me', { headers: { authorization: `Bearer ${accessToken}` } })
      ).json()) as { workspaces: { id: string }[] };
      const res = await fetch(`/api/v1/workspaces/${me.workspaces[0]?.id}/invites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'vic@acme.test', role: 'viewer' }),
      });
      return ((await res.json()) as { token: string }).token;
    });
    const viewer = await product.page();
    await viewer.goto(`${product.url}/invite/${invite}`);
    await viewer.getByLabel('Your name').fill('Vic Viewer');
    await viewer.getByLabel('Password').fill('viewer password 1');
    await viewer.getByRole('button', { name: 'Join workspace' }).click();
    await toFlows(viewer);
    expect(await viewer.getByRole('button', { name: 'New flow' }).count()).toBe(0);
    for (const name of ['Import', 'Rename', 'Duplicate', 'Delete'])
      expect(await viewer.getByRole('button', { name }).count()).toBe(0);
    await viewer.getByText('Leads').click();
    await viewer.locator('.react-flow__node[data-id="ask_1"]').waitFor();
    expect(await viewer.getByRole('complementary', { name: 'Blocks' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Publish' }).count()).toBe(0);
    await viewer.locator('.react-flow__node[data-id="ask_1"]').click();
    expect(await viewer.getByLabel('Question').isDisabled()).toBe(true);
    expect(await viewer.getByRole('button', { name: 'Delete block' }).count()).toBe(0);

    // On a tablet (portrait) the canvas and the side panel still fit.
    await viewer.setViewportSize({ width: 820, height: 1180 });
    const canvas = await viewer.getByTestId('canvas').boundingBox();
    expect(canvas?.width).toBeGreaterThan(300);
    await viewer.screenshot({ path: `${screenshotsDir}builder-tablet.png` });
  });

  it('lets the viewer change their password and sign out everywhere, and the owner reset it', async () => {
    const viewer = await product.page();
    await viewer.goto(`${product.url}/sign-in`);
    await viewer.getByLabel('Email').fill('vic@acme.test');
    await viewer.getByLabel('Password').fill('viewer password 1');
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await toFlows(viewer);
    await viewer.getByRole('link', { name: 'Settings' }).click();
    await viewer.getByRole('tab', { name: 'Account' }).click();
    await viewer.getByLabel('Current password').fill('viewer password 1');
    await viewer.getByLabel('New password').fill('Qwertyuiop');
    await viewer.getByRole('button', { name: 'Change password' }).click();
    await viewer
      .getByRole('alert')
      .getByText(/most common passwords/)
      .waitFor();
    await viewer.getByLabel('New password').fill('viewer second password');
    await viewer.getByRole('button', { name: 'Change password' }).click();
    await viewer.getByText('Password changed.', { exact: false }).waitFor();
    await viewer.getByRole('button', { name: 'Sign out everywhere' }).click();
    await viewer.getByRole('heading', { name: 'Sign in' }).waitFor();

    // The owner sets a new one from the team list.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Team' }).click();
    await page
      .getByRole('listitem')
      .filter({ hasText: 'vic@acme.test' })
      .getByRole('button', { name: 'Reset password' })
      .click();
    await page.getByLabel('New password').fill('viewer third password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('password was set', { exact: false }).waitFor();
    await viewer.getByLabel('Email').fill('vic@acme.test');
    await viewer.getByLabel('Password').fill('viewer third password');
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await toFlows(viewer);
  });
});
