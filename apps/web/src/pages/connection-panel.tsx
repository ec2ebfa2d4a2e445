// A provider number's connection (Cloud API, Twilio): the URLs to paste into the provider's
// console, each with a Copy button, and the steps; "Check connection" (the API calls the provider
// with the saved credentials) and, for admins, new credentials. Secrets are never shown: the API
// does not return them. What differs per provider is a `Provider` (cloud-api-panel.tsx,
// twilio-panel.tsx).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Badge, Button, Modal, Spinner, useToast } from '../components/ui.tsx';
import { useSession, useWs } from '../session.tsx';
import { CredentialFields, type CredentialSet } from './credential-fields.tsx';
import { phoneText, STATUS, type NumberRow } from './number-view.ts';

/** A check that could not reach the provider or was refused, as the API answers it. */
export interface CheckFailure {
  ok: false;
  detail: string;
  code: number | null;
}

/** A number's connection in the API: `numbers/:id/<path>`, `…/check`, `…/credentials`. */
export type ProviderPath = 'cloud-api' | 'twilio';

export interface Provider<
  C extends { webhookUrl: string },
  T extends { [K in keyof T]: string },
  R,
> {
  path: ProviderPath;
  /** Whom the number connects to, in the title: "Connect Sales line to Meta". */
  name: string;
  testId: string;
  /** What to paste into the provider's console, in the steps' order. */
  values: (c: C) => CopyItem[];
  /** Said when the URLs are http://. */
  httpsNeeded: string;
  steps: string[];
  credentials: CredentialSet<T>;
  /** A replacement starts from the saved fields that are not secret. */
  prefill: (c: C) => Partial<T>;
  replaceNote: string;
  /** A check's answer in plain words. */
  describe: (r: R) => { ok: boolean; text: string };
}

/** "Not connected: …", with the provider's error code when it gave one. */
export const notConnected = (r: CheckFailure, who: string) =>
  `Not connected: ${r.detail}${r.code === null ? '' : ` (${who}'s error code ${r.code})`}`;

/** The query a number's connection is kept under (the add dialog seeds it from its answer). */
export const connectionKey = (ws: string, numberId: string, path: ProviderPath) => [
  ws,
  'numbers',
  numberId,
  path,
];

export interface CopyItem {
  label: string;
  value: string;
  testId: string;
  /** What the Copy button and its toast call the value when the label is not a name for it. */
  name?: string;
}

export interface PanelProps<R> {
  number: NumberRow;
  open: boolean;
  onOpenChange: (o: boolean) => void;
  onChecked?: (result: R) => void;
}

export function ConnectionPanel<
  C extends { webhookUrl: string },
  T extends { [K in keyof T]: string },
  R,
>({
  provider: p,
  number,
  open,
  onOpenChange,
  onChecked,
}: PanelProps<R> & { provider: Provider<C, T, R> }) {
  const ws = useWs();
  const { can } = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const url = `${ws}/numbers/${number.id}/${p.path}`;
  const connection = useQuery({
    queryKey: connectionKey(ws, number.id, p.path),
    queryFn: () => api.get<C>(url),
    enabled: open,
  });
  const [result, setResult] = useState<R | null>(null);
  const [replacing, setReplacing] = useState(false);
  const check = useMutation({
    mutationFn: () => api.post<R>(`${url}/check`),
    onSuccess: (r) => {
      setResult(r);
      onChecked?.(r);
    },
    onError: (e) =>
      toast('bad', e instanceof ApiError ? e.message : 'Could not check the connection.'),
  });
  const status = STATUS[number.status];
  const c = connection.data;

  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title={`Connect ${number.label} to ${p.name}`}
      wide
    >
      <div className="space-y-4 text-sm" data-testid={p.testId}>
        <div className="flex items-center gap-2">
          <Badge tone={status.tone}>{status.text}</Badge>
          <span className="text-muted">{phoneText(number)}</span>
        </div>
        {number.lastError && number.status !== 'ready' ? (
          <p className="text-xs text-danger">{number.lastError}</p>
        ) : null}
        {!c ? (
          <Spinner />
        ) : replacing ? (
          <ReplaceCredentials
            url={`${url}/credentials`}
            set={p.credentials}
            start={{ ...p.credentials.blank, ...p.prefill(c) }}
            note={p.replaceNote}
            onDone={(next?: C) => {
              setReplacing(false);
              setResult(null);
              if (next) qc.setQueryData(connectionKey(ws, number.id, p.path), next);
            }}
          />
        ) : (
          <>
            {p.values(c).map((v) => (
              <CopyValue
                key={v.testId}
                item={v}
                onCopied={(ok) =>
                  toast(ok ? 'good' : 'bad', ok ? `${v.name ?? v.label} copied.` : COPY_FAILED)
                }
              />
            ))}
            {c.webhookUrl.startsWith('http://') ? (
              <p className="text-xs text-amber-700 dark:text-amber-300">{p.httpsNeeded}</p>
            ) : null}
            <ol className="list-decimal space-y-1 pl-5">
              {p.steps.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ol>
            {result ? <CheckAnswer {...p.describe(result)} /> : null}
            {can('admin') ? (
              <div className="flex flex-wrap gap-2">
                <Button size="sm" onClick={() => check.mutate()} disabled={check.isPending}>
                  {check.isPending ? 'Checking…' : 'Check connection'}
                </Button>
                <Button size="sm" variant="secondary" onClick={() => setReplacing(true)}>
                  Replace credentials
                </Button>
              </div>
            ) : null}
          </>
        )}
      </div>
    </Modal>
  );
}

const COPY_FAILED = 'Could not copy: select the text and copy it.';

function CopyValue({
  item: { label, value, testId, name = label },
  onCopied,
}: {
  item: CopyItem;
  onCopied: (ok: boolean) => void;
}) {
  return (
    <div className="space-y-1">
      <p className="font-medium">{label}</p>
      <div className="flex items-start gap-2">
        <code
          className="min-h-9 flex-1 rounded-md border border-line bg-bg px-3 py-2 font-mono text-xs break-all"
          data-testid={testId}
        >
          {value}
        </code>
        <Button
          size="sm"
          variant="secondary"
          aria-label={`Copy ${name.toLowerCase()}`}
          onClick={() =>
            navigator.clipboard.writeText(value).then(
              () => onCopied(true),
              () => onCopied(false),
            )
          }
        >
          Copy
        </Button>
      </div>
    </div>
  );
}

function CheckAnswer({ ok, text }: { ok: boolean; text: string }) {
  return ok ? (
    <p
      role="status"
      className="rounded-md bg-green-50 px-3 py-2 text-green-800 dark:bg-green-950/40 dark:text-green-300"
    >
      {text}
    </p>
  ) : (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-danger dark:bg-red-950/40">
      {text}
    </p>
  );
}

/** New credentials (a new token, a rotated secret): all of them, the saved IDs filled in. */
function ReplaceCredentials<C, T extends { [K in keyof T]: string }>({
  url,
  set,
  start,
  note,
  onDone,
}: {
  url: string;
  set: CredentialSet<T>;
  start: T;
  note: string;
  onDone: (next?: C) => void;
}) {
  const toast = useToast();
  const [value, setValue] = useState<T>(start);
  const save = useMutation({
    mutationFn: () => api.put<C>(url, value),
    onSuccess: (next) => {
      toast('good', 'New credentials saved: the number reconnects with them.');
      onDone(next);
    },
    onError: (e) => {
      if (!(e instanceof ApiError) || Object.keys(e.fieldErrors()).length === 0)
        toast('bad', e instanceof ApiError ? e.message : 'Could not save the credentials.');
    },
  });
  const errors = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <p className="text-muted">{note}</p>
      <CredentialFields set={set} value={value} onChange={setValue} errors={errors} />
      <div className="flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={() => onDone()}>
          Cancel
        </Button>
        <Button type="submit" disabled={save.isPending}>
          Save credentials
        </Button>
      </div>
    </form>
  );
}
