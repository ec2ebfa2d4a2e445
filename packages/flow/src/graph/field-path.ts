// A field of a block by its path (`branches[0].next`, `validation.options[1].next`): the outputs
// the canvas draws and the links the validator checks are both named this way.

function tokens(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : (m[1] ?? ''),
  );
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const t of tokens(path))
    cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[t] : undefined;
  return cur;
}

/** A copy of `obj` with `path` set (undefined removes the key). */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const ts = tokens(path);
  const go = (cur: unknown, i: number): unknown => {
    const t = ts[i] as string | number;
    const base = (
      Array.isArray(cur)
        ? [...(cur as unknown[])]
        : { ...((cur as Record<string, unknown> | undefined) ?? {}) }
    ) as Record<string | number, unknown>;
    if (i === ts.length - 1) {
      if (value === undefined && !Array.isArray(base)) delete base[t];
      else base[t] = value;
    } else base[t] = go(base[t], i + 1);
    return base;
  };
  return go(obj, 0) as T;
}
