import { describe, expect, it } from 'vitest';
import { parseContent, templateFor, templatePlaceholders } from './content.ts';

const reminder = {
  kind: 'template',
  name: 'appointment_reminder',
  language: 'es',
  text: 'Hola {{1}}, te esperamos mañana en {{2}}. Responde SI para confirmar, {{1}}.',
  parameters: ['name', 'attributes.salon'],
};

describe('template content', () => {
  it('takes an approved template with each {{n}} from the contact', () => {
    expect(parseContent(reminder)).toEqual({ ok: true, value: reminder });
    expect(templatePlaceholders(reminder.text)).toEqual([1, 2]);
  });

  it('fills the body for one contact, a dash where the contact has no value', () => {
    const parsed = parseContent(reminder);
    if (!parsed.ok || parsed.value.kind !== 'template') throw new Error('not parsed');
    expect(
      templateFor(parsed.value, {
        name: 'Ana',
        waId: '34600111222@c.us',
        attributes: { salon: 'Gran Vía 12' },
      }),
    ).toEqual({
      parameters: ['Ana', 'Gran Vía 12'],
      text: 'Hola Ana, te esperamos mañana en Gran Vía 12. Responde SI para confirmar, Ana.',
    });
    expect(
      templateFor(parsed.value, { name: null, waId: '34600111222@c.us', attributes: {} })
        .parameters,
    ).toEqual(['-', '-']);
  });

  it('says what to change in a bad template', () => {
    expect(
      parseContent({
        kind: 'template',
        name: 'Appointment Reminder',
        language: 'spanish',
        text: 'Hola {{1}}, mañana en {{2}}',
        parameters: ['name', 'password'],
        contentSid: 'abc',
      }),
    ).toEqual({
      ok: false,
      problems: [
        'content.name: choose an approved template (its name as Meta shows it, e.g. appointment_reminder)',
        'content.language: the template’s language code, e.g. en_US or es',
        'content.parameters[1] ({{2}}): take it from name, phone or attributes.<key>',
        'content.contentSid: a Twilio Content SID starts with HX and 32 hex digits',
      ],
    });
    expect(parseContent({ ...reminder, parameters: ['name'] })).toEqual({
      ok: false,
      problems: [
        'content.parameters: the body uses 2 placeholders ({{1}}…), 1 is given: say where each comes from',
      ],
    });
    expect(parseContent({ kind: 'sms' })).toEqual({
      ok: false,
      problems: ['content.kind is message, flow or template'],
    });
  });
});
