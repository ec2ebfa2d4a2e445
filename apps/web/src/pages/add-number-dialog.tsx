// The Numbers page's "Add number" dialog: a label, the flow that answers, and how the number
// reaches WhatsApp — a phone linked with a QR code, Meta's Cloud API or Twilio (each with its
// credentials), or the simulator's sandbox. The API's field errors are shown under the field they
// are about.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Button, cx, Field, hintId, Input, Modal, Select, useToast } from '../components/ui.tsx';
import { useWs } from '../session.tsx';
import { cloudApiCredentials } from './cloud-api-fields.tsx';
import { CredentialFields } from './credential-fields.tsx';
import type { NumberDetail } from './number-view.ts';
import { twilioCredentials } from './twilio-fields.tsx';

type AddableChannel = 'whatsapp' | 'cloud_api' | 'twilio' | 'sandbox';

const CHANNELS: { id: AddableChannel; name: string; description: string }[] = [
  {
    id: 'whatsapp',
    name: 'WhatsApp Web (scan a QR)',
    description: "Links a phone's WhatsApp as WhatsApp Web does: scan a QR code with the phone.",
  },
  {
    id: 'cloud_api',
    name: 'WhatsApp Cloud API (Meta)',
    description: "Meta's official API for a business number: paste its IDs and token from Meta.",
  },
  {
    id: 'twilio',
    name: 'Twilio (WhatsApp through Twilio)',
    description:
      'A WhatsApp sender on your Twilio account: paste its Account SID, auth token and sender.',
  },
  {
    id: 'sandbox',
    name: 'Sandbox (simulator only)',
    description: 'A test number for the simulator; it never reaches WhatsApp.',
  },
];

const blank = {
  label: '',
  flowId: '',
  channel: 'whatsapp' as AddableChannel,
  cloudApi: cloudApiCredentials.blank,
  twilio: twilioCredentials.blank,
};

export function AddNumberDialog({
  open,
  onOpenChange,
  flows,
  onAdded,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  flows: { id: string; name: string }[];
  onAdded: (n: NumberDetail) => void;
}) {
  const ws = useWs();
  const toast = useToast();
  const [form, setForm] = useState(blank);
  const add = useMutation({
    mutationFn: () =>
      api.post<NumberDetail>(`${ws}/numbers`, {
        label: form.label,
        channel: form.channel,
        ...(form.flowId ? { flowId: form.flowId } : {}),
        ...(form.channel === 'cloud_api' ? { cloudApi: form.cloudApi } : {}),
        ...(form.channel === 'twilio' ? { twilio: form.twilio } : {}),
      }),
    onSuccess: (n) => {
      // The tokens and secrets are not kept in the page once the API has them.
      setForm(blank);
      onAdded(n);
    },
    onError: (e) => {
      // An error about a field is shown under it; any other says what happened in a toast.
      const fields = e instanceof ApiError ? Object.keys(e.fieldErrors()) : [];
      if (!fields.some((f) => SHOWN.has(f)))
        toast('bad', e instanceof ApiError ? e.message : 'Could not add the number.');
    },
  });
  const failed = add.error instanceof ApiError ? add.error : null;
  const errors = failed?.fieldErrors() ?? {};
  const errorsOf = (field: string) => failed?.fieldErrors(`${field}.`) ?? {};

  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Add a number">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <Field label="Label" htmlFor="label" help="E.g. Sales line." error={errors.label}>
          <Input
            id="label"
            value={form.label}
            onChange={(e) => setForm({ ...form, label: e.target.value })}
            aria-invalid={errors.label ? true : undefined}
            aria-describedby={hintId('label')}
            required
            autoFocus
          />
        </Field>
        <Field label="Flow that answers" htmlFor="flow" error={errors.flowId}>
          <Select
            id="flow"
            value={form.flowId}
            onChange={(e) => setForm({ ...form, flowId: e.target.value })}
          >
            <option value="">— none yet —</option>
            {flows.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </Select>
        </Field>
        <fieldset className="space-y-1.5">
          <legend className="mb-1 text-sm font-medium">Connect through</legend>
          {CHANNELS.map((c) => (
            <label
              key={c.id}
              className={cx(
                'flex cursor-pointer gap-2 rounded-md border p-2 text-sm',
                form.channel === c.id ? 'border-brand bg-brand/5' : 'border-line',
              )}
            >
              <input
                type="radio"
                name="channel"
                value={c.id}
                checked={form.channel === c.id}
                onChange={() => setForm({ ...form, channel: c.id })}
                className="mt-1"
              />
              <span>
                <span className="block font-medium">{c.name}</span>
                <span className="block text-xs text-muted">{c.description}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {form.channel === 'cloud_api' ? (
          <CredentialFields
            set={cloudApiCredentials}
            value={form.cloudApi}
            onChange={(cloudApi) => setForm({ ...form, cloudApi })}
            errors={errorsOf(cloudApiCredentials.field)}
          />
        ) : null}
        {form.channel === 'twilio' ? (
          <CredentialFields
            set={twilioCredentials}
            value={form.twilio}
            onChange={(twilio) => setForm({ ...form, twilio })}
            errors={errorsOf(twilioCredentials.field)}
          />
        ) : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={add.isPending}>
            Add
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** The fields this dialog shows an error under. */
const SHOWN = new Set([
  'label',
  'flowId',
  ...[cloudApiCredentials, twilioCredentials].flatMap((set) =>
    set.fields.map((f) => `${set.field}.${f.key}`),
  ),
]);
