// Text with `{{variable}}` autocomplete: typing `{{` offers the flow's variables, the contact's
// fields and the time.
import { useRef, useState } from 'react';
import { Field, hintId, Input, Textarea } from '../components/ui.tsx';

export function TemplateInput({
  id,
  label,
  help,
  error,
  value,
  onChange,
  variables,
  multiline,
  placeholder,
}: {
  id: string;
  label: string;
  help?: string | undefined;
  error?: string | undefined;
  value: string;
  onChange: (v: string) => void;
  variables: string[];
  multiline: boolean;
  placeholder?: string | undefined;
}) {
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  // The contact's fields and the time stand for themselves in text ({{contact}} alone is an object).
  const suggestions = [
    ...new Set([
      ...variables.filter((v) => v !== 'contact'),
      'contact.name',
      'contact.phone',
      'now.time',
      'now.date',
    ]),
  ];
  const insert = (v: string) => {
    const el = ref.current;
    const at = el?.selectionStart ?? value.length;
    const before = value.slice(0, at).replace(/\{\{\w*$/, '');
    onChange(`${before}{{${v}}}${value.slice(at)}`);
    setOpen(false);
    el?.focus();
  };
  // The line under the field (its help, or the validator's problem) describes it.
  const described = {
    'aria-describedby': help || error ? hintId(id) : undefined,
    'aria-invalid': error ? true : undefined,
  };
  const onText = (text: string, caret: number) => {
    onChange(text);
    setOpen(/\{\{\w*$/.test(text.slice(0, caret)));
  };
  return (
    <Field label={label} htmlFor={id} help={help} error={error}>
      <div className="relative">
        {multiline ? (
          <Textarea
            id={id}
            ref={ref}
            rows={3}
            {...described}
            value={value}
            placeholder={placeholder}
            onChange={(e) => onText(e.target.value, e.target.selectionStart)}
            onBlur={() => setTimeout(() => setOpen(false), 150)}
          />
        ) : (
          <Input
            id={id}
            ref={ref}
            {...described}
            value={value}
            placeholder={placeholder}
            onChange={(e) =>
              onText(e.target.value, e.target.selectionStart ?? e.target.value.length)
            }
            onBlur={() => setTimeout(() => setOpen(false), 150)}
          />
        )}
        {open ? (
          <ul
            role="listbox"
            aria-label="Variables"
            className="absolute z-10 mt-1 max-h-40 w-full overflow-auto rounded-md border border-line bg-panel shadow"
          >
            {suggestions.map((v) => (
              <li key={v}>
                <button
                  type="button"
                  role="option"
                  aria-selected={false}
                  className="w-full px-3 py-1.5 text-left text-sm hover:bg-bg"
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => insert(v)}
                >
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
