// Contacts import benchmark: a 100,000-row CSV (phone, name, tags, two typed attributes, generated
// as it is read, never whole) streamed through POST …/contacts/import on a throwaway real
// Postgres, with the process's peak RSS sampled throughout; then the baseline, a plain multi-row
// INSERT of the same rows (1,000 a statement) into another workspace. Last line:
// contacts_import_rows_per_s=N rss_mb=M ratio=R (R: the import's rows/s over the baseline's).
// Run with a 128 MB heap cap (npm run bench:contacts): with V8's default the heap grows with the
// allocation rate before it collects, so RSS would measure the collector's slack, not what the
// import holds (uncapped, 300,000 rows peak higher than 100,000; capped, both stay flat).
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import postgres from 'postgres';
import {
  addMember,
  createDb,
  createKeyring,
  createUser,
  createWorkspace,
  migrate,
  schema,
} from '@waflow/db';
import { createTestDatabase, startPostgres } from '@waflow/testkit';
import { createApp } from '../../apps/api/src/app.ts';
import { issueAccessToken } from '../../apps/api/src/auth/tokens.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const CHUNK = 1_000;

const row = (i: number) => {
  const phone = `+3460${String(i).padStart(7, '0')}`;
  return {
    phone,
    name: `Contact ${i}`,
    tags: i % 3 === 0 ? 'vip;lead' : 'lead',
    city: i % 2 ? 'Madrid' : 'Porto, PT',
    age: 18 + (i % 60),
  };
};
const csvRow = (i: number) => {
  const r = row(i);
  return `${r.phone},${r.name},${r.tags},"${r.city}",${r.age}\n`;
};

/** The CSV as a stream, made a thousand rows at a time as it is read. */
function csvStream(): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i === 0) controller.enqueue(enc.encode('phone,name,tags,city,age\n'));
      let text = '';
      for (const end = Math.min(ROWS, i + CHUNK); i < end; i++) text += csvRow(i);
      controller.enqueue(enc.encode(text));
      if (i >= ROWS) controller.close();
    },
  });
}

let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const sampler = setInterval(sample, 20);

const pg = await startPostgres();
try {
  const url = (await createTestDatabase(pg.url, 'bench_contacts')).url;
  const client = await createDb({ url });
  await migrate(client);
  const keyring = createKeyring({ k: randomBytes(32) }, 'k');
  const app = createApp({ client, keyring, log: pino({ level: 'silent' }) });
  const call = async (method: string, path: string, token: string | undefined, body: unknown) => {
    const res = await app.request(path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  // An owner signed in without a password (hashing one costs the process tens of MB of RSS
  // the import has nothing to do with).
  const owner = await createWorkspace(client.db, 'Bench');
  const user = await createUser(client.db, {
    email: 'bench@waflow.test',
    name: 'Bench',
    passwordHash: 'none',
  });
  await addMember(client.db, owner.id, user.id, 'owner');
  const [session] = await client.db
    .insert(schema.refreshSessions)
    .values({
      userId: user.id,
      family: randomUUID(),
      tokenHash: 'bench',
      expiresAt: new Date(Date.now() + 3_600_000),
    })
    .returning();
  const token = await issueAccessToken(keyring, user.id, session?.family ?? '');
  const ws = owner.id;
  for (const name of ['vip', 'lead'])
    await call('POST', `/api/v1/workspaces/${ws}/contact-tags`, token, { name });
  await call('POST', `/api/v1/workspaces/${ws}/contact-attributes`, token, {
    key: 'city',
    label: 'City',
    type: 'text',
  });
  await call('POST', `/api/v1/workspaces/${ws}/contact-attributes`, token, {
    key: 'age',
    label: 'Age',
    type: 'number',
  });

  sample();
  const rssBefore = peak;
  let t0 = performance.now();
  const res = await app.request(`/api/v1/workspaces/${ws}/contacts/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
    body: csvStream(),
    duplex: 'half',
  } as RequestInit);
  const answer = (await res.json()) as { created: number; failed: number };
  const importS = (performance.now() - t0) / 1000;
  sample();
  if (answer.created !== ROWS) throw new Error(`imported ${JSON.stringify(answer)}, not ${ROWS}`);
  const importRate = ROWS / importS;
  const rssMb = peak / 1_048_576;

  // Baseline: the same rows, a plain multi-row INSERT of 1,000 a statement.
  const other = await createWorkspace(client.db, 'baseline');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  t0 = performance.now();
  for (let i = 0; i < ROWS; i += CHUNK) {
    const batch = [];
    for (let j = i; j < Math.min(ROWS, i + CHUNK); j++) {
      const r = row(j);
      batch.push({
        workspace_id: other.id,
        wa_id: `${r.phone.slice(1)}@c.us`,
        phone: r.phone,
        name: r.name,
        tags: r.tags.split(';'),
        attributes: { city: r.city, age: r.age },
      });
    }
    await sql`insert into contacts ${sql(batch)}`;
  }
  const baseRate = ROWS / ((performance.now() - t0) / 1000);
  await sql.end();
  await client.close();

  console.log(
    `rows: ${ROWS}, import: ${importS.toFixed(2)} s (${Math.round(importRate)} rows/s), baseline multi-row INSERT: ${Math.round(baseRate)} rows/s`,
  );
  const heapCap =
    process.execArgv.find((a) => a.startsWith('--max-old-space-size')) ?? 'no heap cap';
  console.log(
    `RSS: ${(rssBefore / 1_048_576).toFixed(0)} MB before the import, peak ${rssMb.toFixed(0)} MB (limit 200 MB; ${heapCap})`,
  );
  console.log(
    `contacts_import_rows_per_s=${Math.round(importRate)} rss_mb=${Math.round(rssMb)} ratio=${(importRate / baseRate).toFixed(2)}`,
  );
} finally {
  clearInterval(sampler);
  await pg.stop();
}
