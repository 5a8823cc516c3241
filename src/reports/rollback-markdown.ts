import type { KpiCheck } from '../contracts/messages';
import { verdictText } from '../verdicts/describe';
import { clock, duration, RULE_VERDICT, ruleValue, sideFigures, time } from './format';
import type { JudgedKpis, RollbackDocument, RollbackTrigger } from './rollback';

/** Table cells must not break the row: pipes are escaped and line breaks folded. */
function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

function rules(check: KpiCheck): string[] {
  return mdTable(
    ['Rule', 'Value', 'Threshold', 'Verdict'],
    check.rules.map((r) => [`\`${r.rule}\``, ruleValue(r.rule, r.value), ruleValue(r.rule, r.threshold), r.verdict === 'breach' ? `**${RULE_VERDICT[r.verdict]}**` : RULE_VERDICT[r.verdict]]),
  );
}

function judgedKpis(judged: JudgedKpis): string[] {
  return [
    ...(judged.regressed ? [`**Regressed**: ${judged.regressed}.`, ''] : []),
    'Every KPI judged over all stages so far, those that decided first:',
    '',
    ...judged.kpis.map((line) => `- ${line}`),
  ];
}

function kpiCheck(check: KpiCheck, judged: JudgedKpis | null): string[] {
  const c = sideFigures(check.candidate);
  const s = sideFigures(check.stable);
  const judge = check.judgement ? `; the statistical judge found the rollout **${verdictText(check.judgement.verdict)}**` : '';
  return [
    `KPI check of stage **${check.stage}** at ${time(check.at)}, over the window ${clock(check.from)} – ${clock(check.to)} UTC (${duration(check.from, check.to)}): verdict **${check.verdict}**${judge}.`,
    '',
    ...(judged ? judgedKpis(judged) : rules(check)),
    '',
    ...mdTable(
      ['Side', 'Requests', 'Shadowed', 'Error rate', 'p99 latency', 'Success rate', 'Shadow agreement'],
      [
        ['candidate', c.requests, String(check.candidate.shadowRequests), c.errorRate, c.p99, c.successRate, c.shadowAgreement],
        ...(check.stable ? [['stable', s.requests, String(check.stable.shadowRequests), s.errorRate, s.p99, s.successRate, s.shadowAgreement]] : []),
      ],
    ),
  ];
}

function why(trigger: RollbackTrigger): string[] {
  switch (trigger.kind) {
    case 'kpi_check':
      return kpiCheck(trigger.check, trigger.judged);
    case 'gate':
      return ['Offline gate checks that failed:', '', ...mdTable(['Gate', 'Check', 'Result'], trigger.failedChecks.map((c) => [c.gate, `\`${c.name}\``, c.summary]))];
    case 'decision':
      return ['Rejected by:', '', ...trigger.approvals.map((a) => `- ${a.approver} at ${time(a.at)}: ${a.comment || '(no comment)'}`)];
    case 'none':
      return ['No KPI check or gate check triggered this; the cause above is the whole reason.'];
  }
}

function compensations(doc: RollbackDocument): string[] {
  if (doc.compensations.length === 0) return ['None were needed: nothing had been changed.'];
  return doc.compensations.map((c, i) => `${i + 1}. ${c.outcome === 'done' ? '✔ done' : '✘ **FAILED**'} at ${time(c.at)}: ${c.description}${c.error ? ` (error: ${c.error})` : ''}`);
}

/** Pure: the rollback document as Markdown for people (mail, chat, a repository). */
export function renderRollbackMarkdown(doc: RollbackDocument): string {
  const p = doc.production;
  const lines = [
    `# Rollback document: ${doc.model} ${doc.version}`,
    '',
    `- Pipeline: \`${doc.pipelineId}\``,
    `- Outcome: **${doc.outcome}**`,
    `- Started: ${time(doc.startedAt)}; ended: ${time(doc.finishedAt)}`,
    `- Champion before: ${doc.championBefore ?? 'none (first deployment)'}`,
    '',
    '## Production now',
    '',
    `> ${p.restored ? (p.changed ? '✔' : '–') : '✘'} ${p.statement}`,
    '',
    '## What happened',
    '',
    `**${doc.cause.type}**: ${doc.cause.message}`,
    '',
    '## Why',
    '',
    ...why(doc.trigger),
    '',
    '## Compensations, in the order they ran',
    '',
    ...compensations(doc),
    '',
    '## Timeline',
    '',
    ...mdTable(['When', 'Event', 'Detail'], doc.timeline.map((e) => [time(e.at), e.event, e.detail ?? ''])),
    '',
  ];
  return lines.join('\n');
}
