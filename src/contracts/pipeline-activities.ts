import type { GateEvidence, GateName } from './evidence';
import type { KpiCheck, PipelineStatus } from './messages';
import type { JudgeSpec, KpiThresholds, PipelineSpec, Stage } from './pipeline-spec';
import type { JudgedKpi } from './verdicts';
import type { RouteSpec } from './routes';
import type { IdentityRequest, IdentityVerdict } from './identity';

/** The activities the deployment pipeline calls, as types only: workflow code imports this file, never the code. */

export interface PipelineRef {
  pipelineId: string;
  model: string;
  version: string;
}

export interface DatasetSummary {
  sha256: string;
  rows: number;
  users: number;
  items: number;
}

export interface IngestSummary {
  artifactSha256: string;
  kind: 'embedding' | 'popularity' | 'onnx';
  dims: number;
  users: number;
  items: number;
  champion: { version: string; sha256: string } | null;
  datasets: { train: DatasetSummary; validation: DatasetSummary; recent: DatasetSummary };
}

export interface RouteSnapshot {
  generation: number;
  spec: RouteSpec;
}

export type NotificationKind =
  | 'approval_requested'
  | 'approval_reminder'
  | 'rollout_started'
  | 'stage_passed'
  | 'undecided'
  | 'rolled_back'
  | 'rejected'
  | 'completed'
  | 'monitor_alert'
  | 'monitor_rollback_approval'
  | 'monitor_rolled_back'
  | 'drill_result';

export type AuditOutcome = 'success' | 'failure' | 'refused';

export interface AuditInput {
  ref: PipelineRef;
  key: string;
  type: string;
  actor: string;
  outcome: AuditOutcome;
  evidence?: Record<string, unknown>;
}

/** A table of evidence in a mail: a real table in its HTML part, aligned columns in its text part. */
export interface MailTable {
  caption: string;
  headers: string[];
  rows: string[][];
}

/** A command the reader can run, shown as code after the text. */
export interface MailCommand {
  label: string;
  command: string;
}

export interface NotifyInput {
  ref: PipelineRef;
  key: string;
  kind: NotificationKind;
  to: string[];
  subject: string;
  lines: string[];
  tables?: MailTable[];
  commands?: MailCommand[];
}

export interface TimelineEntry {
  at: string;
  event: string;
  detail?: string;
}

export interface CompensationRecord {
  key: string;
  description: string;
  outcome: 'done' | 'failed';
  error?: string;
  at: string;
}

export interface PipelineOutcomeDoc {
  ref: PipelineRef;
  status: PipelineStatus;
  checks: KpiCheck[];
  evidence: GateEvidence[];
  timeline: TimelineEntry[];
  compensations: CompensationRecord[];
  cause: { type: string; message: string; check: KpiCheck | null } | null;
  /** The rollout plan and the routing it started from, once the rollout began. */
  stages?: Stage[];
  routeBefore?: RouteSnapshot | null;
}

export interface LockAcquisition {
  acquired: boolean;
  /** The workflow id that holds the lock now. */
  holder: string;
  /** The closed run whose forgotten lock this acquisition replaced. */
  takenOverFrom?: { workflowId: string; runId: string };
}

/** A stage of the rollout so far and the times of its checks: the statistical judge bins KPIs by them. */
export interface StageChecks {
  /** Unique within the rollout: the bake runs at the last stage's share but is judged as a stage of its own. */
  label: string;
  kind: Stage['kind'];
  percent: number;
  fromMs: number;
  checkTimes: number[];
}

export interface CheckKpisInput {
  ref: PipelineRef;
  stage: Stage;
  candidate: string;
  stable: string | null;
  /** The current window. */
  fromMs: number;
  toMs: number;
  thresholds: KpiThresholds;
  judge: JudgeSpec;
  /** Every stage so far, the current one last with `toMs` as its latest check. */
  stages: StageChecks[];
  kpis: JudgedKpi[];
}

export interface PipelineActivities {
  /** Validates the spec again inside the worker and audits its acceptance or refusal. */
  acceptSpec(input: { pipelineId: string; spec: unknown }): Promise<PipelineSpec>;
  ingest(input: { ref: PipelineRef; spec: PipelineSpec }): Promise<IngestSummary>;
  transitionStatus(input: { ref: PipelineRef; to: string; key: string; actor: string; reason: string }): Promise<void>;
  runGate(input: { ref: PipelineRef; gate: GateName; spec: PipelineSpec; ingest: IngestSummary }): Promise<GateEvidence>;
  audit(input: AuditInput): Promise<void>;
  notify(input: NotifyInput): Promise<void>;
  /** Takes the model's rollout lock for this run; a lock whose run has closed is taken over and named. */
  acquireRolloutLock(input: { ref: PipelineRef }): Promise<LockAcquisition>;
  releaseRolloutLock(input: { ref: PipelineRef }): Promise<void>;
  readRoute(input: { model: string }): Promise<RouteSnapshot>;
  applyRoute(input: { ref: PipelineRef; key: string; spec: RouteSpec; actor: string; reason: string }): Promise<{ generation: number }>;
  confirmRouteLive(input: { model: string; generation: number; timeoutMs: number }): Promise<{ replicas: string[] }>;
  /** Judges the rollout at `toMs`: the thresholds judge over the current window, the statistical one over `stages`. */
  checkKpis(input: CheckKpisInput): Promise<KpiCheck>;
  moveAlias(input: {
    ref: PipelineRef;
    alias: 'champion' | 'last-known-good';
    to: string | null;
    expected: string | null;
    key: string;
    actor: string;
    reason: string;
  }): Promise<void>;
  writeReport(input: PipelineOutcomeDoc): Promise<{ htmlPath: string; jsonPath: string }>;
  writeRollbackDocument(input: PipelineOutcomeDoc): Promise<{ path: string }>;
  /** Checks a signed start, decision or action against the people registry; spends its nonce once it passes. */
  verifyIdentity(input: IdentityRequest): Promise<IdentityVerdict>;
}

/** A confirmation polls the replicas up to its own timeout; its activity gets this much longer to report what it found. */
export const CONFIRM_SLACK_MS = 10_000;
