import { MongoBulkWriteError, type Collection, type Db, type WriteConcernSettings } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { HeadCache } from './heads';
import { auditCollection } from './indexes';
import type { InboxEvent } from './lanes';
import { auditWriteConcern, detectServerKind } from './mongo';
import { recordPlaces, SubjectIndex } from './positions';
import type { StoredAuditEvent } from './schemas';
import { sealEvent } from './seal';

/**
 * What one ordered insert of a batch did. Where it stopped short, the next event is either stored already (a retried
 * append: `replayed`) or its place was taken by another writer, and the heads are read again next time.
 */
export interface Written {
  /** The batch's first events, stored in its order, with their places recorded. */
  stored: StoredAuditEvent[];
  replayed?: StoredAuditEvent;
}

/**
 * Seals a batch of events at the chain heads this process knows and stores them in one ordered insert, then records
 * their places (positions.ts). It decides nothing about retries: it says where the insert stopped and why.
 */
export class EventWriter {
  private readonly events: Collection<StoredAuditEvent>;
  private readonly heads: HeadCache;
  private readonly subjects: SubjectIndex;
  private writeConcern: Promise<WriteConcernSettings | undefined> | undefined;

  constructor(
    private readonly db: Db,
    private readonly key: string | Buffer,
  ) {
    this.events = auditCollection(db);
    this.heads = new HeadCache(db, this.events);
    this.subjects = new SubjectIndex(db);
  }

  async write(batch: InboxEvent[]): Promise<Written> {
    const writeConcern = await this.auditWriteConcern();
    const pipelines = [...new Set(batch.map((e) => e.pipelineId))];
    const [globalHead, chainHeads] = await Promise.all([this.heads.globalHead(), Promise.all(pipelines.map((id) => this.heads.chainHead(id)))]);
    let global = globalHead;
    const chains = new Map(pipelines.map((id, i) => [id, chainHeads[i]!]));
    const docs = batch.map((event) => {
      const doc = sealEvent(event, chains.get(event.pipelineId)!, global, this.key);
      chains.set(event.pipelineId, { seq: doc.seq, hash: doc.hash });
      global = { seq: doc.globalSeq, hash: doc.globalHash };
      return doc;
    });

    let inserted = docs.length;
    const options = writeConcern ? { writeConcern } : {};
    try {
      // insertOne for the common lone append: the driver's bulk path costs measurably more CPU per call.
      if (docs.length === 1) await this.events.insertOne(docs[0]!, options);
      else await this.events.insertMany(docs, { ...options, ordered: true });
    } catch (error) {
      const at = duplicateAt(error);
      if (at === undefined) throw error;
      inserted = at;
    }
    const stored = docs.slice(0, inserted);
    stored.forEach((doc) => this.heads.advance(doc));
    await recordPlaces(this.db, stored);
    await this.subjects.record(stored);
    if (inserted === docs.length) return { stored };

    // FerretDB does not say which unique index fired: first ask whether this event is already stored.
    const failed = batch[inserted]!;
    const existing = await this.events.findOne({ _id: failed.eventId });
    if (existing) {
      await recordPlaces(this.db, [existing]);
      await this.subjects.ensure(existing);
      return { stored, replayed: existing };
    }
    this.heads.invalidate(failed.pipelineId);
    return { stored };
  }

  /** Detected once; a failed detection (server down) is not cached, so the log recovers with the server. */
  private auditWriteConcern(): Promise<WriteConcernSettings | undefined> {
    this.writeConcern ??= detectServerKind(this.db)
      .then(auditWriteConcern)
      .catch((error: unknown) => {
        this.writeConcern = undefined;
        throw error;
      });
    return this.writeConcern;
  }
}

/** Where an ordered insert stopped on a duplicate key, or undefined if it failed for another reason. */
function duplicateAt(error: unknown): number | undefined {
  if (!(error instanceof MongoBulkWriteError)) return isDuplicateKeyError(error) ? 0 : undefined;
  const first = [error.writeErrors].flat()[0];
  return first && isDuplicateKeyError(first) ? first.index : undefined;
}
