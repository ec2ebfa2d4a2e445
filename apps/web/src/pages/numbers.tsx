// Numbers: add one (WhatsApp Web, Cloud API, Twilio or sandbox), watch its status live; a
// WhatsApp Web number shows its QR code to scan (refreshed as WhatsApp rotates it) and can be
// relinked, a Cloud API or Twilio number opens what to paste into the provider's console and
// checks its connection; remove.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { api, ApiError, streamEvents } from '../api.ts';
import { Badge, Button, Card, Empty, Modal, Spinner, useToast } from '../components/ui.tsx';
import { useSession, useWs } from '../session.tsx';
import { Page } from '../shell.tsx';
import { AddNumberDialog } from './add-number-dialog.tsx';
import { CloudApiPanel } from './cloud-api-panel.tsx';
import { connectionKey } from './connection-panel.tsx';
import { CHANNEL, phoneText, STATUS, type NumberRow } from './number-view.ts';
import { TwilioPanel } from './twilio-panel.tsx';

/** Numbers reached through a provider's API, with a connection to set up in its console. */
const PROVIDER: ReadonlySet<NumberRow['channel']> = new Set(['cloud_api', 'twilio']);

function LiveNumber({
  n,
  onChanged,
  justAdded,
}: {
  n: NumberRow;
  onChanged: () => void;
  /** Added a moment ago: a provider's number opens its connection details at once. */
  justAdded: boolean;
}) {
  const ws = useWs();
  const { can } = useSession();
  const toast = useToast();
  const [live, setLive] = useState(n);
  const [qr, setQr] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [connection, setConnection] = useState(false);
  useEffect(() => {
    if (justAdded && PROVIDER.has(n.channel)) setConnection(true);
  }, [justAdded, n.channel]);
  useEffect(() => {
    const ctrl = new AbortController();
    streamEvents(
      `${ws}/numbers/${n.id}/events`,
      (event, data) => {
        if (event === 'status') {
          const s = data as NumberRow;
          setLive((prev) => ({ ...prev, ...s }));
          if (s.status !== 'qr') setQr(null);
        } else if (event === 'qr' && n.channel === 'whatsapp')
          void QRCode.toDataURL((data as { qr: string }).qr, { margin: 1, width: 220 }).then(setQr);
      },
      ctrl.signal,
    );
    return () => ctrl.abort();
  }, [ws, n.id, n.channel]);
  const s = STATUS[live.status];
  return (
    <Card className="p-4" data-testid={`number-${live.label}`}>
      <div className="flex items-start justify-between gap-2">
        <div>
          <h2 className="font-medium">{live.label}</h2>
          <p className="text-sm text-muted">{phoneText(live)}</p>
        </div>
        <div className="flex flex-col items-end gap-1">
          <Badge tone={s.tone}>{s.text}</Badge>
          <Badge>{CHANNEL[live.channel]}</Badge>
        </div>
      </div>
      {qr && live.channel === 'whatsapp' ? (
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
      {PROVIDER.has(live.channel) || can('admin') ? (
        <div className="mt-3 flex gap-2">
          {PROVIDER.has(live.channel) ? (
            <Button size="sm" variant="secondary" onClick={() => setConnection(true)}>
              Connection
            </Button>
          ) : null}
          {live.channel === 'whatsapp' && can('admin') ? (
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
          {can('admin') ? (
            <Button size="sm" variant="ghost" onClick={() => setConfirm(true)}>
              Remove
            </Button>
          ) : null}
        </div>
      ) : null}
      {live.channel === 'cloud_api' ? (
        <CloudApiPanel
          number={live}
          open={connection}
          onOpenChange={setConnection}
          onChecked={(r) => {
            if (r.ok) setLive((prev) => ({ ...prev, phone: r.displayPhoneNumber }));
          }}
        />
      ) : null}
      {live.channel === 'twilio' ? (
        <TwilioPanel number={live} open={connection} onOpenChange={setConnection} />
      ) : null}
      <Modal open={confirm} onOpenChange={setConfirm} title={`Remove ${live.label}?`}>
        <p className="mb-4 text-sm">
          {live.channel === 'whatsapp'
            ? 'The bot stops answering on this number and its WhatsApp session is forgotten.'
            : 'The bot stops answering on this number.'}{' '}
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
  const [added, setAdded] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: [ws, 'numbers'] });
  return (
    <Page
      title="Numbers"
      actions={can('admin') ? <Button onClick={() => setOpen(true)}>Add number</Button> : null}
    >
      {numbers.isLoading ? (
        <Spinner />
      ) : !numbers.data?.items.length ? (
        <Empty title="No numbers yet">
          Add a number: link a phone&apos;s WhatsApp with a QR code, or connect a WhatsApp Cloud API
          number from Meta or a WhatsApp sender on Twilio.
        </Empty>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {numbers.data.items.map((n) => (
            <LiveNumber key={n.id} n={n} onChanged={refresh} justAdded={n.id === added} />
          ))}
        </div>
      )}
      <AddNumberDialog
        open={open}
        onOpenChange={setOpen}
        flows={flows.data?.items ?? []}
        onAdded={(n) => {
          setOpen(false);
          if (n.cloudApi) qc.setQueryData(connectionKey(ws, n.id, 'cloud-api'), n.cloudApi);
          if (n.twilio) qc.setQueryData(connectionKey(ws, n.id, 'twilio'), n.twilio);
          setAdded(n.id);
          refresh();
        }}
      />
    </Page>
  );
}
