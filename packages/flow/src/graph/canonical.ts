// Structural equality of JSON values, independent of object key order.
export function canonicalEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => canonicalEqual(v, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  return (
    keys.length === Object.keys(bo).filter((k) => bo[k] !== undefined).length &&
    keys.every((k) => canonicalEqual(ao[k], bo[k]))
  );
}
