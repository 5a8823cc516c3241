// The demo, two models side by side with live replayed traffic throughout:
// - MovieLens: a first version, a good one through approval to 100%, and a failing one rolled back in shadow, judged
//   by thresholds (610 users are too few for the statistical judge to prove a margin in the demo's minutes);
// - a synthetic catalogue with 4,000 users under the default statistical judge: a subtly worse model (no errors,
//   about 20% fewer successes) rolled back with the verdict that stopped it, and a retrained equivalent promoted.
import { webUiLink, webUiQueryLink } from '../src/temporal/web-ui';
import { SEARCH_ATTRIBUTE_KEYS } from '../src/contracts/search-attributes';
import { deployModel } from '../src/contracts/workflows';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { auditPaths, createAuditLog, readCheckpointFiles, readVerifier, storedCheckpoints, verifyAudit } from '../src/audit';
import { startPipeline } from '../src/client/start-pipeline';
import { config } from '../src/config';
import { approveUpdate, statusQuery, type PipelineStatus } from '../src/contracts/messages';
import { verifySignatures } from '../src/identity/recorded-signatures';
import { signAction } from '../src/identity/signed-fields';
import { demoPeople } from './lib/demo-people';
import { monitorStatusQuery, monitorWorkflowId } from '../src/contracts/monitoring';
import { loadWorkload } from '../src/datasets/workload';
import { connectMongo } from '../src/db';
import { buildHeldOut, encodeArtifact, generateSynthetic, leaveLastNSplit, toCsvBytes, trainAls, type Interactions, type TrainingFaults } from '../src/models';
import { createRegistry, ensureIndexes, registerArtifact, uploadDataset, type Registry } from '../src/registry';
import { replayTraffic } from '../src/traffic/replayer';
import { connectClient } from '../src/temporal';
import { describeJudgement, describeRollback } from '../src/verdicts/describe';
import { OPEN_GATES, STATISTICAL_JUDGE, STATISTICAL_ROLLOUT, SUBTLE_FAULT, SUBTLE_SEED, SUBTLE_USERS } from './lib/subtle-regression';

const MODEL = 'movielens-als';
const SYNTHETIC = 'synthetic-reco';
const say = (line: string) => console.log(`demo: ${line}`);

async function register(registry: Registry, model: string, train: Interactions, version: string, options: { seed: number; factors: number; iterations?: number; faults?: TrainingFaults }, trainSha: string) {
  const existing = await registry.getVersion(model, version);
  if (existing) return remember(model, version, existing.artifact.sha256);
  const started = Date.now();
  const { seed, factors, iterations, faults } = options;
  const bytes = encodeArtifact(trainAls(train, { factors, iterations, seed, faults }));
  const v = await registerArtifact(registry, {
    model,
    version,
    bytes,
    metadata: { trainingDataVersion: trainSha, hyperparameters: { factors, seed, faults: faults ?? {} }, codeVersion: 'demo', metrics: {} },
    createdBy: 'user:alice',
  });
  say(`trained and registered ${model} ${version}${faults ? ` (fault injected: ${JSON.stringify(faults)})` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s, sha256 ${v.artifact.sha256.slice(0, 12)}…`);
  return remember(model, version, v.artifact.sha256);
}

function remember(model: string, version: string, sha: string): string {
  artifacts.set(`${model}@${version}`, sha);
  return sha;
}

/** The demo's signing keys, set once its people are enrolled. */
let keys: Record<'alice' | 'bob', KeyObject>;
/** Each version's artifact sha256, which every signature names. */
const artifacts = new Map<string, string>();

function signed(who: 'alice' | 'bob', model: string, version: string, action: 'start' | 'approve', comment: string) {
  const artifactSha256 = artifacts.get(`${model}@${version}`)!;
  return signAction({ pipelineId: `deploy-${model}-${version}`, model, version, artifactSha256, action, comment, signer: who }, keys[who]);
}

async function follow(handle: WorkflowHandle, approveAs: 'bob' | null): Promise<PipelineStatus> {
  let last = '';
  let approved = false;
  for (;;) {
    const status = await handle.query(statusQuery);
    const line = `${status.step}${status.stage ? ` ${status.stage}` : ''}, traffic ${status.trafficPercent}%${status.lastCheck ? `, last check ${status.lastCheck.verdict}` : ''}`;
    if (line !== last) say(`  ${handle.workflowId}: ${line}`);
    last = line;
    if (status.step === 'awaiting_approval' && approveAs && !approved) {
      const comment = 'demo: evidence reviewed';
      const answer = await handle.executeUpdate(approveUpdate, { args: [{ approver: approveAs, comment, signature: signed(approveAs, status.model, status.version, 'approve', comment) }] });
      say(`  ${approveAs} approved, signed with his key: ${answer.accepted ? 'counted' : `refused (${answer.reason})`}`);
      approved = true;
    }
    if (status.step === 'done') return status;
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Run {
  model: string;
  version: string;
  status: PipelineStatus;
  id: string;
}

type Spec = (version: string) => Record<string, unknown>;

async function deploySequence(client: Client, taskQueue: string, model: string, versions: string[], spec: Spec): Promise<Run[]> {
  const runs: Run[] = [];
  for (const version of versions) {
    const { handle, started } = await startPipeline(client, { ...spec(version), signature: signed('alice', model, version, 'start', '') }, taskQueue);
    say(`${started ? 'started' : 'already ran'} pipeline ${handle.workflowId}`);
    const status = await follow(handle, 'bob');
    say(`${handle.workflowId} ended: ${status.outcome}${status.failure ? ` (${status.failure})` : ''}`);
    if (status.lastCheck?.judgement && status.outcome === 'rolled_back') {
      say(`${handle.workflowId} verdict that stopped it: ${describeRollback(status.lastCheck.judgement)}`);
      for (const line of describeJudgement(status.lastCheck.judgement)) say(`    ${line}`);
    }
    runs.push({ model, version, status, id: handle.workflowId });
  }
  return runs;
}

const rolloutCommon = { confirmTimeout: '30s', thresholds: { minRequests: 5, maxErrorRate: 0.05, maxP99Ms: 250, minSuccessRatio: 0 } };
const approval = { approvers: ['bob'], deadline: '1h', reminderBefore: '10m' };
const notify = { recipients: ['ml-ops@modelship.local', 'bob@modelship.local'] };

/** MovieLens: 610 users, judged by thresholds. */
async function movieLens(client: Client, taskQueue: string, gateways: string[], registry: Registry, signal: AbortSignal): Promise<Run[]> {
  const workload = await loadWorkload({ source: process.env.DEMO_DATA ?? 'auto' });
  say(`data: ${workload.source.startsWith('movielens') ? 'MovieLens ml-latest-small' : 'synthetic (MovieLens not found)'}, ${workload.all.users.length} interactions, ${workload.heldOut.length} users held out`);
  await registry.createModel({ name: MODEL, owner: 'team-reco', description: 'implicit ALS on ratings', actor: 'user:alice' });
  const datasets = { train: await uploadDataset(registry, toCsvBytes(workload.train)), validation: await uploadDataset(registry, toCsvBytes(workload.test)) };
  await register(registry, MODEL, workload.train, '1.0.0', { seed: 1, factors: 32 }, datasets.train);
  await register(registry, MODEL, workload.train, '1.1.0', { seed: 2, factors: 32 }, datasets.train);
  await register(registry, MODEL, workload.train, '1.2.0', { seed: 3, factors: 32, faults: { failureRate: 0.3 } }, datasets.train);
  replayTraffic({ gateways, model: MODEL, cases: workload.heldOut, ratePerSec: 60, maxRequests: 200_000, maxDurationMs: 20 * 60_000, concurrency: 4, signal }).catch(() => undefined);
  return deploySequence(client, taskQueue, MODEL, ['1.0.0', '1.1.0', '1.2.0'], (version) => ({
    specVersion: 1,
    model: MODEL,
    version,
    submitter: 'alice',
    datasets,
    gates: { validation: { maxRegression: 0.5 }, scenarios: { latencyBudgetP99Ms: 50 } },
    approval,
    rollout: {
      stages: [
        { name: 'shadow', kind: 'shadow', percent: 10 },
        { name: 'canary', kind: 'traffic', percent: 20 },
        { name: 'half', kind: 'traffic', percent: 50 },
        { name: 'full', kind: 'traffic', percent: 100 },
      ],
      window: '4s',
      checkInterval: '1s',
      bake: '4s',
      ...rolloutCommon,
      judge: 'thresholds',
    },
    notify,
  }));
}

/** A synthetic catalogue with 4,000 users, under the default statistical judge. */
async function synthetic(client: Client, taskQueue: string, gateways: string[], registry: Registry, signal: AbortSignal): Promise<Run[]> {
  const split = leaveLastNSplit(generateSynthetic({ users: SUBTLE_USERS, items: 400, seed: 11 }), 5);
  await registry.createModel({ name: SYNTHETIC, owner: 'team-reco', description: 'implicit ALS on a synthetic catalogue', actor: 'user:alice' });
  const datasets = { train: await uploadDataset(registry, toCsvBytes(split.train)), validation: await uploadDataset(registry, toCsvBytes(split.test)) };
  const als = { factors: 16, iterations: 6 };
  await register(registry, SYNTHETIC, split.train, '1.0.0', { ...als, seed: 1 }, datasets.train);
  await register(registry, SYNTHETIC, split.train, '1.1.0', { ...als, seed: SUBTLE_SEED, faults: SUBTLE_FAULT }, datasets.train);
  await register(registry, SYNTHETIC, split.train, '1.2.0', { ...als, seed: 2 }, datasets.train);
  replayTraffic({ gateways, model: SYNTHETIC, cases: buildHeldOut(split.train, split.test), ratePerSec: 200, maxRequests: 400_000, maxDurationMs: 20 * 60_000, concurrency: 4, signal }).catch(() => undefined);
  return deploySequence(client, taskQueue, SYNTHETIC, ['1.0.0', '1.1.0', '1.2.0'], (version) => ({
    specVersion: 1,
    model: SYNTHETIC,
    version,
    submitter: 'alice',
    datasets,
    gates: { validation: OPEN_GATES.validation, scenarios: { ...OPEN_GATES.scenarios, latencyBudgetP99Ms: 50 } },
    approval,
    rollout: { ...STATISTICAL_ROLLOUT, ...rolloutCommon, judge: STATISTICAL_JUDGE },
    notify,
  }));
}

async function main(): Promise<void> {
  const env = config();
  const gateways = env.GATEWAY_URLS.split(',');
  const mongo = await connectMongo(env);
  await ensureIndexes(mongo.db);
  const registry = createRegistry(mongo.db);
  const home = resolve(env.MODELSHIP_HOME ?? '.data/demo-home');
  keys = await demoPeople(mongo.db, home, createAuditLog(mongo.db, env.AUDIT_HMAC_KEY ? { hmacKey: env.AUDIT_HMAC_KEY } : {}));
  say(`people: alice submits and bob approves, each signing with a key kept in ${home}/keys`);
  const client: Client = await connectClient(env);
  const traffic = new AbortController();
  try {
    const [movielensRuns, syntheticRuns] = await Promise.all([
      movieLens(client, env.TEMPORAL_TASK_QUEUE, gateways, registry, traffic.signal),
      synthetic(client, env.TEMPORAL_TASK_QUEUE, gateways, registry, traffic.signal),
    ]);
    const results = [...movielensRuns, ...syntheticRuns];

    // The worker signed a checkpoint at every pipeline end: the log is held to each, from the database and the folder.
    const paths = auditPaths(env, env.MONGODB_DB);
    const found = [...(await storedCheckpoints(mongo.db)).map((c) => ({ source: `checkpoint ${c._id}`, note: c.note })), ...readCheckpointFiles(paths.checkpointDir)];
    const verifier = readVerifier(env.AUDIT_VERIFIER_KEY ?? paths.verifierKeyFile);
    const audit = await verifyAudit(mongo.db, { ...(env.AUDIT_HMAC_KEY ? { hmacKey: env.AUDIT_HMAC_KEY } : {}), checkpoints: { found, verifier } });
    const signatures = await verifySignatures(mongo.db);
    const reports = resolve(env.REPORTS_DIR);
    console.log('\nWhere to look');
    for (const r of results) {
      console.log(`  ${r.model} ${r.version}: ${r.status.outcome.padEnd(11)} ${webUiLink(env, r.id)}`);
      console.log(`             ${r.status.outcome === 'promoted' ? `report ${reports}/${r.id}/report.html` : `rollback document ${reports}/${r.id}/rollback.md`}`);
      console.log(`             evidence bundle ${reports}/${r.id}/audit-bundle.json (modelship audit verify-bundle <file>)`);
    }
    for (const model of [MODEL, SYNTHETIC]) {
      const monitor = await client.workflow.getHandle(monitorWorkflowId(model)).query(monitorStatusQuery);
      console.log(`  monitoring ${model}: ${monitor.state}, champion ${monitor.champion?.version ?? '-'}, last known good ${monitor.lastKnownGood?.version ?? '-'}; ${webUiLink(env, monitorWorkflowId(model))}`);
    }
    const query = `WorkflowType = '${deployModel.name}' AND ModelName IN ('${MODEL}', '${SYNTHETIC}')`;
    console.log(`  the demo's pipelines in the Web UI: ${webUiQueryLink(env, query)}`);
    console.log(`    query: ${query}`);
    console.log(`    columns: add ${SEARCH_ATTRIBUTE_KEYS.map((k) => k.name).join(', ')} under "Configure Columns"`);
    console.log(`  mail inbox: ${env.MAIL_INBOX_URL}`);
    console.log(`  audit log: ${audit.ok ? `verified, ${audit.checked} events, chains intact, ${audit.checkpoints?.verified ?? 0} signed checkpoints hold (newest signs ${audit.checkpoints?.newest ?? 0} events)` : `BROKEN at ${JSON.stringify(audit.firstBroken)}`}`);
    console.log(`  signatures: ${signatures.verified} of ${signatures.signed} verified again from the log${signatures.firstBad ? `; first bad: ${JSON.stringify(signatures.firstBad)}` : ''}`);
    const expected = ['promoted', 'promoted', 'rolled_back', 'promoted', 'rolled_back', 'promoted'];
    const ok = results.every((r, i) => r.status.outcome === expected[i]) && audit.ok && !signatures.firstBad;
    if (!ok) throw new Error(`the demo did not end as expected: ${results.map((r) => `${r.model} ${r.version} ${r.status.outcome}`).join(', ')}`);
  } finally {
    traffic.abort();
    await client.connection.close();
    await mongo.close();
  }
}

main().catch((err) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
