import type { Db } from 'mongodb';
import type { KpiCounters } from '../contracts/kpi';
import { countersOf, storedOf, type StoredBucket } from './bucket-codec';
import type { KpiBucketStore } from './bucket-store';
import { mergeSketches, sketchOf } from './distinct-users';

export const KPI_LEDGERS = 'kpi_ledgers';

/**
 * How long after a second its counts are taken as complete: replicas flush every 500 ms by default, and a flush may
 * wait on a busy database. Counts that arrive later still reach the monitor and the reports, not a check already
 * settled (docs/verdicts.md).
 */
export const SETTLE_MS = 10_000;

/** A rollout's settled check sums, so each check reads only the seconds since the last settled one. */
interface LedgerDoc {
  _id: string;
  /** `<version>|<loMs>|<hiMs>` with the version's dots as underscores: sparse counters of that range. */
  sums?: Record<string, Partial<StoredBucket>>;
  /** Per version (dots as underscores): a sketch of the distinct users its settled ranges sampled. */
  users?: Record<string, number[]>;
}

const field = (version: string) => version.replaceAll('.', '_');
const rangeKey = (version: string, r: { loMs: number; hiMs: number }) => `${field(version)}|${r.loMs}|${r.hiMs}`;

export interface VersionSums {
  counters: KpiCounters[];
  /** The version's distinct-user sketch over every range read so far, settled or not. */
  users: number[];
}

/**
 * The sums of one version over each range of a rollout: ranges settled at an earlier check come from the rollout's
 * ledger (one `_id` read), the others from the KPI store; ranges that have settled since are added to the ledger.
 */
export function createRolloutLedger(db: Db, store: KpiBucketStore) {
  const ledgers = db.collection<LedgerDoc>(KPI_LEDGERS);
  return {
    async sums(rolloutId: string, model: string, versions: string[], ranges: { loMs: number; hiMs: number }[], nowMs: number): Promise<Map<string, VersionSums>> {
      const ledger = (await ledgers.findOne({ _id: rolloutId })) ?? { _id: rolloutId };
      const set: Record<string, unknown> = {};
      const out = new Map<string, VersionSums>();
      for (const version of versions) {
        const counters: KpiCounters[] = new Array(ranges.length);
        const missing: number[] = [];
        ranges.forEach((r, i) => {
          const stored = ledger.sums?.[rangeKey(version, r)];
          if (stored) counters[i] = countersOf(stored as StoredBucket);
          else missing.push(i);
        });
        const fresh = await store.sums(model, version, missing.map((i) => ({ fromMs: ranges[i]!.loMs, toMs: ranges[i]!.hiMs })));
        let users = ledger.users?.[field(version)] ?? [];
        let settledUsers = users;
        missing.forEach((i, j) => {
          const sum = fresh[j]!;
          counters[i] = sum.counters;
          users = mergeSketches(users, sketchOf(sum.users));
          if (ranges[i]!.hiMs > nowMs - SETTLE_MS) return;
          set[`sums.${rangeKey(version, ranges[i]!)}`] = storedOf(sum.counters);
          settledUsers = mergeSketches(settledUsers, sketchOf(sum.users));
        });
        if (settledUsers !== (ledger.users?.[field(version)] ?? [])) set[`users.${field(version)}`] = settledUsers;
        out.set(version, { counters, users });
      }
      if (Object.keys(set).length > 0) await ledgers.updateOne({ _id: rolloutId }, { $set: set }, { upsert: true });
      return out;
    },
  };
}
