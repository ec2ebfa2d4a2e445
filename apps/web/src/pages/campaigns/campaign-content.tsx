// What a campaign sends, in the new-campaign form: one message, a published flow (with the
// contact's values given to its variables), or an approved WhatsApp template (picked from what
// Meta lists for the workspace's Cloud API numbers, or typed) with each {{n}} taken from the
// contact. `contentBody` is what the API takes; the API says in words what is missing.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { templateKey, templateLabel, useApprovedTemplates } from '../../cloud-templates.ts';
import { Button, Field, Input, Select, Textarea } from '../../components/ui.tsx';
import { useWs } from '../../session.tsx';
import type { NumberRow } from '../number-view.ts';
import { ContactSource } from './contact-source.tsx';

export interface ContentDraft {
  kind: 'message' | 'flow' | 'template';
  text: string;
  flowId: string;
  variables: { name: string; source: string }[];
  template: { name: string; language: string; body: string; parameters: string[] };
}

export const emptyContent: ContentDraft = {
  kind: 'message',
  text: '',
  flowId: '',
  variables: [],
  template: { name: '', language: '', body: '', parameters: [] },
};

/** How many parameters a body takes: its highest {{n}}. */
const parameterCount = (body: string) =>
  Math.max(0, ...[...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1])));

export function contentBody(d: ContentDraft): unknown {
  if (d.kind === 'message') return { kind: 'message', text: d.text };
  if (d.kind === 'flow')
    return {
      kind: 'flow',
      flowId: d.flowId,
      variables: Object.fromEntries(
        d.variables.filter((v) => v.name.trim()).map((v) => [v.name.trim(), v.source]),
      ),
    };
  const t = d.template;
  return {
    kind: 'template',
    name: t.name,
    language: t.language,
    text: t.body,
    parameters: t.parameters,
  };
}

export function CampaignContent({
  value: d,
  onChange,
  numbers,
}: {
  value: ContentDraft;
  onChange: (d: ContentDraft) => void;
  numbers: NumberRow[];
}) {
  const ws = useWs();
  const flows = useQuery({
    queryKey: [ws, 'flows'],
    queryFn: () =>
      api.get<{ items: { id: string; name: string; publishedVersionId: string | null }[] }>(
        `${ws}/flows?limit=100`,
      ),
  });
  const meta = useApprovedTemplates(ws, numbers);
  const t = d.template;
  const setTemplate = (patch: Partial<ContentDraft['template']>) => {
    const next = { ...t, ...patch };
    // One source per {{n}} of the body, keeping those already chosen.
    const n = parameterCount(next.body);
    next.parameters = Array.from({ length: n }, (_, i) => next.parameters[i] ?? 'name');
    onChange({ ...d, template: next });
  };
  const setVariable = (i: number, patch: Partial<ContentDraft['variables'][number]>) =>
    onChange({ ...d, variables: d.variables.map((v, j) => (j === i ? { ...v, ...patch } : v)) });

  return (
    <>
      <Field label="Send" htmlFor="c-kind">
        <Select
          id="c-kind"
          value={d.kind}
          onChange={(e) => onChange({ ...d, kind: e.target.value as ContentDraft['kind'] })}
          className="w-72"
        >
          <option value="message">One message</option>
          <option value="flow">Start a published flow</option>
          <option value="template">A WhatsApp template (Cloud API, Twilio)</option>
        </Select>
      </Field>
      {d.kind === 'message' ? (
        <Field label="Message" htmlFor="c-text">
          <Textarea
            id="c-text"
            value={d.text}
            onChange={(e) => onChange({ ...d, text: e.target.value })}
            rows={3}
          />
        </Field>
      ) : null}
      {d.kind === 'flow' ? (
        <>
          <Field label="Flow" htmlFor="c-flow">
            <Select
              id="c-flow"
              value={d.flowId}
              onChange={(e) => onChange({ ...d, flowId: e.target.value })}
              className="w-64"
            >
              <option value="">Choose a flow</option>
              {flows.data?.items
                .filter((f) => f.publishedVersionId)
                .map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
            </Select>
          </Field>
          <p className="text-sm text-muted">
            The flow can start knowing something about each contact: give its variables a value.
          </p>
          {d.variables.map((v, i) => (
            <div key={i} className="flex flex-wrap items-center gap-2" data-testid="flow-variable">
              <Input
                aria-label={`Variable ${i + 1}`}
                placeholder="first_name"
                value={v.name}
                onChange={(e) => setVariable(i, { name: e.target.value })}
                className="w-40"
              />
              <span className="text-sm">is</span>
              <ContactSource
                label={`Variable ${i + 1} value`}
                value={v.source}
                onChange={(source) => setVariable(i, { source })}
              />
              <Button
                type="button"
                variant="ghost"
                size="sm"
                onClick={() => onChange({ ...d, variables: d.variables.filter((_, j) => j !== i) })}
              >
                Remove
              </Button>
            </div>
          ))}
          <Button
            type="button"
            variant="secondary"
            size="sm"
            onClick={() =>
              onChange({ ...d, variables: [...d.variables, { name: '', source: 'name' }] })
            }
          >
            Add variable
          </Button>
        </>
      ) : null}
      {d.kind === 'template' ? (
        <>
          {meta.any ? (
            <Field
              label="Approved template"
              htmlFor="c-template"
              error={meta.error}
              help={
                meta.loading
                  ? 'Reading the approved templates from Meta…'
                  : 'What Meta lists for your Cloud API numbers; or type the template below.'
              }
            >
              <Select
                id="c-template"
                value={
                  meta.templates.some((x) => templateKey(x) === templateKey(t))
                    ? templateKey(t)
                    : ''
                }
                onChange={(e) => {
                  const m = meta.templates.find((x) => templateKey(x) === e.target.value);
                  if (m) setTemplate({ name: m.name, language: m.language, body: m.body });
                }}
              >
                <option value="">— choose an approved template —</option>
                {meta.templates.map((m) => (
                  <option key={templateKey(m)} value={templateKey(m)}>
                    {templateLabel(m)}
                  </option>
                ))}
              </Select>
            </Field>
          ) : null}
          <div className="flex flex-wrap gap-2">
            <Field label="Template name" htmlFor="c-t-name">
              <Input
                id="c-t-name"
                value={t.name}
                onChange={(e) => setTemplate({ name: e.target.value })}
                className="w-56"
              />
            </Field>
            <Field label="Language" htmlFor="c-t-lang" help="e.g. en_US or es">
              <Input
                id="c-t-lang"
                value={t.language}
                onChange={(e) => setTemplate({ language: e.target.value })}
                className="w-28"
              />
            </Field>
          </div>
          <Field
            label="Template text"
            htmlFor="c-t-body"
            help="As Meta shows it, with {{1}}, {{2}}…: what the transcript and Twilio show"
          >
            <Textarea
              id="c-t-body"
              value={t.body}
              onChange={(e) => setTemplate({ body: e.target.value })}
              rows={3}
            />
          </Field>
          {t.parameters.map((p, i) => (
            <div key={i} className="flex flex-wrap items-center gap-2">
              <span className="w-12 text-sm font-medium">{`{{${i + 1}}}`}</span>
              <ContactSource
                label={`{{${i + 1}}} is`}
                value={p}
                onChange={(v) =>
                  onChange({
                    ...d,
                    template: { ...t, parameters: t.parameters.map((x, j) => (j === i ? v : x)) },
                  })
                }
              />
            </div>
          ))}
        </>
      ) : null}
    </>
  );
}
