// The sandbox channel against the Channel contract.
import { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';
import type { InboundMessage } from '@waflow/channel';
import { runChannelContract, type NetworkMessage } from './channel.case.test.ts';

runChannelContract('sandbox', async () => {
  const channel = new SandboxChannel('00000000-0000-4000-8000-000000000001');
  return {
    channel,
    ready: async () => undefined,
    received: async () =>
      channel.sent.map(({ message: m }): NetworkMessage => {
        if (m.type === 'text') return { to: m.to, kind: 'text', text: m.text };
        if (m.type === 'media')
          return {
            to: m.to,
            kind: m.mediaType === 'image' ? 'image' : 'other',
            text: m.caption ?? '',
          };
        return { to: m.to, kind: 'location', text: m.name ?? '' };
      }),
    contactWrites: (from, text) =>
      new Promise<InboundMessage>((resolve) => {
        const off = channel.on('inbound', (m) => {
          off();
          resolve(m);
        });
        channel.deliver({ from: `${from}@c.us`, type: 'text', text });
      }),
    failNext: async (transient) => {
      channel.failNext = { count: 1, transient };
    },
    imageUrl: 'https://example.test/map.png',
    close: async () => undefined,
  };
});
