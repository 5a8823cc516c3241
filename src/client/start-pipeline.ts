import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle, type WorkflowIdReusePolicy } from '@temporalio/client';
import { pipelineSpecSchema, pipelineWorkflowId, type PipelineSpec } from '../contracts/pipeline-spec';
import { InputError } from '../validation/input-error';
import { describeIssues, type FieldIssue } from '../validation/issues';
import { initialSearchAttributes } from '../contracts/pipeline-status';
import { deployModel, type DeployModelWorkflow } from '../contracts/workflows';
import { pipelineDescription } from '../temporal/workflow-descriptions';

export class SpecError extends InputError {
  constructor(issues: FieldIssue[]) {
    super('parseSpec', issues, 'invalid pipeline spec');
  }
}

/** Validates a spec at the edge, naming each wrong field and its rule. */
export function parseSpec(raw: unknown): PipelineSpec {
  const result = pipelineSpecSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new SpecError(describeIssues(result.error, 'the spec'));
}

export interface StartedPipeline {
  handle: WorkflowHandle;
  workflowId: string;
  /** False when a pipeline with this id was already running: starting twice starts once. */
  started: boolean;
}

/**
 * By default a failed or cancelled pipeline may be run again for the same version, a finished or running one may not;
 * triggers pass REJECT_DUPLICATE so nothing they start ever runs twice.
 */
export async function startPipeline(client: Client, raw: unknown, taskQueue: string, reuse: WorkflowIdReusePolicy = 'ALLOW_DUPLICATE_FAILED_ONLY'): Promise<StartedPipeline> {
  const spec = parseSpec(raw);
  const workflowId = pipelineWorkflowId(spec.model, spec.version);
  try {
    const handle = await client.workflow.start<DeployModelWorkflow>(deployModel.name, {
      workflowId,
      taskQueue,
      args: [spec],
      workflowIdReusePolicy: reuse,
      typedSearchAttributes: initialSearchAttributes(spec.model, spec.version, 'queued'),
      ...pipelineDescription(spec),
      memo: { submitter: spec.submitter, approvers: spec.approval.approvers.join(', '), stages: spec.rollout.stages.map((s) => `${s.name} ${s.percent}%`).join(' → ') },
    });
    return { handle, workflowId, started: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { handle: client.workflow.getHandle(workflowId), workflowId, started: false };
  }
}
