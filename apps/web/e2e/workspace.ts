// Steps the number tests share: the first owner sets up a workspace, the page's session calls the
// API (to publish a flow or invite someone without clicking through the builder), and the line
// under a form field (its help, or the API's error about it).
import type { Page } from 'playwright-core';

/** Sets waflow up on first run: Olga owns the workspace Acme, signed in, then on the Flows page. */
export async function createWorkspace(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Your name').fill('Olga Owner');
  await page.getByLabel('Email').fill('olga@acme.test');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Workspace name').fill('Acme');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await toFlows(page);
}

/** From the landing page after signing in (the Overview) to the Flows page. */
export async function toFlows(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.getByRole('link', { name: 'Flows' }).first().click();
  await page.getByRole('heading', { name: 'Flows' }).waitFor();
}

/** Calls `/api/v1/workspaces/<the session's first workspace><path>` with the page's session. */
export function callApi(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const { accessToken } = (await (
        await fetch('/api/v1/auth/refresh', { method: 'POST' })
      ).json()) as { accessToken: string };
      const headers = {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
      };
      const me = (await (await fetch('/api/v1/me', { headers })).json()) as {
        workspaces: { id: string }[];
      };
      const res = await fetch(`/api/v1/workspaces/${me.workspaces[0]?.id}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
    },
    { method, path, body },
  );
}

/** Creates the flow `name` from `config` and publishes it; throws when the API refuses. */
export async function publishFlow(page: Page, name: string, config: unknown): Promise<void> {
  const flow = await callApi(page, 'POST', '/flows', { name, config });
  const id = (flow.body as { id?: unknown } | null)?.id;
  if (flow.status !== 201 || typeof id !== 'string')
    throw new Error(`creating the flow answered ${flow.status}: ${JSON.stringify(flow.body)}`);
  const published = await callApi(page, 'POST', `/flows/${id}/publish`, {});
  if (published.status !== 201)
    throw new Error(`publishing answered ${published.status}: ${JSON.stringify(published.body)}`);
}

/** The help or error line under a field (the control's aria-describedby). */
export async function hintOf(page: Page, label: string): Promise<string | null> {
  const hint = await page.getByLabel(label, { exact: true }).getAttribute('aria-describedby');
  return page.locator(`[id="${hint}"]`).textContent();
}
