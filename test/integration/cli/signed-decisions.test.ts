import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createWorkerAuditLog } from '../../../src/worker/worker-audit-log';
import { config } from '../../../src/config';
import { approveUpdate, pauseUpdate, statusQuery, type ActionAnswer, type PipelineStatus } from '../../../src/contracts/messages';
import type { Mongo } from '../../../src/db';
import { readPrivateKey } from '../../../src/identity/keys';
import { verifySignatures } from '../../../src/identity/recorded-signatures';
import { signAction } from '../../../src/identity/signed-fields';
import { createMailer, type Mailer } from '../../../src/notify';
import { ensureIndexes } from '../../../src/registry';
import { ensureRoutingIndexes } from '../../../src/routing';
import { connectClient } from '../../../src/temporal';
import { createWorker } from '../../../src/worker';
import { startGateway, type GatewayProcess } from '../../support/gateway-process';
import { openTestDb } from '../../support/mongo';
import { runCli, writeModelFiles } from './run-cli';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(240_000));

const TEMPORAL = join(__dirname, '../../../.tools/bin/temporal');

/**
 * Who may start, decide and act, on the real stack: people enrolled with the CLI's own commands, decisions sent by the
 * CLI, by a plain Temporal client and by the stock temporal CLI, each answered at once and audited.
 */
describe('signed starts, decisions and actions', () => {
  const model = `sig-${randomUUID().slice(0, 6)}`;
  const queue = `sig-${model}`;
  const dir = mkdtempSync(join(tmpdir(), 'modelship-sig-'));
  const home = join(dir, 'home');
  const baseEnv = { ...config(), TEMPORAL_TASK_QUEUE: queue };
  let env: Record<string, string | undefined>;
  let mongo: Mongo;
  let mailer: Mailer;
  let worker: Worker;
  let running: Promise<void>;
  let client: Client;
  let gateway: GatewayProcess;
  let datasets: { train: string; validation: string };
  let artifactSha: string;
  const cli = (...args: string[]) => runCli(args, env);
  const as = (who: string, ...args: string[]) => runCli([...args, '--as', who], env);
  const id = (version: string) => `deploy-${model}-${version}`;
  const key = (who: string) => readPrivateKey(readFileSync(join(home, 'keys', `${who}.key`), 'utf8'));
  const writePolicy = (policy: object) => {
    const path = join(dir, 'policy.json');
    writeFileSync(path, JSON.stringify(policy));
    return path;
  };

  async function waitFor(handle: WorkflowHandle, ok: (s: PipelineStatus) => boolean): Promise<PipelineStatus> {
    for (let i = 0; i < 600; i++) {
      const s = await handle.query(statusQuery).catch(() => null);
      if (s && ok(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${handle.workflowId}: timed out`);
  }

  beforeAll(async () => {
    mongo = await openTestDb('cli_sig');
    await ensureIndexes(mongo.db);
    await ensureRoutingIndexes(mongo.db);
    env = { MONGODB_DB: mongo.db.databaseName, TEMPORAL_TASK_QUEUE: queue, REPORTS_DIR: dir, MODELSHIP_HOME: home, MODELSHIP_USER: undefined };
    const files = await writeModelFiles(dir, [1, 2]);
    mailer = createMailer(baseEnv);
    gateway = await startGateway({ MONGODB_URI: baseEnv.MONGODB_URI, MONGODB_DB: mongo.db.databaseName, GATEWAY_POLL_MS: '100' }, `${model}-a`);
    client = await connectClient(baseEnv);
    worker = await createWorker(baseEnv, { db: mongo.db, mailer, auditLog: createWorkerAuditLog(mongo.db, baseEnv, dir), reportsDir: dir, replicaStaleMs: 3000, temporal: { client, taskQueue: queue } });
    running = worker.run();
    const reg = await as('alice', 'register', files.artifacts[1], '--model', model, '--version', '1.0.0', '--create-model', '--owner', 'team-reco', '--train-data', files.train, '--validation-data', files.validation, '--code-version', 'c1', '--json');
    expect(reg.code).toBe(0);
    ({ datasets, sha256: artifactSha } = JSON.parse(reg.stdout));
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await client?.connection.close();
    await gateway?.stop();
    mailer?.close();
    await mongo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrols people with keys generate and people add: the first admin adds themself, then only an admin adds anyone', async () => {
    for (const who of ['root', 'alice', 'bob', 'carol', 'dan', 'eve']) expect((await cli('keys', 'generate', '--name', who)).code).toBe(0);
    const pub = (who: string) => join(home, 'keys', `${who}.pub`);
    const notFirst = await as('alice', 'people', 'add', 'alice', '--public-key', pub('alice'), '--role', 'submitter');
    expect(notFirst.code).toBe(1);
    expect(notFirst.stderr).toContain('nobody is an admin yet: the first person added must get --role admin on every model');
    expect((await as('root', 'people', 'add', 'root', '--public-key', pub('root'), '--role', 'admin')).code).toBe(0);
    const byStranger = await as('eve', 'people', 'add', 'eve', '--public-key', pub('eve'), '--role', 'approver');
    expect(byStranger.code).toBe(1);
    expect(byStranger.stderr).toContain('eve is not a registered person');
    const badRole = await as('root', 'people', 'add', 'eve', '--public-key', pub('eve'), '--role', 'approve');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role "approve": must be one of submitter, approver, operator, admin');
    for (const [who, roles] of [['alice', ['submitter', 'approver']], ['bob', ['approver']], ['carol', ['operator']], ['dan', ['approver']]] as const) {
      const added = await as('root', 'people', 'add', who, '--public-key', pub(who), ...roles.flatMap((r) => ['--role', r]), '--model', model);
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
    }
    // A role on a model nobody registered (a typo) is refused by its flag, and changes nothing.
    const typo = `${model}x`;
    const [addTypo, grantTypo] = [
      await as('root', 'people', 'add', 'eve', '--public-key', pub('eve'), '--role', 'approver', '--model', typo),
      await as('root', 'people', 'grant', 'bob', '--role', 'operator', '--model', typo),
    ];
    for (const res of [addTypo, grantTypo]) {
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`error: --model "${typo}": no model named "${typo}"; register it first (modelship register ... --create-model --owner TEAM), or leave --model out to grant on every model\n`);
    }
    const list = JSON.parse((await cli('people', 'list', '--json')).stdout) as { name: string; roles: { role: string; model: string }[] }[];
    expect(list.find((p) => p.name === 'eve')).toBeUndefined();
    expect(list.find((p) => p.name === 'bob')?.roles).toEqual([{ role: 'approver', model }]);
    expect(await mongo.db.collection('audit_events').countDocuments({ type: 'people.added' })).toBe(5);
  });

  it('refuses, at once and audited, every decision and action that is not proven and permitted; counts a valid signed approval', async () => {
    const deploy = await as('alice', 'deploy', '--model', model, '--version', '1.0.0', '--train', datasets.train, '--validation', datasets.validation,
      '--approver', 'alice', '--approver', 'bob', '--approver', 'dan', '--window', '5m', '--set', 'gates.scenarios.latencyBudgetP99Ms=100', '--set', 'gates.validation.maxRegression=0.9');
    expect(deploy.code).toBe(0);
    const handle = client.workflow.getHandle(id('1.0.0'));
    const sign = (who: string, action: 'approve' | 'pause', comment: string) =>
      signAction({ pipelineId: id('1.0.0'), model, version: '1.0.0', artifactSha256: artifactSha, action, comment, signer: who }, key(who));
    const approve = (input: object): Promise<ActionAnswer> => handle.executeUpdate(approveUpdate, { args: [input as never] });

    // Before approval is asked for: bob's valid signature, but not yet his turn.
    const early = await approve({ approver: 'bob', comment: 'early', signature: sign('bob', 'approve', 'early') });
    expect(early).toEqual({ accepted: false, reason: 'it arrived before approval was requested, while the offline gates ran' });
    await waitFor(handle, (s) => s.step === 'awaiting_approval');

    // A Temporal client other than the CLI, unsigned: the stock temporal CLI reads the refusal.
    const stock = await promisify(execFile)(TEMPORAL, ['workflow', 'update', 'execute', '--address', baseEnv.TEMPORAL_ADDRESS, '--workflow-id', id('1.0.0'), '--name', 'approve', '--input', JSON.stringify({ approver: 'bob', comment: 'trust me' }), '--output', 'json']);
    expect(JSON.parse(stock.stdout).result).toMatchObject({ accepted: false, reason: expect.stringContaining('unsigned: this pipeline counts only signed decisions') });
    // Signed with someone else's key, in bob's name.
    const forged = await runCli(['approve', `${model}@1.0.0`, '--comment', 'forged', '--as', 'bob'], { ...env, MODELSHIP_KEY: join(home, 'keys', 'eve.key') });
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/key SHA256:\S+ is not a registered key of bob/);
    const tampered = { approver: 'bob', comment: 'changed after signing', signature: sign('bob', 'approve', 'ok') };
    expect((await approve(tampered)).reason).toContain('the signature does not match');
    const wrongRole = await as('carol', 'approve', `${model}@1.0.0`, '--comment', 'ops say yes');
    expect(wrongRole.stderr).toContain(`carol does not hold the approver role for model ${model}`);
    const self = await as('alice', 'approve', `${model}@1.0.0`, '--comment', 'my own');
    expect(self.stderr).toContain('alice submitted this pipeline and cannot also decide on it (four-eyes)');
    const noRole = await as('bob', 'pause', `${model}@1.0.0`, '--reason', 'hold on');
    expect(noRole.stderr).toContain(`bob does not hold the operator role for model ${model}`);
    expect((await handle.query(statusQuery)).approvals.filter((a) => a.accepted)).toEqual([]);

    const valid = sign('bob', 'approve', 'evidence reviewed');
    expect(await approve({ approver: 'bob', comment: 'evidence reviewed', signature: valid })).toEqual({ accepted: true, reason: 'approval by bob counted' });
    const replayed = await approve({ approver: 'bob', comment: 'evidence reviewed', signature: valid });
    expect(replayed.reason).toContain('replayed: this signature');
    const late = await as('dan', 'approve', `${model}@1.0.0`, '--comment', 'me too');
    expect(late.stderr).toContain('it arrived after the approval was settled (bob approved)');
    // In its first window, which lasts minutes: an operator may pause it.
    await waitFor(handle, (s) => s.step === 'rollout' && s.stage !== null);
    const paused = await handle.executeUpdate(pauseUpdate, { args: [{ actor: 'carol', reason: 'look', signature: sign('carol', 'pause', 'look') }] });
    expect(paused).toMatchObject({ accepted: true });
    await handle.terminate('enough seen');

    const events = (await cli('audit', 'export', '--pipeline', id('1.0.0'))).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const decisions = events.filter((e) => e.type === 'approval.approve' || e.type === 'operator.pause');
    expect(decisions.map((e) => [e.type, e.outcome, e.actor])).toEqual([
      ['approval.approve', 'refused', 'user:bob'],
      ['approval.approve', 'refused', 'user:bob'],
      ['approval.approve', 'refused', 'user:bob'],
      ['approval.approve', 'refused', 'user:bob'],
      ['approval.approve', 'refused', 'user:carol'],
      ['approval.approve', 'refused', 'user:alice'],
      ['operator.pause', 'refused', 'user:bob'],
      ['approval.approve', 'success', 'user:bob'],
      ['approval.approve', 'refused', 'user:bob'],
      ['approval.approve', 'refused', 'user:dan'],
      ['operator.pause', 'success', 'user:carol'],
    ]);
    const counted = decisions.find((e) => e.outcome === 'success');
    expect(counted.evidence.identity).toMatchObject({ verified: true, signer: 'bob', value: valid.value, fingerprint: valid.fingerprint, signed: { comment: 'evidence reviewed', artifactSha256: artifactSha } });

    const verify = await cli('audit', 'verify', '--pipeline', id('1.0.0'));
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/signatures: (\d+) of \1 verified/);
    // A signed comment rewritten in the database no longer verifies, and the check names the event.
    await mongo.db.collection('audit_events').updateOne({ eventId: counted.eventId }, { $set: { 'evidence.identity.signed.comment': 'rubber stamp' } });
    const after = await verifySignatures(mongo.db, id('1.0.0'));
    expect(after.firstBad).toEqual({ eventId: counted.eventId, pipelineId: id('1.0.0'), reason: 'the Ed25519 signature does not verify' });
  });

  it('fails an unsigned start before it reads anything, and says why', async () => {
    const r = await as('alice', 'register', join(dir, 'model-2.msa'), '--model', model, '--version', '1.1.0', '--code-version', 'c1', '--training-data-version', datasets.train);
    expect(r.code).toBe(0);
    const { startPipeline } = await import('../../../src/client/start-pipeline');
    const { handle } = await startPipeline(client, { specVersion: 1, model, version: '1.1.0', submitter: 'alice', datasets, approval: { approvers: ['bob'] } }, queue);
    const err = await handle.result().catch((e: Error & { cause?: Error }) => e);
    expect((err as Error & { cause?: Error }).cause?.message).toContain('the start is not proven: unsigned');
    const refused = await mongo.db.collection('audit_events').findOne({ pipelineId: id('1.1.0'), type: 'pipeline.submitter' });
    expect(refused).toMatchObject({ outcome: 'refused', actor: 'user:alice' });
    expect(await mongo.db.collection('audit_events').countDocuments({ pipelineId: id('1.1.0'), type: 'pipeline.ingested' })).toBe(0);
  });

  it('does not let a spec or a policy turn signatures off on workers that do not allow it', async () => {
    const { startPipeline } = await import('../../../src/client/start-pipeline');
    const { handle } = await startPipeline(client, { specVersion: 1, model, version: '1.1.0', submitter: 'alice', datasets, approval: { approvers: ['bob'], requireSignatures: false } }, queue);
    const err = await handle.result().catch((e: Error & { cause?: Error }) => e);
    expect((err as Error & { cause?: Error }).cause?.message).toBe(
      'invalid pipeline spec: approval.requireSignatures: may be false only on workers that allow unsigned decisions (MODELSHIP_ALLOW_UNSIGNED=true, a sandbox setting)',
    );
    const policy = await as('alice', 'policy', 'set', model, '--file', writePolicy({ monitoring: { requireSignatures: false } }));
    expect(policy.code).toBe(0);
    const { createActivities } = await import('../../../activities');
    expect((await createActivities({ db: mongo.db, mailer }).readModelPolicy({ model })).monitoring.requireSignatures).toBe(true);
    expect((await createActivities({ db: mongo.db, mailer, allowUnsigned: true }).readModelPolicy({ model })).monitoring.requireSignatures).toBe(false);
  });
});
