import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { approveSignal, approveUpdate, pauseUpdate, promoteUpdate, rejectSignal, resumeUpdate, rollbackUpdate } from '../../src/contracts/messages';
import { monitorStatusQuery, type MonitorInput, type MonitorStatus, type ProductionCheck } from '../../src/contracts/monitoring';
import { WORKFLOWS_PATH } from '../../src/worker';
import { createLocalTestEnv } from '../support/workflow-env';
import { monitorModel } from '../../src/contracts/workflows';
import { CHAMPION, fakeActivities, LAST_GOOD, newWorld, type World } from './fake-monitor';
import { createFakeIdentity, type FakePerson } from './fake-identity';
import { recordHistory } from '../support/record-history';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(90_000));

describe('monitorModelWorkflow and its rollback policies', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const worlds = new Map<string, World>();
  const taskQueue = `monitor-${randomUUID()}`;
  const handles: WorkflowHandle[] = [];
  const identity = createFakeIdentity(CHAMPION.sha256);
  let carol: FakePerson, dave: FakePerson;

  beforeAll(async () => {
    env = await createLocalTestEnv();
    carol = identity.person('carol', ['approver']);
    dave = identity.person('dave', ['operator']);
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: WORKFLOWS_PATH, activities: fakeActivities(worlds, identity) });
    running = worker.run();
  });
  afterAll(async () => {
    for (const h of handles) await h.terminate('test finished').catch(() => undefined);
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  async function watch(model: string, policy: Record<string, unknown>, verdicts: ProductionCheck['verdict'][]): Promise<{ handle: WorkflowHandle; world: World }> {
    const world = newWorld(policy, verdicts);
    worlds.set(model, world);
    const input: MonitorInput = { model, champion: CHAMPION, lastKnownGood: LAST_GOOD, handedOverBy: `deploy-${model}-2.0.0` };
    const handle = await env.client.workflow.start(monitorModel.name, { workflowId: `monitor-${model}`, taskQueue, args: [input] });
    handles.push(handle);
    return { handle, world };
  }

  async function until(handle: WorkflowHandle, predicate: (s: MonitorStatus) => boolean): Promise<MonitorStatus> {
    for (let i = 0; i < 200; i++) {
      const status = await handle.query(monitorStatusQuery);
      if (predicate(status)) return status;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`monitor status never matched: ${JSON.stringify(await handle.query(monitorStatusQuery))}`);
  }

  it('rolls back to last-known-good by itself after the sustained breach, under the automatic policy', async () => {
    const { handle, world } = await watch('auto', { sustainedChecks: 2, rollback: 'automatic' }, ['breach', 'breach']);
    const status = await until(handle, (s) => s.rollbacks.length === 1);
    expect(status).toMatchObject({ state: 'watching', champion: LAST_GOOD, lastKnownGood: null, breachStreak: 0 });
    expect(status.rollbacks[0]).toMatchObject({ from: '2.0.0', to: '1.0.0', revertMs: 42, reason: 'error_rate 0.5 vs 0.05' });
    expect(world.reverts).toEqual([{ stable: '1.0.0' }]);
    expect(world.aliases).toEqual([{ alias: 'champion', to: '1.0.0' }, { alias: 'last-known-good', to: null }]);
    expect(world.statuses).toEqual(['rolled_back']);
    expect(world.audits.map((a) => a.type)).toEqual(['monitor.breach', 'monitor.rolled_back']);
    expect(world.mails.map((m) => m.kind)).toEqual(['monitor_alert', 'monitor_rolled_back']);
  });

  it('asks a rollout holding the model\'s lock to abort, then rolls back once the lock is free', async () => {
    const { handle, world } = await watch('busy', { sustainedChecks: 2, rollback: 'automatic' }, ['breach', 'breach']);
    world.lockHolder = 'deploy-busy-3.0.0';
    const status = await until(handle, (s) => s.rollbacks.length === 1);
    expect(status.champion).toEqual(LAST_GOOD);
    expect(world.aborts).toEqual(['deploy-busy-3.0.0']);
    expect(world.reverts).toEqual([{ stable: '1.0.0' }]);
    expect(world.audits.map((a) => a.type)).toEqual(['monitor.breach', 'monitor.rollout_abort_requested', 'monitor.rolled_back']);
  });

  it('waits for a listed approver under the approval policy, refusing anyone else, then rolls back', async () => {
    const { handle, world } = await watch('approval', { sustainedChecks: 2, rollback: 'approval', approvers: ['carol'], requireSignatures: false }, ['breach', 'breach']);
    await until(handle, (s) => s.state === 'awaiting_rollback_approval');
    expect(world.reverts).toEqual([]);
    await handle.signal(approveSignal, { approver: 'mallory', comment: 'let me' });
    await handle.signal(approveSignal, { approver: 'carol', comment: 'go back' });
    const status = await until(handle, (s) => s.rollbacks.length === 1);
    expect(status.champion).toEqual(LAST_GOOD);
    expect(world.reverts).toEqual([{ stable: '1.0.0' }]);
    expect(world.audits.map((a) => [a.type, a.outcome, a.actor])).toEqual([
      ['monitor.breach', 'failure', 'monitor:monitor-approval'],
      ['monitor.rollback_approve', 'refused', 'user:mallory'],
      ['monitor.rollback_approve', 'success', 'user:carol'],
      ['monitor.rolled_back', 'success', 'monitor:monitor-approval'],
    ]);
    expect(world.mails.map((m) => m.kind)).toEqual(['monitor_alert', 'monitor_rollback_approval', 'monitor_rolled_back']);
    expect(world.mails[2].subject).toBe('Rolled back by monitoring: approval 2.0.0 -> 1.0.0');
  });

  it('answers rollback decisions sent as Updates at once: refused while no rollback awaits one, then judged', async () => {
    const { handle, world } = await watch('approval-update', { sustainedChecks: 2, rollback: 'approval', approvers: ['carol'], requireSignatures: false }, []);
    expect(await handle.executeUpdate(approveUpdate, { args: [{ approver: 'carol', comment: 'just in case' }] })).toEqual({ accepted: false, reason: 'no rollback is awaiting a decision' });
    world.verdicts.push('breach', 'breach');
    await until(handle, (s) => s.state === 'awaiting_rollback_approval');
    expect(await handle.executeUpdate(approveUpdate, { args: [{ approver: 'mallory' }] })).toMatchObject({ accepted: false, reason: 'mallory is not an approver of this pipeline' });
    expect(await handle.executeUpdate(approveUpdate, { args: [{ approver: 'carol', comment: 'go back' }] })).toEqual({ accepted: true, reason: 'rollback approved by carol' });
    await until(handle, (s) => s.rollbacks.length === 1);
    expect(world.audits.filter((a) => a.type === 'monitor.rollback_approve').map((a) => [a.outcome, a.actor])).toEqual([
      ['refused', 'user:carol'],
      ['refused', 'user:mallory'],
      ['success', 'user:carol'],
    ]);
  });

  it('counts a rollback decision only when it is signed by an approver of the model, for the champion it rolls back', async () => {
    const model = 'signed-rollback';
    const { handle, world } = await watch(model, { sustainedChecks: 2, rollback: 'approval', approvers: ['carol', 'dave'] }, ['breach', 'breach']);
    await until(handle, (s) => s.state === 'awaiting_rollback_approval');
    const sign = (who: FakePerson, comment: string, version = CHAMPION.version) =>
      who.sign({ pipelineId: `monitor-${model}`, model, version, artifactSha256: CHAMPION.sha256, action: 'approve', comment });
    const approve = (input: object) => handle.executeUpdate(approveUpdate, { args: [input as never] });
    expect(await approve({ approver: 'carol', comment: 'go back' })).toMatchObject({ accepted: false, reason: expect.stringContaining('unsigned') });
    expect(await approve({ approver: 'dave', comment: 'go back', signature: sign(dave, 'go back') })).toEqual({ accepted: false, reason: `dave does not hold the approver role for model ${model}` });
    expect(await approve({ approver: 'carol', comment: 'go back', signature: sign(carol, 'go back', LAST_GOOD.version) })).toMatchObject({ accepted: false, reason: expect.stringContaining('the signature does not match') });
    expect(await approve({ approver: 'carol', comment: 'go back', signature: sign(carol, 'go back') })).toEqual({ accepted: true, reason: 'rollback approved by carol' });
    await until(handle, (s) => s.rollbacks.length === 1);
    expect(world.audits.filter((a) => a.type === 'monitor.rollback_approve').map((a) => [a.outcome, a.actor])).toEqual([
      ['refused', 'user:carol'],
      ['refused', 'user:dave'],
      ['refused', 'user:carol'],
      ['success', 'user:carol'],
    ]);
    await recordHistory(handle, 'monitor-signed-rollback-approval');
  });

  it('takes signed operator actions: pause silences it, resume wakes it, rollback acts at once, promote and abort are refused', async () => {
    const model = 'operated';
    const { handle, world } = await watch(model, { sustainedChecks: 2, rollback: 'automatic' }, []);
    await until(handle, (s) => s.checks >= 1);
    const act = (update: typeof pauseUpdate, who: FakePerson, action: 'pause' | 'resume' | 'promote' | 'rollback', reason: string) =>
      handle.executeUpdate(update, { args: [{ actor: who.name, reason, signature: who.sign({ pipelineId: `monitor-${model}`, model, version: CHAMPION.version, artifactSha256: CHAMPION.sha256, action, comment: reason }) }] });

    expect(await handle.executeUpdate(pauseUpdate, { args: [{ actor: 'dave', reason: 'maintenance' }] })).toMatchObject({ accepted: false, reason: expect.stringContaining('unsigned') });
    expect(await act(pauseUpdate, dave, 'pause', 'maintenance')).toEqual({ accepted: true, reason: 'paused: checks go on and are shown, but nothing alerts or rolls back until it is resumed' });
    expect(await act(pauseUpdate, dave, 'pause', 'again')).toEqual({ accepted: false, reason: 'monitoring is already paused by dave' });
    const checks = (await handle.query(monitorStatusQuery)).checks;
    world.verdicts.push('breach', 'breach', 'breach');
    const paused = await until(handle, (s) => s.checks >= checks + 4);
    expect(paused).toMatchObject({ paused: { by: 'dave', reason: 'maintenance' }, breachStreak: 0, rollbacks: [] });
    expect(paused.lastCheck?.verdict).toBe('ok');
    expect(world.audits.map((a) => a.type).filter((t) => t.startsWith('monitor.breach'))).toEqual([]);
    expect(world.reverts).toEqual([]);

    expect(await act(resumeUpdate, dave, 'resume', 'done')).toMatchObject({ accepted: true });
    expect(await act(promoteUpdate, dave, 'promote', 'why not')).toEqual({ accepted: false, reason: 'a monitor has no rollout to promote: promote a pipeline of operated instead' });
    expect(await act(rollbackUpdate, carol, 'rollback', 'bad feeling')).toEqual({ accepted: false, reason: 'carol does not hold the operator role for model operated' });
    expect(await act(rollbackUpdate, dave, 'rollback', 'customer complaints')).toEqual({ accepted: true, reason: 'rollback requested: the champion is rolled back to the last known good version at once' });
    const after = await until(handle, (s) => s.rollbacks.length === 1);
    expect(after).toMatchObject({ champion: LAST_GOOD, lastKnownGood: null, paused: null, rollbacks: [{ from: '2.0.0', to: '1.0.0', reason: 'operator dave: customer complaints' }] });
    expect(world.reverts).toEqual([{ stable: '1.0.0' }]);
    expect(world.mails.map((m) => m.subject)).toContain('Rolled back by dave: operated 2.0.0 -> 1.0.0');
    expect(await handle.executeUpdate(rollbackUpdate, { args: [{ actor: 'dave', reason: 'once more' }] })).toMatchObject({ accepted: false });
    expect(world.audits.filter((a) => a.type.startsWith('monitor.') && ['monitor.pause', 'monitor.resume', 'monitor.promote', 'monitor.rollback'].includes(a.type)).map((a) => [a.type, a.outcome, a.actor])).toEqual([
      ['monitor.pause', 'refused', 'user:dave'],
      ['monitor.pause', 'success', 'user:dave'],
      ['monitor.pause', 'refused', 'user:dave'],
      ['monitor.resume', 'success', 'user:dave'],
      ['monitor.promote', 'refused', 'user:dave'],
      ['monitor.rollback', 'refused', 'user:carol'],
      ['monitor.rollback', 'success', 'user:dave'],
      ['monitor.rollback', 'refused', 'user:dave'],
    ]);
    await recordHistory(handle, 'monitor-operator-actions');
  });

  it('keeps the champion when the approver rejects the rollback, and counts the breach afresh', async () => {
    const { handle, world } = await watch('rejected', { sustainedChecks: 2, rollback: 'approval', approvers: ['carol'], requireSignatures: false }, ['breach', 'breach']);
    await until(handle, (s) => s.state === 'awaiting_rollback_approval');
    await handle.signal(rejectSignal, { approver: 'carol', comment: 'a known upstream outage' });
    const status = await until(handle, (s) => s.state === 'watching' && world.audits.some((a) => a.type === 'monitor.rollback_reject'));
    expect(status).toMatchObject({ champion: CHAMPION, lastKnownGood: LAST_GOOD, breachStreak: 0, rollbacks: [] });
    expect(world.reverts).toEqual([]);
    expect(world.aliases).toEqual([]);
    expect(world.audits.find((a) => a.type === 'monitor.rollback_reject')).toMatchObject({ outcome: 'success', actor: 'user:carol' });
  });

  it('only mails under the alert-only policy: one alert, one sustained-breach mail, nothing rolled back', async () => {
    const { handle, world } = await watch('alert-only', { sustainedChecks: 2, rollback: 'alert-only' }, ['breach', 'breach', 'breach', 'breach']);
    const status = await until(handle, (s) => s.checks >= 5);
    expect(status).toMatchObject({ champion: CHAMPION, rollbacks: [], state: 'watching' });
    expect(world.reverts).toEqual([]);
    expect(world.audits.map((a) => a.type)).toEqual(['monitor.breach', 'monitor.sustained_breach', 'monitor.recovered']);
    expect(world.mails.map((m) => m.subject)).toEqual([
      'Alert: alert-only 2.0.0 in production: error_rate 0.5 vs 0.05',
      'Sustained breach, no rollback: alert-only 2.0.0',
    ]);
  });

  it('alerts on a champion gone silent and holds the breach streak through silence: only a passing check with traffic resets it', async () => {
    const { handle, world } = await watch('silent', { sustainedChecks: 2, rollback: 'automatic' }, ['no_traffic', 'breach', 'no_traffic', 'breach']);
    const status = await until(handle, (s) => s.rollbacks.length === 1);
    expect(status.rollbacks[0]).toMatchObject({ from: '2.0.0', to: '1.0.0' });
    expect(world.audits.map((a) => a.type)).toEqual(['monitor.no_traffic', 'monitor.rolled_back']);
    expect(world.mails[0]).toEqual({ kind: 'monitor_alert', subject: 'Alert: silent 2.0.0 in production: no traffic: 0 requests' });
  });

  it('watches the champion the aliases name again after a closed run\'s changes were put back, and mails it', async () => {
    const { handle, world } = await watch('abandoned', {}, []);
    world.abandoned = {
      run: { workflowId: 'deploy-abandoned-3.0.0', runId: 'r1' }, closedAs: 'TERMINATED', version: '3.0.0',
      route: { from: 5, backTo: 3, generation: 6 },
      aliases: [{ alias: 'champion', from: '2.0.0', to: '1.0.0' }, { alias: 'last-known-good', from: '1.0.0', to: null }],
      status: { from: 'rolling_out', to: 'rolled_back' },
    };
    const status = await until(handle, (s) => s.champion?.version === '1.0.0');
    expect(status).toMatchObject({ champion: LAST_GOOD, lastKnownGood: null, breachStreak: 0, state: 'watching' });
    expect(world.mails).toEqual([{ kind: 'monitor_rolled_back', subject: 'Production restored after deploy-abandoned-3.0.0 closed (TERMINATED): abandoned 3.0.0' }]);
  });

  it('alerts once on population drift set to alert, and never rolls back for it', async () => {
    const { handle, world } = await watch('drift', { sustainedChecks: 1, drift: { action: 'alert' } }, ['alert', 'alert', 'alert']);
    const status = await until(handle, (s) => s.checks >= 3);
    expect(status).toMatchObject({ champion: CHAMPION, breachStreak: 0, rollbacks: [] });
    expect(world.reverts).toEqual([]);
    expect(world.audits.map((a) => a.type)).toEqual(['monitor.drift_alert']);
    expect(world.mails).toEqual([{ kind: 'monitor_alert', subject: 'Alert: drift 2.0.0 in production: cold share 0.6 above 0.3' }]);
  });
});
