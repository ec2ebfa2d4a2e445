// Reading a file an admin picks to import as a flow.
/**
 * What an import sends, from a file's text: an export (`{ name, config }`) or a bare flow config.
 * A string is the problem to show (not JSON, or not a flow).
 */
export function parseFlowFile(
  text: string,
  fileName: string,
): { name: string; config: Record<string, unknown> } | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return `${fileName} is not JSON: pick a .flow.json file exported from waflow.`;
  }
  const o = (v && typeof v === 'object' && !Array.isArray(v) ? v : {}) as Record<string, unknown>;
  const config = (
    o.config && typeof o.config === 'object' && !Array.isArray(o.config)
      ? o.config
      : Array.isArray(o.nodes)
        ? o
        : undefined
  ) as Record<string, unknown> | undefined;
  if (!config)
    return `${fileName} holds no flow (no blocks): pick a .flow.json file exported from waflow.`;
  const named =
    typeof o.name === 'string' && o.name.trim()
      ? o.name.trim()
      : typeof config.name === 'string' && config.name.trim()
        ? config.name.trim()
        : fileName.replace(/(\.flow)?\.json$/i, '');
  return { name: named.slice(0, 120) || 'Imported flow', config };
}
