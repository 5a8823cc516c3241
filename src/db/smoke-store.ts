import type { Db } from 'mongodb';

export const SMOKE = 'smoke';

export interface SmokeDoc {
  _id: string;
  recipient: string;
  at: Date;
  attempts: number;
}

/** The smoke workflow's records: one per run, proving that a workflow's activity wrote to the database. */
export function createSmokeStore(db: Db) {
  const smoke = db.collection<SmokeDoc>(SMOKE);
  return {
    /** Once per workflow id; a retry only raises the attempt count it records. */
    async record(workflowId: string, recipient: string, attempt: number): Promise<void> {
      await smoke.updateOne({ _id: workflowId }, { $setOnInsert: { recipient, at: new Date() }, $max: { attempts: attempt } }, { upsert: true });
    },
    get: (workflowId: string) => smoke.findOne({ _id: workflowId }),
  };
}
