// The handoff block's "Assign to": nobody (the conversation waits under Unassigned), a round robin
// among the members online in the inbox, or one member — stored as their email, so a flow copied
// to another workspace still reads, and names a member there by the same address.
import { Field, Select } from '../components/ui.tsx';
import { useMembers } from '../members.ts';
import type { FieldProps } from './scalar-fields.tsx';

export function MemberField({ id, label, schema, value, onChange, error }: FieldProps) {
  const members = useMembers();
  const answering = (members.data?.items ?? []).filter((m) => m.role !== 'viewer');
  const current = typeof value === 'string' ? value : '';
  const known =
    current === '' || current === 'round-robin' || answering.some((m) => m.email === current);
  return (
    <Field label={label} htmlFor={id} help={schema.description} error={error}>
      <Select id={id} value={current} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">Nobody: it waits under Unassigned</option>
        <option value="round-robin">Take turns among the team members online</option>
        {answering.map((m) => (
          <option key={m.userId} value={m.email}>
            {m.name} ({m.email})
          </option>
        ))}
        {known ? null : <option value={current}>{current} (not a member who can answer)</option>}
      </Select>
    </Field>
  );
}
