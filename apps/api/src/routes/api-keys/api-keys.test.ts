// API keys on real Postgres: shown once, only a SHA-256 hash stored, listed masked, revoked at
// once; other workspaces' keys are not found, and only admins manage keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { hashApiKey } from '../../middleware/api-key.ts';
import { startHarness, until, type Harness, type Json } from '../integrations/test-harness.ts';

describe('API keys', () => {
  let h: Harness;
  let base = '';
  beforeAll(async () => {
    h = await startHarness();
    base = `/api/v1/workspaces/${h.ws}/api-keys`;
  });
  afterAll(async () => {
    await h.close();
  });

  const createKey = async (name: string) => {
    const r = await h.call('POST', base, { token: h.admin, body: { name } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; key: string; prefix: string; name: string };
  };

  it('creates a key shown once (wf_ + 32 random bytes) and stores only its SHA-256 hash', async () => {
    const created = await createKey('CRM sync');
    expect(created.key).toMatch(/^wf_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(created.key.slice(3), 'base64url')).toHaveLength(32);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const [row] = await h.client.db
      .select()
      .from(schema.apiKeys)
      .where(eq(schema.apiKeys.id, created.id));
    expect(row?.keyHash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(10));
    const audits = await h.client.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.entityId, created.id));
    expect(audits.map((a) => a.action)).toEqual(['api_key.create']);
    expect(JSON.stringify(audits)).not.toContain(created.key.slice(10));
    expect(
      (await h.call('GET', '/api/v1/integrations/results', { token: created.key })).status,
    ).toBe(200);
    expect((await createKey('Second')).key).not.toBe(created.key);
  });

  it('lists keys masked, newest first, a page at a time, with their last use', async () => {
    // last_used_at is written off the request's path: wait for it.
    const list = await until(async () => {
      const l = await h.call('GET', base, { token: h.admin });
      return (l.body.items as Json[])[1]?.lastUsedAt ? l : undefined;
    }, 'the last use recorded');
    const items = list.body.items as (Json & { prefix: string; name: string })[];
    expect(items.map((k) => k.name)).toEqual(['Second', 'CRM sync']);
    expect(items[0]).toEqual({
      id: expect.any(String),
      name: 'Second',
      prefix: expect.stringMatching(/^wf_.{7}…$/),
      lastUsedAt: null,
      createdAt: expect.any(String),
    });
    expect(items[1]?.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(list.body)).not.toMatch(/wf_[A-Za-z0-9_-]{20,}/);
    const first = await h.call('GET', `${base}?limit=1`, { token: h.admin });
    expect((first.body.items as Json[]).length).toBe(1);
    const second = await h.call('GET', `${base}?limit=1&cursor=${String(first.body.nextCursor)}`, {
      token: h.admin,
    });
    expect((second.body.items as Json[])[0]?.name).toBe('CRM sync');
    expect(second.body.nextCursor).toBeNull();
  });

  it('refuses a missing or too long name with what to change', async () => {
    const empty = await h.call('POST', base, { token: h.admin, body: { name: '  ' } });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toMatch(/name the key/);
    expect(
      (await h.call('POST', base, { token: h.admin, body: { name: 'x'.repeat(81) } })).status,
    ).toBe(400);
    expect((await h.call('POST', base, { token: h.admin, body: {} })).status).toBe(400);
  });

  it('revokes a key at once, and it no longer lists', async () => {
    const k = await createKey('Temporary');
    expect((await h.call('GET', '/api/v1/integrations/results', { token: k.key })).status).toBe(
      200,
    );
    expect((await h.call('DELETE', `${base}/${k.id}`, { token: h.admin })).status).toBe(204);
    const refused = await h.call('GET', '/api/v1/integrations/results', { token: k.key });
    expect(refused.status).toBe(401);
    expect((refused.body.error as Json).message).toMatch(/revoked/);
    expect(
      ((await h.call('GET', base, { token: h.admin })).body.items as Json[]).some(
        (x) => x.id === k.id,
      ),
    ).toBe(false);
    expect((await h.call('DELETE', `${base}/${k.id}`, { token: h.admin })).status).toBe(404);
    const audits = await h.client.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.entityId, k.id));
    expect(audits.map((a) => a.action).sort()).toEqual(['api_key.create', 'api_key.revoke']);
  });

  it('does not find another workspace’s keys, and lets only admins manage keys', async () => {
    const other = await h.otherWorkspace();
    const [theirs] = await h.client.db
      .insert(schema.apiKeys)
      .values({
        workspaceId: other.ws,
        name: 'Theirs',
        prefix: 'wf_theirs',
        keyHash: hashApiKey('wf_theirs_key'),
      })
      .returning();
    expect((await h.call('DELETE', `${base}/${theirs?.id}`, { token: h.admin })).status).toBe(404);
    expect((await h.call('DELETE', `${base}/not-a-uuid`, { token: h.admin })).status).toBe(404);
    const [still] = await h.client.db
      .select()
      .from(schema.apiKeys)
      .where(eq(schema.apiKeys.id, theirs?.id ?? ''));
    expect(still?.revokedAt).toBeNull();

    const editor = await h.member('editor');
    expect((await h.call('GET', base, { token: editor })).status).toBe(403);
    expect((await h.call('POST', base, { token: editor, body: { name: 'Sneaky' } })).status).toBe(
      403,
    );
    const admin = await h.member('admin');
    expect(
      (await h.call('POST', base, { token: admin, body: { name: 'By an admin' } })).status,
    ).toBe(201);
  });
});
