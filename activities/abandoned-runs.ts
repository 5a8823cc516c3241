import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { AuditLog } from '../src/audit';
import { pipelineWorkflowId } from '../src/contracts/pipeline-spec';
import { ModelVersionKey } from '../src/contracts/search-attributes';
import type { AbandonedFindings } from '../src/contracts/abandoned';
import { createAbandonedRollouts, RESTORE_ACTOR, type DescribeRun } from '../src/operations/abandoned-rollout';
import type { Registry } from '../src/registry';
import { createRolloutLocks, createRouteStore } from '../src/routing';
import { closedRunProbe } from './workflow-runs';

function describeWith(client: Client): DescribeRun {
  return async ({ workflowId, runId }) => {
    try {
      const d = await client.workflow.getHandle(workflowId, runId || undefined).describe();
      const version = d.typedSearchAttributes.get(ModelVersionKey) ?? null;
      return { running: d.status.name === 'RUNNING', status: d.status.name, version, runId: d.runId };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      return { running: false, status: 'NOT_FOUND', version: null, runId };
    }
  };
}

/**
 * Finds what pipeline runs that closed without finishing (terminated, timed out) left behind for one model, puts it
 * back, and audits each restore under the run's own keys, so a restore repeated after a crash is one event. Without a
 * Temporal client nothing can tell a closed run from a running one, and nothing is touched.
 */
export function createAbandonedRunCheck(db: Db, registry: Registry, auditLog: AuditLog, client?: Client) {
  if (!client) return async (): Promise<AbandonedFindings> => ({ restored: null, orphans: [] });
  const abandoned = createAbandonedRollouts(db, registry, createRouteStore(db), createRolloutLocks(db, closedRunProbe(client)), describeWith(client));
  return async (model: string): Promise<AbandonedFindings> => {
    const restored = await abandoned.restore(model);
    if (restored) {
      await auditLog.append({
        eventId: `${restored.run.workflowId}:${restored.run.runId}:restore`,
        type: 'rollout.abandoned_restored',
        actor: RESTORE_ACTOR,
        subject: { model, ...(restored.version ? { version: restored.version } : {}) },
        pipelineId: restored.run.workflowId,
        outcome: 'success',
        evidence: JSON.parse(JSON.stringify(restored)) as Record<string, unknown>,
        source: 'activities/abandoned-runs',
      });
    }
    const orphans = await abandoned.settleOrphans(model, (version) => pipelineWorkflowId(model, version));
    for (const o of orphans) {
      await auditLog.append({
        eventId: `${o.run.workflowId}:${o.run.runId}:restore`,
        type: 'pipeline.abandoned_settled',
        actor: RESTORE_ACTOR,
        subject: { model, version: o.version },
        pipelineId: o.run.workflowId,
        outcome: 'success',
        evidence: { ...o },
        source: 'activities/abandoned-runs',
      });
    }
    return { restored, orphans };
  };
}
