// {{variable}} templating: dotted paths into objects, missing values render as empty text.

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}$/;

export function lookup(vars: Readonly<Record<string, unknown>>, path: string): unknown {
  let cur: unknown = vars;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null))
    return v.map(show).join(', ');
  return JSON.stringify(v);
}

export function render(template: string, vars: Readonly<Record<string, unknown>>): string {
  return template.replace(PLACEHOLDER, (_, path: string) => show(lookup(vars, path)));
}

/**
 * For URLs: each value is URL-encoded, so a contact's answer cannot add parameters or path
 * segments; a placeholder that starts the URL is kept as it is (it may hold a base address).
 */
export function renderUrl(template: string, vars: Readonly<Record<string, unknown>>): string {
  return template.replace(PLACEHOLDER, (_, path: string, offset: number) => {
    const value = show(lookup(vars, path));
    return offset === 0 ? value : encodeURIComponent(value);
  });
}

/** Like render, but a value that is exactly one placeholder keeps its type (a list stays a list). */
export function renderValue(value: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(vars, whole[1] ?? '') ?? '';
    return render(value, vars);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, vars));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, vars)]));
  }
  return value;
}
