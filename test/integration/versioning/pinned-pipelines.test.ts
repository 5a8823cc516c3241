import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createAuditLog } from '../../../src/audit';
import { startPipeline } from '../../../src/client/start-pipeline';
import { config } from '../../../src/config';
import { rejectSignal, statusQuery } from '../../../src/contracts/messages';
import type { Mongo } from '../../../src/db';
import { createMailer, type Mailer } from '../../../src/notify';
import { connectClient } from '../../../src/temporal';
import { createWorker } from '../../../src/worker';
import { openTestDb } from '../../support/mongo';
import { createPipelineFixture, type PipelineFixture } from '../../support/pipeline-fixture';
import { makeBuildCurrent } from '../../support/worker-deployments';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

/** The build a pipeline's workflow tasks ran on: every completed task names its worker's deployment version. */
async function buildsOf(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  const builds = (history.events ?? []).map((e) => e.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId).filter((b): b is string => !!b);
  return [...new Set(builds)];
}

describe('worker versioning: a pipeline stays on the build it started on', () => {
  const id = randomUUID().slice(0, 6);
  const base = { ...config(), TEMPORAL_TASK_QUEUE: `versioned-${id}`, WORKER_DEPLOYMENT_NAME: `modelship-${id}` };
  const reportsDir = mkdtempSync(join(tmpdir(), 'modelship-versioning-'));
  const model = `versioned-${id}`;
  let mongo: Mongo;
  let mailer: Mailer;
  let client: Client;
  let fixture: PipelineFixture;
  const workers: { worker: Worker; running: Promise<void> }[] = [];

  async function startBuild(buildId: string): Promise<void> {
    const env = { ...base, WORKER_BUILD_ID: buildId };
    const worker = await createWorker(env, { db: mongo.db, mailer, auditLog: createAuditLog(mongo.db), reportsDir, temporal: { client, taskQueue: env.TEMPORAL_TASK_QUEUE }, allowUnsigned: true });
    workers.push({ worker, running: worker.run() });
    await makeBuildCurrent(client, base.TEMPORAL_NAMESPACE, base.WORKER_DEPLOYMENT_NAME, buildId);
  }

  async function untilApproval(version: string): Promise<WorkflowHandle> {
    await fixture.register(version, { seed: 1 });
    const spec = { specVersion: 1, model, version, submitter: 'alice', datasets: fixture.datasets, gates: { validation: { maxRegression: 0.5 }, scenarios: { latencyBudgetP99Ms: 50 } }, approval: { approvers: ['bob'], requireSignatures: false } };
    const { handle } = await startPipeline(client, spec, base.TEMPORAL_TASK_QUEUE);
    for (let i = 0; i < 600 && (await handle.query(statusQuery)).step !== 'awaiting_approval'; i++) await new Promise((r) => setTimeout(r, 100));
    return handle;
  }

  beforeAll(async () => {
    mongo = await openTestDb('versioning');
    mailer = createMailer(base);
    client = await connectClient(base);
    fixture = await createPipelineFixture(mongo.db, model);
  });

  afterAll(async () => {
    for (const w of workers) w.worker.shutdown();
    await Promise.all(workers.map((w) => w.running));
    await client?.connection.close();
    mailer?.close();
    await mongo?.close();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  it('finishes a pipeline started on build 1 on build 1, while a pipeline started after build 2 became current runs on build 2', async () => {
    await startBuild('build-1');
    const first = await untilApproval('1.0.0');

    await startBuild('build-2');
    const second = await untilApproval('1.1.0');

    // Both decisions arrive after build 2 became current; the first pipeline still takes its on build 1.
    await first.signal(rejectSignal, { approver: 'bob', comment: 'not this one' });
    await second.signal(rejectSignal, { approver: 'bob', comment: 'nor this one' });
    expect(await first.result()).toMatchObject({ outcome: 'rejected', stoppedAt: 'awaiting_approval' });
    expect(await second.result()).toMatchObject({ outcome: 'rejected', stoppedAt: 'awaiting_approval' });

    expect(await buildsOf(first)).toEqual(['build-1']);
    expect(await buildsOf(second)).toEqual(['build-2']);
    const pinned = (await first.describe()).raw.workflowExecutionInfo?.versioningInfo;
    expect({ build: pinned?.deploymentVersion?.buildId, behavior: pinned?.behavior }).toEqual({ build: 'build-1', behavior: 1 });
  });
});
