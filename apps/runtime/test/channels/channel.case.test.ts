// One Channel contract, run against every channel: the sandbox, WhatsApp Web (on the WhatsApp
// Web double in Chromium), the WhatsApp Cloud API (on the Graph API double) and Twilio (on the
// Twilio double). Each file that imports this gives a fixture: the channel, what its network
// received (read back from the double, in one shape), and how a contact writes to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChannelSendError,
  type Channel,
  type InboundMessage,
  type NumberStatus,
} from '@waflow/channel';

/** A message as the network received it, in one shape for every channel. */
export interface NetworkMessage {
  /** The contact, `<digits>@c.us`. */
  to: string;
  kind: 'text' | 'image' | 'location' | 'interactive' | 'other';
  /** The text, caption, or (interactive) body and option titles joined by new lines. */
  text: string;
}

export interface ChannelFixture {
  channel: Channel;
  /** Brings a started channel to ready (links the double's phone where there is one). */
  ready(): Promise<void>;
  received(): Promise<NetworkMessage[]>;
  /** A contact writes `text`; resolves with what the runtime is given. */
  contactWrites(from: string, text: string): Promise<InboundMessage>;
  /** The network refuses the next send, as a passing (transient) or final failure. */
  failNext?(transient: boolean): Promise<void>;
  /** An image the network can fetch by URL. */
  imageUrl: string;
  close(): Promise<void>;
}

export function runChannelContract(name: string, create: () => Promise<ChannelFixture>): void {
  describe(`the ${name} channel keeps the Channel contract`, () => {
    let f: ChannelFixture;
    const statuses: NumberStatus[] = [];
    const to = '34600555001@c.us';
    const toContact = async () => (await f.received()).filter((m) => m.to === to);

    beforeAll(async () => {
      f = await create();
      f.channel.on('status', (s) => statuses.push(s));
      await f.channel.start();
      await f.ready();
    });
    afterAll(async () => {
      await f?.close();
    });

    it('reports ready once started', () => {
      expect(statuses).toContain('ready');
    });

    it('sends texts in order, each with its own network id', async () => {
      const a = await f.channel.send({ to, type: 'text', text: 'first' });
      const b = await f.channel.send({ to, type: 'text', text: 'second' });
      expect(a.providerMessageId).toBeTruthy();
      expect(b.providerMessageId).toBeTruthy();
      expect(a.providerMessageId).not.toBe(b.providerMessageId);
      expect((await toContact()).map((m) => m.text)).toEqual(['first', 'second']);
    });

    it('sends an image by URL with its caption', async () => {
      await f.channel.send({
        to,
        type: 'media',
        mediaType: 'image',
        url: f.imageUrl,
        caption: 'the map',
      });
      expect((await toContact()).at(-1)).toMatchObject({ kind: 'image', text: 'the map' });
    });

    it('sends a location', async () => {
      await f.channel.send({
        to,
        type: 'location',
        latitude: 41.39,
        longitude: 2.17,
        name: 'Shop',
      });
      const last = (await toContact()).at(-1);
      expect(last?.kind).toBe('location');
    });

    it('sends a choice question so that the contact sees every option', async () => {
      const options = ['Basic', 'Pro', 'Max'];
      await f.channel.send({
        to,
        type: 'text',
        text: 'Pick a plan\n\n1. Basic\n2. Pro\n3. Max\n\nReply with a number.',
        menu: { body: 'Pick a plan', options },
      });
      const last = (await toContact()).at(-1);
      expect(last?.text).toContain('Pick a plan');
      for (const o of options) expect(last?.text).toContain(o);
    });

    it('hands a contact’s message to the runtime with the contact’s id and a unique message id', async () => {
      const one = await f.contactWrites('34600555002', 'hello there');
      const two = await f.contactWrites('34600555002', 'again');
      expect(one).toMatchObject({ from: '34600555002@c.us', type: 'text', text: 'hello there' });
      expect(one.messageId).toBeTruthy();
      expect(two.messageId).not.toBe(one.messageId);
    });

    it('says whether a refused send is worth another try', async (ctx) => {
      if (!f.failNext) return ctx.skip();
      for (const transient of [true, false]) {
        await f.failNext(transient);
        const err = await f.channel.send({ to, type: 'text', text: 'refused' }).catch((e) => e);
        expect(err).toBeInstanceOf(ChannelSendError);
        expect((err as ChannelSendError).transient).toBe(transient);
        expect((err as ChannelSendError).message.length).toBeGreaterThan(10);
      }
    });

    it('refuses to send once stopped, as something to try again later', async () => {
      await f.channel.stop();
      const err = await f.channel.send({ to, type: 'text', text: 'late' }).catch((e) => e);
      expect(err).toBeInstanceOf(ChannelSendError);
      expect((err as ChannelSendError).transient).toBe(true);
    });
  });
}
