import type { GateEvidence } from '../../contracts/evidence';
import type { KpiCheck } from '../../contracts/messages';
import type { CompensationRecord, NotifyInput, PipelineRef } from '../../contracts/pipeline-activities';
import type { PipelineSpec, Stage } from '../../contracts/pipeline-spec';
import { summarizeEvidence } from '../../evaluation/summary';
import { describeJudgement } from '../../verdicts/describe';
import { extensionOf } from '../../verdicts/stage-decision';
import { evidenceTable } from './evidence-table';

/** The pipeline's mail texts, composed from what the workflow knows; the notify activity only renders and sends them. */

function recipients(spec: PipelineSpec, extra: string[] = []): string[] {
  return [...new Set([...spec.notify.recipients, ...extra])];
}

const approverAddresses = (spec: PipelineSpec) => spec.approval.approvers.filter((a) => a.includes('@'));

/**
 * The approval request: who asks, the deadline, the gates' evidence as a table, and the commands that decide. The
 * modelship CLI signs the decision with the approver's key; a stock Temporal client sends it unsigned, which counts
 * only where the spec does not require signatures, so its command is offered only there.
 */
export function approvalRequested(ref: PipelineRef, spec: PipelineSpec, evidence: GateEvidence[], deadline: string, reminder = false): Omit<NotifyInput, 'key'> {
  const input = '{"approver":"<you>","comment":"<why>"}';
  const signed = spec.approval.requireSignatures !== false;
  const commands = (['approve', 'reject'] as const).flatMap((d) => [
    { label: `${d === 'approve' ? 'Approve' : 'Reject'}, signed with your key`, command: `modelship ${d} ${ref.pipelineId} --comment "<why>" --as <you>` },
    ...(signed ? [] : [{ label: `${d === 'approve' ? 'Approve' : 'Reject'} from any Temporal client (unsigned)`, command: `temporal workflow update execute --workflow-id ${ref.pipelineId} --name ${d} --input '${input}'` }]),
  ]);
  return {
    ref,
    kind: reminder ? 'approval_reminder' : 'approval_requested',
    to: recipients(spec, approverAddresses(spec)),
    subject: `${reminder ? 'Reminder: approval' : 'Approval'} needed: ${ref.model} ${ref.version}`,
    lines: [
      `${spec.submitter} asks to deploy ${ref.model} ${ref.version}. ${spec.approval.required} approval(s) needed from: ${spec.approval.approvers.join(', ')}.`,
      `Deadline: ${deadline}. Without the approvals by then the pipeline ends as expired.`,
      signed ? 'Only decisions signed by a registered approver of the model count (approval.requireSignatures).' : 'This pipeline takes decisions without signatures (approval.requireSignatures is false).',
      '',
      ...evidence.map((e) => summarizeEvidence(e).split('\n')[0]),
    ],
    tables: [evidenceTable(evidence)],
    commands,
  };
}

function simple(ref: PipelineRef, spec: PipelineSpec, kind: NotifyInput['kind'], subject: string, lines: string[]): Omit<NotifyInput, 'key'> {
  return { ref, kind, to: recipients(spec), subject: `${subject}: ${ref.model} ${ref.version}`, lines };
}

/**
 * What a KPI check found, as mail lines: under the statistical judge every KPI with its estimate, interval and verdict,
 * those that decided first; under the thresholds judge the rules it breached.
 */
export function verdictLines(check: KpiCheck): string[] {
  if (check.judgement) return describeJudgement(check.judgement).map((line) => `  ${line}`);
  return check.rules.filter((r) => r.verdict === 'breach').map((r) => `  breached ${r.rule}: ${r.value} (threshold ${r.threshold})`);
}

/** A window ended, and its extension too, without proof: the rollout holds its traffic and waits for a person. */
export function awaitingDecision(ref: PipelineRef, spec: PipelineSpec, label: string, check: KpiCheck | null): Omit<NotifyInput, 'key'> {
  return simple(ref, spec, 'undecided', `Decision needed at ${label}`, [
    `The ${label} window and its extension ended without proof that ${ref.version} is within the margins of stable, and without proof that it is worse.`,
    'Traffic stays as it is and the checks go on; a regression still rolls back by itself. Decide:',
    `  modelship promote ${ref.pipelineId} --reason "<why>"    promote on what is known`,
    `  modelship resume ${ref.pipelineId} --reason "<why>"     extend the window by ${extensionOf(spec.rollout)}`,
    `  modelship rollback ${ref.pipelineId} --reason "<why>"   restore production as it was`,
    ...(check ? ['', 'The evidence so far:', ...verdictLines(check)] : []),
  ]);
}

export function rolloutStarted(ref: PipelineRef, spec: PipelineSpec, approvers: string[]): Omit<NotifyInput, 'key'> {
  return simple(ref, spec, 'rollout_started', 'Rollout started', [
    `Approved by ${approvers.join(', ')}. Stages: ${spec.rollout.stages.map((st) => `${st.name} ${st.percent}%`).join(', ')}.`,
    `Each stage is watched for ${spec.rollout.window}; the bake at 100% lasts ${spec.rollout.bake}.`,
  ]);
}

export function stagePassed(ref: PipelineRef, spec: PipelineSpec, stage: Stage, check: KpiCheck | null): Omit<NotifyInput, 'key'> {
  const evidence = check?.judgement ? verdictLines(check) : (check?.rules ?? []).map((r) => `  ${r.rule}: ${r.value ?? 'n/a'} (threshold ${r.threshold}) ${r.verdict}`);
  return simple(ref, spec, 'stage_passed', `Stage ${stage.name} passed`, [
    `${stage.kind === 'shadow' ? 'Shadowed' : 'Served'} ${stage.percent}% of traffic through its monitoring window.`,
    ...evidence,
  ]);
}

export function deployed(ref: PipelineRef, spec: PipelineSpec, reportPath: string): Omit<NotifyInput, 'key'> {
  return simple(ref, spec, 'completed', 'Deployed', [
    `${ref.model} ${ref.version} now serves 100% of traffic and is the champion.`,
    `Performance report: ${reportPath}`,
  ]);
}

export interface UnwoundMail {
  kind: 'rejected' | 'rolled_back';
  subject: string;
  /** The gates could not judge the model: say that the version is not rejected and how to run it again. */
  rerun: boolean;
  message: string;
  check: KpiCheck | null;
  productionChanged: boolean;
  compensations: CompensationRecord[];
  documentPath: string;
}

/** Why the pipeline ended without a promotion, and every change it undid. */
export function unwound(ref: PipelineRef, spec: PipelineSpec, m: UnwoundMail): Omit<NotifyInput, 'key'> {
  return simple(ref, spec, m.kind, m.subject, [
    `Why: ${m.message}`,
    ...(m.rerun
      ? [
          'The gates could not judge the model: they failed for a reason outside it (the machine it was measured on), so the version is not rejected.',
          `Run the same version again, on a less busy worker if you can: modelship deploy <the same spec> (pipeline ${ref.pipelineId}).`,
        ]
      : []),
    ...(m.check ? verdictLines(m.check) : []),
    m.productionChanged ? 'Every change was undone in reverse:' : 'Production was not changed.',
    ...m.compensations.map((r) => `  ${r.outcome === 'done' ? '✔' : '✘'} ${r.description}${r.error ? ` (${r.error})` : ''}`),
    `Rollback document: ${m.documentPath}`,
  ]);
}
