import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_EVENTS, createAuditLog } from '../../../src/audit';
import { drillRouteName } from '../../../src/contracts/monitoring';
import { pipelineWorkflowId } from '../../../src/contracts/pipeline-spec';
import { createDrillStore } from '../../../src/operations/drill-store';
import { setModelPolicy } from '../../../src/operations/policies';
import { drillScheduleId, scheduleDrill } from '../../../src/operations/schedules';
import { createRouteStore } from '../../../src/routing';
import { runCli, writeModelFiles } from '../cli/run-cli';
import { waitForMail } from '../../support/inbox';
import { openStack, sleep, type Stack } from '../pipeline/stack-fixture';
import { putInProduction } from './production';
import type { rollbackDrillWorkflow } from '../../../workflows/monitoring/rollback-drill';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(180_000));

describe('deployment triggers and rollback drills on the real stack', () => {
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    stack = await openStack('ops');
    dir = mkdtempSync(join(tmpdir(), 'modelship-ops-'));
  });
  afterAll(async () => {
    await stack?.client.schedule.getHandle(drillScheduleId(stack.model)).delete().catch(() => undefined);
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the pipeline of a version registered under an auto trigger exactly once, however often registration is retried', async () => {
    const { mongo, client, env, ops } = stack;
    const model = `${stack.model}-auto`;
    await stack.fixture.registry.createModel({ name: model, owner: 'team-reco', trigger: 'auto', actor: 'user:alice' });
    await setModelPolicy(mongo.db, createAuditLog(mongo.db), model, {
      pipeline: {
        datasets: stack.fixture.datasets,
        approval: { approvers: ['bob'], requireSignatures: false },
        notify: { recipients: [ops] },
        rollout: { window: '1s', checkInterval: '500ms', bake: '1s' },
        // Starting once is under test, not the latency gate, which a busy machine fails (the pipeline then ends early).
        gates: { scenarios: { latencyBudgetP99Ms: 1000 } },
      },
    }, 'user:ops');
    const files = await writeModelFiles(dir, [3]);
    const cliEnv = { MONGODB_DB: mongo.db.databaseName, TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE, MODELSHIP_USER: 'alice' };
    const register = () => runCli(['register', files.artifacts[3], '--model', model, '--version', '1.0.0', '--code-version', 'c3', '--training-data-version', stack.fixture.datasets.train, '--json'], cliEnv);

    // Two registrations racing, then a third retry: each answers as a success.
    const results = [...(await Promise.all([register(), register()])), await register()];
    expect(results.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
    const triggers = results.map((r) => JSON.parse(r.stdout).trigger as { triggered: boolean; workflowId: string; started: boolean });
    const workflowId = pipelineWorkflowId(model, '1.0.0');
    expect(triggers.every((t) => t.triggered && t.workflowId === workflowId)).toBe(true);
    expect(triggers.filter((t) => t.started)).toHaveLength(1);

    const runs = [];
    for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(w);
    expect(runs).toHaveLength(1);
    const handle = client.workflow.getHandle(workflowId);
    const described = await handle.describe();
    expect(described.type).toBe('deployModelWorkflow');
    expect(described.memo).toMatchObject({ submitter: 'alice', approvers: 'bob' });
    await handle.terminate('test finished').catch(async (error: unknown) => {
      const ended = await handle.result().then((r) => JSON.stringify(r), (e: unknown) => String((e as { cause?: unknown }).cause ?? e));
      throw new Error(`the pipeline had ended before the test stopped it (${String(error)}): ${ended}`);
    });

    // A version of a manual model starts nothing.
    const manual = await runCli(['register', files.artifacts[3], '--model', stack.model, '--version', '9.0.0', '--code-version', 'c3', '--training-data-version', stack.fixture.datasets.train], cliEnv);
    expect(manual.code).toBe(0);
    expect(manual.stdout).toContain('no pipeline started');
  });

  it('runs a scheduled rollback drill end to end on the drill route, reports its time to revert, audits and mails it', async () => {
    const { model, mongo, client, env, ops } = stack;
    const good = await putInProduction(stack, '1.0.0', { seed: 1 });
    const champion = await putInProduction(stack, '2.0.0', { seed: 2 });
    await stack.fixture.registry.moveAlias({ model, alias: 'champion', to: '2.0.0', expected: null, actor: 'user:test', reason: 'promoted' });
    await stack.fixture.registry.moveAlias({ model, alias: 'last-known-good', to: '1.0.0', expected: null, actor: 'user:test', reason: 'previous champion' });
    const routes = createRouteStore(mongo.db);
    await routes.apply({ model, key: `${model}:promoted`, actor: 'user:test', reason: 'promoted', spec: { stable: champion, candidate: null, shadow: null, killSwitch: 'off' } });
    const production = await routes.current(model);
    await setModelPolicy(mongo.db, createAuditLog(mongo.db), model, { monitoring: { recipients: [ops] }, drill: { every: '1h', recipients: [ops], confirmTimeout: '15s' } }, 'user:ops');

    const schedule = await scheduleDrill(client, env.TEMPORAL_TASK_QUEUE, model, '1h');
    await schedule.trigger();
    // The drill is done when its workflow is: it stores the result first, then audits and mails it.
    let started: string | undefined;
    for (let i = 0; i < 150 && !started; i++) {
      started = (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId;
      if (!started) await sleep(200);
    }
    const result = await client.workflow.getHandle<typeof rollbackDrillWorkflow>(started!).result();
    const [drill] = await createDrillStore(mongo.db).forModel(model);
    expect(drill).toMatchObject({ drillId: result.drillId });

    expect(drill).toMatchObject({ outcome: 'passed', from: champion, to: good });
    expect(drill!.revertMs).toBeGreaterThan(0);
    expect(drill!.revertMs).toBeLessThan(15_000);
    expect(drill!.replicas.sort()).toEqual(stack.gateways.map((g) => g.replicaId).sort());
    console.log(`rollback drill: time to revert ${drill!.revertMs} ms on ${drill!.replicas.length} replicas`);

    // Production was not touched; the drill route ends on the last known good version.
    expect(await routes.current(model)).toEqual(production);
    expect((await routes.current(drillRouteName(model)))!.stable).toEqual(good);
    const audit = await mongo.db.collection(AUDIT_EVENTS).findOne({ pipelineId: drill!.drillId, type: 'drill.passed' });
    expect(audit?.evidence).toMatchObject({ revertMs: drill!.revertMs, outcome: 'passed' });
    const mails = await waitForMail((m) => m.to.some((t) => t.address === ops) && m.subject.startsWith(`[modelship] Rollback drill passed: ${model}`));
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain(`${drill!.revertMs} ms`);
    const described = await schedule.describe();
    expect(described.info.recentActions).toHaveLength(1);

    // The same drill on demand through the CLI, which waits for its result; a bad interval is refused.
    const cliEnv = { MONGODB_DB: mongo.db.databaseName, TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE };
    const onDemand = await runCli(['drill', 'run', model], cliEnv);
    expect(onDemand.stderr).toBe('');
    expect(onDemand.code).toBe(0);
    expect(onDemand.stdout).toMatch(new RegExp(`^drill passed: ${model} 2\\.0\\.0 -> 1\\.0\\.0 served by .+ in \\d+ ms`));
    expect((await createDrillStore(mongo.db).forModel(model)).filter((d) => d.outcome === 'passed')).toHaveLength(2);
    expect(await routes.current(model)).toEqual(production);
    const badEvery = await runCli(['drill', 'schedule', model, '--every', 'soon'], cliEnv);
    expect(badEvery.code).toBe(2);
    expect(badEvery.stderr).toContain('--every: soon must be a duration such as 30m, 24h or 7d');
  });
});
