import type { PipelineStatus } from '../../../src/contracts/messages';
import { renderStatus, statusLine, watchText } from '../../../src/cli/pipelines';
import { breachedDoc } from '../reports/fixtures';

const running = (status: PipelineStatus): PipelineStatus => ({ ...status, step: 'rollout', outcome: 'running', failure: null, trafficPercent: 5 });

describe('status and watch rendering', () => {
  const statistical = running(breachedDoc(undefined, 'statistical').status);
  const thresholds = running(breachedDoc().status);

  it('shows the statistical verdict of the last check and one line per KPI, those that decided first', () => {
    const lines = renderStatus(statistical).split('\n');
    const at = lines.findIndex((l) => l.startsWith('last check'));
    expect(lines.slice(at)).toEqual([
      'last check breach at 2025-03-04T10:12:00Z (stage canary, judged regressed)',
      '  slow requests vs stable: +5.76 pp (always-valid 99.95% interval +4.17 pp to +7.35 pp, margin +1 pp) — regressed (count test e-value 1.4e+11); candidate 243 requests / 4,447 users, stable 31,048 requests / 5,175 users',
      '  requests over the p99 limit: 5.76% (always-valid 99.95% interval 0.00% to 16.63%, ceiling 1%) — regressed (count test e-value 109,230); candidate 243 requests / 4,447 users',
      '  success vs stable: -0.8% (always-valid 99.8% interval -100.0% to +124.0%, margin -10%) — undecided; candidate 243 requests / 4,447 users, stable 31,048 requests / 5,175 users',
      '  errors vs stable: -0.01 pp (always-valid 99.95% interval -0.04 pp to +0.02 pp, margin +0.5 pp) — non-inferior; candidate 26,684 requests / 4,447 users, stable 31,048 requests / 5,175 users',
      '  error rate: 0.00% (always-valid 99.95% interval 0.00% to 0.01%, ceiling 2%) — non-inferior; candidate 26,684 requests / 4,447 users',
    ]);
  });

  it('shows the thresholds rules as a table when the check has no judgement', () => {
    const lines = renderStatus(thresholds).split('\n');
    const at = lines.findIndex((l) => l.startsWith('last check'));
    expect(lines.slice(at)).toEqual([
      'last check breach at 2025-03-04T10:12:00Z (stage canary)',
      '  RULE                     VALUE     THRESHOLD  VERDICT',
      '  failures                 0         50         pass',
      '  error_rate               0         0.02       pass',
      '  p99_latency_ms           141.3214  50         breach',
      '  success_ratio_vs_stable  0.9922    0.7        pass',
    ]);
  });

  it('says the champion a pipeline started from, and names this version once it is promoted, a first version included', () => {
    const champion = (s: Parameters<typeof renderStatus>[0]) => renderStatus(s).split('\n').find((l) => l.startsWith('champion'));
    expect(champion({ ...thresholds, champion: '2.0.0' })).toBe('champion   2.0.0 before this pipeline');
    const first = { ...thresholds, champion: null, outcome: 'promoted' as const, step: 'done' as const };
    expect(champion(first)).toBe(`champion   ${first.version} (this version, promoted); none before this pipeline (the first version of the model)`);
    expect(champion({ ...first, outcome: 'rolled_back' })).toBe('champion   none before this pipeline (the first version of the model)');
    expect(champion({ ...first, fromSearchAttributes: true })).toBe(
      `champion   unknown: the pipeline has ended and no worker answered its status query (modelship models show ${first.model} names the champion)`,
    );
  });

  it('follows a pipe with one status line per change, the KPI lines of a statistical check beneath it', () => {
    expect(statusLine(statistical)).toContain(' check=breach@canary(regressed) ');
    expect(statusLine(thresholds)).toContain(' check=breach@canary ');
    const piped = watchText(statistical, false).split('\n');
    expect(piped[0]).toBe(statusLine(statistical));
    expect(piped.slice(1)).toEqual(renderStatus(statistical).split('\n').filter((l) => l.startsWith('  ') && l.includes('always-valid')));
    expect(watchText(thresholds, false)).toBe(statusLine(thresholds));
    expect(watchText(statistical, true)).toBe(renderStatus(statistical));
  });
});
