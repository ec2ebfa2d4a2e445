// The contact's own values in a flow: read as {{contact.<key>}} (what the runtime brings with the
// message), written by a set block's "save to contact", and checked against the workspace's
// declared attributes by the validator.
import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, T0, texts } from '../../engine/test-harness.ts';
import { validateFlow } from '../../validate/validate-flow.ts';
import type { FlowEvent } from '../../engine/types.ts';

const hello: FlowEvent = {
  type: 'message',
  message: { kind: 'text', text: 'hi' },
  contact: { name: 'Ana', phone: '+34600000001', tags: ['vip'], attributes: { city: 'Madrid' } },
};

const saving = flow([
  {
    id: 'a',
    type: 'say',
    message: { kind: 'text', text: 'Hi {{contact.name}} from {{contact.city}}' },
    next: 'b',
  },
  {
    id: 'b',
    type: 'set',
    assignments: [{ variable: 'n', expression: { '+': [40, 2] }, saveToContact: 'age' }],
    next: 'c',
  },
  {
    id: 'c',
    type: 'say',
    message: { kind: 'text', text: 'Age {{contact.age}}, {{contact.tags}}' },
    next: 'd',
  },
  { id: 'd', type: 'end' },
]);

describe('contact attributes in a flow', () => {
  it('reads {{contact.<attr>}} in a say block and saves a set value to the contact', () => {
    const r = advance(saving, null, hello, T0);
    expect(texts(r.effects)).toEqual(['Hi Ana from Madrid', 'Age 42, vip']);
    const update = r.effects.find((e) => e.type === 'contact_update');
    expect(update).toMatchObject({ nodeId: 'b', attributes: { age: 42 } });
  });

  it('refuses an undeclared attribute, read or saved, when the workspace’s attributes are known', () => {
    const ok = validateFlow(saving, { contactAttributes: new Set(['city', 'age']) });
    expect(ok.errors).toEqual([]);
    const bad = validateFlow(saving, { contactAttributes: new Set(['cty']) });
    expect(bad.errors.map((e) => [e.code, e.nodeId, e.field, e.message])).toEqual([
      [
        'UNKNOWN_CONTACT_ATTRIBUTE',
        'a',
        'message.text',
        '"contact.city" is not a contact attribute of this workspace: declare "city" on the Contacts page or fix the name.',
      ],
      [
        'UNKNOWN_CONTACT_ATTRIBUTE',
        'b',
        'assignments[0].saveToContact',
        '"age" is not a contact attribute of this workspace: declare it on the Contacts page or pick one that is.',
      ],
      [
        'UNKNOWN_CONTACT_ATTRIBUTE',
        'c',
        'message.text',
        '"contact.age" is not a contact attribute of this workspace: declare "age" on the Contacts page or fix the name.',
      ],
    ]);
    // Without the workspace's list (an offline check), attributes are not checked.
    expect(validateFlow(saving).errors).toEqual([]);
  });
});
