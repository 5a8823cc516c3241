import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { signatureSchema } from './identity';
import type { Judgement } from './verdicts';

/** Approval and rejection carry who decided and why; the workflow checks the approver against the spec. */
export const decisionSchema = z.object({
  approver: z.string().trim().min(1, 'must name who decides'),
  comment: z.string().max(2000, 'must be at most 2000 characters').default(''),
  /** The approver's signature of this decision and comment, made by `modelship approve` or `reject`. */
  signature: signatureSchema.optional(),
}).strict();
export type DecisionInput = z.input<typeof decisionSchema>;

export const operatorActionSchema = z.object({
  actor: z.string().trim().min(1, 'must name who acts'),
  reason: z.string().max(2000, 'must be at most 2000 characters').default(''),
  /** The operator's signature of this action and reason. */
  signature: signatureSchema.optional(),
}).strict();
export type OperatorAction = z.input<typeof operatorActionSchema>;

// Wire names are plain camelCase so `temporal workflow signal --name approve` works as well as the CLI.
export const approveSignal = defineSignal<[DecisionInput]>('approve');
export const rejectSignal = defineSignal<[DecisionInput]>('reject');
export const pauseSignal = defineSignal<[OperatorAction]>('pause');
export const resumeSignal = defineSignal<[OperatorAction]>('resume');
export const promoteSignal = defineSignal<[OperatorAction]>('promote');
export const abortSignal = defineSignal<[OperatorAction]>('abort');
export const rollbackSignal = defineSignal<[OperatorAction]>('rollback');

/** What the caller of an Update learns at once: whether the decision or action counts, and why, or why not. */
export interface ActionAnswer {
  accepted: boolean;
  reason: string;
}

// The same names as the signals: `temporal workflow update execute --name approve` answers where `signal` cannot.
export const approveUpdate = defineUpdate<ActionAnswer, [DecisionInput]>('approve');
export const rejectUpdate = defineUpdate<ActionAnswer, [DecisionInput]>('reject');
export const pauseUpdate = defineUpdate<ActionAnswer, [OperatorAction]>('pause');
export const resumeUpdate = defineUpdate<ActionAnswer, [OperatorAction]>('resume');
export const promoteUpdate = defineUpdate<ActionAnswer, [OperatorAction]>('promote');
export const abortUpdate = defineUpdate<ActionAnswer, [OperatorAction]>('abort');
export const rollbackUpdate = defineUpdate<ActionAnswer, [OperatorAction]>('rollback');

export const OPERATOR_ACTIONS = ['pause', 'resume', 'promote', 'abort', 'rollback'] as const;
export type OperatorActionKind = (typeof OPERATOR_ACTIONS)[number];

export const PIPELINE_STEPS = [
  'ingest',
  'gates',
  'awaiting_approval',
  'rollout',
  'bake',
  'promote',
  'rolling_back',
  'done',
] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/** `inconclusive`: the gates could not judge the model (see FailureType.GateInconclusive); the version may run again. */
export type Outcome = 'running' | 'promoted' | 'rolled_back' | 'rejected' | 'expired' | 'failed' | 'inconclusive';

export interface KpiSide {
  requests: number;
  errors: number;
  errorRate: number | null;
  p99Ms: number | null;
  successRate: number | null;
  shadowRequests: number;
  shadowAgreement: number | null;
}

export interface RuleResult {
  rule: string;
  value: number | null;
  threshold: number;
  verdict: 'pass' | 'breach' | 'insufficient_data';
}

/** One monitoring check: the values read, the thresholds applied and the verdict, kept for reports and rollbacks. */
export interface KpiCheck {
  /** Which judge decided: the statistical one carries its evidence in `judgement`. */
  judge: 'statistical' | 'thresholds';
  stage: string;
  at: string;
  from: string;
  to: string;
  candidate: KpiSide;
  stable: KpiSide | null;
  /** The thresholds judge's rules; empty under the statistical judge. */
  rules: RuleResult[];
  /** Per KPI: estimate, always-valid interval, statistic, requests and users per arm, verdict. Null under thresholds. */
  judgement: Judgement | null;
  /** `breach` rolls back: a rule breached, or a KPI regressed. */
  verdict: 'pass' | 'breach';
}

export interface ApprovalRecord {
  approver: string;
  decision: 'approve' | 'reject';
  comment: string;
  at: string;
  accepted: boolean;
  reason?: string;
  /** The fingerprint of the key that signed it, when signed and verified. */
  fingerprint?: string;
}

export interface PipelineStatus {
  pipelineId: string;
  model: string;
  version: string;
  step: PipelineStep;
  stage: string | null;
  trafficPercent: number;
  shadowPercent: number;
  paused: boolean;
  outcome: Outcome;
  lastCheck: KpiCheck | null;
  approvals: ApprovalRecord[];
  approvalsRequired: number;
  approvalDeadline: string | null;
  champion: string | null;
  startedAt: string;
  failure: string | null;
}

export const statusQuery = defineQuery<PipelineStatus>('status');
