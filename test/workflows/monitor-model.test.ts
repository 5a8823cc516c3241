import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { approveSignal, rejectSignal, type KpiCheck } from '../../src/contracts/messages';
import { monitoringPolicySchema, type MonitoringPolicy } from '../../src/contracts/model-policy';
import { monitorStatusQuery, type MonitorActivities, type MonitorInput, type MonitorStatus, type ProductionCheck } from '../../src/contracts/monitoring';
import type { PipelineActivities } from '../../src/contracts/pipeline-activities';
import { WORKFLOWS_PATH } from '../../src/worker';
import { createLocalTestEnv } from '../support/workflow-env';
import { monitorModel } from '../../src/contracts/workflows';

jest.setTimeout(90_000);

const CHAMPION = { version: '2.0.0', sha256: 'b'.repeat(64) };
const LAST_GOOD = { version: '1.0.0', sha256: 'a'.repeat(64) };

/** What one monitored model's world saw: the checks it is scripted to answer, and every write the monitor made. */
interface World {
  policy: MonitoringPolicy;
  verdicts: ProductionCheck['verdict'][];
  audits: { type: string; outcome: string; actor: string }[];
  mails: { kind: string; subject: string }[];
  reverts: { stable: string | null }[];
  aliases: { alias: string; to: string | null }[];
  /** What each alias holds now: a move from anything else is refused, as the registry refuses it. */
  holds: Record<string, string | null>;
  statuses: string[];
  /** A pipeline holding the model's rollout lock; it releases the lock a moment after it is asked to abort. */
  lockHolder: string | null;
  aborts: string[];
}

function productionCheck(model: string, version: string, verdict: ProductionCheck['verdict']): ProductionCheck {
  const now = new Date().toISOString();
  const side = { requests: 100, errors: verdict === 'breach' ? 50 : 0, p99Ms: 20, successRatio: 0.5, overlap: null };
  const kpi = {
    stage: 'production', at: now, from: now, to: now, candidate: side, stable: null,
    rules: [{ rule: 'error_rate', value: verdict === 'breach' ? 0.5 : 0, threshold: 0.05, verdict: verdict === 'breach' ? 'breach' : 'pass' }],
    verdict: verdict === 'breach' ? 'breach' : 'pass',
  } as unknown as KpiCheck;
  const drift = { samples: 200, coldShare: verdict === 'alert' ? 0.6 : 0.1, psi: 0.05, verdict: verdict === 'alert' ? 'drift' : 'pass', reasons: verdict === 'alert' ? ['cold share 0.6 above 0.3'] : [] } as const;
  const reasons = verdict === 'breach' ? ['error_rate 0.5 vs 0.05'] : verdict === 'alert' ? ['cold share 0.6 above 0.3'] : [];
  return { model, version, from: now, to: now, kpi, drift: { ...drift, reasons: [...drift.reasons] }, verdict, reasons };
}

function fakeActivities(worlds: Map<string, World>) {
  const w = (model: string) => worlds.get(model)!;
  const activities: Pick<MonitorActivities, 'readModelPolicy' | 'checkProduction' | 'revertRoute' | 'abortRollout'> &
    Pick<PipelineActivities, 'audit' | 'notify' | 'acquireRolloutLock' | 'releaseRolloutLock' | 'readRoute' | 'moveAlias' | 'transitionStatus'> = {
    async readModelPolicy({ model }) {
      return { monitoring: w(model).policy, drill: null };
    },
    async checkProduction({ model, version }) {
      return productionCheck(model, version, w(model).verdicts.shift() ?? 'ok');
    },
    async revertRoute({ routeName, spec }) {
      w(routeName).reverts.push({ stable: spec.stable?.version ?? null });
      return { generation: 2, replicas: ['r1', 'r2'], revertMs: 42 };
    },
    async audit({ ref, type, outcome, actor }) {
      w(ref.model).audits.push({ type, outcome, actor });
    },
    async notify({ ref, kind, subject }) {
      w(ref.model).mails.push({ kind, subject });
    },
    async acquireRolloutLock({ ref }) {
      const holder = w(ref.model).lockHolder;
      return holder && holder !== ref.pipelineId ? { acquired: false, holder } : { acquired: true, holder: ref.pipelineId };
    },
    async abortRollout({ holder }) {
      const model = [...worlds.entries()].find(([, world]) => world.lockHolder === holder)![0];
      w(model).aborts.push(holder);
      setTimeout(() => (w(model).lockHolder = null), 300);
      return { signalled: true };
    },
    async releaseRolloutLock() {},
    async readRoute() {
      return { generation: 1, spec: { stable: CHAMPION, candidate: null, shadow: null, killSwitch: 'off' as const } };
    },
    async moveAlias({ ref, alias, to, expected }) {
      const world = w(ref.model);
      if (world.holds[alias] === to) return;
      if (world.holds[alias] !== expected) throw ApplicationFailure.nonRetryable(`alias ${alias} was expected at ${expected} but holds ${world.holds[alias]}`, 'IllegalTransition');
      world.holds[alias] = to;
      world.aliases.push({ alias, to });
    },
    async transitionStatus({ ref, to }) {
      w(ref.model).statuses.push(to);
    },
  };
  return activities;
}

describe('monitorModelWorkflow and its rollback policies', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const worlds = new Map<string, World>();
  const taskQueue = `monitor-${randomUUID()}`;
  const handles: WorkflowHandle[] = [];

  beforeAll(async () => {
    env = await createLocalTestEnv();
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: WORKFLOWS_PATH, activities: fakeActivities(worlds) });
    running = worker.run();
  });
  afterAll(async () => {
    for (const h of handles) await h.terminate('test finished').catch(() => undefined);
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  async function watch(model: string, policy: Record<string, unknown>, verdicts: ProductionCheck['verdict'][]): Promise<{ handle: WorkflowHandle; world: World }> {
    const world: World = {
      policy: monitoringPolicySchema.parse({ checkInterval: '100ms', window: '1s', recipients: ['ops@example.test'], ...policy }),
      verdicts: [...verdicts],
      audits: [],
      mails: [],
      reverts: [],
      aliases: [],
      holds: { champion: CHAMPION.version, 'last-known-good': LAST_GOOD.version },
      statuses: [],
      lockHolder: null,
      aborts: [],
    };
    worlds.set(model, world);
    const input: MonitorInput = { model, champion: CHAMPION, lastKnownGood: LAST_GOOD, handedOverBy: `deploy-${model}-2.0.0` };
    const handle = await env.client.workflow.start(monitorModel.name, { workflowId: `monitor-${model}`, taskQueue, args: [input] });
    handles.push(handle);
    return { handle, world };
  }

  async function until(handle: WorkflowHandle, predicate: (s: MonitorStatus) => boolean): Promise<MonitorStatus> {
    for (let i = 0; i < 200; i++) {
      const status = await handle.query(monitorStatusQuery);
      if (predicate(status)) return status;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`monitor status never matched: ${JSON.stringify(await handle.query(monitorStatusQuery))}`);
  }

  it('rolls back to last-known-good by itself after the sustained breach, under the automatic policy', async () => {
    const { handle, world } = await watch('auto', { sustainedChecks: 2, rollback: 'automatic' }, ['breach', 'breach']);
    const status = await until(handle, (s) => s.rollbacks.length === 1);
    expect(status).toMatchObject({ state: 'watching', champion: LAST_GOOD, lastKnownGood: null, breachStreak: 0 });
    expect(status.rollbacks[0]).toMatchObject({ from: '2.0.0', to: '1.0.0', revertMs: 42, reason: 'error_rate 0.5 vs 0.05' });
    expect(world.reverts).toEqual([{ stable: '1.0.0' }]);
    expect(world.aliases).toEqual([{ alias: 'champion', to: '1.0.0' }, { alias: 'last-known-good', to: null }]);
    expect(world.statuses).toEqual(['rolled_back']);
    expect(world.audits.map((a) => a.type)).toEqual(['monitor.breach', 'monitor.rolled_back']);
    expect(world.mails.map((m) => m.kind)).toEqual(['monitor_alert', 'monitor_rolled_back']);
  });

  it('asks a rollout holding the model\'s lock to abort, then rolls back once the lock is free', async () => {
    const { handle, world } = await watch('busy', { sustainedChecks: 2, rollback: 'automatic' }, ['breach', 'breach']);
    world.lockHolder = 'deploy-busy-3.0.0';
    const status = await until(handle, (s) => s.rollbacks.length === 1);
    expect(status.champion).toEqual(LAST_GOOD);
    expect(world.aborts).toEqual(['deploy-busy-3.0.0']);
    expect(world.reverts).toEqual([{ stable: '1.0.0' }]);
    expect(world.audits.map((a) => a.type)).toEqual(['monitor.breach', 'monitor.rollout_abort_requested', 'monitor.rolled_back']);
  });

  it('waits for a listed approver under the approval policy, refusing anyone else, then rolls back', async () => {
    const { handle, world } = await watch('approval', { sustainedChecks: 2, rollback: 'approval', approvers: ['carol'] }, ['breach', 'breach']);
    await until(handle, (s) => s.state === 'awaiting_rollback_approval');
    expect(world.reverts).toEqual([]);
    await handle.signal(approveSignal, { approver: 'mallory', comment: 'let me' });
    await handle.signal(approveSignal, { approver: 'carol', comment: 'go back' });
    const status = await until(handle, (s) => s.rollbacks.length === 1);
    expect(status.champion).toEqual(LAST_GOOD);
    expect(world.reverts).toEqual([{ stable: '1.0.0' }]);
    expect(world.audits.map((a) => [a.type, a.outcome, a.actor])).toEqual([
      ['monitor.breach', 'failure', 'monitor:monitor-approval'],
      ['monitor.rollback_approve', 'refused', 'user:mallory'],
      ['monitor.rollback_approve', 'success', 'user:carol'],
      ['monitor.rolled_back', 'success', 'monitor:monitor-approval'],
    ]);
    expect(world.mails.map((m) => m.kind)).toEqual(['monitor_alert', 'monitor_rollback_approval', 'monitor_rolled_back']);
    expect(world.mails[2].subject).toBe('Rolled back by monitoring: approval 2.0.0 -> 1.0.0');
  });

  it('keeps the champion when the approver rejects the rollback, and counts the breach afresh', async () => {
    const { handle, world } = await watch('rejected', { sustainedChecks: 2, rollback: 'approval', approvers: ['carol'] }, ['breach', 'breach']);
    await until(handle, (s) => s.state === 'awaiting_rollback_approval');
    await handle.signal(rejectSignal, { approver: 'carol', comment: 'a known upstream outage' });
    const status = await until(handle, (s) => s.state === 'watching' && world.audits.some((a) => a.type === 'monitor.rollback_reject'));
    expect(status).toMatchObject({ champion: CHAMPION, lastKnownGood: LAST_GOOD, breachStreak: 0, rollbacks: [] });
    expect(world.reverts).toEqual([]);
    expect(world.aliases).toEqual([]);
    expect(world.audits.find((a) => a.type === 'monitor.rollback_reject')).toMatchObject({ outcome: 'success', actor: 'user:carol' });
  });

  it('only mails under the alert-only policy: one alert, one sustained-breach mail, nothing rolled back', async () => {
    const { handle, world } = await watch('alert-only', { sustainedChecks: 2, rollback: 'alert-only' }, ['breach', 'breach', 'breach', 'breach']);
    const status = await until(handle, (s) => s.checks >= 5);
    expect(status).toMatchObject({ champion: CHAMPION, rollbacks: [], state: 'watching' });
    expect(world.reverts).toEqual([]);
    expect(world.audits.map((a) => a.type)).toEqual(['monitor.breach', 'monitor.sustained_breach', 'monitor.recovered']);
    expect(world.mails.map((m) => m.subject)).toEqual([
      'Alert: alert-only 2.0.0 in production: error_rate 0.5 vs 0.05',
      'Sustained breach, no rollback: alert-only 2.0.0',
    ]);
  });

  it('alerts once on population drift set to alert, and never rolls back for it', async () => {
    const { handle, world } = await watch('drift', { sustainedChecks: 1, drift: { action: 'alert' } }, ['alert', 'alert', 'alert']);
    const status = await until(handle, (s) => s.checks >= 3);
    expect(status).toMatchObject({ champion: CHAMPION, breachStreak: 0, rollbacks: [] });
    expect(world.reverts).toEqual([]);
    expect(world.audits.map((a) => a.type)).toEqual(['monitor.drift_alert']);
    expect(world.mails).toEqual([{ kind: 'monitor_alert', subject: 'Alert: drift 2.0.0 in production: cold share 0.6 above 0.3' }]);
  });
});
