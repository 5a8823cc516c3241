import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createWorkerAuditLog } from '../../../src/worker/worker-audit-log';
import { config } from '../../../src/config';
import { statusQuery, type PipelineStatus } from '../../../src/contracts/messages';
import type { Mongo } from '../../../src/db';
import { createMailer, type Mailer } from '../../../src/notify';
import { createRegistry, ensureIndexes } from '../../../src/registry';
import { ensureRoutingIndexes } from '../../../src/routing';
import { connectClient } from '../../../src/temporal';
import { createWorker } from '../../../src/worker';
import { startGateway, type GatewayProcess } from '../../support/gateway-process';
import { stopMonitor } from '../../support/monitors';
import { openTestDb } from '../../support/mongo';
import { runCli, writeModelFiles } from './run-cli';
import { enrolPeople } from '../../support/enrol-people';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(240_000));

describe('modelship CLI: pipelines on the real stack', () => {
  const model = `cli-${randomUUID().slice(0, 6)}`;
  const queue = `cli-${model}`;
  const dir = mkdtempSync(join(tmpdir(), 'modelship-cli-'));
  const baseEnv = { ...config(), TEMPORAL_TASK_QUEUE: queue };
  let env: Record<string, string | undefined>;
  let mongo: Mongo;
  let mailer: Mailer;
  let worker: Worker;
  let running: Promise<void>;
  let client: Client;
  let gateway: GatewayProcess;
  let traffic: Promise<void> | undefined;
  const trafficStop = new AbortController();
  let files: Awaited<ReturnType<typeof writeModelFiles>>;
  let datasets: { train: string; validation: string };
  let fingerprints: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);
  const id = (version: string) => `deploy-${model}-${version}`;

  async function waitFor(version: string, ok: (s: PipelineStatus) => boolean, what: string): Promise<PipelineStatus> {
    const handle = client.workflow.getHandle(id(version));
    for (let i = 0; i < 900; i++) {
      const s = await handle.query(statusQuery).catch(() => null);
      if (s && ok(s)) return s;
      if (s && s.outcome !== 'running' && !ok(s)) throw new Error(`${id(version)} ended ${s.outcome} (${s.failure}) before ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${id(version)}: timed out waiting for ${what}`);
  }

  const spec = (version: string, window: string) => ({
    specVersion: 1,
    model,
    version,
    submitter: 'alice',
    datasets,
    gates: { validation: { maxRegression: 0.9 }, scenarios: { latencyBudgetP99Ms: 100, maxShadowNdcgDrop: 0.9 } },
    approval: { approvers: ['bob', 'carol'] },
    rollout: {
      stages: [{ name: 'canary', kind: 'traffic', percent: 50 }, { name: 'full', kind: 'traffic', percent: 100 }],
      window,
      checkInterval: '500ms',
      bake: window,
      confirmTimeout: '15s',
      thresholds: { minRequests: 5, maxP99Ms: 250, minSuccessRatio: 0 },
      // The commands, not the verdict, are under test here; see statistical-verdicts.test.ts for the default judge.
      judge: 'thresholds',
    },
  });

  beforeAll(async () => {
    mongo = await openTestDb('cli_pipe');
    await ensureIndexes(mongo.db);
    await ensureRoutingIndexes(mongo.db);
    env = { MONGODB_DB: mongo.db.databaseName, TEMPORAL_TASK_QUEUE: queue, REPORTS_DIR: dir, MODELSHIP_USER: 'alice', MODELSHIP_HOME: join(dir, 'home') };
    // Every start, decision and action below is signed by the CLI with its sender's key; mallory has none.
    fingerprints = await enrolPeople(mongo.db, join(dir, 'home'), { alice: ['submitter', 'operator'], bob: ['approver'], carol: ['approver'], 'ops-dan': ['operator'] });
    files = await writeModelFiles(dir, [1, 2, 3, 4, 5]);
    mailer = createMailer(baseEnv);
    gateway = await startGateway({ MONGODB_URI: baseEnv.MONGODB_URI, MONGODB_DB: mongo.db.databaseName, GATEWAY_POLL_MS: '100', GATEWAY_KPI_FLUSH_MS: '250' }, `${model}-a`);
    client = await connectClient(baseEnv);
    const temporal = { client, taskQueue: baseEnv.TEMPORAL_TASK_QUEUE };
    worker = await createWorker(baseEnv, { db: mongo.db, mailer, auditLog: createWorkerAuditLog(mongo.db, baseEnv, dir), reportsDir: dir, replicaStaleMs: 3000, temporal });
    running = worker.run();
    // Live requests for the whole file: a monitoring window without candidate requests never passes.
    traffic = (async () => {
      for (let i = 0; !trafficStop.signal.aborted; i++) {
        await fetch(`${gateway.url}/v1/recommendations?model=${model}&user=${1 + (i % 200)}`).then((r) => r.body?.cancel()).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
  });

  afterAll(async () => {
    trafficStop.abort();
    await traffic;
    if (client) await stopMonitor(client, model);
    worker?.shutdown();
    await running;
    await client?.connection.close();
    await gateway?.stop();
    mailer?.close();
    await mongo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers, deploys from flags, refuses a non-approver, approves, watches to promotion and reports', async () => {
    const reg = await cli('register', files.artifacts[1], '--model', model, '--version', '1.0.0', '--create-model', '--owner', 'team-reco',
      '--train-data', files.train, '--validation-data', files.validation, '--code-version', 'c1', '--json');
    expect(reg.code).toBe(0);
    datasets = JSON.parse(reg.stdout).datasets;

    const deploy = await cli('deploy', '--model', model, '--version', '1.0.0', '--train', datasets.train, '--validation', datasets.validation,
      '--approver', 'bob', '--window', '2s', '--check-interval', '500ms', '--bake', '2s', '--confirm-timeout', '15s',
      '--set', 'gates.scenarios.latencyBudgetP99Ms=100', '--set', 'rollout.thresholds.minRequests=5');
    expect(deploy.stderr).toBe('');
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toContain(`started pipeline ${id('1.0.0')}`);
    expect(deploy.stdout).toContain(`Web UI: ${config().TEMPORAL_UI_URL}/namespaces/${config().TEMPORAL_NAMESPACE}/workflows/${id('1.0.0')}`);

    await waitFor('1.0.0', (s) => s.step === 'awaiting_approval', 'approval');
    const status = await cli('status', `${model}@1.0.0`);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/step\s+awaiting_approval/);
    expect(status.stdout).toContain('approvals  0/1');

    const mallory = await cli('approve', `${model}@1.0.0`, '--comment', 'let me in', '--as', 'mallory');
    expect(mallory.code).toBe(1);
    expect(mallory.stderr).toContain('approve by mallory refused by pipeline');
    expect(mallory.stderr).toContain('unsigned: this pipeline counts only signed decisions');
    // Answered at once by the workflow, through an Update: nothing is rolled out to promote yet.
    const early = await cli('promote', `${model}@1.0.0`, '--reason', 'in a hurry', '--as', 'ops-dan');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`promote by ops-dan refused by pipeline ${id('1.0.0')}: nothing is rolled out yet: the pipeline is at awaiting_approval; reject it instead`);

    const approve = await cli('approve', id('1.0.0'), '--comment', 'evidence reviewed', '--as', 'bob');
    expect(approve.stderr).toBe('');
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain('approval by bob accepted');

    const watch = await cli('watch', `${model}@1.0.0`);
    expect(watch.code).toBe(0);
    expect(watch.stdout).toContain('[##########] 100%');
    expect(watch.stdout).toContain(`pipeline ${id('1.0.0')} ended: promoted`);

    const [json, list, report, again, routes, show, verify, exported] = await Promise.all([
      cli('status', id('1.0.0'), '--json'),
      cli('list', '--model', model, '--json'),
      cli('report', id('1.0.0')),
      cli('approve', id('1.0.0'), '--comment', 'late', '--as', 'bob'),
      cli('routes', 'show', model),
      cli('models', 'show', model),
      cli('audit', 'verify', '--pipeline', id('1.0.0')),
      cli('audit', 'export', '--pipeline', `${model}@1.0.0`),
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({ outcome: 'promoted', trafficPercent: 100, approvals: [expect.objectContaining({ approver: 'mallory', accepted: false }), expect.objectContaining({ approver: 'bob', accepted: true })] });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ pipelineId: id('1.0.0'), model, version: '1.0.0' })]));
    expect(report.code).toBe(0);
    expect(existsSync(report.stdout.trim())).toBe(true);
    expect(report.stdout.trim()).toMatch(/report\.html$/);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`pipeline ${id('1.0.0')} is finished (promoted); nothing to approve`);
    expect(routes.stdout).toMatch(new RegExp(`${model}\\s+\\d+\\s+1\\.0\\.0`));
    expect(show.stdout).toMatch(/1\.0\.0\s+production\s+champion/);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('audit log intact');
    // alice's start, ops-dan's early promote (proven, then refused) and bob's approval, checked again from the log alone.
    expect(verify.stdout).toContain('signatures: 3 of 3 verified');
    const events = exported.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.some((e) => e.type === 'approval.approve' && e.outcome === 'refused')).toBe(true);
    expect(events.find((e) => e.type === 'operator.promote')).toMatchObject({ outcome: 'refused', actor: 'user:ops-dan' });
    const approval = events.find((e) => e.type === 'approval.approve' && e.outcome === 'success');
    expect(approval.evidence).toMatchObject({ approver: 'bob', fingerprint: fingerprints.bob, identity: { verified: true, signer: 'bob', fingerprint: fingerprints.bob, signed: { action: 'approve', comment: 'evidence reviewed', pipelineId: id('1.0.0') } } });
    expect(approval.evidence.identity.value).toMatch(/^[A-Za-z0-9+/]{86}==$/);
  });

  it("pauses and resumes the model's monitor with signed actions, and refuses what a monitor cannot do", async () => {
    const monitor = `monitor-${model}`;
    const paused = await cli('pause', monitor, '--reason', 'planned outage');
    expect(paused.stderr).toBe('');
    expect(paused.stdout).toContain(`pause by alice accepted for ${monitor}: paused: checks go on and are shown, but nothing alerts or rolls back until it is resumed`);
    const shown = await cli('monitor', model);
    expect(shown.stdout).toMatch(/paused +by alice at \S+: planned outage \(resume with modelship resume monitor-/);
    const [promote, rollback, byApprover] = await Promise.all([
      cli('promote', monitor, '--reason', 'why not'),
      cli('rollback', monitor, '--reason', 'nothing to go back to'),
      cli('resume', monitor, '--reason', 'not mine', '--as', 'bob'),
    ]);
    expect(promote.stderr).toContain(`promote by alice refused by monitor ${monitor}: a monitor has no rollout to promote`);
    expect(rollback.stderr).toContain('there is no last-known-good version to roll back to');
    expect(byApprover.stderr).toContain(`bob does not hold the operator role for model ${model}`);
    expect((await cli('resume', monitor, '--reason', 'done')).code).toBe(0);
    expect((await cli('monitor', model, '--json')).stdout).toContain('"paused": null');
    const events = await mongo.db.collection('audit_events').find({ pipelineId: monitor, type: /^monitor\.(pause|resume|promote|rollback)$/ }).sort({ seq: 1 }).toArray();
    expect(events.map((e) => [e.type, e.outcome, e.actor])).toEqual(expect.arrayContaining([
      ['monitor.pause', 'success', 'user:alice'],
      ['monitor.promote', 'refused', 'user:alice'],
      ['monitor.rollback', 'refused', 'user:alice'],
      ['monitor.resume', 'refused', 'user:bob'],
      ['monitor.resume', 'success', 'user:alice'],
    ]));
    expect(events.find((e) => e.type === 'monitor.pause')?.evidence.identity).toMatchObject({ verified: true, signer: 'alice', signed: { pipelineId: monitor, action: 'pause', version: '1.0.0' } });
  });

  it('refuses, before anything starts, a deploy of what is not registered, a --set that reaches a prototype and an oversized spec, naming what was typed', async () => {
    const unknownSha = 'f'.repeat(64);
    const byFlags = await cli('deploy', '--model', model, '--version', '9.9.9', '--train', datasets.train, '--validation', unknownSha, '--approver', 'bob');
    expect(byFlags.code).toBe(2);
    expect(byFlags.stderr).toContain(`--version: ${model} has no version 9.9.9; register it first`);
    expect(byFlags.stderr).toContain(`--validation: no dataset with sha256 ${unknownSha} is stored`);

    const path = join(dir, 'unregistered.json');
    writeFileSync(path, JSON.stringify({ ...spec('9.9.9', '2s'), model: 'nobody-here' }));
    const byFile = await cli('deploy', path);
    expect(byFile.code).toBe(2);
    expect(byFile.stderr).toContain('model: no model named "nobody-here" is registered');

    const polluting = await cli('deploy', path, '--set', '__proto__.polluted=1');
    expect(polluting.code).toBe(2);
    expect(polluting.stderr).toContain('--set __proto__.polluted: "__proto__" is not a field of the spec');

    const huge = join(dir, 'huge.json');
    writeFileSync(huge, JSON.stringify({ ...spec('9.9.9', '2s'), padding: 'x'.repeat(2 * 1024 * 1024) }));
    const oversized = await cli('deploy', huge);
    expect(oversized.code).toBe(2);
    expect(oversized.stderr).toMatch(/huge\.json: is \d+ bytes; a spec or policy file may be at most 1048576 bytes/);

    for (const wf of [id('9.9.9'), 'deploy-nobody-here-9.9.9']) await expect(client.workflow.getHandle(wf).describe()).rejects.toThrow();
  });

  it('steers rollouts: pause, resume, promote, rollback, abort and reject', async () => {
    for (const [seed, version] of [[2, '1.1.0'], [3, '1.2.0'], [4, '1.3.0'], [5, '1.4.0']] as const) {
      const r = await cli('register', files.artifacts[seed], '--model', model, '--version', version, '--code-version', 'c1', '--training-data-version', datasets.train);
      expect(r.code).toBe(0);
    }
    writeFileSync(join(dir, 'spec-1.1.0.yaml'), JSON.stringify(spec('1.1.0', '60s'))); // JSON is YAML too
    for (const v of ['1.2.0', '1.3.0', '1.4.0']) writeFileSync(join(dir, `spec-${v}.json`), JSON.stringify(spec(v, '60s')));
    const started = await Promise.all([
      cli('deploy', join(dir, 'spec-1.1.0.yaml')),
      ...['1.2.0', '1.3.0', '1.4.0'].map((v) => cli('deploy', join(dir, `spec-${v}.json`), '--json')),
    ]);
    expect(started.map((s) => s.code)).toEqual([0, 0, 0, 0]);
    expect(JSON.parse(started[1].stdout)).toMatchObject({ workflowId: id('1.2.0'), started: true });

    await Promise.all(['1.1.0', '1.2.0', '1.3.0', '1.4.0'].map((v) => waitFor(v, (s) => s.step === 'awaiting_approval', 'approval')));
    const decisions = await Promise.all([
      cli('approve', `${model}@1.1.0`, '--comment', 'ok', '--as', 'bob'),
      cli('approve', `${model}@1.2.0`, '--comment', 'ok', '--as', 'carol'),
      cli('approve', `${model}@1.3.0`, '--comment', 'ok', '--as', 'bob'),
      cli('reject', `${model}@1.4.0`, '--comment', 'not this one', '--as', 'carol'),
    ]);
    expect(decisions.map((d) => d.code)).toEqual([0, 0, 0, 0]);
    expect(decisions[3].stdout).toContain('rejection by carol accepted');

    // One rollout per model: whichever got the lock first is in its canary window.
    const first = await Promise.race(['1.1.0', '1.2.0', '1.3.0'].map((v) => waitFor(v, (s) => s.stage === 'canary' && s.trafficPercent === 50, 'canary').then(() => v)));
    const [others] = [['1.1.0', '1.2.0', '1.3.0'].filter((v) => v !== first)];
    expect((await cli('pause', `${model}@${first}`, '--reason', 'looking closer')).code).toBe(0);
    await waitFor(first, (s) => s.paused, 'pause');
    const listed = await cli('list', '--model', model, '--outcome', 'running');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id(first));
    expect((await cli('resume', `${model}@${first}`)).code).toBe(0);
    await waitFor(first, (s) => !s.paused, 'resume');
    const promoted = await cli('promote', `${model}@${first}`, '--reason', 'seen enough');
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toContain('promotion requested: the remaining windows are skipped at the next check');
    expect((await cli('watch', `${model}@${first}`)).code).toBe(0);

    const second = await Promise.race(others.map((v) => waitFor(v, (s) => s.stage === 'canary' && s.trafficPercent === 50, 'canary').then(() => v)));
    const third = others.find((v) => v !== second)!;
    const rollback = await cli('rollback', `${model}@${second}`, '--reason', 'bad feeling');
    expect(rollback.code).toBe(0);
    const watchRolledBack = await cli('watch', `${model}@${second}`);
    expect(watchRolledBack.code).toBe(1);
    expect(watchRolledBack.stdout).toContain('ended: rolled_back');
    const doc = await cli('report', `${model}@${second}`, '--rollback');
    expect(doc.code).toBe(0);
    expect(doc.stdout.trim()).toMatch(/rollback\.md$/);
    expect(existsSync(doc.stdout.trim())).toBe(true);

    await waitFor(third, (s) => s.stage === 'canary' && s.trafficPercent === 50, 'canary');
    expect((await cli('abort', `${model}@${third}`, '--reason', 'stop')).code).toBe(0);
    const watchAborted = await cli('watch', `${model}@${third}`);
    expect(watchAborted.code).toBe(1);

    const [rejected, finishedPause, routes] = await Promise.all([
      cli('status', `${model}@1.4.0`, '--json'),
      cli('pause', `${model}@${third}`),
      cli('routes', 'show', model, '--json'),
    ]);
    expect(JSON.parse(rejected.stdout).outcome).toBe('rejected');
    expect(finishedPause.code).toBe(1);
    expect(finishedPause.stderr).toContain('is finished');
    expect(JSON.parse(routes.stdout)[0]).toMatchObject({ stable: { version: first }, candidate: null });
  });

  it('deploys a model brought as ONNX from register to promotion, served in onnxruntime, and refuses a malformed one at register', async () => {
    const good = join(dir, 'model.onnx');
    writeFileSync(good, (await onnxModelFile(files.train, 6)).good);
    const malformed = (await onnxModelFile(files.train, 6)).malformed;
    for (const [name, bytes, reason] of malformed) {
      const path = join(dir, `${name}.onnx`);
      writeFileSync(path, bytes);
      const refused = await cli('register', path, '--model', model, '--version', '9.0.0', '--code-version', 'c1', '--training-data-version', datasets.train);
      expect({ name, code: refused.code }).toEqual({ name, code: 2 });
      expect(refused.stderr).toContain(`artifact ${path}: not a model artifact this pipeline can load: artifact refused (${reason})`);
    }
    expect((await cli('models', 'show', model)).stdout).not.toContain('9.0.0');

    const reg = await cli('register', good, '--model', model, '--version', '2.0.0', '--code-version', 'c2', '--training-data-version', datasets.train, '--json');
    expect(reg.stderr).toBe('');
    expect(reg.code).toBe(0);
    writeFileSync(join(dir, 'spec-2.0.0.json'), JSON.stringify(spec('2.0.0', '2s')));
    const deploy = await cli('deploy', join(dir, 'spec-2.0.0.json'));
    expect(deploy.code).toBe(0);
    await waitFor('2.0.0', (s) => s.step === 'awaiting_approval', 'approval');
    expect((await cli('approve', id('2.0.0'), '--comment', 'onnx model reviewed', '--as', 'bob')).code).toBe(0);
    const watch = await cli('watch', `${model}@2.0.0`);
    expect(watch.stdout).toContain(`pipeline ${id('2.0.0')} ended: promoted`);

    const events = (await cli('audit', 'export', '--pipeline', id('2.0.0'))).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'pipeline.ingested').evidence).toMatchObject({ kind: 'onnx', users: expect.any(Number), items: expect.any(Number) });
    expect(events.filter((e) => e.type.startsWith('gate.')).map((e) => [e.type, e.outcome])).toEqual([
      ['gate.validation', 'success'],
      ['gate.scenarios', 'success'],
      ['gate.quality', 'success'],
    ]);
    // The gateway serves the promoted ONNX model: its answers name 2.0.0 and rank items of its catalogue.
    const served = (await (await fetch(`${gateway.url}/v1/recommendations?model=${model}&user=3&k=5`)).json()) as { version: string; items: number[] };
    expect(served.version).toBe('2.0.0');
    expect(served.items).toHaveLength(5);
  });

  it('deploys a model trained and exported in Python, taking the provenance it carries, and refuses a registration that contradicts it', async () => {
    // Made by examples/onnx/train_and_export.py from this file's training data (test/fixtures/onnx/README.md).
    const fromPython = join(__dirname, '../../fixtures/onnx/svd-trained-in-python.onnx');
    const contradicted = await cli('register', fromPython, '--model', model, '--version', '3.0.0', '--code-version', 'c9');
    expect(contradicted.code).toBe(2);
    expect(contradicted.stderr).toContain(`--code-version: is "c9", but the model's modelship.code_version says "examples/onnx@`);
    expect((await cli('models', 'show', model)).stdout).not.toContain('3.0.0');

    const reg = await cli('register', fromPython, '--model', model, '--version', '3.0.0', '--json');
    expect(reg.stderr).toBe('');
    expect(reg.code).toBe(0);
    const { metadata } = (await createRegistry(mongo.db).getVersion(model, '3.0.0'))!;
    // The sha256 of the data it was trained on is the training dataset's: the fixture is not stale.
    expect(metadata.trainingDataVersion).toBe(datasets.train);
    expect(metadata.codeVersion).toMatch(/^examples\/onnx@[0-9a-f]+$/);

    writeFileSync(join(dir, 'spec-3.0.0.json'), JSON.stringify(spec('3.0.0', '2s')));
    expect((await cli('deploy', join(dir, 'spec-3.0.0.json'))).code).toBe(0);
    await waitFor('3.0.0', (s) => s.step === 'awaiting_approval', 'approval');
    expect((await cli('approve', id('3.0.0'), '--comment', 'python model reviewed', '--as', 'bob')).code).toBe(0);
    expect((await cli('watch', `${model}@3.0.0`)).stdout).toContain(`pipeline ${id('3.0.0')} ended: promoted`);
    const served = (await (await fetch(`${gateway.url}/v1/recommendations?model=${model}&user=5&k=5`)).json()) as { version: string; items: number[] };
    expect(served.version).toBe('3.0.0');
    expect(served.items).toHaveLength(5);
  });
});

/** An ALS model exported as ONNX, as a team would bring it, and broken copies of it with the reason each is refused for. */
async function onnxModelFile(trainCsv: string, seed: number) {
  const { readFileSync } = await import('node:fs');
  const { onnx } = await import('onnx-proto');
  const { embeddingAsOnnx, ONNX_METADATA, readMovieLensCsv, trainAls } = await import('../../../src/models');
  const { interactions } = await readMovieLensCsv(readFileSync(trainCsv));
  const model = embeddingAsOnnx(trainAls(interactions, { factors: 16, iterations: 6, seed }), { [ONNX_METADATA.codeVersion]: 'c2' });
  const edited = (change: (m: ReturnType<typeof onnx.ModelProto.decode>) => void) => {
    const m = onnx.ModelProto.decode(model.bytes);
    change(m);
    return onnx.ModelProto.encode(m).finish();
  };
  const malformed: [string, Uint8Array, string][] = [
    ['truncated', model.bytes.subarray(0, model.bytes.length - 100), 'truncated'],
    ['renamed-input', edited((m) => (m.graph!.input!.find((i) => i.name === 'mask')!.name = 'seen')), 'bad_graph'],
    ['no-item-ids', edited((m) => (m.metadataProps = m.metadataProps.filter((p) => p.key !== ONNX_METADATA.itemIds))), 'bad_metadata'],
  ];
  return { good: model.bytes, malformed };
}
