import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { createAuditLog } from '../../src/audit';
import { startPipeline } from '../../src/client/start-pipeline';
import type { TrainingFaults } from '../../src/models';
import { setModelPolicy } from '../../src/operations/policies';
import { abortSignal, approveSignal, pauseSignal, promoteSignal, rejectSignal, resumeSignal, rollbackSignal, statusQuery, type Outcome, type PipelineStatus } from '../../src/contracts/messages';
import { monitorStatusQuery, monitorWorkflowId } from '../../src/contracts/monitoring';
import { DEFAULT_STAGES } from '../../src/contracts/pipeline-spec';
import { createPipelineFixture, replayFixtureTraffic, type PipelineFixture } from '../support/pipeline-fixture';
import { openPrivateStack, sleep, type PrivateStack } from '../integration/durability/private-stack';
import { stuckAfter } from '../support/time-factor';
import { checkDurations, quarters } from './check-durations';
import { saveEvidence } from './evidence';
import { FAULTS, strike } from './faults';
import { checkRegistry, checkServing, checkSystem, type Check, type ModelExpectation } from './invariants';
import { expectedOutcome, expectedStatus, planModel, seededRng, type Kind, type PlannedVersion, type Rng } from './plan';
import { rollbackDrill } from '../../src/contracts/workflows';

export interface SoakOptions {
  seed: number;
  versions: number;
  models: number;
  faults: boolean;
  /** Where the private stack's ports start (test/support/stack-ports.ts). */
  portBase: number;
  /** Where the histories and the processes' logs are kept at the end, whatever the end (test/soak/evidence.ts). */
  evidenceDir?: string;
  /** Aborted, the soak stops driving, keeps its evidence, stops its stack and returns what it saw. */
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface Violation {
  seed: number;
  step: string;
  invariant: string;
  detail: string;
}

export interface SoakResult {
  pipelines: number;
  /** Each pipeline's KPI check durations (ms), in the order the pipelines ended. */
  checkDurations: number[][];
  faults: number;
  /** Attempts to bring a part back after a fault that failed and were tried again. */
  failedRestarts: number;
  checks: number;
  violations: Violation[];
  outcomes: Record<string, Record<Outcome | string, number>>;
  monitorRollbacks: number;
  drills: number;
}

/** A pipeline whose status has not changed for this long (or could not be read) is stuck. */
const PIPELINE_STALL_MS = stuckAfter(240_000);
const MONITOR_ROLLBACK_TIMEOUT_MS = stuckAfter(120_000);
const TRAINING_FAULTS: Record<Kind, TrainingFaults | undefined> = {
  good: undefined,
  failing: { failureRate: 0.3 },
  // Healthy for its rollout (about a hundred requests a replica), failing about half a minute into production.
  latent: { failureRate: 0.5, failAfterRequests: 600 },
  offline_bad: { shuffleItemFactors: true },
};

class SoakStopping extends Error {
  constructor() {
    super('the soak is stopping');
  }
}

/** Retries a call through a Temporal server or database restart; gives up at once when the soak is stopping. */
async function retrying<T>(what: string, fn: () => Promise<T>, stop: AbortSignal, budgetMs = stuckAfter(120_000)): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    if (stop.aborted) throw new SoakStopping();
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      await sleep(500);
    }
  }
}

function specFor(fixture: PipelineFixture, v: PlannedVersion): Record<string, unknown> {
  return {
    specVersion: 1,
    model: v.model,
    version: v.version,
    submitter: 'alice',
    datasets: fixture.datasets,
    gates: { validation: { maxRegression: 0.5 }, scenarios: { latencyBudgetP99Ms: 50 } },
    approval: { approvers: ['bob'], requireSignatures: false, ...(v.action === 'expire' ? { deadline: '3s', reminderBefore: '1s' } : { deadline: '30m' }) },
    // The soak lives models through operators and faults at a few hundred requests a stage: too few users to prove a
    // success margin, so it judges by thresholds (docs/verdicts.md); the statistical judge has its own tests. It keeps
    // the lighter 10% shadow it was calibrated with: three models mirrored in full on two cores starve the Temporal
    // dev server it restarts, whose SQLite then times out reading its namespace.
    rollout: {
      stages: [
        { name: 'shadow', kind: 'shadow', percent: 10 },
        ...DEFAULT_STAGES.filter((s) => s.kind === 'traffic'),
      ],
      window: '2s',
      checkInterval: '500ms',
      bake: '1s',
      confirmTimeout: '30s',
      thresholds: { minRequests: 5, maxP99Ms: 250, minSuccessRatio: 0 },
      judge: 'thresholds',
    },
    notify: { recipients: [`ops-${v.model}@example.test`] },
  };
}

/** What every step of a lane needs: the stack, the soak's stop signal, and where results and violations go. */
interface Lane {
  stack: PrivateStack;
  stop: AbortSignal;
  result: SoakResult;
  record: (step: string, checks: Check[]) => void;
  log: (line: string) => void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Runs several models' whole lives on a private real stack (worker and two gateway processes, FerretDB, MailDev, the
 * Temporal dev server, replayed traffic), one pipeline after another per model and the models side by side, while
 * faults strike at random moments. After every pipeline it checks the model against its own expectation, and at the
 * end the whole system. It never throws: a soak that cannot run to its end (its stack did not start, it was stopped)
 * says so as a violation, and whatever the end, it keeps its evidence and stops everything it started.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { seed } = options;
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    options.log(line);
  };
  const result: SoakResult = { pipelines: 0, checkDurations: [], faults: 0, failedRestarts: 0, checks: 0, violations: [], outcomes: {}, monitorRollbacks: 0, drills: 0 };
  const record = (step: string, checks: Check[]) => {
    result.checks += checks.length;
    for (const c of checks.filter((x) => !x.ok)) {
      result.violations.push({ seed, step, invariant: c.name, detail: c.detail });
      log(`VIOLATION seed ${seed} at ${step}: ${c.name}: ${c.detail}`);
    }
  };
  const ranToItsEnd = (step: string, detail: string) => record(step, [{ name: 'the soak runs to its end', ok: false, detail }]);

  const stopping = new AbortController();
  const stopOnSignal = () => stopping.abort();
  options.signal?.addEventListener('abort', stopOnSignal);
  let stack: PrivateStack;
  try {
    stack = await openPrivateStack(`soak${seed % 1000}`, options.portBase);
  } catch (err) {
    ranToItsEnd('start', `its private stack did not start: ${message(err)}`);
    return result;
  }
  const models = Array.from({ length: options.models }, (_, i) => `soak-${seed}-${String.fromCharCode(97 + i)}`);
  const traffic = new AbortController();
  const replays: Promise<unknown>[] = [];
  let chaos: Promise<void> = Promise.resolve();
  const lane: Lane = { stack, stop: stopping.signal, result, record, log };
  try {
    const fixtures = new Map<string, PipelineFixture>();
    const auditLog = createAuditLog(stack.mongo.db);
    for (const model of models) {
      fixtures.set(model, await createPipelineFixture(stack.mongo.db, model));
      // Monitoring on a scale of seconds, so a latent failure is caught while the soak runs; drift only alerts, since
      // synthetic traffic is not what the models' verdicts are about here.
      await setModelPolicy(stack.mongo.db, auditLog, model, { monitoring: { checkInterval: '1s', window: '4s', sustainedChecks: 2, recipients: [`ops-${model}@example.test`], drift: { action: 'alert' } } }, 'user:soak');
      replays.push(replayFixtureTraffic(stack.gateways.map((g) => g.url), model, traffic.signal, { ratePerSec: 40, maxDurationMs: 60 * 60_000 }).catch(() => undefined));
    }

    const lanesDone = new AbortController();
    if (options.faults) chaos = strikeUntil(lane, seededRng(seed * 7919 + 1), AbortSignal.any([lanesDone.signal, stopping.signal]));
    await Promise.all(
      models.map((model, i) =>
        runLane(lane, fixtures.get(model)!, planModel(seededRng(seed * 31 + i), model, options.versions), seededRng(seed * 131 + i)).catch((err: unknown) => {
          if (!(err instanceof SoakStopping)) ranToItsEnd(model, `its lane failed: ${message(err)}`);
        }),
      ),
    );
    lanesDone.abort();
    await chaos;
    if (stopping.signal.aborted) {
      ranToItsEnd('stop', `stopped by a signal after ${result.pipelines} pipelines`);
      return result;
    }

    record('final', await retrying('system invariants', () => checkSystem(stack.mongo.db, stack.client, () => stack.mails(), models), stopping.signal));
    const { first, last } = quarters(result.checkDurations);
    record('final', [
      {
        name: 'KPI checks of the last quarter of pipelines take at most twice as long as those of the first (median)',
        ok: last.checks === 0 || first.checks === 0 || last.medianMs <= 2 * Math.max(first.medianMs, 50),
        detail: `first quarter median ${first.medianMs} ms, last ${last.medianMs} ms`,
      },
    ]);
    return result;
  } catch (err) {
    ranToItsEnd('run', message(err));
    return result;
  } finally {
    stopping.abort();
    await chaos;
    traffic.abort();
    await Promise.all(replays);
    if (options.evidenceDir) log(`evidence: ${await saveEvidence(stack, models, options.evidenceDir, lines).catch((err: unknown) => `not kept: ${message(err)}`)}`);
    await stack.close();
    options.signal?.removeEventListener('abort', stopOnSignal);
  }
}

/** Strikes a fault every 6 to 16 s until told to stop; a part that does not come back at once is retried, and counted. */
async function strikeUntil(lane: Lane, rng: Rng, stop: AbortSignal): Promise<void> {
  const { stack, result, log } = lane;
  for (;;) {
    const waitMs = 6000 + Math.floor(rng() * 10_000);
    for (let t = 0; t < waitMs && !stop.aborted; t += 200) await sleep(200);
    if (stop.aborted) return;
    const fault = FAULTS[Math.floor(rng() * FAULTS.length)];
    try {
      const struck = await strike(stack, fault, rng, () => stop.aborted);
      result.faults++;
      result.failedRestarts += struck.failedRestarts.length;
      for (const failure of struck.failedRestarts) log(`fault ${result.faults}: bringing the part back failed, tried again: ${failure}`);
      log(`fault ${result.faults}: ${struck.what}${struck.restored ? '' : ' (not restarted: the soak was stopping)'}`);
    } catch (err) {
      // Striking itself failed (the part was already gone); nothing was struck, the soak goes on.
      log(`fault not struck (${fault}): ${message(err)}`);
    }
  }
}

async function runLane(lane: Lane, fixture: PipelineFixture, plan: PlannedVersion[], rng: Rng): Promise<void> {
  const { stack, stop, result, record, log } = lane;
  const model = plan[0].model;
  const want: ModelExpectation = { model, champion: null, lastKnownGood: null, statuses: new Map() };
  let monitorRollbacksSeen = 0;
  result.outcomes[model] = {};
  for (const v of plan) {
    const step = `${model}@${v.version} (${v.kind}, ${v.action})`;
    await retrying('register', () => fixture.register(v.version, { seed: v.seed, faults: TRAINING_FAULTS[v.kind] }), stop);
    const { handle } = await retrying('start', () => startPipeline(stack.client, specFor(fixture, v), stack.env.TEMPORAL_TASK_QUEUE), stop);
    const end = await drive(handle, v, stop).catch((err: unknown) => {
      if (err instanceof SoakStopping) throw err;
      return { outcome: `stuck: ${message(err)}`, failure: null };
    });
    const { outcome } = end;
    result.pipelines++;
    result.checkDurations.push(await retrying('history', () => checkDurations(handle), stop).catch(() => []));
    result.outcomes[model][outcome] = (result.outcomes[model][outcome] ?? 0) + 1;
    const expected = expectedOutcome(v);
    // A latent failure that already shows during the rollout is rightly caught there.
    const caughtEarly = v.kind === 'latent' && outcome === 'rolled_back' && String(end.failure).startsWith('KPI breach');
    log(`${step}: ${outcome}${outcome === expected || caughtEarly ? '' : ` (expected ${expected}${end.failure ? `; ${end.failure}` : ''})`}`);
    record(step, [{ name: 'outcome is the one the version and the action imply', ok: outcome === expected || caughtEarly, detail: `${outcome}, expected ${expected}` }]);

    // The model's own history: what this pipeline did, then any rollback the monitor made meanwhile.
    want.statuses.set(v.version, expectedStatus(outcome as Outcome));
    if (outcome === 'promoted') {
      if (want.champion) want.lastKnownGood = want.champion;
      want.champion = v.version;
    }
    const monitorRollbacks = async () =>
      (await retrying('monitor status', () => stack.client.workflow.getHandle(monitorWorkflowId(model)).query(monitorStatusQuery), stop).catch((err: unknown) => {
        if (err instanceof SoakStopping) throw err;
        return null;
      }))?.rollbacks ?? [];
    let rollbacks = await monitorRollbacks();
    if (v.kind === 'latent' && outcome === 'promoted') {
      // The latent failure must be caught in production: a rollback to the last-known-good version, by the monitor.
      const deadline = Date.now() + MONITOR_ROLLBACK_TIMEOUT_MS;
      while (!rollbacks.slice(monitorRollbacksSeen).some((rb) => rb.from === v.version) && Date.now() < deadline) {
        await sleep(500);
        rollbacks = await monitorRollbacks();
      }
      const caught = rollbacks.slice(monitorRollbacksSeen).some((rb) => rb.from === v.version && rb.to === want.lastKnownGood);
      record(`${step} in production`, [{ name: 'a champion failing in production is rolled back to last-known-good by the monitor', ok: caught, detail: JSON.stringify(rollbacks.slice(monitorRollbacksSeen)) }]);
    }
    for (const rb of rollbacks.slice(monitorRollbacksSeen)) {
      log(`${model}: the monitor rolled ${rb.from} back to ${rb.to}: ${rb.reason}`);
      const planned = plan.find((p) => p.version === rb.from);
      record(`${step} in production`, [{ name: 'the monitor rolls back only a champion that fails', ok: planned?.kind === 'latent', detail: `${rb.from} (${planned?.kind}) rolled back: ${rb.reason}` }]);
      want.statuses.set(rb.from, 'rolled_back');
      want.champion = rb.to;
      want.lastKnownGood = null;
      result.monitorRollbacks++;
    }
    monitorRollbacksSeen = rollbacks.length;

    record(step, await retrying('registry invariants', () => checkRegistry(fixture.registry, want), stop));
    record(step, await retrying('serving invariants', () => checkServing(stack.mongo.db, fixture.registry, stack.gateways.map((g) => g.url), want), stop));

    if (want.champion && rng() < 0.25) {
      const drill = await retrying('drill', () =>
        stack.client.workflow.execute(rollbackDrill.name, { workflowId: `drill-${model}-${v.version}`, taskQueue: stack.env.TEMPORAL_TASK_QUEUE, args: [{ model }] }), stop,
      ).catch((err: unknown) => {
        if (err instanceof SoakStopping) throw err;
        return { outcome: `stuck: ${String(err)}` };
      });
      result.drills++;
      record(`${step} drill`, [{ name: 'a drill passes and leaves production as it was', ok: drill.outcome === 'passed', detail: JSON.stringify(drill).slice(0, 200) }]);
      record(`${step} drill`, await retrying('serving invariants', () => checkServing(stack.mongo.db, fixture.registry, stack.gateways.map((g) => g.url), want), stop));
    }
  }
}

/** Where a pipeline stands, in words: a pipeline waiting for a person says so and why, rather than "no progress". */
export function standing(s: PipelineStatus): string {
  const where = `${s.step}${s.stage ? ` ${s.stage}` : ''}`;
  if (!s.paused) return `no progress: ${where}`;
  const kpis = s.lastCheck ? ` (last check: ${JSON.stringify(s.lastCheck).slice(0, 300)})` : '';
  return `paused for a decision at ${where}${kpis}`;
}

/** What changes when a pipeline moves: its step, stage, pause, decisions and checks. */
const progressOf = (s: PipelineStatus) => JSON.stringify([s.step, s.stage, s.paused, s.approvals.length, s.lastCheck?.at ?? null]);

/**
 * Waits until the pipeline is at one of the steps or stages, or done; returns its status then. It is stuck only when
 * its status has not changed for PIPELINE_STALL_MS: a worker or server down for a while (a fault, a starved machine)
 * makes the status unreadable, which is waited out like any other pause in progress.
 */
async function until(handle: WorkflowHandle, match: (s: PipelineStatus) => boolean, stop: AbortSignal): Promise<PipelineStatus> {
  let last: { progress: string; at: number; status: PipelineStatus | null; error: string | null } = { progress: '', at: Date.now(), status: null, error: null };
  for (;;) {
    if (stop.aborted) throw new SoakStopping();
    const s = await handle.query(statusQuery).catch((err: unknown) => {
      last.error = message(err);
      return null;
    });
    if (s && (s.step === 'done' || match(s))) return s;
    if (s && progressOf(s) !== last.progress) last = { progress: progressOf(s), at: Date.now(), status: s, error: null };
    if (Date.now() - last.at > PIPELINE_STALL_MS) {
      const unread = last.error ? `; status unreadable since: ${last.error}` : '';
      throw new Error(`${last.status ? standing(last.status) : 'no status ever read'} for ${Math.round(PIPELINE_STALL_MS / 1000)} s${unread}`);
    }
    await sleep(s ? 200 : 1000);
  }
}

/** Takes the planned action at its moment, waits for the end, and returns the outcome and why it failed, if it did. */
async function drive(handle: WorkflowHandle, v: PlannedVersion, stop: AbortSignal): Promise<{ outcome: string; failure: string | null }> {
  // A signal to a pipeline that has just ended is moot (a breach while paused ends it before the resume), not an error.
  const signal = <T>(def: Parameters<WorkflowHandle['signal']>[0], arg: T) =>
    retrying('signal', () => handle.signal(def, arg as never).catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }), stop);
  const atApproval = await until(handle, (s) => s.step === 'awaiting_approval', stop);
  if (atApproval.step !== 'done') {
    await sleep(v.delayMs);
    if (v.action === 'reject') await signal(rejectSignal, { approver: 'bob', comment: 'not this one' });
    else if (v.action !== 'expire') {
      await signal(approveSignal, { approver: 'bob', comment: 'evidence reviewed' });
      const ops = { actor: 'ops-dan', reason: `soak ${v.action}` };
      const inTraffic = (stages: string[]) => until(handle, (s) => s.step === 'rollout' && stages.includes(String(s.stage)), stop);
      if (v.action === 'pause_resume' && (await inTraffic(['canary', 'full'])).step !== 'done') {
        await signal(pauseSignal, ops);
        await sleep(1500 + v.delayMs);
        await signal(resumeSignal, ops);
      }
      if (v.action === 'promote' && (await inTraffic(['shadow', 'canary', 'full'])).step !== 'done') await signal(promoteSignal, ops);
      if ((v.action === 'abort' || v.action === 'rollback') && (await inTraffic(['shadow', 'canary', 'quarter', 'full'])).step !== 'done') {
        await signal(v.action === 'abort' ? abortSignal : rollbackSignal, ops);
      }
    }
  }
  const done = await until(handle, () => false, stop).catch(async (err: unknown) => {
    if (!(err instanceof SoakStopping)) await handle.terminate('soak: no progress').catch(() => undefined);
    throw err;
  });
  return { outcome: done.outcome, failure: done.failure };
}
