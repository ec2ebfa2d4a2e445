// A flow's "save to contact" values, typed against the workspace's declared attributes before
// the turn commits them.
import { attributeTypes, coerceAttribute, type Database } from '@waflow/db';
import type { Logger } from '../observability/logger.ts';

/**
 * A flow's "save to contact" values in their attributes' declared types; a value that is not of
 * its type, or an attribute the workspace no longer declares, is left out (and logged).
 */
export async function typedAttributes(
  db: Database,
  log: Logger,
  workspaceId: string,
  conversationId: string,
  values: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const types = await attributeTypes(db, workspaceId);
  const typed: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(values)) {
    const type = types.get(key);
    const c = type ? coerceAttribute(type, raw) : undefined;
    if (c?.ok) typed[key] = c.value;
    // The value itself is the contact's: not logged.
    else
      log.warn(
        { workspaceId, conversationId, attribute: key, type: type ?? null },
        type
          ? `a flow saved a value that is not a ${type} to the contact: not saved`
          : 'a flow saved to a contact attribute the workspace no longer declares: not saved',
      );
  }
  return typed;
}
