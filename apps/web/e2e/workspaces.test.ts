// Several workspaces in real Chromium against the real API on real Postgres: the owner of Acme
// creates a second workspace from the shell's switcher (an empty or repeated name refused under
// the field), lands in it empty, creates a flow there, and switching back and forth shows each
// workspace's flows only — also from inside the builder, and after a reload, which keeps the
// workspace last chosen. Then roles per workspace: a viewer of one sees its edit controls in the
// workspace she creates only, and accepting an invite lands in the workspace it opens.
import { describe, expect, it } from 'vitest';
import { productForSuite } from './harness.ts';
import { callApi, createWorkspace, hintOf, toFlows } from './workspace.ts';

describe('several workspaces in the web app', () => {
  const suite = productForSuite();

  const switcher = () => suite.page.getByLabel('Workspace', { exact: true });
  /** The names on the Flows page's cards, once the page has its list (or says it has none). */
  async function flowNames(): Promise<string[]> {
    const { page } = suite;
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    await page
      .locator('main [data-testid^="flow-"]')
      .first()
      .or(page.getByText('No flows yet'))
      .waitFor();
    return page.locator('main [data-testid^="flow-"] h2').allTextContents();
  }
  async function switchTo(label: string) {
    await switcher().selectOption({ label });
    await expect.poll(() => switcher().locator('option:checked').textContent()).toBe(label);
  }

  it('creates a second workspace, switches to it and back, each with its own flows', async () => {
    const { page, product } = suite;
    await createWorkspace(page, product.url);
    // Acme's flow, made through the API with the page's session; read when the page loads.
    expect((await callApi(page, 'POST', '/flows', { name: 'Leads' })).status).toBe(201);
    await page.reload();
    expect(await flowNames()).toEqual(['Leads']);
    expect(await switcher().locator('option:checked').textContent()).toBe('Acme (owner)');

    await switcher().selectOption({ label: 'New workspace…' });
    const dialog = page.getByRole('dialog', { name: 'New workspace' });
    // The switcher stays on Acme while the dialog is open.
    expect(await switcher().locator('option:checked').textContent()).toBe('Acme (owner)');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => hintOf(page, 'Workspace name'))
      .toBe('name the workspace, e.g. after the client it serves');
    await dialog.getByLabel('Workspace name').fill('acme');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => hintOf(page, 'Workspace name'))
      .toMatch(/^You already have a workspace named "acme": choose another name/);
    await dialog.getByLabel('Workspace name').fill('Clinic Dental');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Workspace Clinic Dental created: you are its owner.').waitFor();

    // In the new workspace: nothing of Acme's.
    await expect
      .poll(() => switcher().locator('option:checked').textContent())
      .toBe('Clinic Dental (owner)');
    expect(await flowNames()).toEqual([]);
    expect(await switcher().locator('option').allTextContents()).toEqual([
      'Acme (owner)',
      'Clinic Dental (owner)',
      '──────────',
      'New workspace…',
    ]);

    await page.getByRole('button', { name: 'New flow' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Booking');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('canvas').waitFor();

    // Switching from inside the builder lands on the other workspace's flow list.
    await switchTo('Acme (owner)');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/flows');
    expect(await flowNames()).toEqual(['Leads']);

    await switchTo('Clinic Dental (owner)');
    expect(await flowNames()).toEqual(['Booking']);
    // Remembered across a reload.
    await page.reload();
    expect(await flowNames()).toEqual(['Booking']);
    expect(await switcher().locator('option:checked').textContent()).toBe('Clinic Dental (owner)');

    // Settings follow the switcher too: the Workspace tab edits the current one.
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.getByLabel('Workspace name').inputValue()).toBe('Clinic Dental');
    await switchTo('Acme (owner)');
    await expect.poll(() => page.getByLabel('Workspace name').inputValue()).toBe('Acme');
    await page.getByRole('link', { name: 'Flows' }).first().click();
    expect(await flowNames()).toEqual(['Leads']);
  });

  /** Olga, in `workspace`, invites `email` as `role` from Settings → Team; the link shown. */
  async function inviteFromTeam(workspace: string, email: string, role: string) {
    const { page } = suite;
    await switchTo(workspace);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Team' }).click();
    await page.getByLabel('Invite by email').fill(email);
    await page.getByLabel('Role', { exact: true }).selectOption(role);
    await page.getByRole('button', { name: 'Create invite link' }).click();
    return (await page.getByTestId('invite-link').textContent()) ?? '';
  }

  it('keeps roles per workspace: a viewer in one owns the workspace she creates, and an invite lands in its workspace', async () => {
    const { product } = suite;
    const link = await inviteFromTeam('Clinic Dental (owner)', 'vera@agency.test', 'viewer');
    const vera = await product.page();
    await vera.goto(link);
    await vera.getByLabel('Your name').fill('Vera');
    await vera.getByLabel('Password').fill('vera password 123');
    await vera.getByRole('button', { name: 'Join workspace' }).click();
    await toFlows(vera);
    const veraSwitcher = vera.getByLabel('Workspace', { exact: true });
    await expect
      .poll(() => veraSwitcher.locator('option:checked').textContent())
      .toBe('Clinic Dental (viewer)');
    await vera.locator('main [data-testid="flow-Booking"]').waitFor();
    expect(await vera.getByRole('button', { name: 'New flow' }).count()).toBe(0);

    // Her own workspace: she is its owner and may create flows there, and only there.
    await veraSwitcher.selectOption({ label: 'New workspace…' });
    await vera.getByRole('dialog').getByLabel('Workspace name').fill('Vera Studio');
    await vera.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => veraSwitcher.locator('option:checked').textContent())
      .toBe('Vera Studio (owner)');
    await vera.getByRole('button', { name: 'New flow' }).waitFor();
    await veraSwitcher.selectOption({ label: 'Clinic Dental (viewer)' });
    await vera.locator('main [data-testid="flow-Booking"]').waitFor();
    expect(await vera.getByRole('button', { name: 'New flow' }).count()).toBe(0);
    await veraSwitcher.selectOption({ label: 'Vera Studio (owner)' });
    await vera.getByText('No flows yet').waitFor();

    // Invited to Acme with her existing account while this browser is in Vera Studio: the
    // invite opens Acme, as an editor there.
    const acmeLink = await inviteFromTeam('Acme (owner)', 'vera@agency.test', 'editor');
    await vera.goto(acmeLink);
    await vera.getByLabel('Password').fill('vera password 123');
    await vera.getByRole('button', { name: 'Join workspace' }).click();
    await toFlows(vera);
    await expect
      .poll(() => veraSwitcher.locator('option:checked').textContent())
      .toBe('Acme (editor)');
    await vera.locator('main [data-testid="flow-Leads"]').waitFor();
    await vera.getByRole('button', { name: 'New flow' }).waitFor();
    expect(await veraSwitcher.locator('option').allTextContents()).toEqual([
      'Clinic Dental (viewer)',
      'Vera Studio (owner)',
      'Acme (editor)',
      '──────────',
      'New workspace…',
    ]);
  });
});
