import { WorkflowFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { abortUpdate, approveUpdate, pauseUpdate, statusQuery } from '../../src/contracts/messages';
import type { SignedAction } from '../../src/contracts/identity';
import type { PipelineSpecInput } from '../../src/contracts/pipeline-spec';
import { pipelineWorkflowId } from '../../src/contracts/pipeline-spec';
import { CANDIDATE_SHA } from './fake-activities';
import type { FakePerson } from './fake-identity';
import { fastSpec, startHarness, type Harness } from './pipeline-harness';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(90_000));

describe('who may start, decide and act, proven by signatures', () => {
  let h: Harness;
  let alice: FakePerson, bob: FakePerson, carol: FakePerson, dan: FakePerson;
  beforeAll(async () => {
    h = await startHarness();
    alice = h.identity.person('alice', ['submitter']);
    bob = h.identity.person('bob', ['approver']);
    carol = h.identity.person('carol', ['operator']);
    dan = h.identity.person('dan', ['operator']);
  });
  afterAll(() => h?.stop());

  function signedSpec(model: string, overrides: Partial<PipelineSpecInput> = {}): PipelineSpecInput {
    const spec = fastSpec(model, { approval: { approvers: ['bob', 'carol'], required: 1, deadline: '1h', reminderBefore: '10m' }, ...overrides });
    const signature = alice.sign({ pipelineId: pipelineWorkflowId(model, spec.version), model, version: spec.version, artifactSha256: CANDIDATE_SHA, action: 'start', comment: '' });
    return { ...spec, signature };
  }
  const signFor = (who: FakePerson, model: string, action: SignedAction, comment: string) =>
    who.sign({ pipelineId: pipelineWorkflowId(model, '2.0.0'), model, version: '2.0.0', artifactSha256: CANDIDATE_SHA, action, comment });

  it('judges decisions in the order they came, a signed one after its check: the unsigned one behind it waits', async () => {
    const model = 'sig-order';
    const handle = await h.start(signedSpec(model, { approval: { approvers: ['bob'], required: 1, deadline: '1h', reminderBefore: '10m', requireSignatures: false } }));
    await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');
    h.identity.delayMs = 1000;
    try {
      const signed = await handle.startUpdate(approveUpdate, { args: [{ approver: 'bob', comment: 'signed', signature: signFor(bob, model, 'approve', 'signed') }], waitForStage: WorkflowUpdateStage.ACCEPTED });
      const unsigned = await handle.executeUpdate(approveUpdate, { args: [{ approver: 'bob', comment: 'unsigned' }] });
      expect(await signed.result()).toEqual({ accepted: true, reason: 'approval by bob counted' });
      expect(unsigned).toEqual({ accepted: false, reason: 'bob has already decided' });
    } finally {
      h.identity.delayMs = 0;
    }
    const status = await handle.query(statusQuery);
    expect(status.approvals.map((a) => [a.comment, a.accepted])).toEqual([['signed', true], ['unsigned', false]]);
    await handle.terminate('test over');
  });

  it('refuses an unsigned start: the pipeline fails before it reads or changes anything, and says why', async () => {
    const handle = await h.start(fastSpec('sig-unsigned-start', { approval: { approvers: ['bob'] } }));
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(err.cause?.message).toContain('unsigned: this pipeline counts only signed starts');
    const w = h.world('sig-unsigned-start');
    expect(w.calls.map((c) => c.name)).not.toContain('ingest');
    expect(w.statuses).toEqual([]);
    expect(w.audits.find((a) => a.type === 'pipeline.submitter')).toMatchObject({ outcome: 'refused', actor: 'user:alice' });
  });

  it('refuses a start signed by someone other than the submitter it names', async () => {
    const spec = signedSpec('sig-other-start');
    const handle = await h.start({ ...spec, submitter: 'dan' });
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err.cause?.message).toContain('signed by alice, but the start names dan');
  });

  it('answers each decision and action on proof: unsigned, tampered, replayed, wrong role and self-approval refused, a valid signature counted', async () => {
    const model = 'sig-decide';
    const handle = await h.start(signedSpec(model, { approval: { approvers: ['alice', 'bob', 'carol'], required: 1, deadline: '1h', reminderBefore: '10m' }, rollout: { window: '20s', checkInterval: '100ms', bake: '300ms', confirmTimeout: '5s' } }));
    await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');
    const approve = (input: object) => handle.executeUpdate(approveUpdate, { args: [input as never] });

    expect(await approve({ approver: 'bob', comment: 'ok' })).toMatchObject({ accepted: false, reason: expect.stringContaining('unsigned: this pipeline counts only signed decisions') });
    const forOk = signFor(bob, model, 'approve', 'ok');
    expect(await approve({ approver: 'bob', comment: 'ok, and more', signature: forOk })).toMatchObject({ accepted: false, reason: expect.stringContaining('the signature does not match') });
    expect(await approve({ approver: 'carol', comment: 'ok', signature: signFor(carol, model, 'approve', 'ok') })).toEqual({ accepted: false, reason: 'carol does not hold the approver role for model sig-decide' });
    const stale = bob.sign({ pipelineId: handle.workflowId, model, version: '2.0.0', artifactSha256: CANDIDATE_SHA, action: 'approve', comment: 'ok' }, new Date(Date.now() - 3_600_000));
    expect(await approve({ approver: 'bob', comment: 'ok', signature: stale })).toMatchObject({ accepted: false, reason: expect.stringContaining('stale: signed at') });
    const self = signFor(alice, model, 'approve', 'mine');
    h.identity.people.get('alice')!.roles.push({ role: 'approver', model: '*' });
    expect(await approve({ approver: 'alice', comment: 'mine', signature: self })).toEqual({ accepted: false, reason: 'alice submitted this pipeline and cannot also decide on it (four-eyes)' });
    // An operator action without the operator role, before the decision: refused for who sent it.
    expect(await handle.executeUpdate(pauseUpdate, { args: [{ actor: 'bob', reason: 'wait', signature: signFor(bob, model, 'pause', 'wait') }] })).toEqual({
      accepted: false,
      reason: 'bob does not hold the operator role for model sig-decide',
    });

    expect(await approve({ approver: 'bob', comment: 'ok', signature: forOk })).toEqual({ accepted: true, reason: 'approval by bob counted' });
    await h.waitForStep(handle, (s) => s.step === 'rollout' && s.stage !== null);
    const replayed = await approve({ approver: 'bob', comment: 'ok', signature: forOk });
    expect(replayed).toMatchObject({ accepted: false, reason: expect.stringContaining('replayed: this signature') });
    expect(await handle.executeUpdate(pauseUpdate, { args: [{ actor: 'dan', reason: 'look', signature: signFor(dan, model, 'pause', 'look') }] })).toMatchObject({ accepted: true });

    const status = await handle.query(statusQuery);
    expect(status.approvals.filter((a) => a.accepted).map((a) => [a.approver, a.fingerprint])).toEqual([['bob', bob.fingerprint]]);
    expect(status.paused).toBe(true);
    expect(await handle.executeUpdate(abortUpdate, { args: [{ actor: 'dan', reason: 'enough', signature: signFor(dan, model, 'abort', 'enough') }] })).toMatchObject({ accepted: true });
    expect(await handle.result()).toMatchObject({ outcome: 'rolled_back' });
    await h.record(handle, 'signed-decisions');

    const audits = h.world(model).audits.filter((a) => a.type.startsWith('approval.') || a.type.startsWith('operator.') || a.type === 'pipeline.submitter');
    expect(audits.map((a) => [a.type, a.outcome, a.actor])).toEqual([
      ['pipeline.submitter', 'success', 'user:alice'],
      ['approval.requested', 'success', `pipeline:${handle.workflowId}`],
      ['approval.approve', 'refused', 'user:bob'],
      ['approval.approve', 'refused', 'user:bob'],
      ['approval.approve', 'refused', 'user:carol'],
      ['approval.approve', 'refused', 'user:bob'],
      ['approval.approve', 'refused', 'user:alice'],
      ['operator.pause', 'refused', 'user:bob'],
      ['approval.approve', 'success', 'user:bob'],
      ['approval.approve', 'refused', 'user:bob'],
      ['operator.pause', 'success', 'user:dan'],
      ['operator.abort', 'success', 'user:dan'],
    ]);
  });
});
