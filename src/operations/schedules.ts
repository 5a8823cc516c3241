import { ScheduleAlreadyRunning, type Client, type ScheduleHandle } from '@temporalio/client';
import { drillWorkflowId } from '../contracts/monitoring';
import { durationMs } from '../contracts/primitives';
import { rollbackDrill } from '../contracts/workflows';
import { ModelNameKey } from '../contracts/search-attributes';
import { drillDescription } from '../temporal/workflow-descriptions';

export const drillScheduleId = (model: string) => `drill-schedule-${model}`;

/**
 * A Temporal Schedule that runs the model's rollback drill every `every`, one at a time. Creating it again updates
 * it, so the schedule always matches the model's drill policy.
 */
export async function scheduleDrill(client: Client, taskQueue: string, model: string, every: string): Promise<ScheduleHandle> {
  const options = {
    spec: { intervals: [{ every: durationMs(every) }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: rollbackDrill.name,
      args: [{ model }],
      taskQueue,
      workflowId: drillWorkflowId(model),
      typedSearchAttributes: [{ key: ModelNameKey, value: model }],
      ...drillDescription(model, 'the drill schedule'),
    },
    policies: { overlap: 'SKIP' as const, catchupWindow: 60_000 },
  };
  try {
    return await client.schedule.create({ scheduleId: drillScheduleId(model), ...options, memo: { model } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(drillScheduleId(model));
    await handle.update((previous) => ({ state: previous.state, ...options }));
    return handle;
  }
}
