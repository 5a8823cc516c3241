import type { MonitoringPolicy } from '../../contracts/model-policy';
import type { AbandonedRestore } from '../../contracts/abandoned';
import type { ProductionCheck, VersionRef } from '../../contracts/monitoring';
import type { NotifyInput, PipelineRef } from '../../contracts/pipeline-activities';

/** Mail texts of continuous monitoring, composed from what the monitor knows. */

function checkLines(check: ProductionCheck): string[] {
  const k = check.kpi;
  return [
    `Window ${check.from} to ${check.to}, version ${check.version}:`,
    ...k.rules.map((r) => `  ${r.rule}: ${r.value ?? 'n/a'} (threshold ${r.threshold}) ${r.verdict}`),
    `  population: ${check.drift.samples} sampled requests, cold share ${check.drift.coldShare ?? 'n/a'}, PSI ${check.drift.psi ?? 'n/a'} (${check.drift.verdict})`,
  ];
}

export function alertMail(ref: PipelineRef, policy: MonitoringPolicy, check: ProductionCheck, streak: number): Omit<NotifyInput, 'key'> {
  const sustained =
    check.verdict === 'breach'
      ? `${streak} of ${policy.sustainedChecks} consecutive breaching checks make it sustained`
      : check.verdict === 'no_traffic'
        ? 'no traffic is set to alert only (monitoring.noTraffic.action); check the route and what sends requests'
        : 'drift is set to alert only';
  return {
    ref,
    kind: 'monitor_alert',
    to: policy.recipients,
    subject: `Alert: ${ref.model} ${ref.version} in production: ${check.reasons.join(', ')}`,
    lines: [`Continuous monitoring of ${ref.model} found: ${check.reasons.join('; ')}.`, `${sustained}; rollback policy: ${policy.rollback}.`, '', ...checkLines(check)],
  };
}

export function sustainedWithoutRollbackMail(ref: PipelineRef, policy: MonitoringPolicy, check: ProductionCheck, why: string): Omit<NotifyInput, 'key'> {
  return {
    ref,
    kind: 'monitor_alert',
    to: policy.recipients,
    subject: `Sustained breach, no rollback: ${ref.model} ${ref.version}`,
    lines: [`The breach of ${ref.model} ${ref.version} is sustained, and nothing was rolled back: ${why}.`, 'Act by hand: modelship rollback, or a new pipeline.', '', ...checkLines(check)],
  };
}

export function rollbackApprovalMail(ref: PipelineRef, policy: MonitoringPolicy, check: ProductionCheck, to: VersionRef, deadline: string): Omit<NotifyInput, 'key'> {
  const input = '{"approver":"<you>","comment":"<why>"}';
  return {
    ref,
    kind: 'monitor_rollback_approval',
    to: [...new Set([...policy.recipients, ...policy.approvers.filter((a) => a.includes('@'))])],
    subject: `Rollback approval needed: ${ref.model} ${ref.version} -> ${to.version}`,
    lines: [
      `The breach of ${ref.model} ${ref.version} is sustained. The policy asks a human before rolling back to ${to.version}.`,
      `Approvers: ${policy.approvers.join(', ')}. Deadline: ${deadline}; without a decision the model stays as it is.`,
      '',
      ...checkLines(check),
    ],
    commands: (['approve', 'reject'] as const).flatMap((d) => [
      { label: `${d === 'approve' ? 'Approve' : 'Reject'} the rollback, signed with your key`, command: `modelship ${d} ${ref.pipelineId} --comment "<why>" --as <you>` },
      ...(policy.requireSignatures === false
        ? [{ label: `${d === 'approve' ? 'Approve' : 'Reject'} from any Temporal client (unsigned)`, command: `temporal workflow update execute --workflow-id ${ref.pipelineId} --name ${d} --input '${input}'` }]
        : []),
    ]),
  };
}

export function rolledBackByOperatorMail(ref: PipelineRef, policy: MonitoringPolicy, to: VersionRef, revertMs: number, by: string, reason: string): Omit<NotifyInput, 'key'> {
  return {
    ref,
    kind: 'monitor_rolled_back',
    to: policy.recipients,
    subject: `Rolled back by ${by}: ${ref.model} ${ref.version} -> ${to.version}`,
    lines: [
      `${by} rolled ${ref.model} ${ref.version} back: ${reason || 'no reason given'}.`,
      `Traffic is back on the last known good version ${to.version}, champion again; every replica served it ${revertMs} ms after the routing change.`,
      `${ref.version} is marked rolled_back in the registry.`,
    ],
  };
}

export function rolledBackMail(ref: PipelineRef, policy: MonitoringPolicy, check: ProductionCheck, to: VersionRef, revertMs: number, approvedBy: string | null): Omit<NotifyInput, 'key'> {
  return {
    ref,
    kind: 'monitor_rolled_back',
    to: policy.recipients,
    subject: `Rolled back by monitoring: ${ref.model} ${ref.version} -> ${to.version}`,
    lines: [
      `${ref.model} ${ref.version} breached in production for ${policy.sustainedChecks} consecutive checks: ${check.reasons.join('; ')}.`,
      `${approvedBy ? `Approved by ${approvedBy}, t` : 'T'}raffic is back on the last known good version ${to.version}, champion again; every replica served it ${revertMs} ms after the routing change.`,
      `${ref.version} is marked rolled_back in the registry.`,
      '',
      ...checkLines(check),
    ],
  };
}

/** Production put back after a pipeline run closed without finishing (terminated, timed out). */
export function abandonedRestoredMail(ref: PipelineRef, policy: MonitoringPolicy, r: AbandonedRestore): Omit<NotifyInput, 'key'> {
  const route = r.route ? `routing generation ${r.route.generation} serves what generation ${r.route.backTo} served` : 'routing was not changed by the run';
  return {
    ref,
    kind: 'monitor_rolled_back',
    to: policy.recipients,
    subject: `Production restored after ${r.run.workflowId} closed (${r.closedAs}): ${ref.model}${r.version ? ` ${r.version}` : ''}`,
    lines: [
      `Pipeline run ${r.run.workflowId} (run ${r.run.runId}) closed as ${r.closedAs} without finishing, holding the rollout lock of ${ref.model}.`,
      `What it changed is put back: ${route}; ${r.aliases.length ? r.aliases.map((a) => `${a.alias} ${a.from ?? 'unset'} -> ${a.to ?? 'unset'}`).join(', ') : 'no alias was moved'}; ${r.status ? `${r.version} ${r.status.from} -> ${r.status.to}` : 'no status changed'}; the lock is free.`,
      'Audited as rollout.abandoned_restored.',
    ],
  };
}
