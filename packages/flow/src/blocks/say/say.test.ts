import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, T0, text, texts } from '../../engine/test-harness.ts';
import type { SayTemplate } from '../../schema/flow.gen.ts';
import { validateFlow } from '../../validate/validate-flow.ts';
import { sayMeta } from './say.meta.ts';

describe('say block', () => {
  it('say sends text with variables, missing ones as empty text', () => {
    const f = flow([
      { id: 's', type: 'say', message: { kind: 'text', text: 'Hi {{x}}{{nothing.deep}}!' } },
    ]);
    expect(texts(advance(f, null, text('hey'), T0).effects)).toEqual(['Hi !']);
  });

  it('say sends media and locations', () => {
    const f = flow([
      {
        id: 'm',
        type: 'say',
        message: {
          kind: 'media',
          mediaType: 'image',
          url: 'https://x.test/{{x}}.png',
          caption: 'Menu',
        },
        next: 'l',
      },
      {
        id: 'l',
        type: 'say',
        message: { kind: 'location', latitude: 40.4, longitude: -3.7, name: 'Shop' },
      },
    ]);
    const sends = advance(f, null, text('hey'), T0).effects.filter((e) => e.type === 'send');
    expect(sends.map((e) => e.type === 'send' && e.message)).toEqual([
      { kind: 'media', mediaType: 'image', url: 'https://x.test/.png', caption: 'Menu' },
      { kind: 'location', latitude: 40.4, longitude: -3.7, name: 'Shop' },
    ]);
  });
});

describe('say block with a WhatsApp template', () => {
  const template = (message: Omit<SayTemplate, 'kind'>) =>
    flow([{ id: 't', type: 'say', message: { kind: 'template', ...message } }]);
  const sent = (f: ReturnType<typeof flow>) =>
    advance(
      f,
      null,
      {
        type: 'message',
        message: { kind: 'text', text: 'hey' },
        contact: { name: 'Ana' },
      },
      T0,
    ).effects.flatMap((e) => (e.type === 'send' ? [e.message] : []));

  it('sends the template with its parameters rendered and the rendered fallback text', () => {
    const f = template({
      name: 'order_update',
      language: 'en_US',
      parameters: ['{{contact.name}}', '#{{x}}42'],
      contentSid: 'HX0123456789abcdef0123456789abcdef',
      fallbackText: 'Hi {{contact.name}}, your order is on its way.',
    });
    expect(validateFlow(f).ok).toBe(true);
    expect(sent(f)).toEqual([
      {
        kind: 'template',
        name: 'order_update',
        language: 'en_US',
        parameters: ['Ana', '#42'],
        contentSid: 'HX0123456789abcdef0123456789abcdef',
        text: 'Hi Ana, your order is on its way.',
      },
    ]);
  });

  it('falls back to the template’s name and parameters when it sets no fallback text', () => {
    expect(
      sent(template({ name: 'order_update', language: 'es', parameters: ['Ana', '42'] })),
    ).toEqual([
      {
        kind: 'template',
        name: 'order_update',
        language: 'es',
        parameters: ['Ana', '42'],
        text: 'order_update: Ana, 42',
      },
    ]);
    expect(
      sent(template({ name: 'hello_world', language: 'en_US', parameters: [] })).map(
        (m) => m.kind === 'template' && m.text,
      ),
    ).toEqual(['hello_world']);
  });

  it('counts the variables its parameters and fallback text use as declared or not', () => {
    const f = template({
      name: 'order_update',
      language: 'en',
      parameters: ['{{ghost}}'],
      fallbackText: '{{phantom}}',
    });
    const r = validateFlow(f);
    expect(r.ok ? [] : r.errors.map((e) => e.field)).toEqual([
      'message.parameters[0]',
      'message.fallbackText',
    ]);
  });

  it('says what to change in a bad name, language or Content SID', () => {
    const r = validateFlow(
      template({
        name: 'Order Update',
        language: 'english',
        parameters: [],
        contentSid: 'MG0123',
      }),
    );
    expect(r.ok ? [] : r.errors.map(({ field, message }) => ({ field, message }))).toEqual([
      {
        field: 'message.name',
        message:
          '"Template name" is not in the right form. Write the template\'s name as it is in Meta\'s WhatsApp Manager: lowercase letters, digits and _ only (like order_update).',
      },
      {
        field: 'message.language',
        message:
          '"Language" is not in the right form. Write the language code of the approved template, like en, en_US, es or pt_BR.',
      },
      {
        field: 'message.contentSid',
        message:
          '"Twilio Content SID" is not in the right form. For Twilio numbers: paste the template\'s Content SID from Twilio\'s Content Template Builder, HX followed by 32 hex characters.',
      },
    ]);
  });
});

describe('say with a template on the canvas', () => {
  it('is summed up by its name and previewed by its fallback text, else its name', () => {
    const node = {
      id: 't',
      type: 'say',
      message: { kind: 'template', name: 'order_update', language: 'en', parameters: [] },
    };
    expect(sayMeta.summary(node)).toBe('Template order_update');
    expect(sayMeta.preview?.(node)).toEqual({ kind: 'text', text: 'order_update' });
    expect(
      sayMeta.preview?.({ ...node, message: { ...node.message, fallbackText: 'Your order' } }),
    ).toEqual({ kind: 'text', text: 'Your order' });
  });
});
