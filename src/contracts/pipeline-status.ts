import type { SearchAttributePair } from '@temporalio/common';
import type { PipelineStatus } from './messages';
import { ModelNameKey, ModelVersionKey, OutcomeKey, PipelineStageKey, TrafficPercentKey } from './search-attributes';

/** A pipeline's status before it has done anything; the fields a closed pipeline's search attributes cannot tell. */
export function initialStatus(pipelineId: string, model: string, version: string, startedAt: string): PipelineStatus {
  return {
    pipelineId,
    model,
    version,
    step: 'ingest',
    stage: null,
    trafficPercent: 0,
    shadowPercent: 0,
    paused: false,
    outcome: 'running',
    lastCheck: null,
    approvals: [],
    approvalsRequired: 0,
    approvalDeadline: null,
    champion: null,
    startedAt,
    failure: null,
  };
}

/** The search attributes a pipeline starts with, so the Web UI can filter it from its first moment. */
export function initialSearchAttributes(model: string, version: string, stage: string): SearchAttributePair[] {
  return [
    { key: ModelNameKey, value: model },
    { key: ModelVersionKey, value: version },
    { key: PipelineStageKey, value: stage },
    { key: TrafficPercentKey, value: 0 },
    { key: OutcomeKey, value: 'running' },
  ];
}
