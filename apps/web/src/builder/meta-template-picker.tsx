// "Pick from Meta" for a say block's template: the approved templates of the Cloud API numbers
// that answer with this flow, read through the API (GET …/numbers/:id/cloud-api/templates).
// Picking one fills in its name and language and one parameter field per {{n}} of its body.
// Without such a number nothing shows: the name and language are typed by hand.
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { api } from '../api.ts';
import { templateKey as keyOf, templateLabel, useApprovedTemplates } from '../cloud-templates.ts';
import { Field, Select } from '../components/ui.tsx';
import { useWs } from '../session.tsx';
import type { NumberRow } from '../pages/number-view.ts';
import type { Json } from './graph.ts';

export function MetaTemplatePicker({
  flowId,
  value,
  onChange,
}: {
  flowId: string;
  value: Json;
  onChange: (v: Json) => void;
}) {
  const id = useId();
  const ws = useWs();
  const numbers = useQuery({
    queryKey: [ws, 'numbers'],
    queryFn: () => api.get<{ items: NumberRow[] }>(`${ws}/numbers`),
  });
  const answering = (numbers.data?.items ?? []).filter((n) => n.flowId === flowId);
  const { any, templates, loading, error: failed } = useApprovedTemplates(ws, answering);
  if (!any) return null;

  const current =
    typeof value.name === 'string' && typeof value.language === 'string'
      ? keyOf({ name: value.name, language: value.language })
      : '';

  const pick = (key: string) => {
    const t = templates.find((x) => keyOf(x) === key);
    if (!t) return;
    const before = Array.isArray(value.parameters) ? value.parameters : [];
    // Keep what was typed for the parameters the template still has; one field for each {{n}}.
    const parameters = Array.from({ length: t.bodyParameters }, (_, i) =>
      typeof before[i] === 'string' ? before[i] : '',
    );
    onChange({ ...value, name: t.name, language: t.language, parameters });
  };

  return (
    <Field
      label="Pick from Meta (optional)"
      htmlFor={id}
      error={failed}
      help={
        loading
          ? 'Reading the approved templates from Meta…'
          : templates.length
            ? 'The approved templates of this flow’s Cloud API numbers; or type the name below.'
            : 'Meta lists no approved template for this flow’s Cloud API numbers yet.'
      }
    >
      <Select
        id={id}
        value={templates.some((t) => keyOf(t) === current) ? current : ''}
        disabled={templates.length === 0}
        onChange={(e) => pick(e.target.value)}
      >
        <option value="">— choose an approved template —</option>
        {templates.map((t) => (
          <option key={keyOf(t)} value={keyOf(t)}>
            {templateLabel(t)}
          </option>
        ))}
      </Select>
    </Field>
  );
}
