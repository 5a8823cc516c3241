// The demo: trains a good and a fault-injected model, registers both, deploys a first version, then runs the good one
// through approval to 100% and the bad one until it rolls back at canary, with live replayed traffic throughout.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { resolve } from 'node:path';
import { verifyAudit } from '../src/audit';
import { startPipeline } from '../src/client/start-pipeline';
import { config } from '../src/config';
import { approveSignal, statusQuery, type PipelineStatus } from '../src/contracts/messages';
import { monitorStatusQuery, monitorWorkflowId } from '../src/contracts/monitoring';
import { loadWorkload } from '../src/datasets/workload';
import { connectMongo } from '../src/db';
import { encodeArtifact, toCsvBytes, trainAls, type TrainingFaults } from '../src/models';
import { createRegistry, ensureIndexes, registerArtifact, uploadDataset, type Registry } from '../src/registry';
import { replayTraffic } from '../src/traffic/replayer';
import { connectClient } from '../src/temporal';

const MODEL = 'movielens-als';
const say = (line: string) => console.log(`demo: ${line}`);

async function register(registry: Registry, train: Parameters<typeof trainAls>[0], version: string, seed: number, trainSha: string, faults?: TrainingFaults) {
  const existing = await registry.getVersion(MODEL, version);
  if (existing) return existing.artifact.sha256;
  const started = Date.now();
  const bytes = encodeArtifact(trainAls(train, { factors: 32, seed, faults }));
  const v = await registerArtifact(registry, {
    model: MODEL,
    version,
    bytes,
    metadata: { trainingDataVersion: trainSha, hyperparameters: { factors: 32, seed, faults: faults ?? {} }, codeVersion: 'demo', metrics: {} },
    createdBy: 'user:alice',
  });
  say(`trained and registered ${MODEL} ${version}${faults ? ` (fault injected: ${JSON.stringify(faults)})` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s, sha256 ${v.artifact.sha256.slice(0, 12)}…`);
  return v.artifact.sha256;
}

async function follow(handle: WorkflowHandle, approveAs: string | null): Promise<PipelineStatus> {
  let last = '';
  let approved = false;
  for (;;) {
    const status = await handle.query(statusQuery);
    const line = `${status.step}${status.stage ? ` ${status.stage}` : ''}, traffic ${status.trafficPercent}%${status.lastCheck ? `, last check ${status.lastCheck.verdict}` : ''}`;
    if (line !== last) say(`  ${handle.workflowId}: ${line}`);
    last = line;
    if (status.step === 'awaiting_approval' && approveAs && !approved) {
      await handle.signal(approveSignal, { approver: approveAs, comment: 'demo: evidence reviewed' });
      say(`  ${approveAs} approved by signal`);
      approved = true;
    }
    if (status.step === 'done') return status;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<void> {
  const env = config();
  const gateways = env.GATEWAY_URLS.split(',');
  const mongo = await connectMongo(env);
  await ensureIndexes(mongo.db);
  const registry = createRegistry(mongo.db);
  const client: Client = await connectClient(env);
  const traffic = new AbortController();
  try {
    const workload = await loadWorkload({ source: process.env.DEMO_DATA ?? 'auto' });
    say(`data: ${workload.source.startsWith('movielens') ? 'MovieLens ml-latest-small' : 'synthetic (MovieLens not found)'}, ${workload.all.users.length} interactions, ${workload.heldOut.length} users held out`);
    await registry.createModel({ name: MODEL, owner: 'team-reco', description: 'implicit ALS on ratings', actor: 'user:alice' });
    const datasets = { train: await uploadDataset(registry, toCsvBytes(workload.train)), validation: await uploadDataset(registry, toCsvBytes(workload.test)) };
    await register(registry, workload.train, '1.0.0', 1, datasets.train);
    await register(registry, workload.train, '1.1.0', 2, datasets.train);
    await register(registry, workload.train, '1.2.0', 3, datasets.train, { failureRate: 0.3 });

    const replay = replayTraffic({ gateways, model: MODEL, cases: workload.heldOut, ratePerSec: 60, maxRequests: 200_000, maxDurationMs: 20 * 60_000, concurrency: 4, signal: traffic.signal });
    replay.catch(() => undefined);
    const spec = (version: string) => ({
      specVersion: 1,
      model: MODEL,
      version,
      submitter: 'alice',
      datasets,
      gates: { validation: { maxRegression: 0.5 }, scenarios: { latencyBudgetP99Ms: 50 } },
      approval: { approvers: ['bob'], deadline: '1h', reminderBefore: '10m' },
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
        confirmTimeout: '30s',
        thresholds: { minRequests: 5, maxErrorRate: 0.05, maxP99Ms: 250, minSuccessRatio: 0 },
      },
      notify: { recipients: ['ml-ops@modelship.local', 'bob@modelship.local'] },
    });

    const results: { version: string; status: PipelineStatus; id: string }[] = [];
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
      const { handle, started } = await startPipeline(client, spec(version), env.TEMPORAL_TASK_QUEUE);
      say(`${started ? 'started' : 'already ran'} pipeline ${handle.workflowId}`);
      const status = await follow(handle, 'bob');
      say(`${handle.workflowId} ended: ${status.outcome}${status.failure ? ` (${status.failure})` : ''}`);
      results.push({ version, status, id: handle.workflowId });
    }

    const audit = await verifyAudit(mongo.db, env.AUDIT_HMAC_KEY ? { hmacKey: env.AUDIT_HMAC_KEY } : {});
    const reports = resolve(env.REPORTS_DIR);
    console.log('\nWhere to look');
    for (const r of results) {
      console.log(`  ${r.version}: ${r.status.outcome.padEnd(11)} ${env.TEMPORAL_UI_URL}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows/${r.id}`);
      console.log(`             ${r.status.outcome === 'promoted' ? `report ${reports}/${r.id}/report.html` : `rollback document ${reports}/${r.id}/rollback.md`}`);
    }
    const monitor = await client.workflow.getHandle(monitorWorkflowId(MODEL)).query(monitorStatusQuery);
    console.log(`  monitoring: ${monitor.state}, champion ${monitor.champion?.version ?? '-'}, last known good ${monitor.lastKnownGood?.version ?? '-'}; ${env.TEMPORAL_UI_URL}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows/${monitorWorkflowId(MODEL)}`);
    console.log(`  mail inbox: ${env.MAIL_INBOX_URL}`);
    console.log(`  audit log: ${audit.ok ? `verified, ${audit.checked} events, chains intact` : `BROKEN at ${JSON.stringify(audit.firstBroken)}`}`);
    const expected = ['promoted', 'promoted', 'rolled_back'];
    const ok = results.every((r, i) => r.status.outcome === expected[i]) && audit.ok;
    if (!ok) throw new Error(`the demo did not end as expected: ${results.map((r) => `${r.version} ${r.status.outcome}`).join(', ')}`);
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
