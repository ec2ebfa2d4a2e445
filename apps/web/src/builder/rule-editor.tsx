// A condition's rule as "variable · operator · value" (the JSONLogic underneath is never shown).
import { Input, Select } from '../components/ui.tsx';
import type { Json } from './graph.ts';
import { buildRule, parseRule, RULE_OPERATORS } from './rules.ts';

/** The built-in `now` a rule can test (see the flow package's clock). */
const CLOCK_FIELDS: [string, string][] = [
  ['now.hour', 'hour (0–23)'],
  ['now.time', 'time (HH:MM)'],
  ['now.weekday', 'weekday (1 = Monday … 7 = Sunday)'],
  ['now.date', 'date (YYYY-MM-DD)'],
];

export function RuleEditor({
  value,
  onChange,
  variables,
}: {
  value: Json;
  onChange: (v: Json) => void;
  variables: string[];
}) {
  const { op, variable, operand } = parseRule(value);
  const build = (o: string, v: string, x: string) => onChange(buildRule(o, v, x));
  return (
    <div className="grid grid-cols-3 gap-2">
      <Select
        aria-label="Variable"
        value={variable}
        onChange={(e) => build(op, e.target.value, String(operand))}
      >
        <option value="">variable…</option>
        {variables.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
        <optgroup label="Time of the message (the flow's time zone)">
          {CLOCK_FIELDS.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </optgroup>
      </Select>
      <Select
        aria-label="Operator"
        value={op}
        onChange={(e) => build(e.target.value, variable, String(operand))}
      >
        {RULE_OPERATORS.map(([k, l]) => (
          <option key={k} value={k}>
            {l}
          </option>
        ))}
      </Select>
      <Input
        aria-label="Value"
        value={String(operand)}
        onChange={(e) => build(op, variable, e.target.value)}
      />
    </div>
  );
}
