import type { CompensationRecord, RouteSnapshot } from '../contracts/pipeline-activities';

/** Whether production was changed and whether the compensations put it back exactly as it was. */
export interface ProductionState {
  changed: boolean;
  restored: boolean;
  /** Compensations that failed: what is still different from before the pipeline. */
  notRestored: { description: string; error: string | null }[];
  statement: string;
}

// The key of the compensation that puts the pre-rollout routing back (restoreRouteKey in workflows/pipeline/rollout.ts).
const isRouteRestore = (c: CompensationRecord) => c.key.endsWith(':restore-route');

function routeState(route: RouteSnapshot): string {
  const stable = route.spec.stable ? `stable ${route.spec.stable.version}` : 'no stable version';
  const killSwitch = route.spec.killSwitch === 'off' ? '' : `, kill switch ${route.spec.killSwitch}`;
  return `generation ${route.generation} state: ${stable}${killSwitch}`;
}

/**
 * Compensations are registered before the change they undo, so none means nothing was changed; all done means every
 * change was undone; any failed means production still differs from before, and the statement says where.
 */
export function productionState(compensations: CompensationRecord[], routeBefore: RouteSnapshot | null = null): ProductionState {
  if (compensations.length === 0) {
    return { changed: false, restored: true, notRestored: [], statement: 'Production was not changed: the pipeline stopped before any routing or alias change.' };
  }
  const failed = compensations.filter((c) => c.outcome === 'failed');
  if (failed.length > 0) {
    const which = failed.map((c) => `${c.description}${c.error ? ` (${c.error})` : ''}`);
    return {
      changed: true,
      restored: false,
      notRestored: failed.map((c) => ({ description: c.description, error: c.error ?? null })),
      statement: `Production was changed and is NOT fully restored: ${which.join('; ')} failed. An operator must finish the rollback by hand.`,
    };
  }
  const route = compensations.find(isRouteRestore);
  const routing = route ? (routeBefore ? ` Routing restored to ${routeState(routeBefore)}.` : ' Routing restored to its state before the rollout.') : '';
  const undone = compensations.length === 1 ? 'its one change was undone' : `all ${compensations.length} changes were undone`;
  return { changed: true, restored: true, notRestored: [], statement: `Production was changed and is now restored exactly as before: ${undone}.${routing}` };
}
