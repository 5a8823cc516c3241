import { ApplicationFailure } from '@temporalio/activity';
import { createFakeIdentity, type FakeIdentity } from './fake-identity';
import type { KpiCheck } from '../../src/contracts/messages';
import { monitoringPolicySchema, type MonitoringPolicy } from '../../src/contracts/model-policy';
import type { MonitorActivities, ProductionCheck } from '../../src/contracts/monitoring';
import type { PipelineActivities } from '../../src/contracts/pipeline-activities';
import type { AbandonedRestore } from '../../src/contracts/abandoned';

export const CHAMPION = { version: '2.0.0', sha256: 'b'.repeat(64) };
export const LAST_GOOD = { version: '1.0.0', sha256: 'a'.repeat(64) };

/** What one monitored model's world saw: the checks it is scripted to answer, and every write the monitor made. */
export interface World {
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
  /** Keys of the writes done: like the real steps, a write retried under its key happens once. */
  done: Set<string>;
  /** What the next look for runs closed without finishing finds, once: it puts the aliases it names back. */
  abandoned: AbandonedRestore | null;
}

/** A model whose champion is 2.0.0 with 1.0.0 as last known good, under the policy given (checks every 100 ms). */
export function newWorld(policy: Record<string, unknown>, verdicts: ProductionCheck['verdict'][]): World {
  return {
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
    done: new Set(),
    abandoned: null,
  };
}

export function productionCheck(model: string, version: string, verdict: ProductionCheck['verdict']): ProductionCheck {
  const now = new Date().toISOString();
  const side = { requests: 100, errors: verdict === 'breach' ? 50 : 0, p99Ms: 20, successRatio: 0.5, overlap: null };
  const kpi = {
    stage: 'production', at: now, from: now, to: now, candidate: side, stable: null,
    rules: [{ rule: 'error_rate', value: verdict === 'breach' ? 0.5 : 0, threshold: 0.05, verdict: verdict === 'breach' ? 'breach' : 'pass' }],
    verdict: verdict === 'breach' ? 'breach' : 'pass',
  } as unknown as KpiCheck;
  const drift = { samples: 200, coldShare: verdict === 'alert' ? 0.6 : 0.1, psi: 0.05, verdict: verdict === 'alert' ? 'drift' : 'pass', reasons: verdict === 'alert' ? ['cold share 0.6 above 0.3'] : [] } as const;
  const reasons = { breach: ['error_rate 0.5 vs 0.05'], alert: ['cold share 0.6 above 0.3'], no_traffic: ['no traffic: 0 requests'], ok: [] }[verdict];
  return { model, version, from: now, to: now, kpi, drift: { ...drift, reasons: [...drift.reasons] }, verdict, reasons };
}

/** Rollback decisions are checked by the real verifier, over people kept in memory; every version is CHAMPION's artifact. */
export function fakeActivities(worlds: Map<string, World>, identity: FakeIdentity = createFakeIdentity(CHAMPION.sha256)) {
  const w = (model: string) => worlds.get(model)!;
  /** True the first time a key is written in a model's world. */
  const first = (model: string, key: string) => !w(model).done.has(key) && Boolean(w(model).done.add(key));
  const activities: Pick<MonitorActivities, 'readModelPolicy' | 'checkProduction' | 'revertRoute' | 'abortRollout' | 'restoreAbandoned' | 'readAliases'> &
    Pick<PipelineActivities, 'audit' | 'notify' | 'acquireRolloutLock' | 'releaseRolloutLock' | 'readRoute' | 'moveAlias' | 'transitionStatus' | 'verifyIdentity'> = {
    verifyIdentity: (req) => identity.verify(req),
    async readModelPolicy({ model }) {
      return { monitoring: w(model).policy, drill: null };
    },
    async restoreAbandoned({ model }) {
      const restored = w(model).abandoned;
      w(model).abandoned = null;
      for (const a of restored?.aliases ?? []) w(model).holds[a.alias] = a.to;
      return { restored, orphans: [] };
    },
    async readAliases({ model }) {
      const ref = (v: string | null) => (v === null ? null : [CHAMPION, LAST_GOOD].find((x) => x.version === v) ?? { version: v, sha256: 'c'.repeat(64) });
      return { champion: ref(w(model).holds.champion), lastKnownGood: ref(w(model).holds['last-known-good']) };
    },
    async checkProduction({ model, version }) {
      return productionCheck(model, version, w(model).verdicts.shift() ?? 'ok');
    },
    async revertRoute({ routeName, spec, key }) {
      if (first(routeName, key)) w(routeName).reverts.push({ stable: spec.stable?.version ?? null });
      return { generation: 2, replicas: ['r1', 'r2'], revertMs: 42 };
    },
    async audit({ ref, key, type, outcome, actor }) {
      if (first(ref.model, key)) w(ref.model).audits.push({ type, outcome, actor });
    },
    async notify({ ref, key, kind, subject }) {
      if (first(ref.model, key)) w(ref.model).mails.push({ kind, subject });
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
    async transitionStatus({ ref, to, key }) {
      if (first(ref.model, key)) w(ref.model).statuses.push(to);
    },
  };
  return activities;
}
