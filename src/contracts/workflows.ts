import type { Workflow } from '@temporalio/common';
import type { Outcome } from './messages';
import type { DrillResult, MonitorInput } from './monitoring';
import type { PipelineSpecInput } from './pipeline-spec';

/**
 * Every workflow this project runs, by name and signature. Clients start them through these references, so `tsc`
 * follows a spec from the CLI into the workflow; a test checks that the worker exports each one under its name.
 */
export interface WorkflowRef<F extends Workflow> {
  readonly name: string;
  /** Carries the signature for the compiler; never set. */
  readonly signature?: F;
}

const ref = <F extends Workflow>(name: string): WorkflowRef<F> => ({ name });

export interface DeployModelResult {
  outcome: Outcome;
  pipelineId: string;
  /** Where the pipeline stopped: its last step, and the stage it had reached. */
  stoppedAt: string;
  /** Why a pipeline that completed without a promotion stopped: the failure type and its message. */
  cause?: { type: string; message: string };
  reportPath?: string;
  rollbackDocumentPath?: string;
}

export interface SmokeResult {
  documentId: string;
  messageId: string;
}

export interface SmokeRecord {
  workflowId: string;
  recipient: string;
}

/** The smoke workflow's two steps: a document in MongoDB and an email through SMTP. */
export interface SmokeActivities {
  recordSmoke(input: SmokeRecord): Promise<Pick<SmokeResult, 'documentId'>>;
  sendSmokeMail(input: SmokeRecord): Promise<Pick<SmokeResult, 'messageId'>>;
}

export type DeployModelWorkflow = (input: PipelineSpecInput) => Promise<DeployModelResult>;
export type MonitorModelWorkflow = (input: MonitorInput) => Promise<void>;
export type RollbackDrillWorkflow = (input: { model: string }) => Promise<DrillResult>;
export type SmokeWorkflow = (recipient: string) => Promise<SmokeResult>;

export const deployModel = ref<DeployModelWorkflow>('deployModelWorkflow');
export const monitorModel = ref<MonitorModelWorkflow>('monitorModelWorkflow');
export const rollbackDrill = ref<RollbackDrillWorkflow>('rollbackDrillWorkflow');
export const smoke = ref<SmokeWorkflow>('smokeWorkflow');

export const ALL_WORKFLOWS = [deployModel, monitorModel, rollbackDrill, smoke];
