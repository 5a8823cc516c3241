import { ApplicationFailure, Context, heartbeat, sleep } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { FailureType } from '../src/contracts/failures';
import type { PipelineActivities } from '../src/contracts/pipeline-activities';
import { createReplicaStore } from '../src/gateway/replica-store';
import { createRolloutLocks, createRouteStore, EMPTY_ROUTE, type IsClosed, type LockHolder } from '../src/routing';
import { asPermanent } from './failures';

export function createRoutingActivities(
  db: Db,
  replicaStaleMs = 5000,
  isClosed?: IsClosed,
  /** Run before every attempt to take a model's lock: restores what a closed run that still holds it left. */
  restoreAbandoned?: (model: string) => Promise<unknown>,
): Pick<PipelineActivities, 'readRoute' | 'applyRoute' | 'confirmRouteLive' | 'acquireRolloutLock' | 'releaseRolloutLock'> {
  const routes = createRouteStore(db);
  const locks = createRolloutLocks(db, isClosed);
  const me = (workflowId: string): LockHolder => ({ workflowId, runId: Context.current().info.workflowExecution?.runId ?? '' });
  return {
    async readRoute({ model }) {
      const doc = await routes.current(model);
      if (!doc) return { generation: 0, spec: EMPTY_ROUTE };
      const { stable, candidate, shadow, killSwitch } = doc;
      return { generation: doc.generation, spec: { stable, candidate, shadow, killSwitch } };
    },

    async applyRoute({ ref, key, spec, actor, reason }) {
      try {
        const doc = await routes.apply({ model: ref.model, key, actor, reason, spec });
        return { generation: doc.generation };
      } catch (err) {
        asPermanent(err);
      }
    },

    /** Polls the replicas' heartbeats until every healthy replica serves at least this generation. */
    async confirmRouteLive({ model, generation, timeoutMs }) {
      const deadline = Date.now() + timeoutMs;
      const replicas = createReplicaStore(db);
      for (;;) {
        const healthy = await replicas.healthy(replicaStaleMs);
        const behind = healthy.filter((r) => (r.generations[model] ?? 0) < generation);
        if (healthy.length > 0 && behind.length === 0) return { replicas: healthy.map((r) => r._id).sort() };
        if (Date.now() > deadline) {
          const why = healthy.length === 0 ? 'no healthy gateway replica' : `replicas behind: ${behind.map((r) => `${r._id} at ${r.generations[model] ?? 0}`).join(', ')}`;
          throw ApplicationFailure.nonRetryable(`routing generation ${generation} of ${model} not live within ${timeoutMs} ms: ${why}`, FailureType.RouteNotConfirmed);
        }
        // A local activity has no heartbeat; its workflow task is kept alive by the worker instead.
        if (!Context.current().info.isLocal) heartbeat({ generation, behind: behind.length });
        await sleep(Math.min(100, Math.max(10, deadline - Date.now())));
        if (Context.current().cancellationSignal.aborted) throw new Error('cancelled');
      }
    },

    async acquireRolloutLock({ ref }) {
      await restoreAbandoned?.(ref.model);
      const result = await locks.acquire(ref.model, me(ref.pipelineId));
      return { acquired: result.acquired, holder: result.holder, ...(result.acquired && result.takenOverFrom ? { takenOverFrom: result.takenOverFrom } : {}) };
    },

    async releaseRolloutLock({ ref }) {
      await locks.release(ref.model, me(ref.pipelineId));
    },
  };
}
