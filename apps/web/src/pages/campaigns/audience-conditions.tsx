// The audience of a new campaign: contacts who match every condition, each "tagged vip" or
// "city is Madrid", picked in words. `conditionsBody` is the segment's conditions as the API
// takes them (numbers compared as numbers for more/less than).
import { Button, Input, Select } from '../../components/ui.tsx';

export interface Condition {
  type: 'tag' | 'attribute';
  tag: string;
  key: string;
  op: 'eq' | 'neq' | 'contains' | 'gt' | 'lt' | 'exists';
  value: string;
}

export const firstCondition: Condition = { type: 'tag', tag: '', key: '', op: 'eq', value: '' };

export function conditionsBody(conditions: Condition[]): unknown[] {
  return conditions.map((c) =>
    c.type === 'tag'
      ? { type: 'tag', tag: c.tag }
      : {
          type: 'attribute',
          key: c.key,
          op: c.op,
          ...(c.op === 'exists'
            ? {}
            : {
                value:
                  c.value !== '' &&
                  !Number.isNaN(Number(c.value)) &&
                  (c.op === 'gt' || c.op === 'lt')
                    ? Number(c.value)
                    : c.value,
              }),
        },
  );
}

export function AudienceConditions({
  value: conditions,
  onChange: setConditions,
}: {
  value: Condition[];
  onChange: (update: (cs: Condition[]) => Condition[]) => void;
}) {
  const set = (i: number, patch: Partial<Condition>) =>
    setConditions((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <>
      {conditions.map((c, i) => (
        <div key={i} className="flex flex-wrap items-center gap-2" data-testid="condition">
          <Select
            aria-label="Condition on"
            value={c.type}
            onChange={(e) => set(i, { type: e.target.value as Condition['type'] })}
            className="w-36"
          >
            <option value="tag">Tagged</option>
            <option value="attribute">Attribute</option>
          </Select>
          {c.type === 'tag' ? (
            <Input
              aria-label="Tag"
              placeholder="vip"
              value={c.tag}
              onChange={(e) => set(i, { tag: e.target.value })}
              className="w-44"
            />
          ) : (
            <>
              <Input
                aria-label="Attribute"
                placeholder="city"
                value={c.key}
                onChange={(e) => set(i, { key: e.target.value })}
                className="w-36"
              />
              <Select
                aria-label="Comparison"
                value={c.op}
                onChange={(e) => set(i, { op: e.target.value as Condition['op'] })}
                className="w-36"
              >
                <option value="eq">is</option>
                <option value="neq">is not</option>
                <option value="contains">contains</option>
                <option value="gt">is more than</option>
                <option value="lt">is less than</option>
                <option value="exists">is set</option>
              </Select>
              {c.op !== 'exists' ? (
                <Input
                  aria-label="Value"
                  value={c.value}
                  onChange={(e) => set(i, { value: e.target.value })}
                  className="w-40"
                />
              ) : null}
            </>
          )}
          {conditions.length > 1 ? (
            <Button
              type="button"
              variant="ghost"
              size="sm"
              onClick={() => setConditions((cs) => cs.filter((_, j) => j !== i))}
            >
              Remove
            </Button>
          ) : null}
        </div>
      ))}
      <Button
        type="button"
        variant="secondary"
        size="sm"
        onClick={() =>
          setConditions((cs) => [
            ...cs,
            { type: 'attribute', tag: '', key: '', op: 'eq', value: '' },
          ])
        }
      >
        Add condition
      </Button>
    </>
  );
}
