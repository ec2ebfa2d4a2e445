// Form-style preview, drawn locally from the draft (no runtime call): the path from the start,
// following each block's main output, with questions shown as the form fields they ask for.
import { Field, Input, Select } from '../components/ui.tsx';
import type { FlowConfig, Json } from './graph.ts';

const INPUT_TYPE: Record<string, string> = { email: 'email', number: 'number', phone: 'tel', date: 'date' };

export function Preview({ config }: { config: FlowConfig }) {
  const byId = new Map(config.nodes.map((n) => [String(n.id), n]));
  const steps: Json[] = [];
  const seen = new Set<string>();
  for (let id: string | undefined = config.start; id && !seen.has(id) && steps.length < 50; ) {
    seen.add(id);
    const n = byId.get(id);
    if (!n) break;
    steps.push(n);
    const c = n.type === 'condition' ? ((n.branches as Json[] | undefined)?.[0]?.next as string | undefined) ?? (n.else as string | undefined) : n.type === 'jump' ? (n.target as string | undefined) : (n.next as string | undefined);
    id = c;
  }
  if (!steps.length) return <p className="text-sm text-muted">Connect the start to a block to see the preview.</p>;
  return (
    <div className="space-y-4" data-testid="preview">
      <p className="text-xs text-muted">The main path of the flow as a form. Conditions follow their first rule.</p>
      {steps.map((n) => {
        const id = `preview-${String(n.id)}`;
        if (n.type === 'ask') {
          const v = (n.validation ?? {}) as Json;
          if (v.kind === 'choice') {
            return (
              <Field key={id} label={String(n.prompt)} htmlFor={id}>
                <Select id={id}>{((v.options as Json[] | undefined) ?? []).map((o, i) => <option key={i}>{String(o.label)}</option>)}</Select>
              </Field>
            );
          }
          return <Field key={id} label={String(n.prompt)} htmlFor={id}><Input id={id} type={INPUT_TYPE[String(v.kind)] ?? 'text'} /></Field>;
        }
        const msg = n.message as Json | string | undefined;
        const text = typeof msg === 'string' ? msg : msg && typeof msg === 'object' ? String(msg.text ?? msg.caption ?? '') : '';
        return text ? <p key={id} className="rounded-md bg-bg p-3 text-sm">{text}</p> : null;
      })}
    </div>
  );
}
