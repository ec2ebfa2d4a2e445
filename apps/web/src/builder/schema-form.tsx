// The inspector's form, generated from the block's JSON Schema and its `x-ui` hints: labels and
// help from title/description, enum pickers (with enumLabels), a kind picker for oneOf with a
// discriminator, lists of objects, variable pickers, `{{variable}}` autocomplete on text (and on
// each entry of a list of texts), a small rule builder for conditions, block pickers for "go to"
// fields, and the approved WhatsApp templates to pick from. No JSON in sight. This file picks the
// field for each property; the fields themselves are in scalar-fields.tsx, template-input.tsx,
// template-list-field.tsx, rule-editor.tsx and meta-template-picker.tsx.
import { useId } from 'react';
import { Button, Field, Select } from '../components/ui.tsx';
import {
  humanize,
  isNodeRef,
  resolve,
  templateHelp,
  type FormContext,
  type Schema,
} from './form-schema.ts';
import type { Json } from './graph.ts';
import { MemberField } from './member-field.tsx';
import { MetaTemplatePicker } from './meta-template-picker.tsx';
import { RuleEditor } from './rule-editor.tsx';
import {
  BooleanField,
  EnumField,
  LinesField,
  NodeRefField,
  NumberField,
  ObjectField,
  VariableField,
} from './scalar-fields.tsx';
import { TemplateInput } from './template-input.tsx';
import { TemplateListField } from './template-list-field.tsx';

export function SchemaForm({
  schema,
  value,
  onChange,
  ctx,
  path = '',
}: {
  schema: Schema;
  value: Json;
  onChange: (v: Json) => void;
  ctx: FormContext;
  path?: string;
}) {
  const props = Object.entries(schema.properties ?? {}).filter(
    ([k]) => k !== 'type' && !(path === '' && k === 'id'),
  );
  return (
    <div className="space-y-3">
      {props.map(([key, raw]) => (
        <Property
          key={key}
          name={key}
          schema={resolve(raw)}
          required={schema.required?.includes(key) ?? false}
          value={value[key]}
          path={path ? `${path}.${key}` : key}
          ctx={ctx}
          onChange={(v) => onChange(setKey(value, key, v))}
        />
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

function Property({
  name,
  schema,
  required,
  value,
  onChange,
  ctx,
  path,
}: {
  name: string;
  schema: Schema;
  required: boolean;
  value: unknown;
  onChange: (v: unknown) => void;
  ctx: FormContext;
  path: string;
}) {
  const id = useId();
  const label = `${schema.title ?? humanize(name)}${required ? '' : ' (optional)'}`;
  const error = ctx.errors[path];
  const ui = schema['x-ui'] ?? {};
  const field = { id, label, schema, value, onChange, error };

  if (schema.const !== undefined) return null;
  if (schema.oneOf && schema.discriminator)
    return (
      <KindField
        name={name}
        schema={schema}
        discriminator={schema.discriminator.propertyName}
        variants={schema.oneOf}
        value={value}
        onChange={onChange}
        ctx={ctx}
        path={path}
      />
    );
  if (ui.widget === 'condition')
    return (
      <Field label={label} error={error}>
        <RuleEditor value={(value ?? {}) as Json} onChange={onChange} variables={ctx.variables} />
      </Field>
    );
  if (schema.type === 'array' && schema.items) {
    const item = resolve(schema.items);
    if (item.type === 'string' && item['x-ui']?.widget === 'template')
      return (
        <TemplateListField
          id={id}
          label={label}
          help={error ?? schema.description}
          value={value}
          onChange={onChange}
          variables={ctx.variables}
          errorAt={(i) => ctx.errors[`${path}[${i}]`]}
        />
      );
    if (item.type === 'string') return <LinesField {...field} />;
    return (
      <ListField
        label={label}
        item={item}
        value={value}
        onChange={onChange}
        ctx={ctx}
        path={path}
      />
    );
  }
  if (schema.enum) return <EnumField {...field} required={required} />;
  if (isNodeRef(name, schema)) return <NodeRefField {...field} ctx={ctx} />;
  if (schema.type === 'boolean') return <BooleanField {...field} />;
  if (schema.type === 'integer' || schema.type === 'number') return <NumberField {...field} />;
  if (schema.type === 'object') return <ObjectField {...field} />;
  if (ui.widget === 'variable') return <VariableField {...field} variables={ctx.variables} />;
  if (ui.widget === 'member') return <MemberField {...field} />;
  return (
    <TemplateInput
      id={id}
      label={label}
      help={ui.widget === 'template' ? templateHelp(schema) : schema.description}
      error={error}
      value={value === undefined ? '' : String(value)}
      onChange={onChange}
      variables={ctx.variables}
      multiline={ui.widget === 'template'}
      placeholder={ui.placeholder}
    />
  );
}

/** A oneOf with a discriminator: a kind picker, then the chosen kind's own form. */
function KindField({
  name,
  schema,
  discriminator: key,
  variants,
  value,
  onChange,
  ctx,
  path,
}: {
  name: string;
  schema: Schema;
  discriminator: string;
  variants: Schema[];
  value: unknown;
  onChange: (v: unknown) => void;
  ctx: FormContext;
  path: string;
}) {
  const current = (value ?? {}) as Json;
  const variant =
    variants.find((o) => (o.properties?.[key] as Schema | undefined)?.const === current[key]) ??
    variants[0];
  return (
    <fieldset className="space-y-3 rounded-md border border-line p-3">
      <legend className="px-1 text-sm font-medium">{schema.title ?? humanize(name)}</legend>
      <Select
        aria-label={`${schema.title ?? humanize(name)}: kind`}
        value={String(current[key] ?? '')}
        onChange={(e) => onChange(startOf(variants, key, e.target.value))}
      >
        {variants.map((o) => {
          const k = String((o.properties?.[key] as Schema | undefined)?.const ?? '');
          return (
            <option key={k} value={k}>
              {o['x-ui']?.name ?? (o.title?.replace(/^(Ask|Say|Trigger)/, '') || k)}
            </option>
          );
        })}
      </Select>
      {variant?.['x-ui']?.widget === 'whatsapp-template' && ctx.flowId ? (
        <MetaTemplatePicker flowId={ctx.flowId} value={current} onChange={onChange} />
      ) : null}
      {variant ? (
        <SchemaForm schema={variant} value={current} onChange={onChange} ctx={ctx} path={path} />
      ) : null}
    </fieldset>
  );
}

/** A newly chosen kind: its discriminator, and its required lists, empty (a template's parameters). */
function startOf(variants: Schema[], key: string, kind: string): Json {
  const variant = variants.find((o) => (o.properties?.[key] as Schema | undefined)?.const === kind);
  const lists = Object.entries(variant?.properties ?? {}).filter(
    ([k, p]) => variant?.required?.includes(k) && resolve(p).type === 'array',
  );
  return { [key]: kind, ...Object.fromEntries(lists.map(([k]) => [k, []])) };
}

/** A list of objects: each item's form with Remove, and Add for a new one. */
function ListField({
  label,
  item,
  value,
  onChange,
  ctx,
  path,
}: {
  label: string;
  item: Schema;
  value: unknown;
  onChange: (v: unknown) => void;
  ctx: FormContext;
  path: string;
}) {
  const items = Array.isArray(value) ? (value as unknown[]) : [];
  return (
    <fieldset className="space-y-2 rounded-md border border-line p-3">
      <legend className="px-1 text-sm font-medium">{label}</legend>
      {items.map((it, i) => (
        <div key={i} className="space-y-2 rounded-md bg-bg p-2">
          <SchemaForm
            schema={item}
            value={(it ?? {}) as Json}
            ctx={ctx}
            path={`${path}[${i}]`}
            onChange={(v) => onChange(items.map((x, j) => (j === i ? v : x)))}
          />
          <Button
            type="button"
            size="sm"
            variant="ghost"
            onClick={() => onChange(items.filter((_, j) => j !== i))}
          >
            Remove
          </Button>
        </div>
      ))}
      <Button
        type="button"
        size="sm"
        variant="secondary"
        onClick={() => onChange([...items, item.type === 'object' ? {} : ''])}
      >
        Add {(item.title ?? 'item').replace(/^Ask|^Condition|^Split/, '').toLowerCase()}
      </Button>
    </fieldset>
  );
}
