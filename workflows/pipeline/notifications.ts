import type { GateEvidence } from '../../src/contracts/evidence';
import type { NotifyInput, PipelineRef } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec } from '../../src/contracts/pipeline-spec';
import { summarizeEvidence } from '../../src/evaluation/summary';

/** Mail texts are composed here, from what the workflow knows; the notify activity only renders and sends them. */

function recipients(spec: PipelineSpec, extra: string[] = []): string[] {
  return [...new Set([...spec.notify.recipients, ...extra])];
}

const approverAddresses = (spec: PipelineSpec) => spec.approval.approvers.filter((a) => a.includes('@'));

export function approvalRequested(ref: PipelineRef, spec: PipelineSpec, evidence: GateEvidence[], deadline: string, reminder = false): Omit<NotifyInput, 'key'> {
  const comment = '{"approver":"<you>","comment":"<why>"}';
  return {
    ref,
    kind: reminder ? 'approval_reminder' : 'approval_requested',
    to: recipients(spec, approverAddresses(spec)),
    subject: `${reminder ? 'Reminder: approval' : 'Approval'} needed: ${ref.model} ${ref.version}`,
    lines: [
      `${spec.submitter} asks to deploy ${ref.model} ${ref.version}. ${spec.approval.required} approval(s) needed from: ${spec.approval.approvers.join(', ')}.`,
      `Deadline: ${deadline}. Without the approvals by then the pipeline ends as expired.`,
      '',
      ...evidence.map((e) => summarizeEvidence(e)),
      '',
      'Approve:',
      `  modelship approve ${ref.pipelineId} --comment "<why>"`,
      `  temporal workflow signal --workflow-id ${ref.pipelineId} --name approve --input '${comment}'`,
      'Reject:',
      `  modelship reject ${ref.pipelineId} --comment "<why>"`,
      `  temporal workflow signal --workflow-id ${ref.pipelineId} --name reject --input '${comment}'`,
    ],
  };
}

export function simple(ref: PipelineRef, spec: PipelineSpec, kind: NotifyInput['kind'], subject: string, lines: string[]): Omit<NotifyInput, 'key'> {
  return { ref, kind, to: recipients(spec), subject: `${subject}: ${ref.model} ${ref.version}`, lines };
}
