// The inspector's form, generated from the block's JSON Schema and its `x-ui` hints: labels and
// help from title/description, enum pickers (with enumLabels), a kind picker for oneOf with a
// discriminator, lists of objects, variable pickers, `{{variable}}` autocomplete on text, a
// small rule builder for conditions, and block pickers for "go to" fields. No JSON in sight.
import { useId, useRef, useState } from 'react';
import { blockSchemas, commonSchema } from '@waflow/flow/schemas';
import { Button, Field, Input, Select, Textarea } from '../components/ui.tsx';
import type { Json } from './graph.ts';
import { buildRule, parseRule, RULE_OPERATORS } from './rules.ts';

type Schema = Json & {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  discriminator?: { propertyName: string };
  $ref?: string;
  'x-ui'?: { widget?: string; placeholder?: string; enumLabels?: string[]; name?: string };
};

export interface FormContext {
  variables: string[];
  nodeIds: string[];
  /** Problems of this block by field path (from the validator). */
  errors: Record<string, string>;
  /** "Go to" fields are drawn as edges on the canvas (a block's outputs; not the flow's settings). */
  onCanvas?: boolean;
}

const commonDefs = (commonSchema as Json).$defs as Record<string, Schema>;

/** Resolves `common.schema.json#/$defs/x` (and keeps the local overrides next to the $ref). */
function resolve(s: Schema): Schema {
  if (!s.$ref) return s;
  const name = /#\/\$defs\/(\w+)$/.exec(s.$ref)?.[1];
  const base = (name && commonDefs[name]) || {};
  const { $ref: _r, ...rest } = s;
  return { ...base, ...rest, 'x-ui': { ...(base['x-ui'] ?? {}), ...(rest['x-ui'] ?? {}) } };
}

const humanize = (k: string) => k.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

export function blockSchema(type: string): Schema | undefined {
  return (blockSchemas as unknown as Record<string, Schema>)[type];
}

export function SchemaForm({ schema, value, onChange, ctx, path = '' }: { schema: Schema; value: Json; onChange: (v: Json) => void; ctx: FormContext; path?: string }) {
  const props = Object.entries(schema.properties ?? {}).filter(([k]) => k !== 'type' && !(path === '' && k === 'id'));
  return (
    <div className="space-y-3">
      {props.map(([key, raw]) => (
        <Property key={key} name={key} schema={resolve(raw)} required={schema.required?.includes(key) ?? false} value={value[key]} path={path ? `${path}.${key}` : key} ctx={ctx} onChange={(v) => onChange(setKey(value, key, v))} />
      ))}
    </div>
  );
}

function setKey(obj: Json, key: string, v: unknown): Json {
  const next = { ...obj };
  if (v === undefined || v === '') delete next[key];
  else next[key] = v;
  return next;
}

function Property({ name, schema, required, value, onChange, ctx, path }: { name: string; schema: Schema; required: boolean; value: unknown; onChange: (v: unknown) => void; ctx: FormContext; path: string }) {
  const id = useId();
  const label = `${schema.title ?? humanize(name)}${required ? '' : ' (optional)'}`;
  const error = ctx.errors[path];
  const ui = schema['x-ui'] ?? {};
  const isNodeRef = schema.pattern === commonDefs.nodeId?.pattern && name !== 'id';

  if (schema.const !== undefined) return null;

  if (schema.oneOf && schema.discriminator) {
    const key = schema.discriminator.propertyName;
    const current = (value ?? {}) as Json;
    const variant = schema.oneOf.find((o) => (o.properties?.[key] as Schema | undefined)?.const === current[key]) ?? schema.oneOf[0];
    return (
      <fieldset className="space-y-3 rounded-md border border-line p-3">
        <legend className="px-1 text-sm font-medium">{schema.title ?? humanize(name)}</legend>
        <Select
          aria-label={`${schema.title ?? humanize(name)}: kind`}
          value={String(current[key] ?? '')}
          onChange={(e) => onChange({ [key]: e.target.value })}
        >
          {schema.oneOf.map((o) => {
            const k = String((o.properties?.[key] as Schema | undefined)?.const ?? '');
            return <option key={k} value={k}>{o.title?.replace(/^(Ask|Say|Trigger)/, '') || k}</option>;
          })}
        </Select>
        {variant ? <SchemaForm schema={variant} value={current} onChange={onChange} ctx={ctx} path={path} /> : null}
      </fieldset>
    );
  }

  if (ui.widget === 'condition') return <Field label={label} error={error}><RuleEditor value={(value ?? {}) as Json} onChange={onChange} variables={ctx.variables} /></Field>;

  if (schema.type === 'array' && schema.items) {
    const items = Array.isArray(value) ? (value as unknown[]) : [];
    const item = resolve(schema.items);
    if (item.type === 'string') {
      return (
        <Field label={label} htmlFor={id} help="One per line." error={error}>
          <Textarea id={id} rows={3} value={items.join('\n')} onChange={(e) => onChange(e.target.value.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1))} />
        </Field>
      );
    }
    return (
      <fieldset className="space-y-2 rounded-md border border-line p-3">
        <legend className="px-1 text-sm font-medium">{label}</legend>
        {items.map((it, i) => (
          <div key={i} className="space-y-2 rounded-md bg-bg p-2">
            <SchemaForm schema={item} value={(it ?? {}) as Json} ctx={ctx} path={`${path}[${i}]`} onChange={(v) => onChange(items.map((x, j) => (j === i ? v : x)))} />
            <Button type="button" size="sm" variant="ghost" onClick={() => onChange(items.filter((_, j) => j !== i))}>Remove</Button>
          </div>
        ))}
        <Button type="button" size="sm" variant="secondary" onClick={() => onChange([...items, item.type === 'object' ? {} : ''])}>Add {(item.title ?? 'item').replace(/^Ask|^Condition|^Split/, '').toLowerCase()}</Button>
      </fieldset>
    );
  }

  if (schema.enum) {
    const labels = ui.enumLabels ?? schema.enum.map(String);
    return (
      <Field label={label} htmlFor={id} help={schema.description} error={error}>
        <Select id={id} value={String(value ?? '')} onChange={(e) => onChange(e.target.value || undefined)}>
          {required ? null : <option value="">—</option>}
          {schema.enum.map((v, i) => <option key={String(v)} value={String(v)}>{labels[i] ?? String(v)}</option>)}
        </Select>
      </Field>
    );
  }

  if (isNodeRef) {
    return (
      <Field label={label} htmlFor={id} help={ctx.onCanvas === false ? undefined : 'Or connect it on the canvas.'} error={error}>
        <Select id={id} value={String(value ?? '')} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">— not connected —</option>
          {ctx.nodeIds.map((n) => <option key={n} value={n}>{n}</option>)}
        </Select>
      </Field>
    );
  }

  if (schema.type === 'boolean') {
    return (
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked || undefined)} /> {label}
      </label>
    );
  }

  if (schema.type === 'integer' || schema.type === 'number') {
    return (
      <Field label={label} htmlFor={id} help={schema.description} error={error}>
        <Input id={id} type="number" value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />
      </Field>
    );
  }

  if (schema.type === 'object') {
    return (
      <Field label={label} htmlFor={id} help="Fields as name = value, one per line." error={error}>
        <Textarea
          id={id}
          rows={3}
          defaultValue={Object.entries((value ?? {}) as Json).map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n')}
          onBlur={(e) => onChange(Object.fromEntries(e.target.value.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()])))}
        />
      </Field>
    );
  }

  if (ui.widget === 'variable') {
    return (
      <Field label={label} htmlFor={id} help={schema.description} error={error}>
        <Input id={id} list={`${id}-vars`} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} placeholder="variable name" />
        <datalist id={`${id}-vars`}>{ctx.variables.map((v) => <option key={v} value={v} />)}</datalist>
      </Field>
    );
  }

  return <TemplateInput id={id} label={label} help={ui.widget === 'template' ? 'Type {{ to insert a variable.' : schema.description} error={error} value={value === undefined ? '' : String(value)} onChange={onChange} variables={ctx.variables} multiline={ui.widget === 'template'} placeholder={ui.placeholder} />;
}

/** Text with `{{variable}}` autocomplete: typing `{{` offers the flow's variables. */
function TemplateInput({ id, label, help, error, value, onChange, variables, multiline, placeholder }: { id: string; label: string; help?: string | undefined; error?: string | undefined; value: string; onChange: (v: string) => void; variables: string[]; multiline: boolean; placeholder?: string | undefined }) {
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  // The contact's fields and the time stand for themselves in text ({{contact}} alone is an object).
  const suggestions = [...new Set([...variables.filter((v) => v !== 'contact'), 'contact.name', 'contact.phone', 'now.time', 'now.date'])];
  const insert = (v: string) => {
    const el = ref.current;
    const at = el?.selectionStart ?? value.length;
    const before = value.slice(0, at).replace(/\{\{\w*$/, '');
    onChange(`${before}{{${v}}}${value.slice(at)}`);
    setOpen(false);
    el?.focus();
  };
  const onText = (text: string, caret: number) => {
    onChange(text);
    setOpen(/\{\{\w*$/.test(text.slice(0, caret)));
  };
  return (
    <Field label={label} htmlFor={id} help={help} error={error}>
      <div className="relative">
        {multiline ? (
          <Textarea id={id} ref={ref} rows={3} value={value} placeholder={placeholder} onChange={(e) => onText(e.target.value, e.target.selectionStart)} onBlur={() => setTimeout(() => setOpen(false), 150)} />
        ) : (
          <Input id={id} ref={ref} value={value} placeholder={placeholder} onChange={(e) => onText(e.target.value, e.target.selectionStart ?? e.target.value.length)} onBlur={() => setTimeout(() => setOpen(false), 150)} />
        )}
        {open ? (
          <ul role="listbox" aria-label="Variables" className="absolute z-10 mt-1 max-h-40 w-full overflow-auto rounded-md border border-line bg-panel shadow">
            {suggestions.map((v) => (
              <li key={v}>
                <button type="button" role="option" aria-selected={false} className="w-full px-3 py-1.5 text-left text-sm hover:bg-bg" onMouseDown={(e) => e.preventDefault()} onClick={() => insert(v)}>
                  {`{{${v}}}`}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </Field>
  );
}

/** The built-in `now` a rule can test (see the flow package's clock). */
const CLOCK_FIELDS: [string, string][] = [
  ['now.hour', 'hour (0–23)'],
  ['now.time', 'time (HH:MM)'],
  ['now.weekday', 'weekday (1 = Monday … 7 = Sunday)'],
  ['now.date', 'date (YYYY-MM-DD)'],
];

/** A rule as "variable · operator · value" (the JSONLogic underneath is never shown). */
function RuleEditor({ value, onChange, variables }: { value: Json; onChange: (v: Json) => void; variables: string[] }) {
  const { op, variable, operand } = parseRule(value);
  const build = (o: string, v: string, x: string) => onChange(buildRule(o, v, x));
  return (
    <div className="grid grid-cols-3 gap-2">
      <Select aria-label="Variable" value={variable} onChange={(e) => build(op, e.target.value, String(operand))}>
        <option value="">variable…</option>
        {variables.map((v) => <option key={v} value={v}>{v}</option>)}
        <optgroup label="Time of the message (the flow's time zone)">
          {CLOCK_FIELDS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </optgroup>
      </Select>
      <Select aria-label="Operator" value={op} onChange={(e) => build(e.target.value, variable, String(operand))}>
        {RULE_OPERATORS.map(([k, l]) => <option key={k} value={k}>{l}</option>)}
      </Select>
      <Input aria-label="Value" value={String(operand)} onChange={(e) => build(op, variable, e.target.value)} />
    </div>
  );
}
