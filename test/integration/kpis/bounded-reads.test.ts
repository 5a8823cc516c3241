import { addCounters, emptyCounters, type KpiCounters } from '../../../src/contracts/kpi';
import type { Mongo } from '../../../src/db';
import { createKpiBucketStore } from '../../../src/kpis/bucket-store';
import { recordSeconds } from '../../../src/kpis/record-seconds';
import { createRolloutLedger } from '../../../src/kpis/rollout-ledger';
import type { SecondCounts } from '../../../src/kpis/slot-writes';
import { mulberry32 } from '../../../src/models/prng';
import { explainedAsIndexed, isIdLookup, logCommands, type LoggedCommand } from '../../support/command-log';
import { openMonitoredTestDb } from '../../support/mongo';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const DAY = 86_400_000;
const REPLICAS = ['gw-a:8080', 'gw-b:8080'];

function counts(seed: number): KpiCounters {
  const c = emptyCounters();
  c.requests = 10 + (seed % 7);
  c.errors = seed % 3 === 0 ? 1 : 0;
  c.successes = seed % 5;
  c.feedback = c.successes;
  c.latency[3] = c.requests;
  c.uncachedLatency[3] = c.requests;
  c.shardRequests[seed % 32] = c.requests;
  return c;
}

/** Seconds a replica served for a version: `n` of them, at `every` ms from `from`. */
const served = (model: string, version: string, from: number, n: number, every: number, salt: number): SecondCounts[] =>
  Array.from({ length: n }, (_, i) => ({ model, version, start: from + i * every, counters: counts(i + salt), users: [i % 40] }));

/** The window a check reads: the last 30 s, and the hour before it (a monitor's baseline). */
const WINDOW = { fromMs: NOW - 30_000, toMs: NOW };
const BASELINE = { fromMs: NOW - 3_630_000, toMs: NOW - 30_000 };

async function seed(db: Mongo['db'], model: string, historyDays: number): Promise<SecondCounts[]> {
  const recent = served(model, '2.0.0', NOW - 3_700_000, 3700, 1000, 0);
  const rand = mulberry32(historyDays + 1);
  // Aged history: other versions, and this one long before the window, scattered over `historyDays`.
  const aged = Array.from({ length: historyDays * 50 }, (_, i) => ({
    model,
    version: i % 3 === 0 ? '2.0.0' : `1.${i % 9}.0`,
    start: Math.floor((NOW - 4 * 3_600_000 - rand() * historyDays * DAY) / 1000) * 1000,
    counters: counts(i),
    users: [i],
  }));
  for (const replica of REPLICAS) await recordSeconds(db, replica, [...recent, ...aged], NOW);
  return recent;
}

function expected(seconds: SecondCounts[], fromMs: number, toMs: number): KpiCounters {
  const sum = emptyCounters();
  for (const _ of REPLICAS) for (const s of seconds) if (s.start >= Math.floor(fromMs / 1000) * 1000 && s.start < toMs) addCounters(sum, s.counters);
  return sum;
}

const finds = (commands: LoggedCommand[]) => commands.filter((c) => c.name === 'find');

describe('KPI reads cost the same after months of history as on day one', () => {
  let mongo: Mongo;
  let log: ReturnType<typeof logCommands>;
  let recent: SecondCounts[];
  beforeAll(async () => {
    mongo = await openMonitoredTestDb('kpi_bounded');
    log = logCommands(mongo);
    recent = await seed(mongo.db, 'fresh', 0);
    await seed(mongo.db, 'aged', 40);
  });
  afterAll(async () => mongo?.close());

  it('sums a window and a baseline over both replicas, by _id reads alone, as many on an aged model as on a fresh one', async () => {
    const store = createKpiBucketStore(mongo.db, () => NOW + 60_000);
    const reads: Record<string, number> = {};
    for (const model of ['fresh', 'aged']) {
      for (const [name, range] of Object.entries({ window: WINDOW, baseline: BASELINE })) {
        const { result, commands } = await log.during(() => store.sum(model, '2.0.0', range.fromMs, range.toMs));
        expect(result.counters).toEqual(expected(recent.map((s) => ({ ...s, model })), range.fromMs, range.toMs));
        expect(finds(commands).length).toBeGreaterThan(0);
        for (const c of commands) {
          expect(c.name).toBe('find');
          for (const f of c.filters) expect(isIdLookup(f)).toBe(true);
        }
        reads[`${model} ${name}`] = finds(commands).length;
      }
    }
    expect(reads['aged window']).toBe(reads['fresh window']);
    expect(reads['aged baseline']).toBe(reads['fresh baseline']);
    // Both replicas' slots, at most 2 × (9 + 5 + 9 + 5 + 23) each, and the writers' entries.
    expect(reads['aged baseline']).toBeLessThanOrEqual(2 * 102 + 3);
  });

  it('has the store find each slot through its _id index, not by scanning the collection', async () => {
    const names = (await mongo.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith('kpi.aged.'));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const explained = await mongo.db.command({ explain: { find: name, filter: { _id: '2.0.0|gw-a:8080|0' } } });
      expect({ name, indexed: explainedAsIndexed(explained), plan: explained.queryPlanner }).toMatchObject({ name, indexed: true });
    }
  });

  it('judges a rollout check by check, reading at each check only the seconds it had not settled', async () => {
    const store = createKpiBucketStore(mongo.db, () => NOW + 60_000);
    const ledger = createRolloutLedger(mongo.db, store);
    const ranges = Array.from({ length: 100 }, (_, i) => ({ loMs: NOW - 3_000_000 + i * 30_000, hiMs: NOW - 3_000_000 + (i + 1) * 30_000 }));
    const perCheck: number[] = [];
    for (let k = 1; k <= ranges.length; k += 11) {
      const upTo = ranges.slice(0, k);
      const nowMs = upTo[k - 1].hiMs + 1000;
      const { result, commands } = await log.during(() => ledger.sums('deploy-aged-2.0.0', 'aged', ['2.0.0'], upTo, nowMs));
      perCheck.push(finds(commands).length);
      const sums = result.get('2.0.0')!;
      upTo.forEach((r, i) => expect(sums.counters[i]).toEqual(expected(recent.map((s) => ({ ...s, model: 'aged' })), r.loMs, r.hiMs)));
      for (const c of commands) for (const f of c.filters) expect(isIdLookup(f)).toBe(true);
    }
    // The first check reads its one range; every later one the ledger, the ranges since, and the writers.
    expect(Math.max(...perCheck.slice(1))).toBeLessThanOrEqual(Math.max(...perCheck.slice(1, 2)) + 5);
  });
});
