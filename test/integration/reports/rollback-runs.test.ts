import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createReportActivities } from '../../../activities/report-steps';
import type { PipelineOutcomeDoc } from '../../../src/contracts/pipeline-activities';
import type { Mongo } from '../../../src/db';
import { ROLLBACK_DOCUMENTS, type RollbackDocument } from '../../../src/reports';
import { openTestDb } from '../../support/mongo';
import { runCli } from '../cli/run-cli';

jest.setTimeout(120_000);

const MODEL = 'films';
const PIPELINE_ID = `deploy-${MODEL}-3.0.0`;

/** How one run of the pipeline ended: each run of the same version fails for its own reason. */
function failedRun(cause: string): PipelineOutcomeDoc {
  const at = new Date().toISOString();
  return {
    ref: { pipelineId: PIPELINE_ID, model: MODEL, version: '3.0.0' },
    status: {
      pipelineId: PIPELINE_ID, model: MODEL, version: '3.0.0', step: 'done', stage: 'canary', trafficPercent: 0, shadowPercent: 0, paused: false,
      outcome: 'rolled_back', lastCheck: null, approvals: [], approvalsRequired: 1, approvalDeadline: null, champion: '2.0.0', startedAt: at, failure: cause,
    },
    checks: [], evidence: [], timeline: [{ at, event: 'finished: rolled_back' }], compensations: [],
    cause: { type: 'KpiBreach', message: cause, check: null },
  };
}

describe('a version deployed again keeps each run\'s rollback document', () => {
  let mongo: Mongo;
  const dir = mkdtempSync(join(tmpdir(), 'modelship-rollback-runs-'));

  beforeAll(async () => {
    mongo = await openTestDb('rollback_runs');
  });

  afterAll(async () => {
    await mongo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes each run\'s document apart, and `report --rollback` finds the newest or the run asked for', async () => {
    const acts = createReportActivities(mongo.db, dir);
    const inRun = (runId: string) => new MockActivityEnvironment({ workflowExecution: { workflowId: PIPELINE_ID, runId } });
    const first = (await inRun('run-first').run(acts.writeRollbackDocument, failedRun('error rate breach at canary'))) as { path: string };
    const second = (await inRun('run-second').run(acts.writeRollbackDocument, failedRun('latency breach at shadow'))) as { path: string };

    expect(first.path).not.toBe(second.path);
    expect(readFileSync(first.path, 'utf8')).toContain('error rate breach at canary');
    expect(readFileSync(second.path, 'utf8')).toContain('latency breach at shadow');
    const stored = await mongo.db.collection<RollbackDocument & { _id: string; runs: Record<string, RollbackDocument> }>(ROLLBACK_DOCUMENTS).findOne({ _id: PIPELINE_ID });
    expect(stored).toMatchObject({ runId: 'run-second', cause: { message: 'latency breach at shadow' } });
    expect(stored!.runs['run-first']).toMatchObject({ runId: 'run-first', cause: { message: 'error rate breach at canary' } });

    const env = { MONGODB_DB: mongo.db.databaseName, REPORTS_DIR: dir };
    const newest = await runCli(['report', `${MODEL}@3.0.0`, '--rollback'], env);
    expect(newest.code).toBe(0);
    expect(readFileSync(newest.stdout.trim(), 'utf8')).toContain('latency breach at shadow');
    expect(newest.stderr).toContain('newest of 2 runs\' rollback documents (run run-second); the others: --run run-first');
    const earlier = await runCli(['report', `${MODEL}@3.0.0`, '--rollback', '--run', 'run-first'], env);
    expect(earlier.code).toBe(0);
    expect(readFileSync(earlier.stdout.trim(), 'utf8')).toContain('error rate breach at canary');
    const unknown = await runCli(['report', `${MODEL}@3.0.0`, '--rollback', '--run', 'run-none'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--run run-none: no rollback document of deploy-films-3.0.0 was written by that run; runs with one: run-second, run-first');
  });
});
