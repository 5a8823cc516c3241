import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { LRUCache } from 'lru-cache';
import type { Db } from 'mongodb';
import { handoverSignal, monitorWorkflowId, type Handover, type MonitorActivities, type MonitorInput, type PopulationDrift } from '../src/contracts/monitoring';
import { describeRollback } from '../src/verdicts/describe';
import { populationDrift, trainingActivity } from '../src/monitoring/population-drift';
import { describeSilence, silenceOf } from '../src/monitoring/silence';
import { durationMs } from '../src/contracts/primitives';
import { getModelPolicy } from '../src/operations/policies';
import type { Registry } from '../src/registry';
import type { InputCache } from './inputs';
import { readWindow } from './kpi-check';
import { judgeProduction } from './production-judge';
import type { createRoutingActivities } from './routing-steps';
import { signalAbort } from './workflow-runs';
import { monitorModel, type MonitorModelWorkflow } from '../src/contracts/workflows';
import { ModelNameKey } from '../src/contracts/search-attributes';
import { monitorDescription } from '../src/temporal/workflow-descriptions';
import { createDrillStore } from '../src/operations/drill-store';

const SHA256 = /^[0-9a-f]{64}$/;

export interface TemporalDeps {
  client: Client;
  taskQueue: string;
}

export function createMonitorActivities(
  db: Db,
  registry: Registry,
  inputs: InputCache,
  routing: ReturnType<typeof createRoutingActivities>,
  temporal?: TemporalDeps,
  allowUnsigned = false,
): Omit<MonitorActivities, 'restoreAbandoned'> {
  const activityBySha = new LRUCache<string, Promise<Map<number, number>>>({ max: 8 });

  /** The training users of a version, when its training data is a dataset stored in the registry. */
  async function reference(model: string, version: string): Promise<Map<number, number> | null> {
    const doc = await registry.getVersion(model, version);
    const sha = doc?.metadata.trainingDataVersion ?? '';
    if (!SHA256.test(sha) || !(await registry.datasets.stat(sha))) return null;
    let pending = activityBySha.get(sha);
    if (!pending) {
      pending = inputs.dataset(sha).then(trainingActivity);
      pending.catch(() => activityBySha.delete(sha));
      activityBySha.set(sha, pending);
    }
    return pending;
  }

  async function versionRef(model: string, version: string | null) {
    if (!version) return null;
    const doc = await registry.getVersion(model, version);
    return doc ? { version, sha256: doc.artifact.sha256 } : null;
  }

  return {
    async readModelPolicy({ model }) {
      const { monitoring, drill } = await getModelPolicy(db, model);
      // Whoever sets a policy cannot turn proof of identity off, unless these workers allow it.
      return { monitoring: { ...monitoring, requireSignatures: monitoring.requireSignatures || !allowUnsigned }, drill };
    },

    async checkProduction({ model, version, fromMs, toMs, policy }) {
      const window = await readWindow(db, model, version, fromMs, toMs);
      const kpi = await judgeProduction(db, { model, version, fromMs, toMs, policy }, window);
      const activity = await reference(model, version);
      const drift: PopulationDrift = activity
        ? populationDrift(activity, window.users, policy.drift)
        : { samples: window.users.length, coldShare: null, psi: null, verdict: 'no_reference', reasons: ['the training data is not a dataset in the registry'] };
      const kpiReasons = kpi.judgement
        ? [describeRollback(kpi.judgement)].filter((r) => kpi.verdict === 'breach' && r)
        : kpi.rules.filter((r) => r.verdict === 'breach').map((r) => `${r.rule} ${r.value} vs ${r.threshold}`);
      const from = new Date(fromMs).toISOString();
      const baselineFromMs = fromMs - durationMs(policy.baseline);
      const silence = window.counters.requests === 0 ? silenceOf(0, (await readWindow(db, model, version, baselineFromMs, fromMs)).counters.requests, baselineFromMs) : null;
      const reasons = [...kpiReasons, ...(drift.verdict === 'drift' ? drift.reasons : []), ...(silence ? [describeSilence(silence, from)] : [])];
      const breach = kpi.verdict === 'breach' || (drift.verdict === 'drift' && policy.drift.action === 'rollback') || (silence !== null && policy.noTraffic.action === 'rollback');
      const verdict = breach ? 'breach' : silence ? 'no_traffic' : drift.verdict === 'drift' ? 'alert' : 'ok';
      return { model, version, from, to: new Date(toMs).toISOString(), kpi, drift, verdict, reasons, ...(silence ? { silence } : {}) };
    },

    async handOverMonitoring({ model, handover }) {
      if (!temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client to start monitoring with', 'MonitoringUnavailable');
      const initial: MonitorInput = { model, champion: null, lastKnownGood: null, handedOverBy: null };
      await temporal.client.workflow.signalWithStart<MonitorModelWorkflow, [Handover]>(monitorModel.name, {
        workflowId: monitorWorkflowId(model),
        taskQueue: temporal.taskQueue,
        args: [initial],
        signal: handoverSignal,
        signalArgs: [handover],
        typedSearchAttributes: [{ key: ModelNameKey, value: model }],
        ...monitorDescription(model),
      });
    },

    async readAliases({ model }) {
      const [champion, lkg] = await Promise.all([registry.getAlias(model, 'champion'), registry.getAlias(model, 'last-known-good')]);
      return { champion: await versionRef(model, champion.version), lastKnownGood: await versionRef(model, lkg.version) };
    },

    async revertRoute({ routeName, key, spec, actor, reason, timeoutMs }) {
      const startedAt = Date.now();
      const { generation } = await routing.applyRoute({ ref: { pipelineId: actor, model: routeName, version: spec.stable?.version ?? '' }, key, spec, actor, reason });
      const { replicas } = await routing.confirmRouteLive({ model: routeName, generation, timeoutMs });
      return { generation, replicas, revertMs: Date.now() - startedAt };
    },

    async abortRollout({ holder, actor, reason }) {
      if (!temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client to signal the rollout with', 'MonitoringUnavailable');
      return { signalled: await signalAbort(temporal.client, holder, actor, reason) };
    },

    async recordDrill(result) {
      await createDrillStore(db).record(result);
    },
  };
}
