// One contact's dialog: name, tags (the declared ones), attribute values in their types, an
// opt-out on their behalf (never back in: only the contact can, with a start keyword), and erase.
import { useState } from 'react';
import { api } from '../../api.ts';
import { Badge, Button, Field, FormActions, Input, Modal, Select } from '../../components/ui.tsx';
import { useSession, useWs } from '../../session.tsx';
import type { Attribute, ContactRow } from './contact-types.ts';

export function EditContactDialog({
  contact,
  attributes,
  tags,
  onClose,
  onChanged,
}: {
  contact: ContactRow;
  attributes: Attribute[];
  tags: string[];
  onClose: () => void;
  onChanged: () => void;
}) {
  const ws = useWs();
  const { can } = useSession();
  const [name, setName] = useState(contact.name ?? '');
  const [chosen, setChosen] = useState<string[]>(contact.tags);
  const [values, setValues] = useState<Record<string, string>>(
    Object.fromEntries(
      attributes.map((a) => {
        const v = contact.attributes[a.key];
        return [a.key, v === undefined || v === null ? '' : String(v)];
      }),
    ),
  );
  const [optOut, setOptOut] = useState(false);
  const [error, setError] = useState('');
  const save = async () => {
    setError('');
    try {
      await api.patch(`${ws}/contacts/${contact.id}`, {
        name: name.trim() === '' ? null : name,
        tags: chosen,
        attributes: Object.fromEntries(
          attributes.map((a) => [a.key, values[a.key] === '' ? null : values[a.key]]),
        ),
        ...(optOut ? { optedOut: true } : {}),
      });
      onChanged();
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not save the contact.');
    }
  };
  const erase = async () => {
    if (!confirm('Erase this contact and everything kept about them? This cannot be undone.'))
      return;
    await api.del(`${ws}/contacts/${contact.id}`);
    onChanged();
    onClose();
  };
  return (
    <Modal
      open
      onOpenChange={(o) => (o ? undefined : onClose())}
      title={contact.phone ?? contact.waId}
    >
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Field label="Name" htmlFor="contact-name">
          <Input id="contact-name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Tags</legend>
          <div className="flex flex-wrap gap-3">
            {tags.map((t) => (
              <label key={t} className="flex items-center gap-1 text-sm">
                <input
                  type="checkbox"
                  checked={chosen.includes(t)}
                  onChange={(e) =>
                    setChosen(e.target.checked ? [...chosen, t] : chosen.filter((c) => c !== t))
                  }
                />
                {t}
              </label>
            ))}
          </div>
        </fieldset>
        {attributes.map((a) => (
          <Field key={a.key} label={a.label} htmlFor={`attr-${a.key}`}>
            {a.type === 'boolean' ? (
              <Select
                id={`attr-${a.key}`}
                value={values[a.key] ?? ''}
                onChange={(e) => setValues({ ...values, [a.key]: e.target.value })}
              >
                <option value="">—</option>
                <option value="true">Yes</option>
                <option value="false">No</option>
              </Select>
            ) : (
              <Input
                id={`attr-${a.key}`}
                type={a.type === 'number' ? 'number' : a.type === 'date' ? 'date' : 'text'}
                step="any"
                value={values[a.key] ?? ''}
                onChange={(e) => setValues({ ...values, [a.key]: e.target.value })}
              />
            )}
          </Field>
        ))}
        {contact.optedOutAt ? (
          <p className="text-sm">
            <Badge tone="warn">Opted out</Badge>{' '}
            <span className="text-muted">
              {new Date(contact.optedOutAt).toLocaleString()} — {contact.optedOutReason}. Only they
              can opt back in, by writing a start keyword.
            </span>
          </p>
        ) : (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={optOut} onChange={(e) => setOptOut(e.target.checked)} />
            Opt out on their behalf (campaigns will not message them)
          </label>
        )}
        {error ? <p className="text-sm text-danger">{error}</p> : null}
        <div className="flex items-center justify-between gap-2">
          {can('admin') ? (
            <Button type="button" variant="ghost" onClick={() => void erase()}>
              Erase contact
            </Button>
          ) : (
            <span />
          )}
          <FormActions onCancel={onClose} label="Save" />
        </div>
      </form>
    </Modal>
  );
}
