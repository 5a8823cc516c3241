import type { PipelineSpec, Stage } from '../contracts/pipeline-spec';

/** What the Web UI shows of a workflow from its start: a one-line summary and a few lines of details (Markdown). */
export interface WorkflowDescription {
  staticSummary: string;
  staticDetails: string;
}

/** A stage as people read it: `canary 5%`, or `shadow (mirrors 100%)`. */
export const stageLabel = (s: Pick<Stage, 'name' | 'kind' | 'percent'>) => (s.kind === 'shadow' ? `${s.name} (mirrors ${s.percent}%)` : `${s.name} ${s.percent}%`);

/** Rows of `**name:** value`, one per line, as the Web UI renders details. */
export const detailLines = (rows: [string, string][]) => rows.map(([k, v]) => `**${k}:** ${v}`).join('  \n');

export function pipelineDescription(spec: PipelineSpec): WorkflowDescription {
  const { rollout, approval } = spec;
  const judge = rollout.judge.kind === 'statistical' ? `statistical, alpha ${rollout.judge.alpha}, success margin ${rollout.judge.margins.success * 100}%` : 'thresholds';
  return {
    staticSummary: `Deploy ${spec.model} ${spec.version}, submitted by ${spec.submitter}`,
    staticDetails: detailLines([
      ['Model', `${spec.model} ${spec.version}`],
      ['Submitter', spec.submitter],
      ['Approvers', `${approval.approvers.join(', ')} (${approval.required} needed within ${approval.deadline})`],
      ['Stages', rollout.stages.map(stageLabel).join(' → ')],
      ['Policy', `window ${rollout.window}, check every ${rollout.checkInterval}, bake ${rollout.bake}; judge ${judge}`],
      ['To stop it', 'abort or rollback (modelship abort / rollback): the rollout is undone step by step, audited and mailed'],
      ['Terminate', `skips all of that: production stays as the run left it until the monitor of ${spec.model}, or its next pipeline, restores it (docs/operations.md)`],
    ]),
  };
}

export function monitorDescription(model: string): WorkflowDescription {
  return {
    staticSummary: `Monitor ${model} in production`,
    staticDetails: detailLines([
      ['Model', model],
      ['Policy', `the model's monitoring policy (modelship policy show ${model}), read at every check`],
    ]),
  };
}

export function drillDescription(model: string, trigger: string): WorkflowDescription {
  return {
    staticSummary: `Rollback drill of ${model}`,
    staticDetails: detailLines([
      ['Model', model],
      ['Started by', trigger],
      ['What it does', "reverts the model's drill route from its champion to its last known good version, away from production"],
    ]),
  };
}
