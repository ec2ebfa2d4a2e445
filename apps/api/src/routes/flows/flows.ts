// Flows: list, create, read (with ETag), rename, delete, save the draft (If-Match, 409 when
// someone else saved), validate, publish (immutable version + runtime notification), versions,
// diff of two versions, rollback (an old version published as a new one), import and export.
// Each group of routes is in the file beside this one; registered here in the order they list.
import type { Deps } from '../../context.ts';
import type { RouteFn } from '../../routing/route.ts';
import { registerCreateFlow } from './create-flow.ts';
import { registerDraft } from './draft.ts';
import { registerEditFlow } from './edit-flow.ts';
import { registerExportFlow } from './export-flow.ts';
import { registerListFlows } from './list-flows.ts';
import { registerPublishFlow } from './publish-flow.ts';
import { registerReadFlow } from './read-flow.ts';
import { registerVersions } from './versions.ts';

export function registerFlows(route: RouteFn, deps: Deps): void {
  registerListFlows(route, deps);
  registerCreateFlow(route, deps);
  registerReadFlow(route, deps);
  registerEditFlow(route, deps);
  registerDraft(route, deps);
  registerPublishFlow(route, deps);
  registerVersions(route, deps);
  registerExportFlow(route, deps);
}
