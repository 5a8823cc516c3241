import type { Db } from 'mongodb';
import type { AbandonedRestore, Orphan } from '../contracts/abandoned';
import type { RouteSpec } from '../contracts/routes';
import { EMPTY_ROUTE } from '../contracts/routes';
import { aliasRowId, registryCollections } from '../registry/collections';
import { IN_FLIGHT, type Status } from '../registry/lifecycle';
import type { Registry } from '../registry';
import type { LockHolder, RolloutLocks } from '../routing/rollout-locks';
import type { RouteStore } from '../routing/store';

/** What the server says of a run: whether it still runs, how it closed, and the version it deployed. */
export interface RunState {
  running: boolean;
  status: string;
  version: string | null;
  /** The run described: the latest of its workflow id when asked without one. */
  runId: string;
}

export type DescribeRun = (run: LockHolder) => Promise<RunState>;

export const RESTORE_ACTOR = 'modelship:restore';
const ALIASES = ['champion', 'last-known-good'] as const;

/**
 * Production left behind by a pipeline run that closed without finishing (terminated from the Web UI, timed out): the
 * run still holds the model's rollout lock, and the routing generations, alias moves and status it wrote are its last
 * word. Each is put back to what it was before the run's first change, found by walking back over the rows the run
 * keyed (`<workflowId>:<runId>:…`), with keys of its own so a restore that dies half-way is finished by the next
 * one and never doubled. Then the lock is freed.
 */
export function createAbandonedRollouts(db: Db, registry: Registry, routes: RouteStore, locks: RolloutLocks, describe: DescribeRun) {
  const cols = registryCollections(db);

  async function restoreRoute(model: string, prefix: string): Promise<AbandonedRestore['route']> {
    const current = await routes.current(model);
    if (!current) return null;
    let generation = current.generation;
    while (generation > 0 && (await routes.entry(model, generation))?.changeKey.startsWith(prefix)) generation--;
    if (generation === current.generation) return null;
    const before = generation > 0 ? await routes.entry(model, generation) : null;
    const spec: RouteSpec = before ? { stable: before.stable, candidate: before.candidate, shadow: before.shadow, killSwitch: before.killSwitch } : EMPTY_ROUTE;
    const applied = await routes.apply({ model, spec, key: `${prefix}restore:route`, actor: RESTORE_ACTOR, reason: 'the run that changed it closed without finishing', expectedGeneration: current.generation });
    return { from: current.generation, backTo: generation, generation: applied.generation };
  }

  async function restoreAlias(model: string, alias: (typeof ALIASES)[number], prefix: string): Promise<AbandonedRestore['aliases'][number] | null> {
    const state = await registry.getAlias(model, alias);
    let revision = state.revision;
    while (revision > 0 && (await cols.aliasHistory.findOne({ _id: aliasRowId(model, alias, revision) }))?.key?.startsWith(prefix)) revision--;
    if (revision === state.revision) return null;
    const before = revision > 0 ? ((await cols.aliasHistory.findOne({ _id: aliasRowId(model, alias, revision) }))?.to ?? null) : null;
    if (before === state.version) return null;
    await registry.moveAlias({ model, alias, to: before, expected: state.version, actor: RESTORE_ACTOR, reason: 'the run that moved it closed without finishing', key: `${prefix}restore:alias:${alias}` });
    return { alias, from: state.version, to: before };
  }

  async function restoreStatus(model: string, version: string | null, prefix: string, champion: string | null): Promise<AbandonedRestore['status']> {
    const doc = version ? await registry.getVersion(model, version) : null;
    if (!doc) return null;
    const from = doc.status as Status;
    // In production only by the run's own promotion, which the aliases no longer show.
    if (!IN_FLIGHT.includes(from) && !(from === 'production' && champion !== version)) return null;
    await registry.transition({ model, version: version!, to: 'rolled_back', actor: RESTORE_ACTOR, reason: 'its pipeline run closed without finishing', key: `${prefix}restore:status` });
    return { from, to: 'rolled_back' };
  }

  return {
    /** Restores what a closed run holding the model's lock left; null when no closed run holds it. */
    async restore(model: string): Promise<AbandonedRestore | null> {
      const holder = await locks.holder(model);
      if (!holder || !holder.runId) return null;
      const run = { workflowId: holder.workflowId, runId: holder.runId };
      const state = await describe(run);
      if (state.running) return null;
      const prefix = `${run.workflowId}:${run.runId}:`;
      const route = await restoreRoute(model, prefix);
      const aliases = [];
      for (const alias of ALIASES) {
        const moved = await restoreAlias(model, alias, prefix);
        if (moved) aliases.push(moved);
      }
      const champion = (await registry.getAlias(model, 'champion')).version;
      const status = await restoreStatus(model, state.version, prefix, champion);
      const restorer = { workflowId: `restore-${model}`, runId: run.runId };
      if ((await locks.acquire(model, restorer)).acquired) await locks.release(model, restorer);
      return { run, closedAs: state.status, version: state.version, route, aliases, status };
    },

    /**
     * Versions left in flight (validating, awaiting approval) by a pipeline run that closed before it took the lock:
     * nothing of production changed, only their status says a pipeline still works on them. Each is marked
     * rolled_back, from which a new pipeline may take it again.
     */
    async settleOrphans(model: string, pipelineIdOf: (version: string) => string): Promise<Orphan[]> {
      const settled = [];
      for (const v of await registry.listVersions(model, { limit: 20 })) {
        const from = v.status as Status;
        if (from !== 'validating' && from !== 'awaiting_approval') continue;
        const state = await describe({ workflowId: pipelineIdOf(v.version), runId: '' });
        if (state.running) continue;
        const run = { workflowId: pipelineIdOf(v.version), runId: state.runId };
        await registry.transition({ model, version: v.version, to: 'rolled_back', from, actor: RESTORE_ACTOR, reason: `its pipeline run closed (${state.status}) without finishing`, key: `${run.workflowId}:${run.runId}:restore:status` });
        settled.push({ version: v.version, from, run, closedAs: state.status });
      }
      return settled;
    },
  };
}
