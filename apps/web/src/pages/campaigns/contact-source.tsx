// Where a value comes from, picked in words: the contact's name, their phone, or one of their
// attributes (typed by its key). Its value is what the API takes: `name`, `phone`,
// `attributes.<key>`.
import { Input, Select } from '../../components/ui.tsx';

export function ContactSource({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const kind = value === 'name' || value === 'phone' ? value : 'attribute';
  const key = kind === 'attribute' ? value.replace(/^attributes\./, '') : '';
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Select
        aria-label={label}
        value={kind}
        onChange={(e) => onChange(e.target.value === 'attribute' ? 'attributes.' : e.target.value)}
        className="w-44"
      >
        <option value="name">Their name</option>
        <option value="phone">Their phone</option>
        <option value="attribute">One of their attributes</option>
      </Select>
      {kind === 'attribute' ? (
        <Input
          aria-label={`${label}: attribute`}
          placeholder="city"
          value={key}
          onChange={(e) => onChange(`attributes.${e.target.value.trim()}`)}
          className="w-36"
        />
      ) : null}
    </div>
  );
}
