import { ApplicationFailure } from '@temporalio/activity';
import type { GateEvidence, GateName } from '../../src/contracts/evidence';
import type { MonitorActivities } from '../../src/contracts/monitoring';
import type { PipelineActivities, RouteSnapshot } from '../../src/contracts/pipeline-activities';
import { pipelineSpecSchema } from '../../src/contracts/pipeline-spec';
import { canTransition, type Status } from '../../src/registry/lifecycle';
import { fakeCheck } from './fake-kpis';
import { createFakeIdentity, type FakeIdentity } from './fake-identity';
import type { RouteSpec } from '../../src/contracts/routes';

export const CANDIDATE_SHA = 'c'.repeat(64);
export const STABLE = { version: '1.0.0', sha256: 's'.repeat(64).replace(/s/g, 'a') };

/** How one pipeline's world behaves, keyed by model name so tests sharing a worker stay apart. */
export interface Scenario {
  failGate?: GateName;
  /** Gates that fail only for a reason outside the model, as a latency check on a machine too slow to measure on. */
  failOutsideModel?: GateName[];
  /** Stage labels (the bake is 'bake') where the candidate fails a tenth of its requests. */
  breachAt?: string[];
  /** Stage labels where the candidate gets no requests. */
  noDataAt?: string[];
  champion?: string | null;
  route?: RouteSpec;
  lockHolder?: string;
  /** A routing change whose key ends with this fails permanently, e.g. 'promoted'. */
  failRoute?: string;
  /** Every mail takes this long to send. */
  mailDelayMs?: number;
  /** A mail whose key ends with this fails permanently, e.g. 'stage:canary'. */
  failMail?: string;
  /** The alias move whose key ends with this takes this long, e.g. { champion: 800 }. */
  aliasDelayMs?: Record<string, number>;
  /** The alias move whose key ends with this fails permanently, as a registry outage past retries would. */
  failAlias?: string;
  /** The routing change whose key ends with this takes this long, e.g. { canary: 1000 }. */
  routeDelayMs?: Record<string, number>;
  /** Every gate takes this long. */
  gateDelayMs?: number;
  /** The last-known-good alias before the pipeline; unset by default. */
  lastKnownGood?: string | null;
  /** Each KPI check waits for this before it answers: a test holds a check in flight with it. */
  checkGate?: () => Promise<void>;
  /** Each route confirmation waits for this before it answers: a replica held back. */
  confirmGate?: () => Promise<void>;
}

export interface World {
  calls: { name: string; input: unknown }[];
  routes: Map<string, RouteSnapshot>;
  aliases: Map<string, string | null>;
  /** Every version's status, as the registry's lifecycle table allows it to change. */
  versions: Map<string, string>;
  /** The lock holder's workflow id, or null. */
  lock: string | null;
  statuses: string[];
  audits: { key: string; type: string; outcome: string; actor: string; evidence?: Record<string, unknown> }[];
  mails: { key: string; kind: string; subject: string; lines: string[] }[];
  compensatingRoutes: number;
}

function gateEvidence(gate: GateName, pass: boolean, outsideModel = false): GateEvidence {
  const check = outsideModel
    ? { name: `${gate}_check`, values: { value: 0 }, thresholds: { min: 1 }, summary: `${gate} inconclusive: the machine was slow`, verdict: 'fail' as const, environmental: true as const }
    : { name: `${gate}_check`, values: { value: pass ? 1 : 0 }, thresholds: { min: 1 }, summary: `${gate} ${pass ? 'ok' : 'below floor'}`, verdict: pass ? ('pass' as const) : ('fail' as const) };
  pass = pass && !outsideModel;
  if (gate === 'validation') {
    const m = { ndcg: 0.1, recall: 0.1, precision: 0.1, map: 0.1, hitRate: 0.1, coverage: 0.1, users: 10, fallbackUsers: 0 };
    return { gate, k: 10, candidate: m, champion: null, pass, checks: [check] };
  }
  if (gate === 'scenarios') return { gate, k: 10, pass, checks: [check] };
  const profile = { rows: 1, users: 1, items: 1, findings: [] };
  return { gate, datasets: { train: profile, recent: profile }, pass, checks: [check] };
}

type FakeActivities = PipelineActivities & Pick<MonitorActivities, 'handOverMonitoring' | 'readAliases'>;

export function createFakeActivities(
  scenarios: Map<string, Scenario>,
  identity: FakeIdentity = createFakeIdentity(CANDIDATE_SHA),
): { activities: FakeActivities; worlds: Map<string, World>; identity: FakeIdentity } {
  const worlds = new Map<string, World>();
  const world = (model: string): World => {
    let w = worlds.get(model);
    if (!w) {
      const route = scenarios.get(model)?.route ?? { stable: STABLE, candidate: null, shadow: null, killSwitch: 'off' as const };
      const champion = scenarios.get(model)?.champion === undefined ? STABLE.version : scenarios.get(model)!.champion!;
      w = { calls: [], routes: new Map([[model, { generation: 1, spec: route }]]), aliases: new Map(), versions: new Map(), lock: scenarios.get(model)?.lockHolder ?? null, statuses: [], audits: [], mails: [], compensatingRoutes: 0 };
      w.aliases.set('champion', champion);
      w.aliases.set('last-known-good', scenarios.get(model)?.lastKnownGood ?? null);
      if (champion) w.versions.set(champion, 'production');
      worlds.set(model, w);
    }
    return w;
  };
  const appliedKeys = new Set<string>();
  const track = <T>(model: string, name: string, input: unknown, result: T): T => {
    world(model).calls.push({ name, input });
    return result;
  };

  const activities: FakeActivities = {
    async acceptSpec({ spec }) {
      const parsed = pipelineSpecSchema.safeParse(spec);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), 'InvalidSpec');
      return track(parsed.data.model, 'acceptSpec', spec, parsed.data);
    },
    async ingest({ ref }) {
      const w = world(ref.model);
      if (!w.versions.has(ref.version)) w.versions.set(ref.version, 'registered');
      const champion = w.aliases.get('champion') ?? null;
      const ds = { sha256: 'd'.repeat(64), rows: 10, users: 5, items: 5 };
      return track(ref.model, 'ingest', ref, {
        artifactSha256: CANDIDATE_SHA, kind: 'embedding', dims: 8, users: 5, items: 5,
        champion: champion ? { version: champion, sha256: STABLE.sha256 } : null,
        datasets: { train: ds, validation: ds, recent: ds },
      });
    },
    async transitionStatus({ ref, to, key }) {
      const w = world(ref.model);
      if (appliedKeys.has(key)) return;
      const from = (w.versions.get(ref.version) ?? 'registered') as Status;
      if (!canTransition(from, to as Status)) throw ApplicationFailure.nonRetryable(`illegal transition of ${ref.model}@${ref.version}: ${from} -> ${to}`, 'IllegalTransition');
      appliedKeys.add(key);
      w.versions.set(ref.version, to);
      w.statuses.push(to);
      track(ref.model, 'transitionStatus', to, undefined);
    },
    async runGate({ ref, gate }) {
      const delay = scenarios.get(ref.model)?.gateDelayMs;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      const scenario = scenarios.get(ref.model);
      return track(ref.model, 'runGate', gate, gateEvidence(gate, scenario?.failGate !== gate, scenario?.failOutsideModel?.includes(gate)));
    },
    async audit({ ref, key, type, outcome, actor, evidence }) {
      const w = world(ref.model);
      if (!w.audits.some((a) => a.key === key)) w.audits.push({ key, type, outcome, actor, evidence });
    },
    async notify({ ref, key, kind, subject, lines }) {
      const scenario = scenarios.get(ref.model);
      if (scenario?.mailDelayMs) await new Promise((r) => setTimeout(r, scenario.mailDelayMs));
      if (scenario?.failMail && key.endsWith(scenario.failMail)) throw ApplicationFailure.nonRetryable(`mail server refused ${key}`, 'MailRefused');
      track(ref.model, 'notify', key, undefined);
      const w = world(ref.model);
      if (!w.mails.some((m) => m.key === key)) w.mails.push({ key, kind, subject, lines });
    },
    async acquireRolloutLock({ ref }) {
      const w = world(ref.model);
      w.lock ??= ref.pipelineId;
      return track(ref.model, 'acquireRolloutLock', ref, { acquired: w.lock === ref.pipelineId, holder: w.lock });
    },
    async releaseRolloutLock({ ref }) {
      const w = world(ref.model);
      if (w.lock === ref.pipelineId) w.lock = null;
      track(ref.model, 'releaseRolloutLock', ref, undefined);
    },
    async readAliases({ model }) {
      const w = world(model);
      const refOf = (version: string | null | undefined) => (version ? { version, sha256: version === STABLE.version ? STABLE.sha256 : CANDIDATE_SHA } : null);
      return track(model, 'readAliases', model, { champion: refOf(w.aliases.get('champion')), lastKnownGood: refOf(w.aliases.get('last-known-good')) });
    },
    async readRoute({ model }) {
      return track(model, 'readRoute', model, structuredClone(world(model).routes.get(model)!));
    },
    async applyRoute({ ref, key, spec }) {
      const w = world(ref.model);
      const current = w.routes.get(ref.model)!;
      if (appliedKeys.has(key)) return { generation: current.generation };
      const delay = Object.entries(scenarios.get(ref.model)?.routeDelayMs ?? {}).find(([suffix]) => key.endsWith(`:${suffix}`))?.[1];
      if (delay) await new Promise((r) => setTimeout(r, delay));
      const failRoute = scenarios.get(ref.model)?.failRoute;
      if (failRoute && key.endsWith(`:${failRoute}`)) throw ApplicationFailure.nonRetryable(`routing store refused ${key}`, 'IllegalTransition');
      appliedKeys.add(key);
      if (key.endsWith(':restore-route')) w.compensatingRoutes++;
      // Read again: another change may have landed while this one was delayed.
      const next = { generation: w.routes.get(ref.model)!.generation + 1, spec: structuredClone(spec) };
      w.routes.set(ref.model, next);
      return track(ref.model, 'applyRoute', { key, spec }, { generation: next.generation });
    },
    async confirmRouteLive({ model, generation }) {
      await scenarios.get(model)?.confirmGate?.();
      return track(model, 'confirmRouteLive', generation, { replicas: ['fake-a', 'fake-b'] });
    },
    async checkKpis(input) {
      const scenario = scenarios.get(input.ref.model);
      await scenario?.checkGate?.();
      const check = fakeCheck(input, { breachAt: scenario?.breachAt ?? [], noDataAt: scenario?.noDataAt ?? [] });
      return track(input.ref.model, 'checkKpis', input.stages[input.stages.length - 1].label, check);
    },
    /** As the registry's activity: a move already made (by key, or because the alias holds its target) is a no-op,
     *  and a move from anything but what the alias holds is refused. */
    async moveAlias({ ref, alias, to, expected, key }) {
      const scenario = scenarios.get(ref.model);
      const delay = Object.entries(scenario?.aliasDelayMs ?? {}).find(([suffix]) => key.endsWith(`:${suffix}`))?.[1];
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (scenario?.failAlias && key.endsWith(`:${scenario.failAlias}`)) throw ApplicationFailure.nonRetryable(`registry refused ${key}`, 'IllegalTransition');
      const w = world(ref.model);
      const current = w.aliases.get(alias) ?? null;
      if (appliedKeys.has(key) || current === to) return;
      if (current !== expected) {
        throw ApplicationFailure.nonRetryable(`expected: alias ${ref.model}:${alias} was expected at ${expected ?? '(unset)'} but holds ${current ?? '(unset)'}`, 'IllegalTransition');
      }
      appliedKeys.add(key);
      w.aliases.set(alias, to);
      track(ref.model, 'moveAlias', { alias, to, expected, key }, undefined);
    },
    async writeReport(doc) {
      return track(doc.ref.model, 'writeReport', doc.status.outcome, { htmlPath: `reports/${doc.ref.pipelineId}.html`, jsonPath: `reports/${doc.ref.pipelineId}.json` });
    },
    async handOverMonitoring({ model, handover }) {
      track(model, 'handOverMonitoring', handover, undefined);
    },
    async writeRollbackDocument(doc) {
      return track(doc.ref.model, 'writeRollbackDocument', { outcome: doc.status.outcome, cause: doc.cause, compensations: doc.compensations }, { path: `reports/${doc.ref.pipelineId}-rollback.json` });
    },
    async verifyIdentity(req) {
      return track(req.model, 'verifyIdentity', req, await identity.verify(req));
    },
  };
  return { activities, worlds, identity };
}
