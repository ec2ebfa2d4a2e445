// Form-style preview, drawn locally from the draft (no runtime call): the path from the start,
// following each block's main output, with questions shown as the form fields they ask for. What
// a block shows and which output it follows are its meta's (@waflow/flow/metas).
import { metaOf, type PreviewStep } from '@waflow/flow/metas';
import { Field, Input, Select } from '../components/ui.tsx';
import type { FlowConfig, Json } from './graph.ts';

function Step({ id, step }: { id: string; step: PreviewStep }) {
  if (step.kind === 'text') return <p className="rounded-md bg-bg p-3 text-sm">{step.text}</p>;
  if (step.input === 'select') {
    return (
      <Field label={step.label} htmlFor={id}>
        <Select id={id}>
          {(step.options ?? []).map((o, i) => (
            <option key={i}>{o}</option>
          ))}
        </Select>
      </Field>
    );
  }
  return (
    <Field label={step.label} htmlFor={id}>
      <Input id={id} type={step.input} />
    </Field>
  );
}

export function Preview({ config }: { config: FlowConfig }) {
  const byId = new Map(config.nodes.map((n) => [String(n.id), n]));
  const steps: Json[] = [];
  const seen = new Set<string>();
  for (let id: string | undefined = config.start; id && !seen.has(id) && steps.length < 50;) {
    seen.add(id);
    const n = byId.get(id);
    if (!n) break;
    steps.push(n);
    const meta = metaOf(n.type);
    const next = meta?.mainPath ? meta.mainPath(n) : n.next;
    id = typeof next === 'string' ? next : undefined;
  }
  if (!steps.length)
    return <p className="text-sm text-muted">Connect the start to a block to see the preview.</p>;
  return (
    <div className="space-y-4" data-testid="preview">
      <p className="text-xs text-muted">
        The main path of the flow as a form. Conditions follow their first rule.
      </p>
      {steps.map((n) => {
        const step = metaOf(n.type)?.preview?.(n);
        const id = `preview-${String(n.id)}`;
        return step ? <Step key={id} id={id} step={step} /> : null;
      })}
    </div>
  );
}
