import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { createDb, type DbClient } from '@waflow/db';
import { createTestDatabase } from '@waflow/testkit';
import { bindNumber, createLogger } from './logger.ts';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('createLogger', () => {
  it('writes JSON lines by default, with the fields as fields', () => {
    const out = capture();
    createLogger({ name: 'test', level: 'info', destination: out.stream }).info(
      { numberId: 'n1' },
      'number ready',
    );
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ name: 'test', level: 30, numberId: 'n1', msg: 'number ready' });
  });

  it('writes readable lines with LOG_FORMAT=pretty (development)', () => {
    const out = capture();
    createLogger({ name: 'test', level: 'info', format: 'pretty', destination: out.stream }).warn(
      { numberId: 'n1' },
      'number disconnected',
    );
    const text = out.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(text).toMatch(/WARN.*\(test\): number disconnected/);
    expect(text).toMatch(/numberId: "n1"/);
  });
});

describe('a key once per line', () => {
  const lines = (text: string) => text.trim().split('\n');
  const count = (line: string) => line.split('"numberId":').length - 1;

  it('binds numberId once however often it is bound, and leaves out a field that repeats it', () => {
    const out = capture();
    const log = createLogger({ name: 'test', level: 'info', destination: out.stream });
    const bound = bindNumber(bindNumber(log, 'n1'), 'n1');
    bound.warn({ numberId: 'n1', interrupted: 2 }, 'outbox rows interrupted');
    bound.info('plain');
    expect(lines(out.text()).map(count)).toEqual([1, 1]);
    expect(JSON.parse(lines(out.text())[0] ?? '')).toMatchObject({
      numberId: 'n1',
      interrupted: 2,
    });
  });

  it('keeps a field that differs from the bound value, and the fields of an unbound logger', () => {
    const out = capture();
    const log = createLogger({ name: 'test', level: 'info', destination: out.stream });
    const fields = { numberId: 'n2', conversationId: 'c1' };
    bindNumber(log, 'n1').info(fields, 'another number');
    log.info({ numberId: 'n1' }, 'unbound');
    expect(lines(out.text()).map(count)).toEqual([2, 1]);
    expect(fields).toEqual({ numberId: 'n2', conversationId: 'c1' });
  });
});

describe('a failed query in the log', () => {
  const phone = '+4915112345678';
  const secret = 'whsec_TOPSECRET';

  /** A unique violation (its detail quotes the key) and a bad uuid (its message quotes the value). */
  async function failures(client: DbClient): Promise<unknown[]> {
    await client.db.execute(
      sql`create table if not exists log_probe (phone text primary key, secret text)`,
    );
    await client.db.execute(sql`insert into log_probe values (${phone}, ${secret})`);
    const errors: unknown[] = [];
    await client.db
      .execute(sql`insert into log_probe values (${phone}, ${secret})`)
      .catch((err: unknown) => errors.push(err));
    await client.query('select $1::uuid', [secret]).catch((err: unknown) => errors.push(err));
    return errors;
  }

  for (const kind of ['postgres', 'pglite'] as const) {
    it(`keeps the Postgres code and the statement, never the parameters, message or detail (${kind})`, async () => {
      const client =
        kind === 'postgres'
          ? await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url })
          : await createDb({ dataDir: 'memory://' });
      try {
        const [unique, badUuid] = await failures(client);
        const out = capture();
        const log = createLogger({ name: 'test', level: 'info', destination: out.stream });
        log.error({ err: unique }, 'insert failed');
        log.error({ err: new Error('wrapped', { cause: badUuid }) }, 'select failed');
        const [first, second] = out
          .text()
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { err: Record<string, unknown> });
        expect(first?.err).toMatchObject({
          code: '23505',
          statement: 'insert into log_probe',
          description: 'integrity constraint violation',
        });
        expect(second?.err).toMatchObject({ code: '22P02' });
        for (const leak of ['4915112345678', 'TOPSECRET', 'already exists', 'invalid input syntax'])
          expect(out.text()).not.toContain(leak);
      } finally {
        await client.close();
      }
    });
  }
});
