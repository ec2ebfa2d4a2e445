// Loads the flow versions conversations run on: a conversation's pinned version (immutable, so
// cached for good), the version a number serves now (read fresh: a publish shows up at once),
// and the published versions of the sub-flows a flow calls. Every load is scoped to the
// conversation's workspace: a flow id in a config never reaches another workspace's flow.
import {
  loadPublishedVersion,
  loadPublishedVersionForNumber,
  loadVersion,
  type Database,
} from '@waflow/db';
import { validateFlow, type FlowConfig, type SubflowMap } from '@waflow/flow';

export interface LoadedFlow {
  versionId: string;
  flowId: string;
  config: FlowConfig;
  subflows: SubflowMap;
}

export class FlowLoader {
  private versions = new Map<string, FlowConfig>();
  private versionFlow = new Map<string, string>();
  private subflowCache = new Map<string, { versionId: string; config: FlowConfig }>();
  private numberLookups = new Map<string, Promise<LoadedFlow | undefined>>();

  constructor(private readonly db: Database) {}

  /** Forgets which version each sub-flow serves (call on a publish notification). */
  invalidate(): void {
    this.subflowCache.clear();
  }

  private parse(versionId: string, raw: unknown): FlowConfig {
    const cached = this.versions.get(versionId);
    if (cached) return cached;
    const v = validateFlow(raw);
    if (!v.ok)
      throw new Error(`flow version ${versionId} is not valid: ${v.errors[0]?.message ?? ''}`);
    this.versions.set(versionId, v.flow);
    return v.flow;
  }

  private async subflows(
    workspaceId: string,
    config: FlowConfig,
    seen = new Set<string>(),
  ): Promise<Record<string, FlowConfig>> {
    const out: Record<string, FlowConfig> = {};
    for (const node of config.nodes) {
      if (node.type !== 'subflow' || seen.has(node.flowId)) continue;
      seen.add(node.flowId);
      const key = `${workspaceId}:${node.flowId}`;
      let entry = this.subflowCache.get(key);
      if (!entry) {
        const row = await loadPublishedVersion(this.db, workspaceId, node.flowId).catch(
          () => undefined,
        );
        if (!row) continue; // the engine skips a missing sub-flow with an error effect
        entry = { versionId: row.id, config: this.parse(row.id, row.config) };
        this.subflowCache.set(key, entry);
      }
      out[node.flowId] = entry.config;
      Object.assign(out, await this.subflows(workspaceId, entry.config, seen));
    }
    return out;
  }

  /** A conversation's pinned version, when it is a flow of `workspaceId`. */
  async byVersion(workspaceId: string, versionId: string): Promise<LoadedFlow | undefined> {
    const key = `${workspaceId}:${versionId}`;
    let config = this.versions.get(versionId);
    let flowId = this.versionFlow.get(key);
    if (!config || !flowId) {
      const row = await loadVersion(this.db, workspaceId, versionId);
      if (!row) return undefined;
      config = this.parse(row.id, row.config);
      flowId = row.flowId;
      this.versionFlow.set(key, flowId);
    }
    return { versionId, flowId, config, subflows: await this.subflows(workspaceId, config) };
  }

  /** The published version of a flow of `workspaceId` (an integrator starting it for a contact). */
  async forFlow(workspaceId: string, flowId: string): Promise<LoadedFlow | undefined> {
    const row = await loadPublishedVersion(this.db, workspaceId, flowId);
    if (!row) return undefined;
    const config = this.parse(row.id, row.config);
    return {
      versionId: row.id,
      flowId: row.flowId,
      config,
      subflows: await this.subflows(workspaceId, config),
    };
  }

  /**
   * The version the number serves now. Read fresh every time (a publish shows up at once);
   * conversations starting at the same moment share the read in flight.
   */
  forNumber(workspaceId: string, numberId: string): Promise<LoadedFlow | undefined> {
    let lookup = this.numberLookups.get(numberId);
    if (!lookup) {
      lookup = this.readForNumber(workspaceId, numberId).finally(() =>
        this.numberLookups.delete(numberId),
      );
      this.numberLookups.set(numberId, lookup);
    }
    return lookup;
  }

  private async readForNumber(
    workspaceId: string,
    numberId: string,
  ): Promise<LoadedFlow | undefined> {
    const row = await loadPublishedVersionForNumber(this.db, numberId);
    if (!row) return undefined;
    const config = this.parse(row.id, row.config);
    return {
      versionId: row.id,
      flowId: row.flowId,
      config,
      subflows: await this.subflows(workspaceId, config),
    };
  }
}
