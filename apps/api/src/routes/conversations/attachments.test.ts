// Sending an image or a document from the inbox, on real Postgres with the embedded runtime and a
// sandbox number: the file is kept in the data folder, the transcript shows it, the channel is
// handed the stored file once; an empty file, one over the limit and a viewer are refused in words.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { echoFlow, until } from '@waflow/testkit';
import { startInbox, type Inbox, type Json } from './inbox-test-harness.ts';
import { MAX_ATTACHMENT_MB } from './attachments.ts';

const contact = '34600000088@c.us';
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7]);

describe('attachments from the inbox', () => {
  let inbox: Inbox;
  let conv = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'inbox-files-'));
  const attach = (file: Buffer, type: string, qs: string, token = inbox.token) =>
    inbox.app.request(`/api/v1/workspaces/${inbox.ws}/conversations/${conv}/attachments?${qs}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: file,
    });

  beforeAll(async () => {
    inbox = await startInbox(inject('pgUrl'), echoFlow, {}, { dataDir });
    inbox.sandbox.deliver({ from: contact, text: 'hi' });
    conv = await until(async () => {
      const list = (await inbox.json('GET', '/conversations')).items as { id: string }[];
      return list[0]?.id;
    }, 'the conversation');
    await until(() => (inbox.sandbox.sent.length > 0 ? true : undefined), 'the bot’s reply');
  });
  afterAll(async () => {
    await inbox.close();
  });

  it('sends a photo with its caption and a document by name, each once, taken over first', async () => {
    const photo = await attach(png, 'image/png', 'fileName=look.png&caption=Your%20new%20look');
    expect(photo.status).toBe(202);
    expect(await photo.json()).toMatchObject({ mediaType: 'image' });
    const doc = await attach(
      Buffer.from('%PDF-1.4 prices'),
      'application/pdf',
      'fileName=Prices.pdf',
    );
    expect(await doc.json()).toMatchObject({ mediaType: 'document' });

    const sent = await until(() => {
      const media = inbox.sandbox.sent.filter((s) => s.message.type === 'media');
      return media.length === 2 ? media.map((s) => s.message) : undefined;
    }, 'both files sent');
    expect(sent).toEqual([
      {
        to: contact,
        type: 'media',
        url: expect.stringMatching(/^media\/[0-9a-f-]+\/agent-[0-9a-f-]+\.png$/),
        mediaType: 'image',
        fileName: 'look.png',
        caption: 'Your new look',
      },
      {
        to: contact,
        type: 'media',
        url: expect.stringMatching(/\.pdf$/),
        mediaType: 'document',
        fileName: 'Prices.pdf',
      },
    ]);
    const first = sent[0];
    expect(first?.type === 'media' && readFileSync(join(dataDir, first.url))).toEqual(png);

    const detail = await inbox.json('GET', `/conversations/${conv}`);
    expect(detail.status).toBe('handoff');
    const lines = (detail.messages as Json[]).filter((m) => m.author === 'agent');
    expect(lines.map((m) => [m.type, m.body, m.mediaRef])).toEqual([
      ['media', 'Your new look', first?.type === 'media' ? first.url : ''],
      ['media', '', expect.stringMatching(/\.pdf$/)],
    ]);
  });

  it('refuses an empty file, one over the limit and a viewer, saying what to change', async () => {
    const empty = await attach(Buffer.alloc(0), 'image/png', 'fileName=x.png');
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: Json }).error.code).toBe('EMPTY_ATTACHMENT');

    const big = await attach(
      Buffer.alloc(MAX_ATTACHMENT_MB * 1_048_576 + 1),
      'video/mp4',
      'fileName=x.mp4',
    );
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: Json }).error.message).toMatch(/larger than 16 MB/);

    const unnamed = await attach(png, 'image/png', '');
    expect(unnamed.status).toBe(400);

    const viewer = await inbox.member('Vera', 'viewer');
    const byViewer = await viewer.call('POST', `/conversations/${conv}/attachments?fileName=x.png`);
    expect(byViewer.status).toBe(403);
  });
});
