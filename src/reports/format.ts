import type { KpiSide, RuleResult } from '../contracts/messages';
import type { StageWindow } from './stages';

/** Formatting shared by the HTML report and the Markdown rollback document; all times are UTC. */

export function time(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '—';
}

export function clock(iso: string): string {
  return iso.slice(11, 19);
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function percent(share: number | null): string {
  if (share === null) return 'n/a';
  return `${(share * 100).toFixed(Math.abs(share) < 0.1 ? 2 : 1)} %`;
}

export function ms(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

export function ratio(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}

export function duration(fromIso: string, toIso: string | null): string {
  if (!toIso) return '—';
  const seconds = Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

export function stageLabel(s: Pick<StageWindow, 'stage' | 'phase' | 'percent' | 'kind'>): string {
  const name = s.phase === 'bake' ? `bake (${s.stage})` : s.stage;
  const share = s.percent === null ? '' : ` ${s.percent}%`;
  return s.kind === 'shadow' && s.stage !== 'shadow' ? `${name}${share} shadow` : `${name}${share}`;
}

/** A rule's value in the unit people read it in; rule names are those of src/policy/kpi-rules.ts. */
export function ruleValue(rule: string, value: number | null): string {
  if (value === null) return 'n/a';
  if (rule.endsWith('failures')) return count(value);
  if (rule.endsWith('_ms')) return ms(value);
  if (rule.endsWith('error_rate')) return percent(value);
  return ratio(value);
}

export const RULE_VERDICT: Record<RuleResult['verdict'], string> = { pass: 'pass', breach: 'BREACH', insufficient_data: 'not enough data' };

export function sideFigures(side: KpiSide | null): { requests: string; errorRate: string; p99: string; successRate: string; shadowAgreement: string } {
  if (!side) return { requests: '—', errorRate: '—', p99: '—', successRate: '—', shadowAgreement: '—' };
  return {
    requests: count(side.requests),
    errorRate: percent(side.errorRate),
    p99: ms(side.p99Ms),
    successRate: percent(side.successRate),
    shadowAgreement: ratio(side.shadowAgreement),
  };
}
