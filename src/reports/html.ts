import type { ApprovalRecord } from '../contracts/messages';
import { verdictText } from '../verdicts/describe';
import type { RenderedCharts } from './charts';
import { BUNDLE_FILE } from './bundle-file';
import { clock, count, duration, sideFigures, time } from './format';
import { badge, esc, page, table, type Tone } from './html-kit';
import type { GateSection, PerformanceReport } from './performance';
import type { StageWindow } from './stages';

const OUTCOME_TONE: Record<PerformanceReport['outcome'], Tone> = {
  promoted: 'good',
  running: 'neutral',
  rolled_back: 'bad',
  rejected: 'bad',
  expired: 'warn',
  failed: 'bad',
  inconclusive: 'warn',
};
const GATE_TITLES: Record<GateSection['gate'], string> = { validation: 'Validation gate', scenarios: 'Scenario gate', quality: 'Data quality gate' };
const CHECK_TONE: Record<GateSection['checks'][number]['verdict'], Tone> = { pass: 'good', fail: 'bad', skipped: 'neutral' };

function header(r: PerformanceReport): string {
  const meta: [string, string][] = [
    ['Pipeline', esc(r.pipelineId)],
    ['Outcome', badge(r.outcome, OUTCOME_TONE[r.outcome])],
    ['Started', esc(time(r.startedAt))],
    ['Finished', esc(time(r.finishedAt))],
    ['Duration', esc(duration(r.startedAt, r.finishedAt))],
    ['Champion before', esc(r.championBefore ?? 'none (first deployment)')],
  ];
  if (r.failure) meta.push(['Failure', esc(r.failure)]);
  return [
    `<h1>${esc(r.model)} ${esc(r.version)} ${badge(r.outcome, OUTCOME_TONE[r.outcome])}</h1>`,
    `<p class="sub">Performance report of deployment pipeline ${esc(r.pipelineId)}</p>`,
    `<div class="card"><dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></div>`,
  ].join('\n');
}

function approvals(list: ApprovalRecord[]): string {
  if (list.length === 0) return '<h2>Approvals</h2>\n<p class="note">No approval decisions were recorded.</p>';
  const rows = list.map((a) => [
    esc(a.approver),
    badge(a.decision, a.decision === 'approve' ? 'good' : 'bad'),
    esc(time(a.at)),
    esc(a.comment || '—'),
    a.accepted ? badge('accepted', 'good') : `${badge('refused', 'warn')} ${esc(a.reason ?? '')}`,
  ]);
  return `<h2>Approvals</h2>\n${table(['Who', 'Decision', 'When', 'Comment', 'Counted'], rows)}`;
}

function gates(list: GateSection[]): string {
  if (list.length === 0) return '<h2>Gate evidence</h2>\n<p class="note">No offline gate ran.</p>';
  const cards = list.map((g) => {
    const rows = g.checks.map((c) => [badge(c.verdict, CHECK_TONE[c.verdict]), `<code>${esc(c.name)}</code>`, esc(c.summary) + (c.reason ? `<span class="vs">skipped: ${esc(c.reason)}</span>` : '')]);
    return `<div class="card"><h3>${esc(GATE_TITLES[g.gate])} ${badge(g.pass ? 'PASS' : 'FAIL', g.pass ? 'good' : 'bad')}</h3>\n${table(['Verdict', 'Check', 'Result'], rows)}</div>`;
  });
  return `<h2>Gate evidence</h2>\n${cards.join('\n')}`;
}

function versus(candidate: string, stable: string | null): string {
  return stable === null ? esc(candidate) : `${esc(candidate)}<span class="vs">stable ${esc(stable)}</span>`;
}

function stageRow(s: StageWindow): string[] {
  const c = sideFigures(s.candidate);
  const b = s.stable ? sideFigures(s.stable) : null;
  const shadow = s.kind === 'shadow';
  return [
    `<strong>${esc(s.phase === 'bake' ? `bake (${s.stage})` : s.stage)}</strong>`,
    `${esc(s.percent === null ? '—' : `${s.percent}%`)}<span class="vs">${esc(s.kind)}</span>`,
    `${esc(clock(s.from))} – ${esc(clock(s.to))}<span class="vs">${esc(duration(s.from, s.to))}</span>`,
    `${badge(s.verdict, s.verdict === 'pass' ? 'good' : 'bad')}<span class="vs">${esc(count(s.checks))} checks</span>${s.judgement ? `<span class="vs">judged ${esc(verdictText(s.judgement))}</span>` : ''}`,
    versus(shadow ? `${count(s.candidate.shadowRequests)} shadowed` : c.requests, b?.requests ?? null),
    versus(c.errorRate, b?.errorRate ?? null),
    versus(c.p99, b?.p99 ?? null),
    versus(c.successRate, b?.successRate ?? null),
    esc(shadow ? c.shadowAgreement : '—'),
  ];
}

function stages(list: StageWindow[]): string {
  if (list.length === 0) return '<h2>Rollout stages</h2>\n<p class="note">The pipeline ended before any rollout stage was monitored.</p>';
  const head = ['Stage', 'Traffic', 'Window (UTC)', 'Last check', 'Requests', 'Error rate', 'p99 latency', 'Success rate', 'Shadow agreement'];
  return [
    '<h2>Rollout stages</h2>',
    '<p class="note">Candidate figures first, stable below; each is the last check of the window, cumulative over the window.</p>',
    table(head, list.map(stageRow), 'stages'),
  ].join('\n');
}

function charts(r: PerformanceReport, svgs: RenderedCharts['kpis']): string {
  if (!r.series || svgs.length === 0) return '';
  const step = r.series.stepMs >= 60_000 ? `${r.series.stepMs / 60_000} min` : `${r.series.stepMs / 1000} s`;
  return [
    '<h2>KPIs over time</h2>',
    `<p class="note">Candidate vs stable in ${esc(step)} steps from ${esc(time(r.series.from))} to ${esc(time(r.series.to))}, summed over gateway replicas.
Grey dashed lines mark where each stage's monitoring window opened; red dashed lines are the monitoring thresholds.</p>`,
    ...svgs.map((c) => `<figure class="chart" id="chart-${esc(c.id)}">${c.svg}</figure>`),
  ].join('\n');
}

function intervals(r: PerformanceReport, svgs: RenderedCharts['intervals']): string {
  if (svgs.length === 0) return '';
  const last = new Map(r.intervals.map((c) => [c.id, c.last]));
  return [
    '<h2>Statistical verdicts over time</h2>',
    `<p class="note">Each check judges every stage so far, per KPI. The blue band is the always-valid interval, the line its estimate, and each dot
the KPI's verdict at that check. The grey line is no harm (stable's level); the red dashed line is the margin, or the ceiling or floor: an
interval wholly on the safe side of it proves the KPI non-inferior. Bands wider than the chart are cut at its edge. Below each chart, the KPI at the
last check.</p>`,
    ...svgs.map((c) => `<figure class="interval-chart" id="chart-${esc(c.id)}">${c.svg}<figcaption class="note">${esc(last.get(c.id))}</figcaption></figure>`),
  ].join('\n');
}

/** Where the proof of this page's story is: the signed, offline-checkable evidence of the deployment's events. */
function evidence(r: PerformanceReport): string {
  const target = `${r.model}@${r.version}`;
  return [
    '<h2>Audit evidence</h2>',
    `<p>Every audited event of this deployment, each with its Merkle inclusion proof, and the signed checkpoint of the audit log they are proven in: <a href="${BUNDLE_FILE}">${BUNDLE_FILE}</a>, written when the pipeline ended.</p>`,
    `<p>Check it anywhere, with no database and only the log's public verifier key: <code>modelship audit verify-bundle ${BUNDLE_FILE} --key &lt;verifier key&gt;</code>. A fresh one, covering events since: <code>modelship audit bundle ${esc(target)}</code>.</p>`,
  ].join('\n');
}

function timeline(r: PerformanceReport): string {
  const rows = r.timeline.map((e) => [esc(time(e.at)), esc(e.event), esc(e.detail ?? '')]);
  return `<h2>Timeline</h2>\n<details><summary>${r.timeline.length} events</summary>\n${table(['When', 'Event', 'Detail'], rows)}\n</details>`;
}

/** Pure: the report's figures and its rendered charts become one self-contained HTML page. */
export function renderReportHtml(report: PerformanceReport, svgs: RenderedCharts): string {
  const verdictCharts = report.intervals.length > 0 ? `, ${report.intervals.length} verdict charts` : '';
  const body = [
    header(report),
    approvals(report.approvals),
    gates(report.gates),
    stages(report.stages),
    charts(report, svgs.kpis),
    intervals(report, svgs.intervals),
    evidence(report),
    timeline(report),
    `<footer>modelship · the figures on this page are in report.json next to it · ${esc(String(report.stages.length))} monitoring windows, ${esc(String(report.charts.length))} charts${esc(verdictCharts)}</footer>`,
  ];
  return page(`${report.model} ${report.version}: performance report`, body.filter(Boolean).join('\n'));
}
