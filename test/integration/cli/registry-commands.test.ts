import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mongo } from '../../../src/db';
import { openTestDb } from '../../support/mongo';
import { runCli, writeModelFiles } from './run-cli';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

describe('modelship CLI: registry, routes, audit and bad input', () => {
  const model = `cli-${randomUUID().slice(0, 6)}`;
  const dir = mkdtempSync(join(tmpdir(), 'modelship-cli-reg-'));
  let mongo: Mongo;
  let env: Record<string, string | undefined>;
  let files: Awaited<ReturnType<typeof writeModelFiles>>;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    mongo = await openTestDb('cli_reg');
    env = { MONGODB_DB: mongo.db.databaseName, TEMPORAL_TASK_QUEUE: `cli-reg-${model}`, REPORTS_DIR: dir, MODELSHIP_USER: undefined };
    files = await writeModelFiles(dir, [1]);
  });

  afterAll(async () => {
    await mongo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints help with exit 0 and refuses bad usage with exit 2', async () => {
    const [help, registerHelp, unknown, missing, badId] = await Promise.all([
      cli('--help'),
      cli('register', '--help'),
      cli('frobnicate'),
      cli('register', files.artifacts[1]),
      cli('status', 'not-a-pipeline'),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes');
    expect(registerHelp.code).toBe(0);
    expect(registerHelp.stdout).toContain('--create-model');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--model <name>' not specified");
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('must be deploy-<model>-<version> or <model>@<version>');
  });

  it('refuses an unknown model with a clear message and exit 1', async () => {
    const [show, register] = await Promise.all([
      cli('models', 'show', 'nope'),
      cli('register', files.artifacts[1], '--model', 'nope', '--version', '1.0.0', '--code-version', 'abc', '--training-data-version', 'v1'),
    ]);
    expect(show.code).toBe(1);
    expect(show.stderr).toContain('no model named "nope"');
    expect(register.code).toBe(1);
    expect(register.stderr).toContain('no model named "nope"; pass --create-model --owner TEAM');
    expect(register.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });

  it('registers a version with its datasets, then shows and lists the model', async () => {
    const res = await cli('register', files.artifacts[1], '--model', model, '--version', '1.0.0', '--create-model', '--owner', 'team-reco',
      '--train-data', files.train, '--validation-data', files.validation, '--code-version', 'abc123',
      '--hyperparameters', '{"factors":16}', '--metric', 'ndcg@10=0.2', '--as', 'alice', '--json');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ model, version: '1.0.0', status: 'registered', modelCreated: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(out.datasets.train).toMatch(/^[0-9a-f]{64}$/);

    const text = await cli('register', files.artifacts[1], '--model', model, '--version', '1.0.1', '--code-version', 'abc123', '--training-data-version', out.datasets.train, '--as', 'alice');
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`registered ${model}@1.0.1 (status registered)`);
    expect(text.stdout).toContain(`artifact sha256 ${out.sha256}`);

    const [dup, invalid, badVersion, show, list, json] = await Promise.all([
      cli('register', files.artifacts[1], '--model', model, '--version', '1.0.0', '--code-version', 'abc123', '--training-data-version', 'v1'),
      cli('register', files.artifacts[1], '--model', model, '--version', '1.0.2'),
      cli('register', files.artifacts[1], '--model', model, '--version', '01.0', '--code-version', 'x', '--training-data-version', 'v1'),
      cli('models', 'show', model),
      cli('models', 'list'),
      cli('models', 'show', model, '--json'),
    ]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already registered');
    expect(invalid.code).toBe(2); // metadata incomplete: names the flags, not the internal fields
    expect(invalid.stderr).toBe('error: --training-data-version: is required: pass --training-data-version, or --train-data to use its sha256\n--code-version: is required\n');
    expect(badVersion.code).toBe(2);
    expect(badVersion.stderr).toContain('version');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/1\.0\.0\s+registered/);
    expect(show.stdout).toContain('champion');
    expect(list.stdout).toContain(model);
    expect(JSON.parse(json.stdout).versions.map((v: { version: string }) => v.version).sort()).toEqual(['1.0.0', '1.0.1']);
    const [newest, both] = await Promise.all([cli('models', 'show', model, '--limit', '1', '--json'), cli('models', 'show', model, '--limit', '1', '--all')]);
    expect(JSON.parse(newest.stdout).versions.map((v: { version: string }) => v.version)).toEqual(['1.0.1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--limit and --all: give one or the other');
  });

  it('loads and checks the artifact and the datasets before storing anything: an empty, truncated or random artifact and a garbage CSV are refused', async () => {
    const fresh = `${model}-bad`;
    const good = readFileSync(files.artifacts[1]);
    const write = (name: string, bytes: Buffer | string) => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    };
    const datasetsBefore = await mongo.db.collection('datasets.blobs').countDocuments({});
    const args = ['--model', fresh, '--version', '1.0.0', '--create-model', '--owner', 'team-reco', '--code-version', 'c1', '--training-data-version', 'v1'];
    const [empty, truncated, random, garbageCsv] = await Promise.all([
      cli('register', write('empty.msa', ''), ...args),
      cli('register', write('truncated.msa', good.subarray(0, Math.floor(good.length / 2))), ...args),
      cli('register', write('random.msa', Buffer.from(randomUUID().repeat(64))), ...args),
      cli('register', files.artifacts[1], ...args, '--train-data', write('garbage.csv', 'this,is,not\na,ratings,file\n')),
    ]);
    for (const [res, what] of [[empty, 'empty.msa'], [truncated, 'truncated.msa'], [random, 'random.msa']] as const) {
      expect({ what, code: res.code }).toEqual({ what, code: 2 });
      expect(res.stderr).toMatch(new RegExp(`artifact .*${what.replace('.', '\\.')}: not a model artifact this pipeline can load: `));
    }
    // Metadata too deep to store, and a missing field, named by the file or the flag, with no library text.
    const deep = write('deep.json', `{"trainingDataVersion":"v1","codeVersion":"c1","hyperparameters":${'{"a":'.repeat(20_000)}{}${'}'.repeat(20_000)}}`);
    const huge = write('huge.json', JSON.stringify({ trainingDataVersion: 'v1', codeVersion: 'c1', hyperparameters: { blob: 'x'.repeat(20 * 1024 * 1024) } }));
    const [tooDeep, noCode, tooBig] = await Promise.all([
      cli('register', files.artifacts[1], '--model', fresh, '--version', '1.0.0', '--create-model', '--owner', 'team-reco', '--metadata', deep),
      cli('register', files.artifacts[1], '--model', fresh, '--version', '1.0.0', '--create-model', '--owner', 'team-reco', '--training-data-version', 'v1'),
      cli('register', files.artifacts[1], '--model', fresh, '--version', '1.0.0', '--create-model', '--owner', 'team-reco', '--metadata', huge),
    ]);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toMatch(/^error: --metadata .*huge\.json: the file is 20971\d\d\d bytes; version metadata may be at most 262144 bytes \(256 KiB\)\n$/);
    expect(tooDeep.code).toBe(2);
    expect(tooDeep.stderr).toMatch(/--metadata .*deep\.json: hyperparameters(\.a)+: must not nest deeper than 32 levels/);
    expect(noCode.code).toBe(2);
    expect(noCode.stderr).toBe('error: --code-version: is required\n');
    for (const res of [tooDeep, noCode, tooBig]) expect(res.stderr).not.toMatch(/RangeError|call stack|Invalid input|metadata\.codeVersion/);
    expect(garbageCsv.code).toBe(2);
    expect(garbageCsv.stderr).toMatch(/--train-data .*garbage\.csv: not a ratings CSV this pipeline can read: line 1, field header/);
    // Nothing was written: not the model, not a version, not a dataset.
    const shown = await cli('models', 'show', fresh);
    expect(shown.code).not.toBe(0);
    expect(await mongo.db.collection('datasets.blobs').countDocuments({})).toBe(datasetsBefore);
  });

  it('names the wrong field of a spec and exits 2, before anything starts', async () => {
    const unknownField = join(dir, 'unknown-field.json');
    writeFileSync(unknownField, JSON.stringify({ specVersion: 1, model, version: '1.0.0', submitter: 'alice', datasets: { train: 'a'.repeat(64), validation: 'b'.repeat(64) }, approval: { approvers: ['bob'] }, aprovals: {} }));
    const badWindow = join(dir, 'bad-window.yaml');
    writeFileSync(badWindow, `specVersion: 1\nmodel: ${model}\nversion: 1.0.0\nsubmitter: alice\ndatasets: { train: ${'a'.repeat(64)}, validation: ${'b'.repeat(64)} }\napproval: { approvers: [bob] }\nrollout: { window: soon }\n`);
    const nested = join(dir, 'nested-unknown.json');
    writeFileSync(nested, JSON.stringify({ specVersion: 1, model, version: '1.0.0', submitter: 'alice', datasets: { train: 'a'.repeat(64), validation: 'b'.repeat(64) }, approval: { approvers: ['bob'], aprovers: ['eve'] }, rollout: { windw: '10m' } }));
    const [a, b, c, d, e] = await Promise.all([
      cli('deploy', unknownField),
      cli('deploy', badWindow),
      cli('deploy', '--model', model, '--version', '1.0.0', '--as', 'alice'),
      cli('deploy', join(dir, 'missing.yaml')),
      cli('deploy', nested),
    ]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('aprovals: not a field of the spec');
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('rollout.window: must be a duration');
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('missing --train, --validation, --approver');
    expect(d.code).toBe(2);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('approval.aprovers: not a field of the spec');
    expect(e.stderr).toContain('rollout.windw: not a field of the spec');
    expect(e.stderr).not.toMatch(/Invalid input|expected string/);
  });

  it('sets and shows an operations policy, refusing a bad one by its field, and says when no monitor runs', async () => {
    const bad = join(dir, 'bad-policy.yaml');
    writeFileSync(bad, 'monitoring:\n  rollback: approval\n');
    const good = join(dir, 'policy.yaml');
    writeFileSync(good, 'monitoring:\n  checkInterval: 10s\n  window: 1m\n  rollback: approval\n  approvers: [carol]\n  recipients: [ops@example.test]\n');

    const refused = await cli('policy', 'set', model, '--file', bad, '--as', 'alice');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('monitoring.approvers: must name at least one approver when rollback is approval');
    const defaults = await cli('policy', 'show', model, '--json');
    expect(JSON.parse(defaults.stdout)).toMatchObject({ model, revision: 0, monitoring: { rollback: 'automatic', checkInterval: '30s' } });

    const saved = await cli('policy', 'set', model, '--file', good, '--as', 'alice');
    expect(saved.stderr).toBe('');
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain(`policy of ${model} saved (revision 1): rollback approval, checks every 10s`);
    const shown = await cli('policy', 'show', model);
    expect(shown.stdout).toContain('monitoring  every 10s over 1m; sustained after 3 checks; rollback approval (approvers carol)');
    expect(shown.stdout).toContain('drill       not scheduled');
    const event = await mongo.db.collection('audit_events').findOne({ type: 'policy.updated', 'subject.model': model });
    expect(event).toMatchObject({ actor: 'user:alice', outcome: 'success', evidence: { revision: 1, monitoring: { rollback: 'approval', approvers: ['carol'] } } });

    const monitor = await cli('monitor', model);
    expect(monitor.code).toBe(1);
    expect(monitor.stderr).toContain(`no monitor runs for ${model}: monitoring starts when a pipeline promotes a version of it`);
  });

  it('needs an identity to approve, and says when a pipeline does not exist', async () => {
    const [noIdentity, missing] = await Promise.all([
      cli('approve', `${model}@1.0.0`, '--comment', 'ok'),
      cli('approve', `${model}@9.9.9`, '--comment', 'ok', '--as', 'bob'),
    ]);
    expect(noIdentity.code).toBe(2);
    expect(noIdentity.stderr).toContain('pass --as USER or set MODELSHIP_USER');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no pipeline deploy-${model}-9.9.9`);
  });

  it('shows routes, verifies and exports the audit log', async () => {
    const out = join(dir, 'audit.jsonl');
    const [noRoute, allRoutes, verify, exported, badSince] = await Promise.all([
      cli('routes', 'show', model),
      cli('routes', 'show'),
      cli('audit', 'verify'),
      cli('audit', 'export', '--out', out),
      cli('audit', 'export', '--since', 'yesterday'),
    ]);
    expect(noRoute.code).toBe(1);
    expect(noRoute.stderr).toContain(`no route for model "${model}"`);
    expect(allRoutes.code).toBe(0);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('audit log intact');
    expect(exported.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    // The only audited change so far is the policy set above.
    const events = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; actor: string });
    expect(events.map((e) => [e.type, e.actor])).toEqual([['policy.updated', 'user:alice']]);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since "yesterday"');
  });

  it('reports a bad setting by its variable with exit 2, and never prints a password from a URL', async () => {
    const bad = await runCli(['models', 'list'], { ...env, TEMPORAL_ADDRESS: 'nonsense' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('TEMPORAL_ADDRESS: must be host:port');
    const badDb = await runCli(['models', 'list'], { ...env, MONGODB_DB: 'no spaces allowed' });
    expect(badDb.code).toBe(2);
    expect(badDb.stderr).toContain('MONGODB_DB: must be 1-63 letters');
    const secret = await runCli(['models', 'list'], { ...env, MONGODB_URI: 'mongodb://admin:hunter2secret@127.0.0.1:1/?serverSelectionTimeoutMS=500' });
    expect(secret.code).toBe(1);
    expect(secret.stderr + secret.stdout).not.toContain('hunter2secret');
  });
});
