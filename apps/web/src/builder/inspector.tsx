// The selected block's form (generated from its schema), its problems, and deleting it.
import { Button } from '../components/ui.tsx';
import { blockName } from './block-ui.ts';
import type { Json } from './graph.ts';
import { blockSchema } from './form-schema.ts';
import { SchemaForm } from './schema-form.tsx';
import type { FlowError } from './use-flow-draft.ts';

export function Inspector({
  node,
  editable,
  errors,
  ctx,
  onChange,
  onDelete,
}: {
  node: Json;
  editable: boolean;
  errors: FlowError[];
  ctx: { variables: string[]; nodeIds: string[]; flowId?: string };
  onChange: (n: Json) => void;
  onDelete: () => void;
}) {
  const schema = blockSchema(String(node.type));
  const byField = Object.fromEntries(
    errors.filter((e) => e.field).map((e) => [String(e.field), e.message]),
  );
  return (
    <div className="space-y-4">
      <div>
        <h2 className="font-semibold">{blockName(String(node.type))}</h2>
        <p className="text-xs text-muted">
          {String((schema?.description as string | undefined) ?? '')}
        </p>
      </div>
      {errors.length ? (
        <ul
          role="alert"
          className="rounded-md bg-red-50 p-2 text-sm text-danger dark:bg-red-950/40"
        >
          {errors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      ) : null}
      <fieldset disabled={!editable} className="space-y-3">
        {schema ? (
          <SchemaForm
            schema={schema}
            value={node}
            onChange={onChange}
            ctx={{ ...ctx, errors: byField }}
          />
        ) : null}
      </fieldset>
      {editable ? (
        <Button variant="danger" size="sm" onClick={onDelete}>
          Delete block
        </Button>
      ) : null}
    </div>
  );
}
