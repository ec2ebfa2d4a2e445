// What the side panel shows when no block is selected: the flow's triggers, its declared
// variables and its conversation settings (timeout, restart and stop words, fallback text…),
// a form from their schema.
import { flowSchema } from '@waflow/flow/schemas';
import { Field, Input } from '../components/ui.tsx';
import type { FlowConfig, Json } from './graph.ts';
import type { FormContext } from './form-schema.ts';
import { SchemaForm } from './schema-form.tsx';

const settingsSchema = ((flowSchema as Json).$defs as Record<string, Json>).settings as Parameters<
  typeof SchemaForm
>[0]['schema'];

export function FlowSettings({
  config,
  editable,
  ctx,
  onChange,
}: {
  config: FlowConfig;
  editable: boolean;
  ctx: FormContext;
  onChange: (c: FlowConfig) => void;
}) {
  const keywords = config.triggers
    .filter((t) => t.type === 'keyword')
    .flatMap((t) => (t.keywords as string[] | undefined) ?? []);
  const any = config.triggers.some((t) => t.type === 'any');
  return (
    <fieldset disabled={!editable} className="space-y-4">
      <h2 className="font-semibold">When does this flow start?</h2>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={any}
          onChange={(e) =>
            onChange({
              ...config,
              triggers: e.target.checked
                ? [{ type: 'any' }]
                : keywords.length
                  ? [{ type: 'keyword', match: 'contains', keywords }]
                  : [],
            })
          }
        />
        On any message from a contact
      </label>
      {!any ? (
        <Field
          label="Keywords"
          htmlFor="kw"
          help="Comma-separated; matched ignoring case and accents."
        >
          <Input
            id="kw"
            defaultValue={keywords.join(', ')}
            onBlur={(e) =>
              onChange({
                ...config,
                triggers: [
                  {
                    type: 'keyword',
                    match: 'contains',
                    keywords: e.target.value
                      .split(',')
                      .map((k) => k.trim())
                      .filter(Boolean),
                  },
                ],
              })
            }
          />
        </Field>
      ) : null}
      <Field
        label="Variables"
        htmlFor="vars"
        help="Names this flow collects, comma-separated (questions add theirs)."
      >
        <Input
          id="vars"
          defaultValue={config.variables.map((v) => v.name).join(', ')}
          onBlur={(e) =>
            onChange({
              ...config,
              variables: e.target.value
                .split(',')
                .map((n) => n.trim())
                .filter(Boolean)
                .map((n) => ({
                  name: n,
                  type: config.variables.find((v) => v.name === n)?.type ?? 'string',
                })),
            })
          }
        />
      </Field>
      <details className="rounded-md border border-line p-3" data-testid="flow-settings">
        <summary className="cursor-pointer text-sm font-medium">Conversation settings</summary>
        <div className="mt-3">
          <SchemaForm
            schema={settingsSchema}
            value={(config.settings ?? {}) as Json}
            ctx={ctx}
            onChange={(v) =>
              onChange({
                ...config,
                settings: Object.fromEntries(
                  Object.entries(v).filter(
                    ([, x]) => x !== undefined && x !== '' && !(Array.isArray(x) && x.length === 0),
                  ),
                ),
              })
            }
          />
        </div>
      </details>
      <p className="text-xs text-muted">
        Select a block to edit it. Keyboard: Ctrl+Z / Ctrl+Shift+Z undo and redo, Ctrl+C / Ctrl+V
        copy a block, Delete removes it.
      </p>
    </fieldset>
  );
}
