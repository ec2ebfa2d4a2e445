// The schema form's single-value fields: a picker for an enum (with its enumLabels) and for a
// "go to" block, a checkbox, a number, lines of text, `name = value` lines for an object, and a
// variable name with the flow's variables offered.
import { Field, Input, Select, Textarea } from '../components/ui.tsx';
import type { FormContext, Schema } from './form-schema.ts';
import type { Json } from './graph.ts';

export interface FieldProps {
  id: string;
  label: string;
  schema: Schema;
  value: unknown;
  onChange: (v: unknown) => void;
  error: string | undefined;
}

export function LinesField({ id, label, value, onChange, error }: FieldProps) {
  const items = Array.isArray(value) ? (value as unknown[]) : [];
  return (
    <Field label={label} htmlFor={id} help="One per line." error={error}>
      <Textarea
        id={id}
        rows={3}
        value={items.join('\n')}
        onChange={(e) =>
          onChange(e.target.value.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1))
        }
      />
    </Field>
  );
}

export function EnumField({
  id,
  label,
  schema,
  value,
  onChange,
  error,
  required,
}: FieldProps & { required: boolean }) {
  const values = schema.enum ?? [];
  const labels = schema['x-ui']?.enumLabels ?? values.map(String);
  return (
    <Field label={label} htmlFor={id} help={schema.description} error={error}>
      <Select
        id={id}
        value={String(value ?? '')}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        {required ? null : <option value="">—</option>}
        {values.map((v, i) => (
          <option key={String(v)} value={String(v)}>
            {labels[i] ?? String(v)}
          </option>
        ))}
      </Select>
    </Field>
  );
}

export function NodeRefField({
  id,
  label,
  value,
  onChange,
  error,
  ctx,
}: FieldProps & { ctx: FormContext }) {
  return (
    <Field
      label={label}
      htmlFor={id}
      help={ctx.onCanvas === false ? undefined : 'Or connect it on the canvas.'}
      error={error}
    >
      <Select
        id={id}
        value={String(value ?? '')}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        <option value="">— not connected —</option>
        {ctx.nodeIds.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </Select>
    </Field>
  );
}

export function BooleanField({ label, value, onChange }: FieldProps) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input
        type="checkbox"
        checked={value === true}
        onChange={(e) => onChange(e.target.checked || undefined)}
      />{' '}
      {label}
    </label>
  );
}

export function NumberField({ id, label, schema, value, onChange, error }: FieldProps) {
  return (
    <Field label={label} htmlFor={id} help={schema.description} error={error}>
      <Input
        id={id}
        type="number"
        value={value === undefined ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    </Field>
  );
}

export function ObjectField({ id, label, value, onChange, error }: FieldProps) {
  return (
    <Field label={label} htmlFor={id} help="Fields as name = value, one per line." error={error}>
      <Textarea
        id={id}
        rows={3}
        defaultValue={Object.entries((value ?? {}) as Json)
          .map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join('\n')}
        onBlur={(e) =>
          onChange(
            Object.fromEntries(
              e.target.value
                .split('\n')
                .filter((l) => l.includes('='))
                .map((l) => [
                  l.slice(0, l.indexOf('=')).trim(),
                  l.slice(l.indexOf('=') + 1).trim(),
                ]),
            ),
          )
        }
      />
    </Field>
  );
}

export function VariableField({
  id,
  label,
  schema,
  value,
  onChange,
  error,
  variables,
}: FieldProps & { variables: string[] }) {
  return (
    <Field label={label} htmlFor={id} help={schema.description} error={error}>
      <Input
        id={id}
        list={`${id}-vars`}
        value={String(value ?? '')}
        onChange={(e) => onChange(e.target.value)}
        placeholder="variable name"
      />
      <datalist id={`${id}-vars`}>
        {variables.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
    </Field>
  );
}
