import type { Db } from 'mongodb';
import { KPI_BUCKETS, type KpiCounters } from '../contracts/kpi';
import { countersOf, incrementsOf, type StoredBucket } from './bucket-codec';

/** One replica's KPIs of one version over one second, as the gateway adds them and readers sum them. */
export interface KpiBucket {
  version: string;
  /** The bucket's second. */
  start: Date;
  counters: KpiCounters;
  /** Users sampled in this second. */
  users: number[];
}

/**
 * The KPI buckets: written by the gateway replicas (one document per replica, version and second, grown by `$inc`),
 * read by the rollout checks, the monitor and the reports.
 */
export function createKpiBucketStore(db: Db) {
  const buckets = db.collection<StoredBucket>(KPI_BUCKETS);
  return {
    /** Adds counts and sampled users into one bucket, creating it on its first write. */
    async add(id: string, bucket: { model: string; version: string; replica: string; start: number; counters: KpiCounters; users: number[] }): Promise<void> {
      await buckets.updateOne(
        { _id: id },
        {
          $inc: incrementsOf(bucket.counters),
          ...(bucket.users.length ? { $push: { users: { $each: bucket.users } } } : {}),
          $setOnInsert: { model: bucket.model, version: bucket.version, replica: bucket.replica, start: new Date(bucket.start) },
        },
        { upsert: true },
      );
    },

    /** Every replica's buckets of the versions for the seconds starting in [from, to). */
    async read(model: string, versions: string[], from: Date, to: Date): Promise<KpiBucket[]> {
      const docs = await buckets.find({ model, version: { $in: versions }, start: { $gte: from, $lt: to } }, { projection: { _id: 0, model: 0, replica: 0 } }).toArray();
      return docs.map((doc) => ({ version: doc.version, start: doc.start, counters: countersOf(doc), users: doc.users ?? [] }));
    },
  };
}

export type KpiBucketStore = ReturnType<typeof createKpiBucketStore>;
