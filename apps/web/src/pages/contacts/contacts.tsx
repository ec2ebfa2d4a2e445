// Contacts: everyone the workspace knows, across its numbers. Search by name or phone, filter by
// tag or an attribute's value, pick many and tag them at once, open one to edit it (or erase
// it), import a CSV (import-dialog.tsx), download what the filters show as a CSV.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { CsvButton } from '../../components/csv-button.tsx';
import {
  Badge,
  Button,
  Card,
  Empty,
  Input,
  Select,
  ShowMore,
  Spinner,
  useToast,
} from '../../components/ui.tsx';
import { usePagedList } from '../../paged-list.ts';
import { useSession, useWs } from '../../session.tsx';
import { Page } from '../../shell.tsx';
import type { Attribute, ContactRow } from './contact-types.ts';
import { DeclareDialog } from './declare-dialog.tsx';
import { EditContactDialog } from './edit-contact-dialog.tsx';
import { ImportDialog } from './import-dialog.tsx';
import { FilterSelect, plainOptions } from '../../components/filter-select.tsx';

const shown = (v: unknown) =>
  v === undefined || v === null ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);

const TagOptions = ({ names }: { names: string[] }) =>
  names.map((t) => (
    <option key={t} value={t}>
      {t}
    </option>
  ));

export function ContactsPage() {
  const ws = useWs();
  const { can } = useSession();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const [attribute, setAttribute] = useState('');
  const [value, setValue] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkTag, setBulkTag] = useState('');
  const [editing, setEditing] = useState<ContactRow | null>(null);
  const [importing, setImporting] = useState(false);
  const [declaring, setDeclaring] = useState(false);
  const qs = new URLSearchParams({
    ...(q ? { q } : {}),
    ...(tag ? { tag } : {}),
    ...(attribute ? { attribute, ...(value ? { value } : {}) } : {}),
  }).toString();
  const attributes = useQuery({
    queryKey: [ws, 'contact-attributes'],
    queryFn: () => api.get<{ items: Attribute[] }>(`${ws}/contact-attributes`),
  });
  const tags = useQuery({
    queryKey: [ws, 'contact-tags'],
    queryFn: () => api.get<{ items: { name: string; contacts: number }[] }>(`${ws}/contact-tags`),
  });
  const contacts = usePagedList<ContactRow>(
    [ws, 'contacts', qs],
    `${ws}/contacts${qs ? `?${qs}` : ''}`,
  );
  const attrs = attributes.data?.items ?? [];
  const tagNames = tags.data?.items.map((t) => t.name) ?? [];
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: [ws, 'contacts'] });
    void queryClient.invalidateQueries({ queryKey: [ws, 'contact-tags'] });
    void queryClient.invalidateQueries({ queryKey: [ws, 'contact-attributes'] });
  };
  const tagSelected = async () => {
    try {
      const r = await api.post<{ updated: number }>(`${ws}/contacts/tag`, {
        ids: [...selected],
        add: [bulkTag],
      });
      toast('good', `Tagged ${r.updated} contacts "${bulkTag}".`);
      setSelected(new Set());
      refresh();
    } catch (e) {
      toast('bad', e instanceof Error ? e.message : 'Could not tag them.');
    }
  };
  const editor = can('editor');
  return (
    <Page
      title="Contacts"
      actions={
        <div className="flex flex-wrap gap-2">
          {editor ? (
            <>
              <Button variant="secondary" onClick={() => setDeclaring(true)}>
                Tags and attributes
              </Button>
              <Button onClick={() => setImporting(true)}>Import CSV</Button>
            </>
          ) : null}
          <CsvButton path={`${ws}/contacts.csv?${qs}`} name="contacts" />
        </div>
      }
    >
      <div className="mb-3 flex flex-wrap gap-2">
        <Input
          aria-label="Search contacts"
          placeholder="Name or phone"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="w-56"
        />
        <FilterSelect
          label="Tag"
          all="Any tag"
          value={tag}
          onChange={setTag}
          options={plainOptions(tagNames)}
          className="w-40"
        />
        <FilterSelect
          label="Attribute"
          all="Any attribute"
          value={attribute}
          onChange={setAttribute}
          options={attrs.map((a) => ({ value: a.key, label: a.label }))}
          className="w-40"
        />
        {attribute ? (
          <Input
            aria-label="Attribute value"
            placeholder="Value"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            className="w-40"
          />
        ) : null}
        {editor && selected.size > 0 ? (
          <div className="ml-auto flex items-center gap-2" data-testid="bulk-tag">
            <span className="text-sm text-muted">{selected.size} selected</span>
            <Select
              aria-label="Tag to add"
              value={bulkTag}
              onChange={(e) => setBulkTag(e.target.value)}
              className="w-36"
            >
              <option value="">Pick a tag</option>
              <TagOptions names={tagNames} />
            </Select>
            <Button disabled={!bulkTag} onClick={() => void tagSelected()}>
              Add tag
            </Button>
          </div>
        ) : null}
      </div>
      {contacts.isLoading ? (
        <Spinner />
      ) : !contacts.items.length ? (
        <Empty title={qs ? 'No contacts match these filters' : 'No contacts yet'}>
          {qs
            ? 'Change the search or filters above.'
            : 'Contacts appear when people write to your numbers, or import a CSV.'}
        </Empty>
      ) : (
        <Card className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="contacts">
            <thead className="border-b border-line text-left text-xs text-muted uppercase">
              <tr>
                <th className="px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select all"
                    checked={selected.size > 0 && selected.size === contacts.items.length}
                    onChange={(e) =>
                      setSelected(new Set(e.target.checked ? contacts.items.map((c) => c.id) : []))
                    }
                  />
                </th>
                <th className="px-3 py-2">Contact</th>
                <th className="px-3 py-2">Tags</th>
                {attrs.map((a) => (
                  <th key={a.key} className="px-3 py-2">
                    {a.label}
                  </th>
                ))}
                <th className="px-3 py-2">Conversations</th>
                <th className="px-3 py-2">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {contacts.items.map((c) => (
                <tr
                  key={c.id}
                  className="border-b border-line last:border-0"
                  data-testid="contact-row"
                >
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      aria-label={`Select ${c.name ?? c.phone ?? c.waId}`}
                      checked={selected.has(c.id)}
                      onChange={(e) => {
                        const next = new Set(selected);
                        if (e.target.checked) next.add(c.id);
                        else next.delete(c.id);
                        setSelected(next);
                      }}
                    />
                  </td>
                  <td className="px-3 py-2">
                    <button
                      type="button"
                      className="text-left hover:underline"
                      onClick={() => setEditing(c)}
                    >
                      <span className="font-medium">{c.name ?? c.phone ?? c.waId}</span>{' '}
                      <span className="text-muted">{c.phone}</span>
                    </button>{' '}
                    {c.optedOutAt ? <Badge tone="warn">Opted out</Badge> : null}
                  </td>
                  <td className="px-3 py-2">
                    <div className="flex flex-wrap gap-1">
                      {c.tags.map((t) => (
                        <Badge key={t}>{t}</Badge>
                      ))}
                    </div>
                  </td>
                  {attrs.map((a) => (
                    <td key={a.key} className="px-3 py-2">
                      {shown(c.attributes[a.key])}
                    </td>
                  ))}
                  <td className="px-3 py-2">{c.conversations}</td>
                  <td className="px-3 py-2 text-muted">
                    {c.lastSeenAt ? new Date(c.lastSeenAt).toLocaleString() : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ShowMore list={contacts} />
        </Card>
      )}
      {editing ? (
        <EditContactDialog
          contact={editing}
          attributes={attrs}
          tags={tagNames}
          onClose={() => setEditing(null)}
          onChanged={refresh}
        />
      ) : null}
      <ImportDialog
        open={importing}
        onOpenChange={setImporting}
        attributes={attrs}
        onImported={refresh}
      />
      <DeclareDialog
        open={declaring}
        onOpenChange={setDeclaring}
        tags={tagNames}
        attributes={attrs}
        onChanged={refresh}
      />
    </Page>
  );
}
