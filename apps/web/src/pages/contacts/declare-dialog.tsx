// What the workspace declares for its contacts: tags (an import or an edit may use only these)
// and custom attributes with their types (flows read them as {{contact.<key>}}).
import { useState } from 'react';
import { api } from '../../api.ts';
import { Badge, Button, Field, Input, Modal, Select } from '../../components/ui.tsx';
import { useWs } from '../../session.tsx';
import type { Attribute } from './contact-types.ts';

export function DeclareDialog({
  open,
  onOpenChange,
  tags,
  attributes,
  onChanged,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  tags: string[];
  attributes: Attribute[];
  onChanged: () => void;
}) {
  const ws = useWs();
  const [tag, setTag] = useState('');
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [type, setType] = useState<Attribute['type']>('text');
  const [error, setError] = useState('');
  const run = (p: Promise<unknown>, after: () => void) =>
    void p.then(
      () => (after(), setError(''), onChanged()),
      (e: unknown) => setError(e instanceof Error ? e.message : 'That did not work.'),
    );
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Tags and attributes" wide>
      <div className="space-y-5">
        <section className="space-y-2">
          <h3 className="font-medium">Tags</h3>
          <div className="flex flex-wrap gap-1">
            {tags.map((t) => (
              <Badge key={t}>{t}</Badge>
            ))}
          </div>
          <form
            className="flex items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              run(api.post(`${ws}/contact-tags`, { name: tag }), () => setTag(''));
            }}
          >
            <Field label="New tag" htmlFor="new-tag">
              <Input id="new-tag" value={tag} onChange={(e) => setTag(e.target.value)} required />
            </Field>
            <Button type="submit">Add tag</Button>
          </form>
        </section>
        <section className="space-y-2">
          <h3 className="font-medium">Attributes</h3>
          <ul className="text-sm">
            {attributes.map((a) => (
              <li key={a.key}>
                {a.label}{' '}
                <span className="text-muted">
                  ({a.type}, {`{{contact.${a.key}}}`})
                </span>
              </li>
            ))}
          </ul>
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              run(api.post(`${ws}/contact-attributes`, { key, label, type }), () => {
                setKey('');
                setLabel('');
              });
            }}
          >
            <Field label="Label" htmlFor="new-attr-label">
              <Input
                id="new-attr-label"
                value={label}
                onChange={(e) => {
                  setLabel(e.target.value);
                  setKey(
                    e.target.value
                      .toLowerCase()
                      .replace(/[^a-z0-9]+/g, '_')
                      .replace(/^_+|_+$/g, ''),
                  );
                }}
                required
              />
            </Field>
            <Field label="Key" htmlFor="new-attr-key">
              <Input
                id="new-attr-key"
                value={key}
                onChange={(e) => setKey(e.target.value)}
                required
              />
            </Field>
            <Field label="Type" htmlFor="new-attr-type">
              <Select
                id="new-attr-type"
                value={type}
                onChange={(e) => setType(e.target.value as Attribute['type'])}
              >
                <option value="text">Text</option>
                <option value="number">Number</option>
                <option value="date">Date</option>
                <option value="boolean">Yes / no</option>
              </Select>
            </Field>
            <Button type="submit">Add attribute</Button>
          </form>
        </section>
        {error ? <p className="text-sm text-danger">{error}</p> : null}
      </div>
    </Modal>
  );
}
