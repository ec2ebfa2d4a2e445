// The WhatsApp Cloud API channel against the Channel contract, on the Graph API double.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCloudWebhook } from '@waflow/channel/cloud-api';
import { waIdFromDigits } from '@waflow/channel';
import { graphFailure, messageWebhook, startGraphApiDouble } from '@waflow/testkit/graph-api';
import { CloudApiChannel } from '../../src/channels/cloud-api/cloud-api-channel.ts';
import { ServiceWindow } from '../../src/channels/provider/service-window.ts';
import { MediaStorage } from '@waflow/channel';
import { runChannelContract, type NetworkMessage } from './channel.case.test.ts';

const TOKEN = 'EAAG-contract-token-0123456789';
const PHONE_NUMBER_ID = '106540352242922';

runChannelContract('WhatsApp Cloud API', async () => {
  const graph = await startGraphApiDouble({
    accessToken: TOKEN,
    phoneNumbers: { [PHONE_NUMBER_ID]: { display: '+1 555-0100', verifiedName: 'Acme' } },
  });
  const channel = new CloudApiChannel({
    numberId: '00000000-0000-4000-8000-000000000002',
    credentials: { phoneNumberId: PHONE_NUMBER_ID, accessToken: TOKEN },
    graph: { baseUrl: graph.baseUrl, version: 'v21.0' },
    // Every contact wrote a moment ago: the 24-hour window is the provider tests' subject.
    window: new ServiceWindow(async () => Date.now(), Date.now),
    media: new MediaStorage(mkdtempSync(join(tmpdir(), 'contract-media-'))),
  });
  const target = {
    url: 'http://unused.test',
    appSecret: 'x',
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '15550100',
    wabaId: '1',
  };
  type Body = Record<string, Record<string, unknown> | string | undefined>;
  return {
    channel,
    ready: async () => undefined,
    received: async () =>
      graph.sends.map(({ body }): NetworkMessage => {
        const b = body as Body;
        const to = waIdFromDigits(String(b.to));
        const part = (k: string) =>
          typeof b[k] === 'object' ? (b[k] as Record<string, unknown>) : {};
        if (b.type === 'text') return { to, kind: 'text', text: String(part('text').body) };
        if (b.type === 'image')
          return { to, kind: 'image', text: String(part('image').caption ?? '') };
        if (b.type === 'location')
          return { to, kind: 'location', text: String(part('location').name ?? '') };
        if (b.type === 'interactive') {
          const i = part('interactive') as {
            body?: { text?: string };
            action?: {
              buttons?: { reply: { title: string } }[];
              sections?: { rows: { title: string }[] }[];
            };
          };
          const titles = [
            ...(i.action?.buttons ?? []).map((x) => x.reply.title),
            ...(i.action?.sections ?? []).flatMap((s) => s.rows.map((r) => r.title)),
          ];
          return { to, kind: 'interactive', text: [i.body?.text ?? '', ...titles].join('\n') };
        }
        return { to, kind: 'other', text: '' };
      }),
    contactWrites: async (from, text) => {
      const { payload } = messageWebhook(
        target,
        { waId: from, name: 'Contact' },
        { kind: 'text', text },
      );
      const message = parseCloudWebhook(payload)[0]?.messages[0];
      if (!message) throw new Error('the webhook carried no message');
      return channel.withMedia(message);
    },
    failNext: async (transient) => graph.failNext(1, graphFailure(transient ? 130429 : 131026)),
    imageUrl: 'https://example.test/map.png',
    close: () => graph.close(),
  };
});
