// "Pick from Meta" for a say block's template: the approved templates of the Cloud API numbers
// that answer with this flow, read through the API (GET …/numbers/:id/cloud-api/templates).
// Picking one fills in its name and language and one parameter field per {{n}} of its body.
// Without such a number nothing shows: the name and language are typed by hand.
import { useQueries, useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { api } from '../api.ts';
import { Field, Select } from '../components/ui.tsx';
import { useWs } from '../session.tsx';
import type { NumberRow } from '../pages/number-view.ts';
import type { Json } from './graph.ts';

/** A template as the API lists it (what Meta says of it). */
interface MetaTemplate {
  name: string;
  language: string;
  status: string;
  category: string;
  bodyParameters: number;
}

const keyOf = (t: { name: string; language: string }) => `${t.name}\u0000${t.language}`;

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
  const cloud = (numbers.data?.items ?? []).filter(
    (n) => n.channel === 'cloud_api' && n.flowId === flowId,
  );
  const lists = useQueries({
    queries: cloud.map((n) => ({
      queryKey: [ws, 'numbers', n.id, 'cloud-api', 'templates'],
      queryFn: () =>
        api.get<{ items: MetaTemplate[] }>(`${ws}/numbers/${n.id}/cloud-api/templates`),
      retry: false,
      staleTime: 60_000,
    })),
  });
  if (cloud.length === 0) return null;

  const templates = [
    ...new Map(
      lists
        .flatMap((l) => l.data?.items ?? [])
        .filter((t) => t.status === 'APPROVED')
        .map((t) => [keyOf(t), t]),
    ).values(),
  ].sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
  const failed = lists.find((l) => l.error)?.error;
  const loading = lists.some((l) => l.isPending);
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
      error={failed instanceof Error ? failed.message : undefined}
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
            {`${t.name} (${t.language}, ${t.category.toLowerCase()}, ${t.bodyParameters} parameter${t.bodyParameters === 1 ? '' : 's'})`}
          </option>
        ))}
      </Select>
    </Field>
  );
}
