import { WorkflowNotFoundError, type Client, type WorkflowClient, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { statusQuery, type KpiCheck, type PipelineStatus } from '../contracts/messages';
import { initialStatus } from '../contracts/pipeline-status';
import { ModelNameKey, ModelVersionKey, OutcomeKey, PipelineStageKey, TrafficPercentKey } from '../contracts/search-attributes';
import { describeJudgement, verdictText } from '../verdicts/describe';
import { failure } from './exit-codes';
import { isoOrDash, table, trafficBar } from './output';

export interface PipelineInfo {
  handle: WorkflowHandle;
  description: WorkflowExecutionDescription;
  running: boolean;
  /** The Outcome search attribute, or the workflow status when it has none. */
  outcome: string;
  approvers: string[];
}

/** Describes a pipeline; a missing one is a plain failure naming the id. */
export async function describePipeline(client: Client | WorkflowClient, workflowId: string): Promise<PipelineInfo> {
  const handle = ('workflow' in client ? client.workflow : client).getHandle(workflowId);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw failure(`no pipeline ${workflowId}`);
    throw err;
  }
  const running = description.status.name === 'RUNNING';
  const attr = description.typedSearchAttributes.get(OutcomeKey);
  const outcome = attr && !(running && attr !== 'running') ? attr : running ? 'running' : description.status.name.toLowerCase();
  const memoApprovers = (description.memo as { approvers?: unknown } | undefined)?.approvers;
  const approvers = typeof memoApprovers === 'string' ? memoApprovers.split(',').map((a) => a.trim()).filter(Boolean) : [];
  return { handle, description, running, outcome, approvers };
}

/** A status as read: `fromSearchAttributes` when a closed pipeline did not answer its query and only those were left. */
export type ReadStatus = PipelineStatus & { fromSearchAttributes?: true };

/** The workflow's status query; for a closed pipeline that cannot be queried, what its search attributes say. */
export async function readStatus(info: PipelineInfo): Promise<ReadStatus> {
  try {
    return await info.handle.query(statusQuery);
  } catch (err) {
    if (info.running) throw err;
    const sa = info.description.typedSearchAttributes;
    const d = info.description;
    return {
      ...initialStatus(d.workflowId, sa.get(ModelNameKey) ?? '', sa.get(ModelVersionKey) ?? '', isoOrDash(d.startTime)),
      step: 'done',
      stage: sa.get(PipelineStageKey) ?? null,
      trafficPercent: sa.get(TrafficPercentKey) ?? 0,
      outcome: (info.outcome as PipelineStatus['outcome']) ?? 'failed',
      fromSearchAttributes: true,
    };
  }
}

export const isFinished = (s: Pick<PipelineStatus, 'outcome' | 'step'>) => s.outcome !== 'running' || s.step === 'done';

/** The status snapshot as a block of text: used by `status` and redrawn by `watch`. */
export function renderStatus(s: ReadStatus): string {
  const accepted = s.approvals.filter((a) => a.accepted && a.decision === 'approve').length;
  const lines = [
    `pipeline   ${s.pipelineId}  (${s.model} ${s.version})`,
    `outcome    ${s.outcome}`,
    `step       ${s.step}${s.stage ? `  stage ${s.stage}` : ''}${s.paused ? '  PAUSED' : ''}`,
    `traffic    ${trafficBar(s.trafficPercent)}${s.shadowPercent ? `  shadow ${s.shadowPercent}%` : ''}`,
    `champion   ${championText(s)}`,
    `approvals  ${accepted}/${s.approvalsRequired}${s.approvalDeadline ? `  deadline ${isoOrDash(s.approvalDeadline)}` : ''}`,
  ];
  for (const a of s.approvals) {
    lines.push(`  ${a.decision} by ${a.approver || '?'} at ${isoOrDash(a.at)}: ${a.accepted ? 'accepted' : `refused (${a.reason ?? 'no reason'})`}${a.comment ? `  "${a.comment}"` : ''}`);
  }
  lines.push(...(s.lastCheck ? checkLines(s.lastCheck) : ['last check -']));
  if (s.failure) lines.push(`failure    ${s.failure}`);
  return lines.join('\n');
}

/**
 * The status carries the champion the pipeline started from (what a rollback restores), not the one after it: said
 * in words, with this version named when it was promoted, so a first version does not read as "no champion".
 */
function championText(s: ReadStatus): string {
  if (s.fromSearchAttributes) return `unknown: the pipeline has ended and no worker answered its status query (modelship models show ${s.model} names the champion)`;
  const before = s.champion ? `${s.champion} before this pipeline` : 'none before this pipeline (the first version of the model)';
  return s.outcome === 'promoted' ? `${s.version} (this version, promoted); ${before}` : before;
}

/** The last check: under the statistical judge its verdict and one line per KPI, else the thresholds rules. */
function checkLines(c: KpiCheck): string[] {
  if (c.judgement) {
    const kpis = describeJudgement(c.judgement).map((l) => `  ${l}`);
    return [`last check ${c.verdict} at ${isoOrDash(c.at)} (stage ${c.stage}, judged ${verdictText(c.judgement.verdict)})`, ...kpis];
  }
  const rules = table(['rule', 'value', 'threshold', 'verdict'], c.rules.map((r) => [r.rule, r.value === null ? 'n/a' : +r.value.toFixed(4), r.threshold, r.verdict]));
  return [`last check ${c.verdict} at ${isoOrDash(c.at)} (stage ${c.stage})`, ...rules.split('\n').map((l) => `  ${l}`)];
}

/** One line per change, for a log or a pipe. */
export function statusLine(s: PipelineStatus): string {
  const accepted = s.approvals.filter((a) => a.accepted && a.decision === 'approve').length;
  const judgement = s.lastCheck?.judgement;
  const check = s.lastCheck ? `${s.lastCheck.verdict}@${s.lastCheck.stage}${judgement ? `(${verdictText(judgement.verdict)})` : ''}` : '-';
  return [
    `step=${s.step}`,
    `stage=${s.stage ?? '-'}`,
    `traffic=${trafficBar(s.trafficPercent)}`,
    `shadow=${s.shadowPercent}%`,
    s.paused ? 'paused' : '',
    `approvals=${accepted}/${s.approvalsRequired}`,
    `check=${check}`,
    `outcome=${s.outcome}`,
    s.failure ? `failure="${s.failure}"` : '',
  ].filter(Boolean).join(' ');
}

/**
 * What `watch` prints at a change: the whole status on a TTY; otherwise its line, with each statistical check's KPIs
 * beneath it, so a log keeps every check's evidence.
 */
export function watchText(s: PipelineStatus, tty: boolean): string {
  if (tty) return renderStatus(s);
  const judgement = s.lastCheck?.judgement;
  return [statusLine(s), ...(judgement ? describeJudgement(judgement).map((l) => `  ${l}`) : [])].join('\n');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Follows a pipeline until it ends; redraws in place on a TTY, prints a line per change otherwise. */
export async function followPipeline(info: PipelineInfo, options: { intervalMs?: number; tty?: boolean } = {}): Promise<PipelineStatus> {
  const tty = options.tty ?? Boolean(process.stdout.isTTY);
  let last = '';
  for (;;) {
    let status: PipelineStatus;
    try {
      status = await info.handle.query(statusQuery);
    } catch (err) {
      // A pipeline that just closed may no longer answer queries without a worker: read what it recorded.
      const fresh = await describePipeline(info.handle.client, info.handle.workflowId);
      if (fresh.running) throw err;
      status = await readStatus(fresh);
    }
    const text = watchText(status, tty);
    if (text !== last) {
      process.stdout.write(tty ? `\x1b[H\x1b[2J${text}\n` : `${text}\n`);
      last = text;
    }
    if (isFinished(status)) {
      // Let the workflow finish writing its report before the caller asks for it.
      await Promise.race([info.handle.result().catch(() => undefined), sleep(30_000)]);
      return status;
    }
    await sleep(options.intervalMs ?? 500);
  }
}
