// Importing contacts: paste a CSV or pick a file, map each column (phone, name, tags, opted out,
// an attribute, or skip it) with a preview of the first rows as they will be read, then import;
// the answer lists every refused row by its line and reason. The file goes to the API whole
// (the browser streams it); only its first 64 KB are read here, for the preview.
import { useState } from 'react';
import { api } from '../../api.ts';
import { Button, Field, Modal, Select, Textarea } from '../../components/ui.tsx';
import { useWs } from '../../session.tsx';
import { guessTarget, previewCsv, type Preview } from './csv-preview.ts';
import type { Attribute } from './contact-types.ts';

interface Answer {
  created: number;
  updated: number;
  failed: number;
  errors: { line: number; reason: string }[];
}

const OWN = [
  ['phone', 'Phone'],
  ['name', 'Name'],
  ['tags', 'Tags'],
  ['opted_out', 'Opted out'],
] as const;

export function ImportDialog({
  open,
  onOpenChange,
  attributes,
  onImported,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  attributes: Attribute[];
  onImported: () => void;
}) {
  const ws = useWs();
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [targets, setTargets] = useState<string[]>([]);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const reset = () => {
    setText('');
    setFile(null);
    setPreview(null);
    setAnswer(null);
    setError('');
  };
  const toMapping = async () => {
    const head = file ? await file.slice(0, 65_536).text() : text;
    const p = previewCsv(head);
    if (p.header.length === 0) return setError('Paste a CSV or pick a file first.');
    setError('');
    setPreview(p);
    setTargets(p.header.map((h) => guessTarget(h, attributes)));
  };
  const label = (t: string) =>
    OWN.find(([k]) => k === t)?.[1] ?? attributes.find((a) => a.key === t)?.label ?? t;
  const runImport = async () => {
    setBusy(true);
    setError('');
    try {
      const body = file ?? new Blob([text], { type: 'text/csv' });
      const columns = encodeURIComponent(targets.join(','));
      setAnswer(
        await api.upload<Answer>(`${ws}/contacts/import?columns=${columns}`, body, 'text/csv'),
      );
      onImported();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The import failed.');
    } finally {
      setBusy(false);
    }
  };
  const mapped = targets.map((t, i) => [t, i] as const).filter(([t]) => t !== '');
  return (
    <Modal
      open={open}
      onOpenChange={(o) => {
        if (!o) reset();
        onOpenChange(o);
      }}
      title="Import contacts"
      wide
    >
      {answer ? (
        <div className="space-y-3" data-testid="import-result">
          <p className="text-sm">
            {answer.created} new, {answer.updated} updated
            {answer.failed ? `, ${answer.failed} rows not imported:` : '.'}
          </p>
          {answer.errors.length ? (
            <ul className="max-h-64 space-y-1 overflow-y-auto text-sm" data-testid="import-errors">
              {answer.errors.map((e) => (
                <li key={e.line} className="text-danger">
                  Line {e.line}: {e.reason}
                </li>
              ))}
            </ul>
          ) : null}
          <div className="flex justify-end">
            <Button onClick={() => (reset(), onOpenChange(false))}>Done</Button>
          </div>
        </div>
      ) : preview ? (
        <div className="space-y-4">
          <p className="text-sm text-muted">
            Say what each column holds. Tags must be declared first; values are checked against each
            attribute’s type.
          </p>
          <div className="grid grid-cols-2 gap-2">
            {preview.header.map((h, i) => (
              <label key={i} className="flex items-center gap-2 text-sm">
                <span className="w-32 truncate font-medium">{h || `Column ${i + 1}`}</span>
                <Select
                  aria-label={`Column ${h || i + 1}`}
                  value={targets[i] ?? ''}
                  onChange={(e) =>
                    setTargets(targets.map((t, j) => (j === i ? e.target.value : t)))
                  }
                >
                  <option value="">Skip</option>
                  {OWN.map(([k, l]) => (
                    <option key={k} value={k}>
                      {l}
                    </option>
                  ))}
                  {attributes.map((a) => (
                    <option key={a.key} value={a.key}>
                      {a.label} ({a.type})
                    </option>
                  ))}
                </Select>
              </label>
            ))}
          </div>
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="import-preview">
              <thead className="text-left text-xs text-muted uppercase">
                <tr>
                  <th className="px-2 py-1">Line</th>
                  {mapped.map(([t]) => (
                    <th key={t} className="px-2 py-1">
                      {label(t)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r) => (
                  <tr key={r.line} className="border-t border-line">
                    <td className="px-2 py-1 text-muted">{r.line}</td>
                    {mapped.map(([t, i]) => (
                      <td key={t} className="px-2 py-1">
                        {r.cells[i] ?? ''}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {error ? <p className="text-sm text-danger">{error}</p> : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setPreview(null)}>
              Back
            </Button>
            <Button disabled={busy || !targets.includes('phone')} onClick={() => void runImport()}>
              {busy ? 'Importing…' : 'Import'}
            </Button>
          </div>
        </div>
      ) : (
        <div className="space-y-4">
          <Field
            label="Paste a CSV"
            htmlFor="import-paste"
            help="The first line names the columns; one contact a line, with its phone and country code."
          >
            <Textarea
              id="import-paste"
              rows={6}
              value={text}
              onChange={(e) => (setText(e.target.value), setFile(null))}
              placeholder={'phone,name,tags\n+34600123456,Ana,vip'}
            />
          </Field>
          <Field label="Or upload a CSV file" htmlFor="import-file">
            <input
              id="import-file"
              type="file"
              accept=".csv,text/csv,text/plain"
              className="text-sm"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </Field>
          {error ? <p className="text-sm text-danger">{error}</p> : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button onClick={() => void toMapping()}>Next: map columns</Button>
          </div>
        </div>
      )}
    </Modal>
  );
}
