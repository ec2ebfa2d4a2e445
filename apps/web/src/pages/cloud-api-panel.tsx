// A WhatsApp Cloud API number's connection: what to paste into Meta's App Dashboard (callback URL
// and verify token, each with a Copy button, and the steps), "Check connection" (the API reads
// the number from Meta with the saved token) and, for admins, new credentials. The token and the
// app secret are never shown: the API does not return them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Badge, Button, Modal, Spinner, useToast } from '../components/ui.tsx';
import { useSession, useWs } from '../session.tsx';
import { CloudApiFields, noCredentials, type CloudApiCredentials } from './cloud-api-fields.tsx';
import { phoneText, STATUS, type CloudApiConnection, type NumberRow } from './number-view.ts';

export type CheckResult =
  | { ok: true; displayPhoneNumber: string; verifiedName: string; qualityRating?: string }
  | { ok: false; detail: string; code: number | null };

/** The query its connection details are kept under (the add dialog seeds it from its answer). */
export const connectionKey = (ws: string, numberId: string) => [
  ws,
  'numbers',
  numberId,
  'cloud-api',
];

const QUALITY: Record<string, string> = { GREEN: 'high', YELLOW: 'medium', RED: 'low' };

export function CloudApiPanel({
  number,
  open,
  onOpenChange,
  onChecked,
}: {
  number: NumberRow;
  open: boolean;
  onOpenChange: (o: boolean) => void;
  onChecked: (result: CheckResult) => void;
}) {
  const ws = useWs();
  const { can } = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const connection = useQuery({
    queryKey: connectionKey(ws, number.id),
    queryFn: () => api.get<CloudApiConnection>(`${ws}/numbers/${number.id}/cloud-api`),
    enabled: open,
  });
  const [result, setResult] = useState<CheckResult | null>(null);
  const [replacing, setReplacing] = useState(false);
  const check = useMutation({
    mutationFn: () => api.post<CheckResult>(`${ws}/numbers/${number.id}/cloud-api/check`),
    onSuccess: (r) => {
      setResult(r);
      onChecked(r);
    },
    onError: (e) =>
      toast('bad', e instanceof ApiError ? e.message : 'Could not check the connection.'),
  });
  const status = STATUS[number.status];
  const c = connection.data;

  return (
    <Modal open={open} onOpenChange={onOpenChange} title={`Connect ${number.label} to Meta`} wide>
      <div className="space-y-4 text-sm" data-testid="cloud-api-panel">
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
            numberId={number.id}
            current={c}
            onDone={(next) => {
              setReplacing(false);
              setResult(null);
              if (next) qc.setQueryData(connectionKey(ws, number.id), next);
            }}
          />
        ) : (
          <>
            <CopyValue
              label="Callback URL"
              value={c.webhookUrl}
              testId="callback-url"
              onCopied={(ok) =>
                toast(ok ? 'good' : 'bad', ok ? 'Callback URL copied.' : COPY_FAILED)
              }
            />
            <CopyValue
              label="Verify token"
              value={c.verifyToken ?? ''}
              testId="verify-token"
              onCopied={(ok) =>
                toast(ok ? 'good' : 'bad', ok ? 'Verify token copied.' : COPY_FAILED)
              }
            />
            {c.webhookUrl.startsWith('http://') ? (
              <p className="text-xs text-amber-700 dark:text-amber-300">
                Meta only calls https:// addresses: serve waflow over https and set
                WAFLOW_PUBLIC_URL to that address.
              </p>
            ) : null}
            <ol className="list-decimal space-y-1 pl-5">
              <li>In Meta&apos;s App Dashboard → WhatsApp → Configuration, edit the webhook.</li>
              <li>Paste the callback URL and the verify token, then Verify and save.</li>
              <li>Under Webhook fields, subscribe to the messages field.</li>
            </ol>
            {result ? <CheckAnswer result={result} /> : null}
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
  label,
  value,
  testId,
  onCopied,
}: {
  label: string;
  value: string;
  testId: string;
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
          aria-label={`Copy ${label.toLowerCase()}`}
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

function CheckAnswer({ result }: { result: CheckResult }) {
  if (result.ok) {
    const quality = result.qualityRating
      ? ` Quality rating: ${QUALITY[result.qualityRating] ?? result.qualityRating.toLowerCase()}.`
      : '';
    return (
      <p
        role="status"
        className="rounded-md bg-green-50 px-3 py-2 text-green-800 dark:bg-green-950/40 dark:text-green-300"
      >
        Connected: Meta knows this number as {result.displayPhoneNumber}
        {result.verifiedName ? ` (${result.verifiedName})` : ''}.{quality}
      </p>
    );
  }
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-danger dark:bg-red-950/40">
      Not connected: {result.detail}
      {result.code === null ? '' : ` (Meta's error code ${result.code})`}
    </p>
  );
}

/** New credentials (a new token, a rotated app secret): all four, the IDs filled in. */
function ReplaceCredentials({
  numberId,
  current,
  onDone,
}: {
  numberId: string;
  current: CloudApiConnection;
  onDone: (next?: CloudApiConnection) => void;
}) {
  const ws = useWs();
  const toast = useToast();
  const [value, setValue] = useState<CloudApiCredentials>({
    ...noCredentials,
    phoneNumberId: current.phoneNumberId ?? '',
    wabaId: current.wabaId ?? '',
  });
  const save = useMutation({
    mutationFn: () =>
      api.put<CloudApiConnection>(`${ws}/numbers/${numberId}/cloud-api/credentials`, value),
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
      <p className="text-muted">
        All four, as Meta shows them now. The callback URL and verify token stay the same.
      </p>
      <CloudApiFields value={value} onChange={setValue} errors={errors} />
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
