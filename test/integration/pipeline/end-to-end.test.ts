import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditPaths, readVerifier, verifyAudit, verifyBundle } from '../../../src/audit';
import { approveSignal } from '../../../src/contracts/messages';
import { monitorStatusQuery, monitorWorkflowId } from '../../../src/contracts/monitoring';
import { addCounters, emptyCounters, latencyQuantile, type KpiCounters } from '../../../src/contracts/kpi';
import { countersOf } from '../../../src/kpis/bucket-codec';
import { secondDocs } from '../../support/kpi-docs';
import { BUNDLE_FILE, type PerformanceReport } from '../../../src/reports';
import { createRouteStore } from '../../../src/routing';
import { launchChromium } from '../../support/browser';
import { GATEWAY_KPI_FLUSH_MS, openStack, sample, sleep, type Stack } from './stack-fixture';
import { ModelNameKey, ModelVersionKey, OutcomeKey, PipelineStageKey } from '../../../src/contracts/search-attributes';
import { webUiStory } from '../../support/web-ui-story';
import { config } from '../../../src/config';
import { webUiLink } from '../../../src/temporal/web-ui';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(240_000));

/** The KPI buckets of one version, summed over replicas into the steps of [from, to). */
async function bucketSteps(stack: Stack, version: string, from: Date, to: Date, stepMs: number): Promise<KpiCounters[]> {
  const steps = Array.from({ length: Math.ceil((to.getTime() - from.getTime()) / stepMs) }, emptyCounters);
  const docs = (await secondDocs(stack.mongo.db, stack.model, version)).filter((d) => d.start >= from && d.start < to);
  for (const doc of docs) addCounters(steps[Math.floor((doc.start.getTime() - from.getTime()) / stepMs)], countersOf(doc));
  return steps;
}

/** What the report must show for a step, derived here from the raw counters rather than through the report's code. */
function expectedPoint(c: KpiCounters, stepMs: number) {
  return {
    requests: c.requests,
    errors: c.errors,
    successes: c.successes,
    shadowRequests: c.shadowRequests,
    shadowErrors: c.shadowErrors,
    requestRate: c.requests / (stepMs / 1000),
    shadowRequestRate: c.shadowRequests / (stepMs / 1000),
    errorRate: c.requests ? c.errors / c.requests : null,
    successRate: c.requests ? c.successes / c.requests : null,
    p99Ms: latencyQuantile(c.latency, 0.99),
    shadowAgreement: c.shadowRequests > c.shadowErrors ? c.shadowOverlapSum / (c.shadowRequests - c.shadowErrors) : null,
  };
}

const STAGES = ['shadow', 'canary', 'quarter', 'half', 'full'];

describe('the deployment pipeline on the real stack', () => {
  let stack: Stack;
  /** Written by the first test, opened in a browser by the second. */
  let reportHtml: string | undefined;

  beforeAll(async () => {
    stack = await openStack('e2e');
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function deploy(version: string) {
    const handle = await stack.startUntilApproval(version);
    await handle.signal(approveSignal, { approver: 'bob', comment: 'looks good' });
    return handle;
  }

  it('deploys a first version straight to 100%, then a second one through every stage, and reports it', async () => {
    const { model, fixture, mongo } = stack;
    await fixture.register('1.0.0', { seed: 1 });
    const first = await deploy('1.0.0');
    expect(await first.result()).toMatchObject({ outcome: 'promoted' });

    await fixture.register('1.1.0', { seed: 2 });
    const second = await deploy('1.1.0');
    const result = await second.result();
    expect(result).toMatchObject({ outcome: 'promoted', reportPath: expect.any(String) });

    const route = await createRouteStore(mongo.db).current(model);
    expect(route).toMatchObject({ stable: { version: '1.1.0' }, candidate: null, shadow: null });
    expect((await fixture.registry.getAlias(model, 'champion')).version).toBe('1.1.0');
    expect((await fixture.registry.getAlias(model, 'last-known-good')).version).toBe('1.0.0');
    expect((await fixture.registry.getVersion(model, '1.1.0'))!.status).toBe('production');
    // Each promotion handed the champion to the model's one monitor: the second one replaced the first's.
    const monitor = await stack.client.workflow.getHandle(monitorWorkflowId(model)).query(monitorStatusQuery);
    expect(monitor).toMatchObject({ champion: { version: '1.1.0' }, lastKnownGood: { version: '1.0.0' }, handedOverBy: second.workflowId });

    // The Web UI tells the story: what the pipeline is from its start, where it ended, and its named timers and steps.
    const story = await webUiStory(second);
    expect(story.summary).toBe(`Deploy ${model} 1.1.0, submitted by alice`);
    expect(story.details).toContain('**Stages:** shadow (mirrors 100%) → canary 5% → quarter 25% → half 50% → full 100%');
    expect(story.details).toContain('**Approvers:** bob (1 needed within 72h)');
    expect(story.currentDetails).toContain('**Outcome:** promoted');
    expect(story.currentDetails).toContain('**Approvals:** 1 of 1: bob');
    expect(story.timers).toEqual(expect.arrayContaining(['approval deadline', 'monitoring window shadow (mirrors 100%)', 'monitoring window canary 5%', 'monitoring window bake 100%']));
    expect(story.activities).toEqual(expect.arrayContaining(['ingest artifact and datasets', 'validation gate', 'scenarios gate', 'quality gate']));
    expect(story.searchAttributes.get(PipelineStageKey)).toBe('promote:full');
    expect(story.searchAttributes.get(OutcomeKey)).toBe('promoted');
    const monitorStory = await webUiStory(stack.client.workflow.getHandle(monitorWorkflowId(model)));
    expect(monitorStory.summary).toBe(`Monitor ${model} in production`);
    expect([monitorStory.searchAttributes.get(ModelNameKey), monitorStory.searchAttributes.get(ModelVersionKey)]).toEqual([model, '1.1.0']);
    expect(monitorStory.currentDetails).toContain('**Champion:** 1.1.0');

    const served = await sample(stack, 100);
    expect(new Set(served.map((s) => `${s.status} ${s.version}`))).toEqual(new Set(['200 1.1.0']));

    // The emails: exactly one of each, and nothing else, for this version.
    const expectedSubjects = [
      'Approval needed',
      'Rollout started',
      ...STAGES.map((s) => `Stage ${s} passed`),
      'Deployed',
    ].map((s) => `[modelship] ${s}: ${model} 1.1.0`);
    for (let i = 0; i < 50 && (await stack.mailsFor('1.1.0')).length < expectedSubjects.length; i++) await sleep(200);
    await sleep(1000); // a duplicate or late extra mail would arrive by now
    expect((await stack.mailsFor('1.1.0')).map((m) => m.subject).sort()).toEqual([...expectedSubjects].sort());
    // The approval request reads as a document: the evidence as a table, clickable links, the signed commands.
    const asked = (await stack.mailsFor('1.1.0')).find((m) => m.subject.startsWith('[modelship] Approval needed'))!;
    expect(asked.html).toMatch(/^<!doctype html><html>/);
    expect(asked.html).toContain('<caption style="text-align: left; font-weight: 600">Evidence from the offline gates</caption>');
    expect(asked.html).toContain(`<a href="${webUiLink(config(), second.workflowId)}">`);
    expect(asked.html).toContain(`<code style=`);
    expect(asked.html).toContain(`modelship approve ${second.workflowId} --comment &quot;&lt;why&gt;&quot; --as &lt;you&gt;`);
    expect(asked.html).not.toMatch(/\d\.0*[1-9]\d{3,}/); // no figure with more than three significant digits
    expect(asked.text).toMatch(/Gate +Check +Measured +Threshold +Verdict/);
    expect(asked.text).toContain(`  modelship approve ${second.workflowId} --comment "<why>" --as <you>`);

    // The report's figures are the KPI buckets, summed over replicas and seconds.
    expect(existsSync(result.reportPath!)).toBe(true);
    const jsonPath = join(result.reportPath!, '..', 'report.json');
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as PerformanceReport;
    const stored = await mongo.db.collection<{ _id: string; writtenAt: Date; series: PerformanceReport['series'] }>('reports').findOne({ _id: second.workflowId });
    expect(stored?.series).toEqual(report.series);
    expect(report).toMatchObject({ outcome: 'promoted', version: '1.1.0', championBefore: '1.0.0' });
    expect(report.stages.map((s) => `${s.phase}:${s.stage}`)).toEqual([...STAGES.map((s) => `stage:${s}`), 'bake:full']);
    const series = report.series!;
    const from = new Date(series.from);
    const to = new Date(series.to);
    expect(from.getTime()).toBeLessThanOrEqual(Math.min(...report.stages.map((s) => Date.parse(s.from))));
    // The series stops at the last whole step before the report: the step under way then is not flushed yet.
    expect(to.getTime()).toBeGreaterThan(Math.max(...report.stages.map((s) => Date.parse(s.to))) - series.stepMs);

    // A step's buckets are complete once its second is over and every replica has flushed it; the report is written
    // right after the last check, so its last step may legitimately be short of what the buckets hold later.
    const settledBefore = stored!.writtenAt.getTime() - 2 * GATEWAY_KPI_FLUSH_MS - 250;
    let settledSteps = 0;
    let candidateTotal = 0;
    for (const [version, role] of [['1.1.0', 'candidate'], ['1.0.0', 'stable']] as const) {
      const buckets = await bucketSteps(stack, version, from, to, series.stepMs);
      const points = series.points.filter((p) => p.version === version);
      expect(points.every((p) => p.role === role)).toBe(true);
      expect(points.map((p) => p.t)).toEqual(buckets.map((_, i) => new Date(from.getTime() + i * series.stepMs).toISOString()));
      points.forEach((point, i) => {
        const want = expectedPoint(buckets[i], series.stepMs);
        if (Date.parse(point.t) + series.stepMs <= settledBefore) {
          settledSteps++;
          expect({ ...point, t: point.t }).toMatchObject({ ...want, t: point.t });
        } else {
          expect(point.requests).toBeLessThanOrEqual(want.requests);
          expect(point.errors).toBeLessThanOrEqual(want.errors);
        }
      });
      if (role === 'candidate') {
        candidateTotal = points.reduce((n, p) => n + p.requests, 0);
        const bucketTotal = buckets.reduce((n, c) => n + c.requests, 0);
        expect(candidateTotal).toBeGreaterThan(0);
        expect(candidateTotal).toBeLessThanOrEqual(bucketTotal);
        expect(points.reduce((n, p) => n + p.shadowRequests, 0)).toBe(buckets.reduce((n, c) => n + c.shadowRequests, 0));
      }
    }
    expect(settledSteps).toBeGreaterThan(2 * (series.points.length / 2 - 3));

    // Each stage row holds its last check, cumulative over the window: what the buckets held when the check ran.
    for (const stage of report.stages) {
      const windowFrom = new Date(Math.floor(Date.parse(stage.from) / 1000) * 1000);
      const checkedAt = Date.parse(stage.to);
      const all = await bucketSteps(stack, '1.1.0', windowFrom, new Date(checkedAt), 1000);
      const upper = all.reduce((n, c) => n + (stage.kind === 'shadow' ? c.shadowRequests : c.requests), 0);
      const complete = all
        .filter((_, i) => windowFrom.getTime() + (i + 1) * 1000 + 2 * GATEWAY_KPI_FLUSH_MS + 250 <= checkedAt)
        .reduce((n, c) => n + (stage.kind === 'shadow' ? c.shadowRequests : c.requests), 0);
      const figure = stage.kind === 'shadow' ? stage.candidate.shadowRequests : stage.candidate.requests;
      expect({ stage: stage.stage, phase: stage.phase, figure }).toEqual({ stage: stage.stage, phase: stage.phase, figure: expect.any(Number) });
      expect(figure).toBeLessThanOrEqual(upper);
      expect(figure).toBeGreaterThanOrEqual(complete);
      expect(stage.verdict).toBe('pass');
    }

    expect((await verifyAudit(mongo.db, {})).ok).toBe(true);

    // The report links the deployment's evidence bundle, written beside it at the pipeline's end, and it verifies
    // with the verifier key alone: every event of the pipeline, proven in a signed checkpoint.
    expect(readFileSync(result.reportPath!, 'utf8')).toContain(`<a href="${BUNDLE_FILE}">`);
    const verifier = readVerifier(auditPaths(config(), mongo.db.databaseName).verifierKeyFile);
    const bundleFile = join(result.reportPath!, '..', BUNDLE_FILE);
    // The worker writes it right after the pipeline's last append, beside the report written at the same time.
    for (const deadline = Date.now() + 30_000; !existsSync(bundleFile) && Date.now() < deadline; ) await sleep(100);
    const bundle = verifyBundle(readFileSync(bundleFile, 'utf8'), verifier);
    const pipelineEvents = await mongo.db.collection('audit_events').countDocuments({ pipelineId: second.workflowId });
    expect(bundle).toMatchObject({ pipelineId: second.workflowId, pipeline: { events: pipelineEvents, lastType: 'pipeline.promoted' } });
    reportHtml = result.reportPath!;
  });

  it('renders the performance report in a real browser: every chart drawn, no errors logged', async () => {
    if (!reportHtml) throw new Error('the performance report of the previous test is missing: that test failed before writing it');
    const report = JSON.parse(readFileSync(join(reportHtml, '..', 'report.json'), 'utf8')) as PerformanceReport;
    expect(report.charts.map((c) => c.id)).toEqual(['request_rate', 'error_rate', 'p99_latency', 'success_rate', 'shadow_agreement']);

    const browser = await launchChromium();
    const shots = mkdtempSync(join(tmpdir(), 'modelship-report-shot-'));
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(`file://${reportHtml}`, { waitUntil: 'load' });

      const charts = await page.$$eval('figure.chart', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          const lines = [...f.querySelectorAll('.mark-line path')].filter((p) => (p.getAttribute('d') ?? '').length > 10);
          return { id: f.id, svgs: f.querySelectorAll('svg').length, width: box?.width ?? 0, height: box?.height ?? 0, lines: lines.length };
        }),
      );
      expect(charts.map((c) => c.id)).toEqual(report.charts.map((c) => `chart-${c.id}`));
      for (const [i, chart] of charts.entries()) {
        // Every line the report declares is drawn (a vega line mark is one path per series).
        expect({ id: chart.id, svgs: chart.svgs, drawn: chart.lines >= report.charts[i].lines.length }).toEqual({ id: chart.id, svgs: 1, drawn: true });
        expect(chart.width).toBeGreaterThan(100);
        expect(chart.height).toBeGreaterThan(50);
      }
      expect(await page.locator('svg').count()).toBe(report.charts.length);
      expect(await page.locator('h1').first().textContent()).toContain(report.model);

      const shot = join(shots, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      const png = readFileSync(shot);
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(statSync(shot).size).toBeGreaterThan(20_000);

      expect(errors).toEqual([]);
      expect(requests).toEqual([]); // self-contained: no fonts, scripts or images fetched
    } finally {
      await browser.close();
      rmSync(shots, { recursive: true, force: true });
    }
  });
});
