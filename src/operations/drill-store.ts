import type { Db } from 'mongodb';
import type { DrillResult } from '../contracts/monitoring';

export const DRILLS = 'drills';

type DrillDoc = DrillResult & { _id: string; at: Date };

/** Rollback drill results, one per drill run, kept for the record of every model's drills. */
export function createDrillStore(db: Db) {
  const drills = db.collection<DrillDoc>(DRILLS);
  return {
    /** Keyed by the drill's workflow id, so a retried step writes it once. */
    async record(result: DrillResult): Promise<void> {
      await drills.replaceOne({ _id: result.drillId }, { ...result, at: new Date() }, { upsert: true });
    },
    /** A model's drills, newest first. */
    forModel(model: string): Promise<DrillDoc[]> {
      return drills.find({ model }).sort({ at: -1 }).toArray();
    },
  };
}
