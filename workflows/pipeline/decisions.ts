import { decisionSchema, type ApprovalRecord, type DecisionInput } from '../../src/contracts/messages';
import type { PipelineSpec } from '../../src/contracts/pipeline-spec';

export interface ReceivedDecision {
  decision: 'approve' | 'reject';
  input: DecisionInput;
  at: string;
}

/**
 * Judges one approval or rejection against the spec: a listed approver, not the submitter (four-eyes), once each.
 * Pure, so the rules are unit-tested and replay the same.
 */
export function judgeDecision(
  received: ReceivedDecision,
  spec: Pick<PipelineSpec, 'submitter' | 'approval'>,
  earlier: readonly ApprovalRecord[],
  awaiting: boolean,
): ApprovalRecord {
  const parsed = decisionSchema.safeParse(received.input);
  const approver = typeof received.input?.approver === 'string' ? received.input.approver.trim() : '';
  const base = { approver, decision: received.decision, at: received.at, comment: parsed.success ? parsed.data.comment : '' };
  const refuse = (reason: string): ApprovalRecord => ({ ...base, accepted: false, reason });
  if (!parsed.success) return refuse(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  if (!awaiting) return refuse('the pipeline is not awaiting approval');
  if (approver === spec.submitter) return refuse(`${approver} submitted this pipeline and cannot also decide on it (four-eyes)`);
  if (!spec.approval.approvers.includes(approver)) return refuse(`${approver} is not an approver of this pipeline`);
  if (earlier.some((r) => r.accepted && r.approver === approver)) return refuse(`${approver} has already decided`);
  return { ...base, accepted: true };
}
