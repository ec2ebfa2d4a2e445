// WhatsApp numbers: add one, scan its QR code (streamed live, refreshed as WhatsApp rotates it),
// watch its status, relink, remove.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { api, ApiError, streamEvents } from '../api.ts';
import {
  Badge,
  Button,
  Card,
  Empty,
  Field,
  Input,
  Modal,
  Select,
  Spinner,
  useToast,
} from '../components/ui.tsx';
import { useSession, useWs } from '../session.tsx';
import { Page } from '../shell.tsx';

interface NumberRow {
  id: string;
  label: string;
  channel: 'whatsapp' | 'sandbox';
  phone: string | null;
  status: 'new' | 'qr' | 'authenticated' | 'ready' | 'disconnected' | 'logged_out';
  flowId: string | null;
  lastError: string | null;
  restartCount: number;
}

const STATUS: Record<
  NumberRow['status'],
  { text: string; tone: 'neutral' | 'good' | 'warn' | 'bad' }
> = {
  new: { text: 'Connecting', tone: 'neutral' },
  qr: { text: 'Scan the QR code', tone: 'warn' },
  authenticated: { text: 'Connecting', tone: 'neutral' },
  ready: { text: 'Ready', tone: 'good' },
  disconnected: { text: 'Disconnected', tone: 'bad' },
  logged_out: { text: 'Logged out', tone: 'bad' },
};

function LiveNumber({ n, onChanged }: { n: NumberRow; onChanged: () => void }) {
  const ws = useWs();
  const { can } = useSession();
  const toast = useToast();
  const [live, setLive] = useState(n);
  const [qr, setQr] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    streamEvents(
      `${ws}/numbers/${n.id}/events`,
      (event, data) => {
        if (event === 'status') {
          const s = data as NumberRow;
          setLive((prev) => ({ ...prev, ...s }));
          if (s.status !== 'qr') setQr(null);
        } else if (event === 'qr')
          void QRCode.toDataURL((data as { qr: string }).qr, { margin: 1, width: 220 }).then(setQr);
      },
      ctrl.signal,
    );
    return () => ctrl.abort();
  }, [ws, n.id]);
  const s = STATUS[live.status];
  return (
    <Card className="p-4">
      <div className="flex items-start justify-between gap-2">
        <div>
          <h2 className="font-medium">{live.label}</h2>
          <p className="text-sm text-muted">
            {live.phone
              ? `+${live.phone}`
              : live.channel === 'sandbox'
                ? 'Sandbox (test) number'
                : 'Not linked yet'}
          </p>
        </div>
        <Badge tone={s.tone}>{s.text}</Badge>
      </div>
      {qr ? (
        <div className="mt-3 text-center">
          <img
            src={qr}
            alt="WhatsApp QR code to scan"
            className="mx-auto rounded bg-white p-2"
            data-testid="qr"
          />
          <p className="mt-2 text-xs text-muted">
            On the phone: WhatsApp → Settings → Linked devices → Link a device.
          </p>
        </div>
      ) : null}
      {live.lastError && live.status !== 'ready' ? (
        <p className="mt-2 text-xs text-danger">{live.lastError}</p>
      ) : null}
      {live.restartCount ? (
        <p className="mt-1 text-xs text-muted">Restarted {live.restartCount} time(s)</p>
      ) : null}
      {can('admin') ? (
        <div className="mt-3 flex gap-2">
          {live.channel === 'whatsapp' ? (
            <Button
              size="sm"
              variant="secondary"
              onClick={() =>
                api.post(`${ws}/numbers/${n.id}/relink`).then(
                  () => toast('good', 'A new QR code is on its way.'),
                  (e: unknown) =>
                    toast('bad', e instanceof ApiError ? e.message : 'Relink failed.'),
                )
              }
            >
              Relink
            </Button>
          ) : null}
          <Button size="sm" variant="ghost" onClick={() => setConfirm(true)}>
            Remove
          </Button>
        </div>
      ) : null}
      <Modal open={confirm} onOpenChange={setConfirm} title={`Remove ${live.label}?`}>
        <p className="mb-4 text-sm">
          The bot stops answering on this number and its WhatsApp session is forgotten.
          Conversations and results stay.
        </p>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirm(false)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() =>
              void api
                .del(`${ws}/numbers/${n.id}`)
                .then(onChanged, (e: unknown) =>
                  toast('bad', e instanceof ApiError ? e.message : 'Could not remove it.'),
                )
            }
          >
            Remove
          </Button>
        </div>
      </Modal>
    </Card>
  );
}

export function NumbersPage() {
  const ws = useWs();
  const { can } = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const numbers = useQuery({
    queryKey: [ws, 'numbers'],
    queryFn: () => api.get<{ items: NumberRow[] }>(`${ws}/numbers`),
  });
  const flows = useQuery({
    queryKey: [ws, 'flows'],
    queryFn: () => api.get<{ items: { id: string; name: string }[] }>(`${ws}/flows?limit=100`),
  });
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ label: '', flowId: '', channel: 'whatsapp' });
  const refresh = () => void qc.invalidateQueries({ queryKey: [ws, 'numbers'] });
  const add = useMutation({
    mutationFn: () =>
      api.post(`${ws}/numbers`, {
        label: form.label,
        channel: form.channel,
        ...(form.flowId ? { flowId: form.flowId } : {}),
      }),
    onSuccess: () => {
      setOpen(false);
      refresh();
    },
    onError: (e) => toast('bad', e instanceof ApiError ? e.message : 'Could not add the number.'),
  });
  return (
    <Page
      title="Numbers"
      actions={can('admin') ? <Button onClick={() => setOpen(true)}>Add number</Button> : null}
    >
      {numbers.isLoading ? (
        <Spinner />
      ) : !numbers.data?.items.length ? (
        <Empty title="No numbers yet">
          Add a WhatsApp number and scan its QR code with the phone.
        </Empty>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {numbers.data.items.map((n) => (
            <LiveNumber key={n.id} n={n} onChanged={refresh} />
          ))}
        </div>
      )}
      <Modal open={open} onOpenChange={setOpen} title="Add a number">
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Field label="Label" htmlFor="label" help="E.g. Sales line.">
            <Input
              id="label"
              value={form.label}
              onChange={(e) => setForm({ ...form, label: e.target.value })}
              required
              autoFocus
            />
          </Field>
          <Field label="Flow that answers" htmlFor="flow">
            <Select
              id="flow"
              value={form.flowId}
              onChange={(e) => setForm({ ...form, flowId: e.target.value })}
            >
              <option value="">— none yet —</option>
              {flows.data?.items.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Kind" htmlFor="kind">
            <Select
              id="kind"
              value={form.channel}
              onChange={(e) => setForm({ ...form, channel: e.target.value })}
            >
              <option value="whatsapp">WhatsApp (scan a QR code)</option>
              <option value="sandbox">Sandbox (for testing)</option>
            </Select>
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={add.isPending}>
              Add
            </Button>
          </div>
        </form>
      </Modal>
    </Page>
  );
}
