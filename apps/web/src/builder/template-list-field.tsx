// A list of texts with `{{variable}}` autocomplete, one field per entry (a template's body
// parameters: {{1}}, {{2}}…), with Remove and Add.
import { Button } from '../components/ui.tsx';
import { TemplateInput } from './template-input.tsx';

export function TemplateListField({
  id,
  label,
  help,
  value,
  onChange,
  variables,
  errorAt,
}: {
  id: string;
  label: string;
  help?: string | undefined;
  value: unknown;
  onChange: (v: string[]) => void;
  variables: string[];
  /** The validator's problem with entry `i`, if any. */
  errorAt: (i: number) => string | undefined;
}) {
  const items = Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : '')) : [];
  return (
    <fieldset className="space-y-2 rounded-md border border-line p-3">
      <legend className="px-1 text-sm font-medium">{label}</legend>
      {help ? <p className="text-xs text-muted">{help}</p> : null}
      {items.map((item, i) => (
        <div key={i} className="flex items-start gap-2">
          <div className="min-w-0 flex-1">
            <TemplateInput
              id={`${id}-${i}`}
              label={`{{${i + 1}}}`}
              error={errorAt(i)}
              value={item}
              onChange={(v) => onChange(items.map((x, j) => (j === i ? v : x)))}
              variables={variables}
              multiline={false}
            />
          </div>
          <Button
            type="button"
            size="sm"
            variant="ghost"
            className="mt-6"
            aria-label={`Remove {{${i + 1}}}`}
            onClick={() => onChange(items.filter((_, j) => j !== i))}
          >
            Remove
          </Button>
        </div>
      ))}
      <Button type="button" size="sm" variant="secondary" onClick={() => onChange([...items, ''])}>
        Add parameter
      </Button>
    </fieldset>
  );
}
