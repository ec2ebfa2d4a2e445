// Where a block reads one of the contact's own values: `{{contact.<key>}}` in text and
// `{"var": "contact.<key>"}` in rules, with the field it is in (for the validator's message).

/** The contact's built-in keys: every other key read must be a declared contact attribute. */
export const CONTACT_BUILTIN_KEYS: ReadonlySet<string> = new Set(['name', 'phone', 'tags']);

const TEMPLATE = /\{\{\s*contact\.([A-Za-z0-9_]+)/g;

export function contactAttributeReads(node: object): { field: string; key: string }[] {
  const out: { field: string; key: string }[] = [];
  const walk = (field: string, v: unknown) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(TEMPLATE)) out.push({ field, key: m[1] ?? '' });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(`${field}[${i}]`, x));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        const name = k === 'var' ? (Array.isArray(x) ? x[0] : x) : undefined;
        if (typeof name === 'string' && name.startsWith('contact.'))
          out.push({ field, key: name.slice('contact.'.length).split('.')[0] ?? '' });
        else walk(field === '' ? k : `${field}.${k}`, x);
      }
    }
  };
  for (const [k, v] of Object.entries(node)) if (k !== 'id' && k !== 'type') walk(k, v);
  return out;
}
