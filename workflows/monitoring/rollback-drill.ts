import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { drillRouteName, type DrillResult, type VersionRef } from '../../src/contracts/monitoring';
import type { PipelineRef } from '../../src/contracts/pipeline-activities';
import { durationMs } from '../../src/contracts/primitives';
import { ModelNameKey, OutcomeKey } from '../../src/contracts/search-attributes';
import { detailLines } from '../../src/temporal/workflow-descriptions';
import { drillResultMail } from '../../src/notify/mail-texts/drill';
import { mails, reverting, steps } from './steps';

/**
 * Proves that rollback works without touching production: on the model's drill route, which the gateway replicas
 * load like any other but no client asks for, it serves the champion, then runs the same revert monitoring uses to put
 * the last known good version back, and times it until every replica serves it. The result is stored, audited and
 * mailed. A model without a last known good version drills a revert to its champion's own artifact.
 */
export async function rollbackDrillWorkflow(input: { model: string }): Promise<DrillResult> {
  const { workflowId: drillId } = workflowInfo();
  const { model } = input;
  upsertSearchAttributes([
    { key: ModelNameKey, value: model },
    { key: OutcomeKey, value: 'running' },
  ]);
  const routeName = drillRouteName(model);
  const [{ champion, lastKnownGood }, { monitoring, drill }] = await Promise.all([steps.readAliases({ model }), steps.readModelPolicy({ model })]);
  const recipients = drill?.recipients.length ? drill.recipients : monitoring.recipients;
  const timeoutMs = durationMs(drill?.confirmTimeout ?? monitoring.confirmTimeout);
  const ref: PipelineRef = { pipelineId: drillId, model, version: champion?.version ?? '' };
  const actor = `drill:${drillId}`;
  const to: VersionRef | null = lastKnownGood ?? champion;

  let result: DrillResult;
  if (!champion || !to) {
    result = { model, drillId, from: { version: '', sha256: '' }, to: { version: '', sha256: '' }, revertMs: 0, replicas: [], outcome: 'failed', failure: `${model} has no champion to drill` };
  } else {
    try {
      const route = (stable: VersionRef) => ({ stable, candidate: null, shadow: null, killSwitch: 'off' as const });
      await reverting(timeoutMs).revertRoute({ routeName, key: `${drillId}:as-production`, spec: route(champion), actor, reason: 'drill: mirror production', timeoutMs });
      const revert = await reverting(timeoutMs).revertRoute({ routeName, key: `${drillId}:revert`, spec: route(to), actor, reason: `drill: revert to ${to.version}`, timeoutMs });
      result = { model, drillId, from: champion, to, revertMs: revert.revertMs, replicas: revert.replicas, outcome: 'passed' };
    } catch (err) {
      const message = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      result = { model, drillId, from: champion, to, revertMs: 0, replicas: [], outcome: 'failed', failure: message };
    }
  }

  upsertSearchAttributes([{ key: OutcomeKey, value: result.outcome }]);
  setCurrentDetails(
    detailLines([
      ['Outcome', result.outcome === 'passed' ? `passed: ${result.from.version} → ${result.to.version} in ${result.revertMs} ms` : `failed: ${result.failure}`],
      ['Replicas', result.replicas.join(', ') || 'none'],
    ]),
  );
  await steps.recordDrill(result);
  await steps.audit({ ref, key: `${drillId}:result`, type: `drill.${result.outcome}`, actor, outcome: result.outcome === 'passed' ? 'success' : 'failure', evidence: { ...result } });
  await mails.notify({ ...drillResultMail(ref, routeName, recipients, result), key: `${drillId}:mail` });
  return result;
}
