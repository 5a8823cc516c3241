import type { AbandonedFindings } from './abandoned';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { KpiCheck } from './messages';
import type { DrillPolicy, MonitoringPolicy } from './model-policy';
import type { RouteSpec } from './routes';

export interface VersionRef {
  version: string;
  sha256: string;
}

/** Sent by a pipeline that promoted a version: watch this champion from now on, with this version to fall back to. */
export interface Handover {
  champion: VersionRef;
  lastKnownGood: VersionRef | null;
  by: string;
}

export const monitorWorkflowId = (model: string) => `monitor-${model}`;
export const drillWorkflowId = (model: string) => `drill-${model}`;
/** Drills change routing only under this name, which no client asks for, so production never sees them. */
export const drillRouteName = (model: string) => `${model}--drill`;

export const handoverSignal = defineSignal<[Handover]>('handover');

export interface PopulationDrift {
  /** Sampled requests in the window. */
  samples: number;
  /** Share of sampled requests from users absent from the training data. */
  coldShare: number | null;
  /** PSI of the served users' training activity against the training users' activity. */
  psi: number | null;
  verdict: 'pass' | 'drift' | 'insufficient_data' | 'no_reference';
  reasons: string[];
}

export interface ProductionCheck {
  model: string;
  version: string;
  from: string;
  to: string;
  kpi: KpiCheck;
  drift: PopulationDrift;
  /**
   * `breach` counts towards a rollback; `alert` (drift set to alert) and `no_traffic` (no requests where the baseline
   * had some, set to alert) are mailed and audited but never roll back by themselves, nor end a breach streak.
   */
  verdict: 'ok' | 'breach' | 'alert' | 'no_traffic';
  reasons: string[];
  /** Set when the window had no request: how many the baseline before it had. */
  silence?: Silence;
}

/** A window without requests, and the traffic the champion had in the baseline just before it. */
export interface Silence {
  windowRequests: 0;
  baselineRequests: number;
  baselineFrom: string;
}

export type MonitorState = 'watching' | 'awaiting_rollback_approval' | 'rolling_back' | 'idle';

export interface MonitorRollback {
  from: string;
  to: string;
  at: string;
  reason: string;
  revertMs: number;
}

export interface MonitorStatus {
  model: string;
  state: MonitorState;
  champion: VersionRef | null;
  lastKnownGood: VersionRef | null;
  handedOverBy: string | null;
  breachStreak: number;
  checks: number;
  lastCheck: ProductionCheck | null;
  rollbacks: MonitorRollback[];
  policy: MonitoringPolicy | null;
  /** Set while an operator has paused it: checks go on, nothing alerts or rolls back. */
  paused: MonitorPause | null;
}

export interface MonitorPause {
  by: string;
  reason: string;
  at: string;
}

export const monitorStatusQuery = defineQuery<MonitorStatus>('monitorStatus');

/** Carried from one run to the next by continue-as-new. */
export interface MonitorInput {
  model: string;
  champion: VersionRef | null;
  lastKnownGood: VersionRef | null;
  handedOverBy: string | null;
  breachStreak?: number;
  rollbacks?: MonitorRollback[];
  paused?: MonitorPause | null;
}

export interface DrillResult {
  model: string;
  drillId: string;
  from: VersionRef;
  to: VersionRef;
  /** From the revert's routing write to every healthy replica serving it. */
  revertMs: number;
  replicas: string[];
  outcome: 'passed' | 'failed';
  failure?: string;
}

export interface MonitorActivities {
  readModelPolicy(input: { model: string }): Promise<{ monitoring: MonitoringPolicy; drill: DrillPolicy | null }>;
  checkProduction(input: { model: string; version: string; fromMs: number; toMs: number; policy: MonitoringPolicy }): Promise<ProductionCheck>;
  /** Starts the model's monitor if it is not running, and hands it the new champion either way. */
  handOverMonitoring(input: { model: string; handover: Handover }): Promise<void>;
  /** Champion and last-known-good as the registry has them, with their artifacts. */
  readAliases(input: { model: string }): Promise<{ champion: VersionRef | null; lastKnownGood: VersionRef | null }>;
  /** Puts back what pipeline runs of the model that closed without finishing left in production (docs/operations.md). */
  restoreAbandoned(input: { model: string }): Promise<AbandonedFindings>;
  /** Applies a routing change and waits until every healthy replica serves it, timing both together. */
  revertRoute(input: { routeName: string; key: string; spec: RouteSpec; actor: string; reason: string; timeoutMs: number }): Promise<{ generation: number; replicas: string[]; revertMs: number }>;
  recordDrill(input: DrillResult): Promise<void>;
  /** Asks the pipeline holding the model's rollout lock to abort, so a breaching champion need not wait for it. */
  abortRollout(input: { holder: string; actor: string; reason: string }): Promise<{ signalled: boolean }>;
}

/** The rollbacks a monitor carries into its next run, for its status; the audit log keeps them all. */
export const ROLLBACKS_CARRIED_OVER = 20;
