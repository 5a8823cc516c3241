import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type Payload = temporal.api.common.v1.IPayload | null | undefined;
const text = (p: Payload) => (p ? String(defaultPayloadConverter.fromPayload(p)) : undefined);

/** What the Web UI shows of one workflow: its summary and details, its current details, and its named timers and activities. */
export async function webUiStory(handle: WorkflowHandle) {
  const description = await handle.describe();
  const metadata = (await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata')) ?? {};
  const events = (await handle.fetchHistory()).events ?? [];
  const named = (pick: (e: temporal.api.history.v1.IHistoryEvent) => unknown) =>
    events.filter(pick).map((e) => text(e.userMetadata?.summary)).filter((s): s is string => !!s);
  return {
    summary: await description.staticSummary(),
    details: await description.staticDetails(),
    currentDetails: metadata.currentDetails,
    timers: named((e) => e.timerStartedEventAttributes),
    activities: named((e) => e.activityTaskScheduledEventAttributes),
    localActivities: named((e) => e.markerRecordedEventAttributes),
    searchAttributes: description.typedSearchAttributes,
  };
}
