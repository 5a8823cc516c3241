import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** What the Web UI can filter pipelines by. scripts/stack.sh and docker-compose.yml register the same keys. */
export const ModelNameKey = defineSearchAttributeKey('ModelName', SearchAttributeType.KEYWORD);
export const ModelVersionKey = defineSearchAttributeKey('ModelVersion', SearchAttributeType.KEYWORD);
export const PipelineStageKey = defineSearchAttributeKey('PipelineStage', SearchAttributeType.KEYWORD);
export const TrafficPercentKey = defineSearchAttributeKey('TrafficPercent', SearchAttributeType.INT);
export const OutcomeKey = defineSearchAttributeKey('Outcome', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [ModelNameKey, ModelVersionKey, PipelineStageKey, TrafficPercentKey, OutcomeKey];
