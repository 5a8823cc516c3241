import type { Collection } from 'mongodb';
import { DEFAULT_LOCAL_HMAC_KEY, eventHash, eventMac, globalHash, GENESIS_HASH, type StoredAuditEvent } from '../../../src/audit';

/**
 * What someone with write access to the database can do without the checkpoint signing key: recompute every pipeline
 * chain, the global chain and every MAC (the default HMAC key is public), so that the chains alone look intact.
 */
export async function rewriteChains(events: Collection<StoredAuditEvent>): Promise<void> {
  const heads = new Map<string, string>();
  const hashes = new Map<string, { prevHash: string; hash: string }>();
  for (const e of await events.find({}).sort({ pipelineId: 1, seq: 1 }).toArray()) {
    const prevHash = heads.get(e.pipelineId) ?? GENESIS_HASH;
    const hash = eventHash({ ...e, prevHash });
    hashes.set(e._id, { prevHash, hash });
    heads.set(e.pipelineId, hash);
  }
  let globalPrev = GENESIS_HASH;
  for (const e of await events.find({}).sort({ globalSeq: 1 }).toArray()) {
    const { prevHash, hash } = hashes.get(e._id)!;
    const gHash = globalHash(e.globalSeq, globalPrev, hash);
    await events.updateOne({ _id: e._id }, { $set: { prevHash, hash, globalPrevHash: globalPrev, globalHash: gHash, mac: eventMac(DEFAULT_LOCAL_HMAC_KEY, gHash) } });
    globalPrev = gHash;
  }
}
