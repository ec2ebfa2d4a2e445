// Several workspaces per account on real Postgres: creating one (its owner, a name that says
// what to change, the audit row), listing them with the role in each, one token acting in each
// workspace with the role held there, and nothing at all in a workspace one is not a member of.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Json, type TestApp } from '../../test-app.ts';

interface Listed {
  id: string;
  name: string;
  role: string;
}

describe('several workspaces per account', () => {
  let t: TestApp;
  let acme = '';
  let olga = '';
  let vera = '';
  const call: TestApp['call'] = (...args) => t.call(...args);
  const list = async (token: string) =>
    (await call('GET', '/api/v1/workspaces', token)).body.items as Listed[];
  const errorOf = (r: { body: Json }) => r.body.error as { code: string; message: string };

  /** Invites `email` into `ws` with `role`; a new account joins with a name, an existing one with its password. */
  async function join(ws: string, by: string, email: string, role: string, accept: Json) {
    const invite = await call('POST', `/api/v1/workspaces/${ws}/invites`, by, { email, role });
    expect(invite.status).toBe(201);
    const accepted = await call(
      'POST',
      `/api/v1/invites/${String(invite.body.token)}/accept`,
      undefined,
      accept,
    );
    expect(accepted.status).toBe(201);
    return accepted.body;
  }

  beforeAll(async () => {
    t = await startTestApp();
    ({ token: olga, ws: acme } = await t.setUpOwner());
    vera = (
      await join(acme, olga, 'vera@agency.test', 'viewer', {
        name: 'Vera',
        password: 'vera password 123',
      })
    ).accessToken as string;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the workspaces of the caller with their role in each', async () => {
    expect(await list(olga)).toEqual([{ id: acme, name: 'Acme', role: 'owner' }]);
    expect(await list(vera)).toEqual([{ id: acme, name: 'Acme', role: 'viewer' }]);
    expect((await call('GET', '/api/v1/workspaces')).status).toBe(401);
  });

  let clinic = '';
  it('creates a workspace whose owner is its creator, after the ones they had, audited', async () => {
    // A viewer elsewhere may still start their own workspace.
    const r = await call('POST', '/api/v1/workspaces', vera, { name: '  Clinic Dental  ' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'Clinic Dental', role: 'owner' });
    clinic = r.body.id as string;
    expect(await list(vera)).toEqual([
      { id: acme, name: 'Acme', role: 'viewer' },
      { id: clinic, name: 'Clinic Dental', role: 'owner' },
    ]);
    expect((await call('GET', '/api/v1/me', vera)).body.workspaces).toEqual(await list(vera));
    // Olga is not in it: her list is unchanged.
    expect(await list(olga)).toEqual([{ id: acme, name: 'Acme', role: 'owner' }]);

    const log = (await call('GET', `/api/v1/workspaces/${clinic}/audit`, vera)).body.items as {
      action: string;
      entityId: string;
      actor: { email: string } | null;
      after: Json | null;
    }[];
    expect(log).toEqual([
      expect.objectContaining({
        action: 'workspace.create',
        entityId: clinic,
        actor: expect.objectContaining({ email: 'vera@agency.test' }),
        after: { name: 'Clinic Dental' },
      }),
    ]);
    // The workspace Vera was only invited to does not get her creation in its log.
    const acmeLog = (await call('GET', `/api/v1/workspaces/${acme}/audit`, olga)).body.items as {
      action: string;
    }[];
    expect(acmeLog.map((e) => e.action)).not.toContain('workspace.create');
  });

  it('refuses a missing, empty, too long or repeated name, saying what to change, and creates nothing', async () => {
    const cases: [unknown, number, string, RegExp][] = [
      [{}, 400, 'INVALID_REQUEST', /^name: the workspace name is text/],
      [{ name: 42 }, 400, 'INVALID_REQUEST', /^name: the workspace name is text/],
      [{ name: '   ' }, 400, 'INVALID_REQUEST', /^name: name the workspace/],
      [{ name: 'x'.repeat(101) }, 400, 'INVALID_REQUEST', /^name: .*at most 100 characters/],
      ['{"name":', 400, 'MALFORMED_JSON', /not valid JSON/],
      [{ name: 'clinic DENTAL' }, 409, 'WORKSPACE_NAME_TAKEN', /already have .*choose another/],
    ];
    for (const [body, status, code, message] of cases) {
      const r = await call('POST', '/api/v1/workspaces', vera, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(errorOf(r).code).toBe(code);
      expect(errorOf(r).message).toMatch(message);
    }
    expect(await list(vera)).toHaveLength(2);
    expect((await call('POST', '/api/v1/workspaces', undefined, { name: 'Anon' })).status).toBe(
      401,
    );
    // A name another person uses is theirs to have: Olga may call hers Clinic Dental too.
    const theirs = await call('POST', '/api/v1/workspaces', olga, { name: 'Clinic Dental' });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(clinic);
  });

  it('keeps every workspace out of reach of people who are not its members', async () => {
    // Olga owns Acme, but Clinic Dental is Vera's: it answers as if it did not exist.
    for (const [method, path, body] of [
      ['GET', `/api/v1/workspaces/${clinic}`],
      ['GET', `/api/v1/workspaces/${clinic}/flows`],
      ['POST', `/api/v1/workspaces/${clinic}/flows`, { name: 'Intruder' }],
      ['GET', `/api/v1/workspaces/${clinic}/members`],
      ['POST', `/api/v1/workspaces/${clinic}/invites`, { email: 'x@y.test', role: 'owner' }],
    ] as const) {
      const r = await call(method, path, olga, body);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(errorOf(r).message).toBe('The workspace was not found');
    }
    expect((await call('GET', `/api/v1/workspaces/${clinic}/flows`, vera)).body.items).toEqual([]);
  });

  it('lets one token act in each workspace with the role held there', async () => {
    // Vera owns Clinic Dental and may edit its flows; in Acme she is a viewer and may only read.
    const own = await call('POST', `/api/v1/workspaces/${clinic}/flows`, vera, { name: 'Booking' });
    expect(own.status).toBe(201);
    const acmeFlow = await call('POST', `/api/v1/workspaces/${acme}/flows`, olga, {
      name: 'Leads',
    });
    expect(acmeFlow.status).toBe(201);
    const refused = await call('POST', `/api/v1/workspaces/${acme}/flows`, vera, { name: 'Nope' });
    expect(refused.status).toBe(403);
    expect(errorOf(refused).message).toMatch(/Your role \(viewer\) cannot do this/);
    expect(
      (
        await call('PATCH', `/api/v1/workspaces/${acme}/flows/${String(acmeFlow.body.id)}`, vera, {
          name: 'Mine now',
        })
      ).status,
    ).toBe(403);
    const acmeFlows = (await call('GET', `/api/v1/workspaces/${acme}/flows`, vera)).body.items as {
      name: string;
    }[];
    expect(acmeFlows.map((f) => f.name)).toEqual(['Leads']);
    const clinicFlows = (await call('GET', `/api/v1/workspaces/${clinic}/flows`, vera)).body
      .items as { name: string }[];
    expect(clinicFlows.map((f) => f.name)).toEqual(['Booking']);

    // The owner of Acme, a viewer in Clinic Dental once she joins it with her existing account:
    // the token she already held now reaches Clinic Dental, as a viewer.
    const joined = await join(clinic, vera, 'olga@acme.test', 'viewer', {
      password: 'correct horse battery',
    });
    // In the order she joined them: the one this invite opened comes last (the web app lands there).
    const olgas = await list(olga);
    expect(joined.workspaces).toEqual(olgas);
    expect(olgas[0]).toEqual({ id: acme, name: 'Acme', role: 'owner' });
    expect(olgas.at(-1)).toEqual({ id: clinic, name: 'Clinic Dental', role: 'viewer' });
    const booking = String(own.body.id);
    expect((await call('GET', `/api/v1/workspaces/${clinic}/flows/${booking}`, olga)).status).toBe(
      200,
    );
    for (const [method, path, body] of [
      ['POST', `/api/v1/workspaces/${clinic}/flows`, { name: 'Olga was here' }],
      ['PATCH', `/api/v1/workspaces/${clinic}/flows/${booking}`, { name: 'Renamed' }],
      ['DELETE', `/api/v1/workspaces/${clinic}/flows/${booking}`],
      ['PATCH', `/api/v1/workspaces/${clinic}`, { name: 'Olga’s now' }],
    ] as const) {
      const r = await call(method, path, olga, body);
      expect(r.status, `${method} ${path}`).toBe(403);
    }
    // …while in Acme the same token is still an owner's.
    expect(
      (await call('POST', `/api/v1/workspaces/${acme}/flows`, olga, { name: 'Support' })).status,
    ).toBe(201);
    expect(
      ((await call('GET', `/api/v1/workspaces/${clinic}/flows`, olga)).body.items as Json[]).map(
        (f) => f.name,
      ),
    ).toEqual(['Booking']);
  });

  it('keeps invites per workspace: an invite to one workspace gives nothing in another', async () => {
    const eve = (
      await join(clinic, vera, 'eve@agency.test', 'editor', {
        name: 'Eve',
        password: 'eve password 1234',
      })
    ).accessToken as string;
    expect(await list(eve)).toEqual([{ id: clinic, name: 'Clinic Dental', role: 'editor' }]);
    expect(
      (await call('POST', `/api/v1/workspaces/${clinic}/flows`, eve, { name: 'Reminders' })).status,
    ).toBe(201);
    expect((await call('GET', `/api/v1/workspaces/${acme}/flows`, eve)).status).toBe(404);
    // An admin of one workspace cannot invite people into another they only view.
    expect(
      (
        await call('POST', `/api/v1/workspaces/${acme}/invites`, vera, {
          email: 'friend@agency.test',
          role: 'viewer',
        })
      ).status,
    ).toBe(403);
  });
});
