import type { Db } from 'mongodb';

export const GATEWAY_REPLICAS = 'gateway_replicas';

export interface ReplicaHeartbeat {
  _id: string;
  url?: string;
  startedAt: Date;
  at: Date;
  ready: boolean;
  generations: Record<string, number>;
  loadErrors: Record<string, string>;
}

export function createHeartbeat(db: Db, replicaId: string, url: string | undefined) {
  const replicas = db.collection<ReplicaHeartbeat>(GATEWAY_REPLICAS);
  const startedAt = new Date();
  return {
    async beat(state: Pick<ReplicaHeartbeat, 'ready' | 'generations' | 'loadErrors'>): Promise<void> {
      await replicas.updateOne(
        { _id: replicaId },
        { $set: { ...state, url, at: new Date(), startedAt } },
        { upsert: true },
      );
    },
    async remove(): Promise<void> {
      await replicas.deleteOne({ _id: replicaId });
    },
  };
}
