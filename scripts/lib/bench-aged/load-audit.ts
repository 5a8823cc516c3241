import type { Db } from 'mongodb';
import { Checkpointer, DEFAULT_LOCAL_HMAC_KEY, type StoredAuditEvent } from '../../../src/audit';
import type { NoteSigner } from '../../../src/audit/checkpoints/note-keys';
import { GENESIS, type Head } from '../../../src/audit/heads';
import { auditCollection } from '../../../src/audit/indexes';
import { AUDIT_POSITIONS, chainKey, globalKey, subjectKey } from '../../../src/audit/positions';
import { sealEvent } from '../../../src/audit/seal';

const BATCH = 1000;

/**
 * A long audit log written in bulk as the audit log itself seals events (sealEvent), with every place recorded and a
 * checkpoint signed every 1,000 events, as a worker leaves it: `pipelines` deployments of `perPipeline` events each,
 * spread over `models` models. Far faster than appending one by one; what it stores is the same.
 */
export async function loadAuditLog(db: Db, opts: { pipelines: number; perPipeline: number; models: number; signer: NoteSigner; folder: string }): Promise<number> {
  const checkpointer = new Checkpointer(db, { signer: opts.signer, folder: opts.folder });
  let global: Head = GENESIS;
  let events: StoredAuditEvent[] = [];
  let places: object[] = [];
  const t0 = Date.parse('2025-12-07T00:00:00Z');
  const flush = async () => {
    if (events.length === 0) return;
    await auditCollection(db).insertMany(events, { ordered: false });
    for (let i = 0; i < places.length; i += 3000) await db.collection(AUDIT_POSITIONS).insertMany(places.slice(i, i + 3000) as never[], { ordered: false });
    checkpointer.feed(events);
    if (checkpointer.due()) await checkpointer.issue('every-n-events');
    events = [];
    places = [];
  };
  for (let p = 0; p < opts.pipelines; p++) {
    const model = `m${String(p % opts.models).padStart(2, '0')}`;
    const version = `1.${Math.floor(p / opts.models)}.0`;
    const pipelineId = `deploy-${model}-${version}`;
    let chain: Head = GENESIS;
    for (let s = 0; s < opts.perPipeline; s++) {
      const at = new Date(t0 + (p * opts.perPipeline + s) * 30_000);
      const event = sealEvent(
        { eventId: `${pipelineId}:step-${s}`, type: s === opts.perPipeline - 1 ? 'pipeline.promoted' : 'pipeline.step_completed', at, actor: 'service:worker', subject: { model, version }, pipelineId, outcome: 'success', evidence: { step: s, metrics: { ndcg: 0.31, recall: 0.12 } }, source: 'activities/pipeline' },
        chain,
        global,
        DEFAULT_LOCAL_HMAC_KEY,
      );
      chain = { seq: event.seq, hash: event.hash };
      global = { seq: event.globalSeq, hash: event.globalHash };
      events.push(event);
      places.push(
        { _id: globalKey(event.globalSeq), eventId: event._id, hash: event.globalHash, seq: event.globalSeq },
        { _id: chainKey(pipelineId, event.seq), eventId: event._id, hash: event.hash, seq: event.seq },
        { _id: subjectKey(model, version, s), eventId: event._id },
      );
      if (events.length === BATCH) await flush();
    }
  }
  await flush();
  await checkpointer.issue('every-n-events');
  return global.seq;
}
