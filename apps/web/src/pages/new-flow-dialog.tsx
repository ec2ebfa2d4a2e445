// The flow list's "New flow" dialog: a blank flow or one from a template, named by the admin (or
// after the template), in the admin's time zone; the builder opens on it.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.ts';
import { flowTemplates } from '@waflow/flow/templates';
import { cx, Field, FormActions, Input, Modal } from '../components/ui.tsx';
import type { FlowConfig } from '../builder/graph.ts';
import { tidyPositions } from '../builder/layout.ts';
import { navigate } from '../router.tsx';
import { useWs } from '../session.tsx';

export function NewFlowDialog({
  open,
  onOpenChange,
  onCreated,
  onError,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  onCreated: () => void;
  onError: (fallback: string) => (err: unknown) => void;
}) {
  const ws = useWs();
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState('');
  const create = useMutation({
    mutationFn: () => {
      const t = flowTemplates.find((x) => x.id === templateId);
      const flowName = name.trim() || t?.name || '';
      // A new flow's `now` is the admin's local time (changeable in its conversation settings).
      const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      return api.post<{ id: string }>(
        `${ws}/flows`,
        t
          ? { name: flowName, config: fromTemplate(t.config, flowName, timezone) }
          : { name: flowName, ...(timezone ? { timezone } : {}) },
      );
    },
    onSuccess: (f) => {
      onCreated();
      navigate(`/flows/${f.id}`);
    },
    onError: onError('Could not create the flow.'),
  });
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="New flow">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        className="space-y-4"
      >
        <fieldset className="space-y-1.5">
          <legend className="mb-1 text-sm font-medium">Start from</legend>
          {[
            { id: '', name: 'A blank flow', description: 'A welcome message to build on.' },
            ...flowTemplates,
          ].map((t) => (
            <label
              key={t.id}
              className={cx(
                'flex cursor-pointer gap-2 rounded-md border p-2 text-sm',
                templateId === t.id ? 'border-brand bg-brand/5' : 'border-line',
              )}
            >
              <input
                type="radio"
                name="template"
                value={t.id}
                checked={templateId === t.id}
                onChange={() => setTemplateId(t.id)}
                className="mt-1"
              />
              <span>
                <span className="block font-medium">{t.name}</span>
                <span className="block text-xs text-muted">{t.description}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <Field
          label="Name"
          htmlFor="flow-name"
          help="What the bot does, e.g. Lead capture. Empty: the template's name."
        >
          <Input
            id="flow-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required={templateId === ''}
            autoFocus
          />
        </Field>
        <FormActions onCancel={() => onOpenChange(false)} label="Create" busy={create.isPending} />
      </form>
    </Modal>
  );
}

/**
 * A template's config for a new flow: named as the admin chose, in their time zone unless the
 * template sets one, laid out when it has no positions.
 */
function fromTemplate(
  config: Record<string, unknown>,
  name: string,
  timezone: string | undefined,
): Record<string, unknown> {
  const c = structuredClone(config) as FlowConfig;
  const positions = c.ui?.positions;
  if (!positions || Object.keys(positions).length === 0)
    c.ui = { ...c.ui, positions: tidyPositions(c) };
  const settings = (c.settings ?? {}) as Record<string, unknown>;
  if (timezone && settings.timezone === undefined) c.settings = { ...settings, timezone };
  return { ...c, name };
}
