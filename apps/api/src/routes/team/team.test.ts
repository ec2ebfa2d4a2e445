// The team on real Postgres: invite links (new and existing accounts), roles that cannot be
// raised above your own, the last owner kept, and the audit trail of it all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Json, type TestApp } from '../../test-app.ts';

describe('the team', () => {
  let t: TestApp;
  let ws = '';
  let owner = '';
  const call: TestApp['call'] = (...args) => t.call(...args);

  beforeAll(async () => {
    t = await startTestApp({ webOrigin: 'https://waflow.example' });
    ({ token: owner, ws } = await t.setUpOwner());
  });
  afterAll(async () => {
    await t.close();
  });

  async function invite(token: string, email: string, role: string) {
    const r = await call('POST', `/api/v1/workspaces/${ws}/invites`, token, { email, role });
    expect(r.status).toBe(201);
    expect(r.body.inviteUrl).toBe(`https://waflow.example/invite/${String(r.body.token)}`);
    return r.body.token as string;
  }

  it('invites a new person by link, who joins with the role and is signed in', async () => {
    const token = await invite(owner, 'vera@acme.test', 'viewer');
    const info = await call('GET', `/api/v1/invites/${token}`);
    expect(info.body).toMatchObject({
      workspaceName: 'Acme',
      email: 'vera@acme.test',
      role: 'viewer',
    });
    expect(info.body).not.toHaveProperty('existingAccount');
    expect(
      (await call('POST', `/api/v1/invites/${token}/accept`, undefined, { password: 'short' }))
        .status,
    ).toBe(400);
    const accepted = await call('POST', `/api/v1/invites/${token}/accept`, undefined, {
      name: 'Vera',
      password: 'vera password 123',
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.workspaces).toEqual([{ id: ws, name: 'Acme', role: 'viewer' }]);
    // Used once: the link is gone.
    expect(
      (
        await call('POST', `/api/v1/invites/${token}/accept`, undefined, {
          name: 'Vera',
          password: 'vera password 123',
        })
      ).status,
    ).toBe(404);
    const vera = accepted.body.accessToken as string;
    expect((await call('GET', `/api/v1/workspaces/${ws}/flows`, vera)).status).toBe(200);
    expect(
      (await call('POST', `/api/v1/workspaces/${ws}/flows`, vera, { name: 'Nope' })).status,
    ).toBe(403);
  });

  it('refuses to invite someone who is already a member, saying what to do instead', async () => {
    const r = await call('POST', `/api/v1/workspaces/${ws}/invites`, owner, {
      email: 'VERA@acme.test',
      role: 'editor',
    });
    expect(r.status).toBe(409);
    expect((r.body.error as Json).message).toMatch(/change their role/);
  });

  it('never lets an admin grant owner, and keeps the last owner', async () => {
    const adminInvite = await invite(owner, 'adam@acme.test', 'admin');
    const adam = (
      await call('POST', `/api/v1/invites/${adminInvite}/accept`, undefined, {
        name: 'Adam',
        password: 'adam password 123',
      })
    ).body.accessToken as string;
    const members = (await call('GET', `/api/v1/workspaces/${ws}/members`, adam)).body.items as {
      userId: string;
      email: string;
      role: string;
    }[];
    const olga = members.find((m) => m.email === 'olga@acme.test');
    const vera = members.find((m) => m.email === 'vera@acme.test');
    expect(olga?.role).toBe('owner');

    expect(
      (
        await call('POST', `/api/v1/workspaces/${ws}/invites`, adam, {
          email: 'x@acme.test',
          role: 'owner',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('PATCH', `/api/v1/workspaces/${ws}/members/${vera?.userId}`, adam, {
          role: 'owner',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('PATCH', `/api/v1/workspaces/${ws}/members/${olga?.userId}`, adam, {
          role: 'viewer',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('PATCH', `/api/v1/workspaces/${ws}/members/${vera?.userId}`, adam, {
          role: 'editor',
        })
      ).body,
    ).toEqual({ userId: vera?.userId, role: 'editor' });
    expect(
      (
        await call('PATCH', `/api/v1/workspaces/${ws}/members/${vera?.userId}`, adam, {
          role: 'boss',
        })
      ).status,
    ).toBe(400);

    const last = await call('PATCH', `/api/v1/workspaces/${ws}/members/${olga?.userId}`, owner, {
      role: 'admin',
    });
    expect(last.status).toBe(409);
    expect((last.body.error as Json).code).toBe('LAST_OWNER');
    expect(
      (await call('DELETE', `/api/v1/workspaces/${ws}/members/${olga?.userId}`, owner)).status,
    ).toBe(409);
  });

  it('revokes an invite, and records every change in the audit log', async () => {
    const created = await call('POST', `/api/v1/workspaces/${ws}/invites`, owner, {
      email: 'gone@acme.test',
      role: 'editor',
    });
    expect(
      (await call('DELETE', `/api/v1/workspaces/${ws}/invites/${String(created.body.id)}`, owner))
        .status,
    ).toBe(204);
    expect((await call('GET', `/api/v1/invites/${String(created.body.token)}`)).status).toBe(404);
    const log = (await call('GET', `/api/v1/workspaces/${ws}/audit?limit=100`, owner)).body
      .items as { action: string; actor: { email: string } | null; after: Json | null }[];
    const actions = log.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['invite.create', 'invite.accept', 'invite.revoke', 'member.role']),
    );
    expect(log.find((e) => e.action === 'invite.revoke')?.actor?.email).toBe('olga@acme.test');
    expect(JSON.stringify(log)).not.toMatch(/token/i);
    const page1 = await call('GET', `/api/v1/workspaces/${ws}/audit?limit=2`, owner);
    const page2 = await call(
      'GET',
      `/api/v1/workspaces/${ws}/audit?limit=2&cursor=${String(page1.body.nextCursor)}`,
      owner,
    );
    expect((page2.body.items as { id: string }[])[0]?.id).toBe(
      (log[2] as unknown as { id: string }).id,
    );
    expect((await call('GET', `/api/v1/workspaces/${ws}/audit?cursor=garbage`, owner)).status).toBe(
      400,
    );
  });

  it('renames the workspace and keeps its settings', async () => {
    const r = await call('PATCH', `/api/v1/workspaces/${ws}`, owner, {
      name: 'Acme Inc',
      settings: { humanReplyPauseMinutes: 30 },
    });
    expect(r.body).toMatchObject({ name: 'Acme Inc', settings: { humanReplyPauseMinutes: 30 } });
    expect(
      (
        await call('PATCH', `/api/v1/workspaces/${ws}`, owner, {
          settings: { humanReplyPauseMinutes: -1 },
        })
      ).status,
    ).toBe(400);
    expect((await call('GET', `/api/v1/workspaces/${ws}`, owner)).body).toMatchObject({
      name: 'Acme Inc',
      role: 'owner',
    });
  });
});
