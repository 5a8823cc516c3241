import type { ArmSize, JudgedKpi, Judgement, KpiEvidence, KpiVerdict } from '../contracts/verdicts';

/*
 * The statistical judge's evidence as short text for people: CLI, mail, rollback document, report. Workflow code
 * calls this, so it formats with toFixed and string operations only, never Intl, locales, clocks or the environment.
 */

type Unit = 'relative' | 'points' | 'rare' | 'share';

/** Comparisons with stable are signed differences; the other KPIs are one-sample levels against a ceiling or floor. */
const KPIS: Record<JudgedKpi, { label: string; unit: Unit; comparison: boolean }> = {
  success_vs_stable: { label: 'success vs stable', unit: 'relative', comparison: true },
  errors_vs_stable: { label: 'errors vs stable', unit: 'points', comparison: true },
  latency_vs_stable: { label: 'slow requests vs stable', unit: 'points', comparison: true },
  error_rate_ceiling: { label: 'error rate', unit: 'rare', comparison: false },
  latency_ceiling: { label: 'requests over the p99 limit', unit: 'rare', comparison: false },
  shadow_agreement: { label: 'shadow agreement', unit: 'share', comparison: false },
};

/**
 * Percentages keep one decimal, but errors and slow requests are rare events: their rates and differences keep two,
 * or one decimal would round most of them to zero.
 */
const UNITS: Record<Unit, { digits: number; suffix: string }> = {
  relative: { digits: 1, suffix: '%' },
  points: { digits: 2, suffix: ' pp' },
  rare: { digits: 2, suffix: '%' },
  share: { digits: 1, suffix: '%' },
};

const VERDICTS: Record<KpiVerdict, string> = { regressed: 'regressed', non_inferior: 'non-inferior', undecided: 'undecided' };
const DECIDING_ORDER: Record<KpiVerdict, number> = { regressed: 0, undecided: 1, non_inferior: 2 };
const MAX_ROLLBACK_CHARS = 200;

export const kpiLabel = (kpi: JudgedKpi): string => KPIS[kpi].label;
export const verdictText = (verdict: KpiVerdict): string => VERDICTS[verdict];

/** A rounded zero loses its sign: "-0.0%" reads as a regression that is not there. */
function fixed(x: number, digits: number, signed: boolean): string {
  const text = x.toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return signed && x > 0 ? `+${text}` : text;
}

/** A measured figure keeps its decimals ("-9.0%"); a configured one drops trailing zeros ("margin -10%"). */
function figure(kpi: JudgedKpi, x: number, configured = false): string {
  const { unit, comparison } = KPIS[kpi];
  const { digits, suffix } = UNITS[unit];
  const text = configured ? String(Number((x * 100).toFixed(digits))) : fixed(x * 100, digits, comparison);
  return `${comparison && configured && x > 0 ? '+' : ''}${text}${suffix}`;
}

function grouped(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function eValueText(e: number): string {
  if (e >= 1e6) return e.toExponential(1);
  return e >= 10 ? grouped(e) : e.toFixed(1);
}

/** Where harm starts to count: the margin past stable, or the ceiling or floor itself. */
export function harmLine(k: Pick<KpiEvidence, 'noHarm' | 'margin' | 'harmIsHigher'>): number {
  return k.harmIsHigher ? k.noHarm + k.margin : k.noHarm - k.margin;
}

/** Where harm starts to count, named: "margin -10%", "ceiling 2%", "floor 50%". */
export function describeLimit(k: Pick<KpiEvidence, 'kpi' | 'noHarm' | 'margin' | 'harmIsHigher'>): string {
  if (KPIS[k.kpi].comparison) return `margin ${figure(k.kpi, harmLine(k), true)}`;
  return `${k.harmIsHigher ? 'ceiling' : 'floor'} ${figure(k.kpi, harmLine(k), true)}`;
}

function bounds(k: KpiEvidence): string {
  if (k.lower === null && k.upper === null) return 'unbounded';
  const side = (x: number | null) => (x === null ? 'unbounded' : figure(k.kpi, x));
  return `${side(k.lower)} to ${side(k.upper)}`;
}

/**
 * The KPI's share of the error budget: 0.002 reads as a 99.8% interval. A KPI with a count test spends part of that
 * share on the test, so its interval is wider still: the level is what it holds at least.
 */
const level = (alpha: number) => `${Number(((1 - alpha) * 100).toFixed(2))}%`;

const arm = (name: string, a: ArmSize) => `${name} ${grouped(a.requests)} requests / ${grouped(a.users)} users`;

/** Rare-event KPIs prove harm by a count test rather than by the interval, so a regression names its e-value. */
const countTest = (k: KpiEvidence) => (k.verdict === 'regressed' && k.eValue !== null ? ` (count test e-value ${eValueText(k.eValue)})` : '');

/** One KPI at one check, e.g. "success vs stable: -18.2% (always-valid 99.8% interval -27.0% to -9.1%, margin -10%) — regressed; …". */
export function describeKpi(k: KpiEvidence): string {
  const figures = k.estimate === null ? 'no data yet' : `${figure(k.kpi, k.estimate)} (always-valid ${level(k.intervalAlpha)} interval ${bounds(k)}, ${describeLimit(k)})`;
  const arms = [arm('candidate', k.candidate), ...(k.stable ? [arm('stable', k.stable)] : [])].join(', ');
  return `${kpiLabel(k.kpi)}: ${figures} — ${verdictText(k.verdict)}${countTest(k)}; ${arms}`;
}

/** Every KPI of a check, one line each, those that decided first: regressed, then undecided, then non-inferior. */
export function describeJudgement(j: Judgement): string[] {
  return [...j.kpis].sort((a, b) => DECIDING_ORDER[a.verdict] - DECIDING_ORDER[b.verdict]).map(describeKpi);
}

function regression(k: KpiEvidence): string {
  const e = k.eValue === null ? '' : `, e-value ${eValueText(k.eValue)}`;
  if (k.estimate === null) return `${kpiLabel(k.kpi)} regressed (no estimate yet${e})`;
  const limit = KPIS[k.kpi].comparison ? '' : `, ${describeLimit(k)}`;
  return `${kpiLabel(k.kpi)} regressed to ${figure(k.kpi, k.estimate)} (interval ${bounds(k)}${limit}${e})`;
}

/**
 * Why a check rolled back, in one sentence short enough for a failure message: the regressed KPIs, furthest towards
 * harm first, and how many more when they do not all fit. Empty when no KPI regressed.
 */
export function describeRollback(j: Judgement): string {
  const towardsHarm = (k: KpiEvidence) => k.statistic ?? -Infinity;
  const regressed = j.kpis
    .filter((k) => k.verdict === 'regressed')
    .sort((a, b) => (towardsHarm(a) === towardsHarm(b) ? 0 : towardsHarm(b) > towardsHarm(a) ? 1 : -1))
    .map(regression);
  const sentence = (n: number) => regressed.slice(0, n).join('; ') + (n < regressed.length ? `; and ${regressed.length - n} more` : '');
  let shown = Math.min(1, regressed.length);
  while (shown < regressed.length && sentence(shown + 1).length <= MAX_ROLLBACK_CHARS) shown++;
  return sentence(shown);
}
