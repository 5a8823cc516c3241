import type { IdentityVerdict } from '../../src/contracts/identity';
import { decisionSchema, type ApprovalRecord, type DecisionInput } from '../../src/contracts/messages';
import type { PipelineSpec } from '../../src/contracts/pipeline-spec';
import { identityRefusal } from '../../src/policy/identity-refusal';
import { describeIssues, formatIssues } from '../../src/validation/issues';

export interface ReceivedDecision {
  decision: 'approve' | 'reject';
  input: DecisionInput;
  at: string;
  /** False when it arrived while no approval was awaited (before the request, or after the decision). */
  awaiting?: boolean;
  /** The verdict on its signature; null when it came unsigned. */
  identity?: IdentityVerdict | null;
}

/** A refused decision: a malformed one for what is wrong with it, an unproven one for its identity, else `reason`. */
export function refuseDecision(received: ReceivedDecision, reason: string, requireSignatures = true): ApprovalRecord {
  const parsed = decisionSchema.safeParse(received.input);
  const approver = typeof received.input?.approver === 'string' ? received.input.approver.trim() : '';
  const why = parsed.success ? (identityRefusal(received.identity, requireSignatures, 'decision') ?? reason) : formatIssues(describeIssues(parsed.error, 'a decision'));
  return { approver, decision: received.decision, at: received.at, comment: parsed.success ? parsed.data.comment : '', accepted: false, reason: why };
}

/**
 * Judges one approval or rejection against the spec: proven by its signature where the spec requires one, a listed
 * approver, not the submitter (four-eyes), once each, and only while an approval is awaited. Pure, so the rules are
 * unit-tested and replay the same.
 */
export function judgeDecision(
  received: ReceivedDecision,
  spec: Pick<PipelineSpec, 'submitter' | 'approval'>,
  earlier: readonly ApprovalRecord[],
  awaiting: boolean,
  outOfTurn = 'the pipeline is not awaiting approval',
): ApprovalRecord {
  const requireSignatures = spec.approval.requireSignatures === true;
  const refused = (reason: string) => refuseDecision(received, reason, requireSignatures);
  if (!decisionSchema.safeParse(received.input).success) return refused('');
  const approver = received.input.approver.trim();
  if (identityRefusal(received.identity, requireSignatures, 'decision')) return refused('');
  if (!awaiting) return refused(outOfTurn);
  if (approver === spec.submitter) return refused(`${approver} submitted this pipeline and cannot also decide on it (four-eyes)`);
  if (!spec.approval.approvers.includes(approver)) return refused(`${approver} is not an approver of this pipeline`);
  if (earlier.some((r) => r.accepted && r.approver === approver)) return refused(`${approver} has already decided`);
  const { comment } = decisionSchema.parse(received.input);
  const fingerprint = received.identity?.verified ? { fingerprint: received.identity.fingerprint } : {};
  return { approver, decision: received.decision, at: received.at, comment, accepted: true, ...fingerprint };
}
