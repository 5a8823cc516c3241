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

/** The gateway replicas' heartbeats: each replica writes its own; a rollout reads which replicas serve what. */
export function createReplicaStore(db: Db) {
  const replicas = db.collection<ReplicaHeartbeat>(GATEWAY_REPLICAS);
  return {
    async beat(replicaId: string, state: Pick<ReplicaHeartbeat, 'url' | 'startedAt' | 'ready' | 'generations' | 'loadErrors'>): Promise<void> {
      await replicas.updateOne({ _id: replicaId }, { $set: { ...state, at: new Date() } }, { upsert: true });
    },
    async remove(replicaId: string): Promise<void> {
      await replicas.deleteOne({ _id: replicaId });
    },
    /** Replicas whose last heartbeat is younger than `staleMs`. */
    healthy(staleMs: number): Promise<ReplicaHeartbeat[]> {
      return replicas.find({ at: { $gte: new Date(Date.now() - staleMs) } }).toArray();
    },
  };
}

/** One replica's heartbeat, as the replica itself writes it. */
export function createHeartbeat(db: Db, replicaId: string, url: string | undefined) {
  const store = createReplicaStore(db);
  const startedAt = new Date();
  return {
    beat: (state: Pick<ReplicaHeartbeat, 'ready' | 'generations' | 'loadErrors'>) => store.beat(replicaId, { ...state, url, startedAt }),
    remove: () => store.remove(replicaId),
  };
}
