import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addCounters, emptyCounters, latencyBucketIndex, type KpiCounters } from '../../../src/contracts/kpi';
import type { KpiCheck } from '../../../src/contracts/messages';
import type { PipelineOutcomeDoc } from '../../../src/contracts/pipeline-activities';
import { kpiThresholdsSchema, type Stage } from '../../../src/contracts/pipeline-spec';
import type { Mongo } from '../../../src/db';
import { recordSeconds } from '../../../src/kpis/record-seconds';
import type { SecondCounts } from '../../../src/kpis/slot-writes';
import { evaluateKpiCheck } from '../../../src/policy/kpi-rules';
import { readKpiSeries, REPORTS, ROLLBACK_DOCUMENTS, seriesQueryFor, writeReport, writeRollbackDocument, type PerformanceReport, type RollbackDocument } from '../../../src/reports';
import { openTestDb } from '../../support/mongo';

const MODEL = 'films';
const CANDIDATE = '2.1.0';
const STABLE = '2.0.0';
const REPLICAS = ['gw-a', 'gw-b'];
const PIPELINE_ID = `deploy-${MODEL}-${CANDIDATE}`;
// Recent enough that every level of the KPI store still keeps it (docs/storage.md).
const FROM = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
const SECONDS = 120;
const STAGES: Stage[] = [
  { name: 'canary', kind: 'traffic', percent: 10 },
  { name: 'full', kind: 'traffic', percent: 100 },
];

/** What one replica recorded for one version in one second; the replicas differ so a missed one shows. */
function recorded(version: string, replica: number, second: number): KpiCounters {
  const c = emptyCounters();
  const candidateShare = second < 60 ? 0.1 : 1;
  const share = version === CANDIDATE ? candidateShare : 1 - candidateShare;
  c.requests = Math.round((20 + replica * 7 + (second % 5)) * share);
  c.errors = second % 17 === 0 && c.requests > 0 ? 1 : 0;
  c.latency[latencyBucketIndex(replica === 0 ? 4 : 9)] = c.requests;
  c.latencySumMs = c.requests * (replica === 0 ? 4 : 9);
  c.feedback = Math.floor(c.requests / 3);
  c.successes = Math.floor(c.requests / 4);
  return c;
}

/** What both replicas recorded, written as they write it; plus noise the reader must leave out: another model, and a
 *  second after the series ends. */
async function recordAll(db: Mongo['db']): Promise<void> {
  for (const [r, replica] of REPLICAS.entries()) {
    const seconds: SecondCounts[] = [];
    for (const version of [CANDIDATE, STABLE]) {
      for (let s = 0; s < SECONDS; s++) {
        const c = recorded(version, r, s);
        if (c.requests > 0) seconds.push({ model: MODEL, version, start: FROM + s * 1000, counters: c, users: [] });
      }
    }
    const noise = { ...emptyCounters(), requests: 999 };
    seconds.push({ model: 'other', version: CANDIDATE, start: FROM, counters: noise, users: [] });
    seconds.push({ model: MODEL, version: CANDIDATE, start: FROM + SECONDS * 1000, counters: { ...noise }, users: [] });
    await recordSeconds(db, replica, seconds);
  }
}

function expectedSum(version: string, fromSecond: number, toSecond: number): KpiCounters {
  const sum = emptyCounters();
  for (let s = fromSecond; s < toSecond; s++) REPLICAS.forEach((_, r) => addCounters(sum, recorded(version, r, s)));
  return sum;
}

function check(stage: Stage, fromSecond: number, toSecond: number): KpiCheck {
  return evaluateKpiCheck({
    stage,
    from: new Date(FROM + fromSecond * 1000),
    to: new Date(FROM + toSecond * 1000),
    candidate: expectedSum(CANDIDATE, fromSecond, toSecond),
    stable: expectedSum(STABLE, fromSecond, toSecond),
    thresholds: kpiThresholdsSchema.parse(undefined),
  });
}

function outcomeDoc(): PipelineOutcomeDoc {
  const checks = [check(STAGES[0], 0, 30), check(STAGES[0], 0, 60), check(STAGES[1], 60, 120)];
  const at = (s: number) => new Date(FROM + s * 1000).toISOString();
  return {
    ref: { pipelineId: PIPELINE_ID, model: MODEL, version: CANDIDATE },
    status: {
      pipelineId: PIPELINE_ID, model: MODEL, version: CANDIDATE, step: 'done', stage: 'full', trafficPercent: 100, shadowPercent: 0, paused: false,
      outcome: 'promoted', lastCheck: checks[2], approvals: [{ approver: 'dana', decision: 'approve', comment: 'ship it', at: at(-600), accepted: true }],
      approvalsRequired: 1, approvalDeadline: null, champion: STABLE, startedAt: at(-900), failure: null,
    },
    checks,
    evidence: [],
    timeline: [{ at: at(-900), event: 'pipeline started' }, { at: at(0), event: 'step rollout (canary)' }, { at: at(121), event: 'finished: promoted' }],
    compensations: [],
    cause: null,
  };
}

describe('report store on FerretDB', () => {
  let mongo: Mongo;
  let dir: string;
  beforeAll(async () => {
    mongo = await openTestDb('reports');
    dir = await mkdtemp(join(tmpdir(), 'modelship-reports-'));
    await recordAll(mongo.db);
  });
  afterAll(async () => {
    await mongo?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads the KPI series summed over both replicas, per version and step', async () => {
    const query = { model: MODEL, versions: [CANDIDATE, STABLE], from: new Date(FROM), to: new Date(FROM + SECONDS * 1000), stepMs: 10_000 };
    const series = await readKpiSeries(mongo.db, query);
    expect(series.versions.map((v) => v.version)).toEqual([CANDIDATE, STABLE]);
    for (const { version, steps } of series.versions) {
      expect(steps).toHaveLength(12);
      steps.forEach((step, i) => {
        expect(step.start).toBe(new Date(FROM + i * 10_000).toISOString());
        expect(step.counters).toEqual(expectedSum(version, i * 10, i * 10 + 10));
      });
    }
    const oneReplica = recorded(CANDIDATE, 0, 0).requests;
    expect(series.versions[0].steps[0].counters.requests).toBeGreaterThan(oneReplica * 10);
  });

  it('writes report.html and report.json and upserts the same figures into MongoDB, once however often it runs', async () => {
    const doc = outcomeDoc();
    const query = seriesQueryFor(doc)!;
    expect(query).toMatchObject({ versions: [CANDIDATE, STABLE], stepMs: 1000 });
    const series = await readKpiSeries(mongo.db, query);
    const paths = await writeReport({ db: mongo.db, dir }, doc, series, { stages: STAGES });
    expect(paths).toEqual({ htmlPath: join(dir, PIPELINE_ID, 'report.html'), jsonPath: join(dir, PIPELINE_ID, 'report.json') });

    const html = await readFile(paths.htmlPath, 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(4);
    const json = JSON.parse(await readFile(paths.jsonPath, 'utf8')) as PerformanceReport;
    const candidatePoints = json.series!.points.filter((p) => p.role === 'candidate');
    expect(candidatePoints).toHaveLength(SECONDS);
    candidatePoints.forEach((p, s) => expect(p.requests).toBe(expectedSum(CANDIDATE, s, s + 1).requests));
    const totalErrors = json.series!.points.filter((p) => p.role === 'stable').reduce((n, p) => n + p.errors, 0);
    expect(totalErrors).toBe(expectedSum(STABLE, 0, SECONDS).errors);

    const stored = await mongo.db.collection(REPORTS).findOne({ _id: PIPELINE_ID as never });
    expect(stored).toMatchObject({ kind: 'performance_report', pipelineId: PIPELINE_ID, outcome: 'promoted', files: { html: paths.htmlPath, json: paths.jsonPath } });
    expect(stored!.series.points).toEqual(json.series!.points);
    expect(stored!.stages).toEqual(json.stages);

    await writeReport({ db: mongo.db, dir }, doc, series, { stages: STAGES });
    expect(await mongo.db.collection(REPORTS).countDocuments({ pipelineId: PIPELINE_ID })).toBe(1);
    expect(await readFile(paths.htmlPath, 'utf8')).toBe(html);
    expect((await readdir(join(dir, PIPELINE_ID))).sort()).toEqual(['report.html', 'report.json']);
  }, 60_000);

  it('writes the rollback document as Markdown and JSON and upserts it once', async () => {
    const doc = outcomeDoc();
    const failed: PipelineOutcomeDoc = {
      ...doc,
      status: { ...doc.status, outcome: 'rolled_back', failure: 'aborted by erin' },
      compensations: [{ key: `${PIPELINE_ID}:restore-route`, description: 'restore the routing as it was before the rollout', outcome: 'done', at: doc.timeline[2].at }],
      cause: { type: 'Aborted', message: 'abort requested by erin', check: null },
    };
    const store = { db: mongo.db, dir };
    const first = await writeRollbackDocument(store, failed, 'run-1');
    const again = await writeRollbackDocument(store, failed, 'run-1');
    expect(again).toEqual(first);
    expect(first).toEqual({ path: join(dir, PIPELINE_ID, 'runs', 'run-1', 'rollback.md'), jsonPath: join(dir, PIPELINE_ID, 'runs', 'run-1', 'rollback.json') });
    expect(await readFile(first.path, 'utf8')).toContain('restored exactly as before');
    const json = JSON.parse(await readFile(first.jsonPath, 'utf8')) as RollbackDocument;
    expect(json.production).toMatchObject({ changed: true, restored: true });
    expect(await mongo.db.collection(ROLLBACK_DOCUMENTS).countDocuments({ pipelineId: PIPELINE_ID })).toBe(1);
    const stored = await mongo.db.collection(ROLLBACK_DOCUMENTS).findOne({ _id: PIPELINE_ID as never });
    expect(stored).toMatchObject({ kind: 'rollback_document', cause: { type: 'Aborted' }, production: json.production, compensations: json.compensations });
  });
});
