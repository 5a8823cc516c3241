import { plannedKpis } from '../../../src/verdicts/planned-kpis';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../../activities';
import { createAuditLog } from '../../../src/audit';
import { config } from '../../../src/config';
import { pipelineSpecSchema, type PipelineSpec } from '../../../src/contracts/pipeline-spec';
import type { IngestSummary, PipelineOutcomeDoc, PipelineRef } from '../../../src/contracts/pipeline-activities';
import { createMailer, OUTBOX, type Mailer } from '../../../src/notify';
import { ROUTE_HISTORY } from '../../../src/routing';
import { startGateway, type GatewayProcess } from '../../support/gateway-process';
import { waitForMail } from '../../support/inbox';
import { openTestDb } from '../../support/mongo';
import { createPipelineFixture, type PipelineFixture } from '../../support/pipeline-fixture';
import type { Mongo } from '../../../src/db';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

describe('pipeline activities on FerretDB, SMTP and a real gateway', () => {
  let mongo: Mongo;
  let mailer: Mailer;
  let fixture: PipelineFixture;
  let acts: ReturnType<typeof createActivities>;
  let gateway: GatewayProcess;
  let spec: PipelineSpec;
  let ingest: IngestSummary;
  const env = new MockActivityEnvironment();
  /** Runs an activity inside an activity context (heartbeats, cancellation), keeping its types. */
  const run = { run: <A, R>(fn: (input: A) => Promise<R>, input: A): Promise<R> => env.run(fn as never, input) as Promise<R> };
  const model = `acts-${randomUUID().slice(0, 6)}`;
  const ref: PipelineRef = { pipelineId: `deploy-${model}-1.1.0`, model, version: '1.1.0' };
  const reportsDir = mkdtempSync(join(tmpdir(), 'modelship-reports-'));

  beforeAll(async () => {
    mongo = await openTestDb('acts');
    mailer = createMailer(config());
    fixture = await createPipelineFixture(mongo.db, model);
    await fixture.register('1.0.0', { seed: 1 });
    await fixture.register('1.1.0', { seed: 2 });
    acts = createActivities({ db: mongo.db, mailer, auditLog: createAuditLog(mongo.db), reportsDir, replicaStaleMs: 3000, allowUnsigned: true });
    spec = pipelineSpecSchema.parse({
      specVersion: 1, model, version: '1.1.0', submitter: 'alice', datasets: fixture.datasets,
      approval: { approvers: ['bob'], requireSignatures: false }, notify: { recipients: [`ops-${model}@example.test`] },
    });
    gateway = await startGateway({ MONGODB_URI: config().MONGODB_URI, MONGODB_DB: mongo.db.databaseName, GATEWAY_POLL_MS: '100', GATEWAY_KPI_FLUSH_MS: '200' }, `acts-${model}`);
  });

  afterAll(async () => {
    await gateway?.stop();
    mailer?.close();
    await mongo?.close();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  it('refuses a spec with a wrong field as a permanent failure naming the field', async () => {
    const err = (await run.run(acts.acceptSpec, { pipelineId: 'p', spec: { ...spec, approval: { approvers: [] } } }).catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
    expect(err.message).toContain('approval.approvers: must name at least one approver');
  });

  it('ingests the registered artifact and datasets, and refuses an unknown version', async () => {
    ingest = await run.run(acts.ingest, { ref, spec });
    expect(ingest).toMatchObject({ kind: 'embedding', dims: 16, champion: null });
    expect(ingest.datasets.train.rows).toBeGreaterThan(1000);
    const err = await run.run(acts.ingest, { ref: { ...ref, version: '9.9.9' }, spec }).catch((e: unknown) => e as ApplicationFailure);
    expect(err).toMatchObject({ type: 'UnknownModel', nonRetryable: true });
  });

  it('runs each offline gate on the real inputs', async () => {
    for (const gate of ['validation', 'scenarios', 'quality'] as const) {
      const evidence = await run.run(acts.runGate, { ref, gate, spec, ingest });
      expect(evidence.gate).toBe(gate);
      expect(evidence.checks.length).toBeGreaterThan(0);
    }
  });

  it('judges a spec accepted before latencyMaxRatio existed with its default', async () => {
    const { latencyMaxRatio: _added, ...before } = spec.gates.scenarios;
    const older = { ...spec, gates: { ...spec.gates, scenarios: before } } as PipelineSpec;
    const evidence = await run.run(acts.runGate, { ref, gate: 'scenarios', spec: older, ingest });
    expect(evidence.checks.find((c) => c.name === 'latency_p99')!.thresholds).toMatchObject({ latencyMaxRatio: 1.5 });
  });

  it('changes status once per key, and refuses an illegal transition permanently', async () => {
    for (let i = 0; i < 3; i++) await run.run(acts.transitionStatus, { ref, to: 'validating', key: `${ref.pipelineId}:status:validating`, actor: 'pipeline', reason: 'test' });
    const version = await fixture.registry.getVersion(model, '1.1.0');
    expect(version!.history.map((h) => h.to)).toEqual(['registered', 'validating']);
    const err = await run.run(acts.transitionStatus, { ref, to: 'production', key: 'illegal', actor: 'pipeline', reason: 'test' }).catch((e: unknown) => e as ApplicationFailure);
    expect(err).toMatchObject({ type: 'IllegalTransition', nonRetryable: true });
  });

  it('appends an audit event once per key', async () => {
    for (let i = 0; i < 3; i++) {
      await run.run(acts.audit, { ref, key: `${ref.pipelineId}:gate:validation`, type: 'gate.validation', actor: 'pipeline', outcome: 'success', evidence: { pass: true } });
    }
    expect(await mongo.db.collection('audit_events').countDocuments({ pipelineId: ref.pipelineId })).toBe(1);
  });

  it('sends a mail once per key', async () => {
    const mail = { ref, key: `${ref.pipelineId}:mail:approval-requested`, kind: 'approval_requested' as const, to: spec.notify.recipients, subject: 'Approval needed', lines: ['please look'] };
    for (let i = 0; i < 3; i++) await run.run(acts.notify, mail);
    await new Promise((r) => setTimeout(r, 500));
    const received = await waitForMail((m) => m.to.some((t) => t.address === spec.notify.recipients[0]), { count: 2, timeoutMs: 1000 });
    expect(received).toHaveLength(1);
    expect(received[0].subject).toBe('[modelship] Approval needed');
    expect(received[0].text).toContain(`${ref.pipelineId} in the Temporal Web UI: http`);
    expect(await mongo.db.collection(OUTBOX).countDocuments({ _id: mail.key } as never)).toBe(1);
  });

  it('applies a routing change once per key and confirms it live on the real gateway', async () => {
    const stable = { version: '1.0.0', sha256: (await fixture.registry.getVersion(model, '1.0.0'))!.artifact.sha256 };
    const spec10 = { stable, candidate: { version: '1.1.0', sha256: ingest.artifactSha256, percent: 10 }, shadow: null, killSwitch: 'off' as const };
    const first = await run.run(acts.applyRoute, { ref, key: `${ref.pipelineId}:route:canary`, spec: spec10, actor: 'pipeline', reason: 'canary' });
    const again = await run.run(acts.applyRoute, { ref, key: `${ref.pipelineId}:route:canary`, spec: spec10, actor: 'pipeline', reason: 'canary' });
    expect(again.generation).toBe(first.generation);
    expect(await mongo.db.collection(ROUTE_HISTORY).countDocuments({ model })).toBe(1);
    const live = await run.run(acts.confirmRouteLive, { model, generation: first.generation, timeoutMs: 5000 });
    expect(live.replicas).toEqual([`acts-${model}`]);
    expect(await run.run(acts.readRoute, { model })).toEqual({ generation: first.generation, spec: spec10 });
    const late = await run.run(acts.confirmRouteLive, { model, generation: first.generation + 5, timeoutMs: 300 }).catch((e: unknown) => e as ApplicationFailure);
    expect(late).toMatchObject({ type: 'RouteNotConfirmed' });
  });

  it('reads the KPIs the gateway recorded for candidate and stable', async () => {
    const from = Date.now();
    for (let user = 1; user <= 200; user++) await fetch(`${gateway.url}/v1/recommendations?model=${model}&user=${user}`);
    await new Promise((r) => setTimeout(r, 700));
    const toMs = Date.now() + 1000;
    const input = {
      ref, stage: { name: 'canary', kind: 'traffic' as const, percent: 10 }, candidate: '1.1.0', stable: '1.0.0',
      fromMs: from, toMs, thresholds: spec.rollout.thresholds, judge: spec.rollout.judge,
      stages: [{ label: 'canary', kind: 'traffic' as const, percent: 10, fromMs: from, checkTimes: [toMs] }],
      kpis: plannedKpis(true, false, 0),
    };
    const check = await run.run(acts.checkKpis, input);
    expect(check.candidate.requests + check.stable!.requests).toBe(200);
    expect(check.candidate.requests).toBeGreaterThan(5);
    expect(check.candidate.requests).toBeLessThan(40);
    // The statistical judge sees the same requests per arm, and 200 requests prove nothing either way.
    const success = check.judgement!.kpis.find((k) => k.kpi === 'success_vs_stable')!;
    expect(success.candidate.requests).toBe(check.candidate.requests);
    expect(success.stable!.requests).toBe(check.stable!.requests);
    // Users are counted among those the replicas sample (up to 50 a second per version): at most one per request.
    expect(success.candidate.users).toBeGreaterThan(0);
    expect(success.candidate.users).toBeLessThanOrEqual(success.candidate.requests);
    expect(success.stable!.users).toBeGreaterThan(0);
    expect(success.stable!.users).toBeLessThanOrEqual(success.stable!.requests);
    expect(check.judgement!.verdict).toBe('undecided');
    expect(check.verdict).toBe('pass');
    const thresholds = await run.run(acts.checkKpis, { ...input, judge: { ...input.judge, kind: 'thresholds' as const } });
    expect(thresholds.judgement).toBeNull();
    expect(thresholds.rules.map((r) => r.rule)).toContain('success_ratio_vs_stable');
  });

  it('moves an alias once per key and treats an undo with nothing to undo as done', async () => {
    const move = { ref, alias: 'champion' as const, to: '1.1.0', expected: null, key: `${ref.pipelineId}:champion`, actor: 'pipeline', reason: 'promoted' };
    await run.run(acts.moveAlias, move);
    await run.run(acts.moveAlias, move);
    expect((await fixture.registry.aliasHistory(model, 'champion')).map((h) => h.to)).toEqual(['1.1.0']);
    const undo = { ...move, to: null, expected: '1.1.0', key: `${ref.pipelineId}:restore-champion` };
    await run.run(acts.moveAlias, undo);
    await run.run(acts.moveAlias, undo);
    expect((await fixture.registry.getAlias(model, 'champion')).version).toBeNull();
  });

  it('lets one pipeline per model hold the rollout lock', async () => {
    expect(await run.run(acts.acquireRolloutLock, { ref })).toEqual({ acquired: true, holder: ref.pipelineId });
    expect(await run.run(acts.acquireRolloutLock, { ref })).toEqual({ acquired: true, holder: ref.pipelineId });
    const other = { ...ref, pipelineId: `deploy-${model}-1.2.0`, version: '1.2.0' };
    expect(await run.run(acts.acquireRolloutLock, { ref: other })).toEqual({ acquired: false, holder: ref.pipelineId });
    await run.run(acts.releaseRolloutLock, { ref: other });
    expect(await run.run(acts.acquireRolloutLock, { ref: other })).toMatchObject({ acquired: false });
    await run.run(acts.releaseRolloutLock, { ref });
    expect(await run.run(acts.acquireRolloutLock, { ref: other })).toEqual({ acquired: true, holder: other.pipelineId });
  });

  it('writes the rollback document to a file and MongoDB, once per pipeline', async () => {
    const doc: PipelineOutcomeDoc = {
      ref,
      status: {
        pipelineId: ref.pipelineId, model, version: '1.1.0', step: 'done', stage: 'canary', trafficPercent: 0, shadowPercent: 0, paused: false,
        outcome: 'rolled_back', lastCheck: null, approvals: [], approvalsRequired: 1, approvalDeadline: null, champion: '1.0.0',
        startedAt: new Date(Date.now() - 60_000).toISOString(), failure: 'KPI breach at canary',
      },
      checks: [], evidence: [], timeline: [{ at: new Date().toISOString(), event: 'finished: rolled_back' }],
      compensations: [{ key: `${ref.pipelineId}:restore-route`, description: 'restore the routing as it was before the rollout', outcome: 'done', at: new Date().toISOString() }],
      cause: { type: 'KpiBreach', message: 'KPI breach at canary', check: null },
    };
    const first = await run.run(acts.writeRollbackDocument, doc);
    await run.run(acts.writeRollbackDocument, doc);
    expect(readFileSync(first.path, 'utf8')).toContain('KPI breach at canary');
    expect(await mongo.db.collection('rollback_documents').countDocuments({ _id: ref.pipelineId } as never)).toBe(1);
  });
});
