import { pipelineEnding, type EndingFacts } from '../../../src/policy/pipeline-ending';

const facts = (f: Partial<EndingFacts>): EndingFacts => ({ type: 'Error', rolloutStarted: false, versionStatus: 'registered', undoneCleanly: true, ...f });

describe('how a pipeline that stopped short of a promotion ends', () => {
  it('completes a gate failure as rejected, and moves the version to rejected', () => {
    expect(pipelineEnding(facts({ type: 'GateFailed', versionStatus: 'validating' }))).toEqual({
      outcome: 'rejected',
      finalStatus: 'rejected',
      mail: { kind: 'rejected', subject: 'Rejected', rerun: false },
      completes: true,
    });
  });

  it('fails an inconclusive gate without rejecting the version: rolled back, so the same version may run again', () => {
    expect(pipelineEnding(facts({ type: 'GateInconclusive', versionStatus: 'validating' }))).toEqual({
      outcome: 'inconclusive',
      finalStatus: 'rolled_back',
      mail: { kind: 'rolled_back', subject: 'Gates inconclusive, run it again', rerun: true },
      completes: false,
    });
  });

  it('completes an expired approval as expired, mailed as such', () => {
    const e = pipelineEnding(facts({ type: 'ApprovalExpired', versionStatus: 'awaiting_approval' }));
    expect([e.outcome, e.finalStatus, e.mail.subject, e.completes]).toEqual(['expired', 'rejected', 'Approval expired', true]);
  });

  it('completes a KPI breach whose rollback put production back, and fails one whose compensation failed', () => {
    const clean = pipelineEnding(facts({ type: 'KpiBreach', rolloutStarted: true, versionStatus: 'rolling_out' }));
    expect([clean.outcome, clean.finalStatus, clean.mail.kind, clean.completes]).toEqual(['rolled_back', 'rolled_back', 'rolled_back', true]);
    expect(pipelineEnding(facts({ type: 'KpiBreach', rolloutStarted: true, versionStatus: 'rolling_out', undoneCleanly: false })).completes).toBe(false);
  });

  it('names a failure before production changed "failed", and fails the workflow', () => {
    const e = pipelineEnding(facts({ type: 'BadArtifact' }));
    expect([e.outcome, e.finalStatus, e.completes]).toEqual(['failed', null, false]);
  });

  it('counts an infrastructure failure after the rollout began as rolled back, not as failed', () => {
    expect(pipelineEnding(facts({ type: 'RouteNotConfirmed', rolloutStarted: true, versionStatus: 'rolling_out' })).outcome).toBe('rolled_back');
  });

  it('rolls back an operator abort, a cancellation and an undecided window; a cancellation still ends as cancelled', () => {
    for (const type of ['Aborted', 'RolledBackByOperator', 'Undecided', 'Cancelled']) {
      expect({ type, outcome: pipelineEnding(facts({ type, versionStatus: 'awaiting_approval' })).outcome }).toEqual({ type, outcome: 'rolled_back' });
    }
    expect(pipelineEnding(facts({ type: 'Cancelled', versionStatus: 'awaiting_approval' })).completes).toBe(false);
    expect(pipelineEnding(facts({ type: 'Aborted', versionStatus: 'awaiting_approval' })).finalStatus).toBe('rolled_back');
  });
});
