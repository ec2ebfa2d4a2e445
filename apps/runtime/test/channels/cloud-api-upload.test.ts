// A file of the data folder (a person's attachment from the inbox) on a Cloud API number: uploaded
// to the Graph API double as multipart (POST /{phone-number-id}/media) and sent by its media id,
// never as a link Meta could not reach; a file that is gone fails for good, in words.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChannelSendError, MediaStorage } from '@waflow/channel';
import { startGraphApiDouble, type GraphApiDouble } from '@waflow/testkit/graph-api';
import { CloudApiChannel } from '../../src/channels/cloud-api/cloud-api-channel.ts';
import { ServiceWindow } from '../../src/channels/provider/service-window.ts';

const TOKEN = 'EAAG-upload-token-0123456789';
const PHONE_NUMBER_ID = '106540352242977';
const NUMBER_ID = '00000000-0000-4000-8000-000000000077';

describe('Cloud API: sending a stored file', () => {
  let graph: GraphApiDouble;
  afterAll(async () => {
    await graph.close();
  });

  it('uploads it and sends it by its media id, with its caption and file name', async () => {
    graph = await startGraphApiDouble({
      accessToken: TOKEN,
      phoneNumbers: { [PHONE_NUMBER_ID]: { display: '+1 555-0177', verifiedName: 'Salon' } },
    });
    const media = new MediaStorage(mkdtempSync(join(tmpdir(), 'upload-media-')));
    const channel = new CloudApiChannel({
      numberId: NUMBER_ID,
      credentials: { phoneNumberId: PHONE_NUMBER_ID, accessToken: TOKEN },
      graph: { baseUrl: graph.baseUrl, version: 'v21.0' },
      window: new ServiceWindow(async () => Date.now(), Date.now),
      media,
    });
    await channel.start();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    const image = await media.save(NUMBER_ID, 'agent-1', { data: png, mimeType: 'image/png' });
    const pdf = await media.save(NUMBER_ID, 'agent-2', {
      data: Buffer.from('%PDF-1.4 price list'),
      mimeType: 'application/pdf',
      fileName: 'prices.pdf',
    });

    await channel.send({
      to: '34600000123@c.us',
      type: 'media',
      url: image,
      mediaType: 'image',
      caption: 'Your new look',
    });
    await channel.send({
      to: '34600000123@c.us',
      type: 'media',
      url: pdf,
      mediaType: 'document',
      fileName: 'Price list.pdf',
    });

    expect(graph.uploads.map((u) => [u.mimeType, u.fileName, u.data])).toEqual([
      ['image/png', 'agent-1.png', png],
      ['application/pdf', 'Price list.pdf', Buffer.from('%PDF-1.4 price list')],
    ]);
    expect(graph.sends.map((s) => [s.body.type, s.body.image ?? s.body.document])).toEqual([
      ['image', { id: graph.uploads[0]?.id, caption: 'Your new look' }],
      ['document', { id: graph.uploads[1]?.id, filename: 'Price list.pdf' }],
    ]);

    const gone = channel.send({
      to: '34600000123@c.us',
      type: 'media',
      url: `media/${NUMBER_ID}/never-saved.png`,
      mediaType: 'image',
    });
    await expect(gone).rejects.toBeInstanceOf(ChannelSendError);
    await expect(gone).rejects.toMatchObject({ transient: false });
    expect(graph.sends).toHaveLength(2);
  });
});
