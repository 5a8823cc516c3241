import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { statusQuery } from '../contracts/messages';
import { monitorStatusQuery, monitorWorkflowId } from '../contracts/monitoring';
import { MODEL_NAME_PATTERN } from '../contracts/primitives';
import type { CliContext } from './context';
import { failure, usageError } from './exit-codes';
import { parsePipelineId } from './pipeline-id';
import { describePipeline } from './pipelines';

/** The workflow a decision or an action goes to, and the model version a signature for it names. */
export interface ActionTarget {
  handle: WorkflowHandle;
  kind: 'pipeline' | 'monitor';
  model: string;
  version: string;
}

/**
 * A running pipeline (deploy-<model>-<version> or <model>@<version>), or a model's monitor (monitor-<model>), whose
 * champion is the version signatures name. `what` says what was to be done, for the refusal of a finished pipeline.
 */
export async function actionTarget(ctx: CliContext, rawId: string, what: string): Promise<ActionTarget> {
  const id = rawId.trim();
  if (id.startsWith('monitor-')) {
    const model = id.slice('monitor-'.length);
    if (!MODEL_NAME_PATTERN.test(model)) throw usageError(`monitor id "${id}": "${model}" is not a valid model name`);
    const handle = (await ctx.temporal()).workflow.getHandle(monitorWorkflowId(model));
    const status = await handle.query(monitorStatusQuery).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) throw failure(`no monitor runs for ${model}`);
      throw err;
    });
    return { handle, kind: 'monitor', model, version: status.champion?.version ?? '' };
  }
  const workflowId = parsePipelineId(id);
  const info = await describePipeline(await ctx.temporal(), workflowId);
  if (!info.running) throw failure(`pipeline ${workflowId} is finished (${info.outcome}); nothing to ${what}`);
  const { model, version } = await info.handle.query(statusQuery);
  return { handle: info.handle, kind: 'pipeline', model, version };
}
