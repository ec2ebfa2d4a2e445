// A list filter: "All …" / "Any …" (the empty value) and the options to narrow the list to.
import { Select } from './ui.tsx';

export interface FilterOption {
  value: string;
  label: string;
}

export function FilterSelect({
  label,
  all,
  value,
  onChange,
  options,
  className,
}: {
  /** The accessible name (`aria-label`). */
  label: string;
  /** What the empty value reads, e.g. "All flows". */
  all: string;
  value: string;
  onChange: (value: string) => void;
  options: FilterOption[];
  className?: string;
}) {
  return (
    <Select
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      className={className}
    >
      <option value="">{all}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </Select>
  );
}

/** Options whose value is also what they read. */
export const plainOptions = (values: readonly string[]): FilterOption[] =>
  values.map((v) => ({ value: v, label: v }));
