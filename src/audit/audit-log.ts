import { setTimeout as sleep } from 'node:timers/promises';
import { MongoBulkWriteError, type Collection, type Db, type WriteConcernSettings } from 'mongodb';
import { AuditContentionError, AuditEventConflictError } from './errors';
import { DEFAULT_LOCAL_HMAC_KEY } from './hash';
import { HeadCache } from './heads';
import { recordPlaces, SubjectIndex } from './positions';
import { sealEvent } from './seal';
import { auditCollection } from './indexes';
import { endsPipeline, type Checkpointer } from './checkpoints/checkpointer';
import { describeIssues } from '../validation/issues';
import { InputError } from '../validation/input-error';
import { canonicalJson, type JsonValue } from './json';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { auditWriteConcern, detectServerKind } from './mongo';
import { auditEventInputSchema, type AuditEventInput, type ParsedAuditEvent, type StoredAuditEvent } from './schemas';
import { verifyAudit, type VerifyOptions, type VerifyReport } from './verify';

export interface AuditLogOptions {
  /** Secret for the per-event HMAC; see DEFAULT_LOCAL_HMAC_KEY. */
  hmacKey?: string | Buffer;
  /** Time source for events appended without `at`. */
  clock?: () => Date;
  /** Head conflicts one append may lose before it gives up (AuditContentionError). */
  maxAttempts?: number;
  /**
   * Signs checkpoints of the Merkle tree over the log: every so many events, and at every pipeline end before that
   * append returns. Without one, this process appends only and a process that holds the signing key checkpoints.
   */
  checkpointer?: Checkpointer;
  /**
   * Runs once a pipeline's end is checkpointed, e.g. to write that deployment's evidence bundle. It runs after the
   * append returns, one at a time: it may read the whole log (a scan on FerretDB), which must not hold appends up.
   */
  afterPipelineEnd?: (event: StoredAuditEvent) => Promise<void>;
  /** Where a checkpoint that could not be issued is reported; the events stay stored and the next one covers them. */
  warn?: (line: string) => void;
}

type Event = ParsedAuditEvent & { at: Date };

interface Pending {
  event: Event;
  conflicts: number;
  resolve(event: StoredAuditEvent): void;
  reject(error: unknown): void;
}

/** Fields that identify what happened; a retry must repeat them exactly. `at` and evidence may differ (first write wins). */
const IDENTITY_FIELDS = ['type', 'actor', 'subject', 'pipelineId', 'outcome', 'source'] as const;
/** A shorter HMAC key is a configuration mistake (an empty env var), not a choice. */
const MIN_KEY_BYTES = 16;
/** FerretDB's default insert batch size. */
const MAX_BATCH = 100;

/**
 * The append-only audit log. One instance per process: its appends are committed in order by a single loop, so they
 * never race each other for chain heads, and appends that queue up while a write is in flight go out together in one
 * ordered insertMany (group commit). Other processes are kept honest by the unique indexes (see HeadCache).
 */
export class AuditLog {
  private readonly db: Db;
  private readonly events: Collection<StoredAuditEvent>;
  private readonly heads: HeadCache;
  private readonly subjects: SubjectIndex;
  private readonly key: string | Buffer;
  private readonly clock: () => Date;
  private readonly maxAttempts: number;
  private readonly checkpointer: Checkpointer | undefined;
  private readonly warn: (line: string) => void;
  private readonly afterPipelineEnd: ((event: StoredAuditEvent) => Promise<void>) | undefined;
  private afterEnds: Promise<void> = Promise.resolve();
  private writeConcern: Promise<WriteConcernSettings | undefined> | undefined;
  private readonly pending: Pending[] = [];
  private committing = false;

  constructor(db: Db, options: AuditLogOptions = {}) {
    this.db = db;
    this.events = auditCollection(db);
    this.heads = new HeadCache(db, this.events);
    this.subjects = new SubjectIndex(db);
    this.key = options.hmacKey ?? DEFAULT_LOCAL_HMAC_KEY;
    if (Buffer.byteLength(this.key) < MIN_KEY_BYTES) {
      throw new InputError('createAuditLog', [{ field: 'hmacKey', rule: `must be at least ${MIN_KEY_BYTES} bytes` }]);
    }
    this.clock = options.clock ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 100;
    this.checkpointer = options.checkpointer;
    this.warn = options.warn ?? ((line) => console.warn(line));
    this.afterPipelineEnd = options.afterPipelineEnd;
  }

  /**
   * Appends an event to its pipeline's chain and to the global chain, and returns it as stored. Appending an eventId
   * that is already stored returns the stored event and writes nothing, so activity retries are free.
   */
  append(input: AuditEventInput): Promise<StoredAuditEvent> {
    const parsed = auditEventInputSchema.safeParse(input);
    if (!parsed.success) return Promise.reject(new InputError('appendAudit', describeIssues(parsed.error)));
    return new Promise((resolve, reject) => {
      this.pending.push({ event: { ...parsed.data, at: parsed.data.at ?? this.clock() }, conflicts: 0, resolve, reject });
      if (!this.committing) void this.commitLoop();
    });
  }

  /** Settles once the work after every pipeline end seen so far is done (for an orderly shutdown). */
  settled(): Promise<void> {
    return this.afterEnds;
  }

  /** Verifies the log (or one pipeline's chain) with this instance's key. */
  verify(options: Omit<VerifyOptions, 'hmacKey'> = {}): Promise<VerifyReport> {
    return verifyAudit(this.db, { ...options, hmacKey: this.key });
  }

  private async commitLoop(): Promise<void> {
    this.committing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        const retry = await this.commit(batch);
        this.pending.unshift(...retry);
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.committing = false;
  }

  /** Writes a batch in order; returns the appends that must go again because a head proved stale. */
  private async commit(batch: Pending[]): Promise<Pending[]> {
    const writeConcern = await this.auditWriteConcern();
    const pipelines = [...new Set(batch.map((p) => p.event.pipelineId))];
    const [globalHead, chainHeads] = await Promise.all([
      this.heads.globalHead(),
      Promise.all(pipelines.map((id) => this.heads.chainHead(id))),
    ]);
    let global = globalHead;
    const chains = new Map(pipelines.map((id, i) => [id, chainHeads[i]!]));
    const docs: StoredAuditEvent[] = [];
    for (const { event } of batch) {
      const doc = sealEvent(event, chains.get(event.pipelineId)!, global, this.key);
      chains.set(event.pipelineId, { seq: doc.seq, hash: doc.hash });
      global = { seq: doc.globalSeq, hash: doc.globalHash };
      docs.push(doc);
    }

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
    await this.checkpointAfter(stored);
    for (let i = 0; i < inserted; i++) batch[i]!.resolve(docs[i]!);
    if (inserted === docs.length) return [];

    // FerretDB does not say which unique index fired: first ask whether this event is already stored.
    const failed = batch[inserted]!;
    const existing = await this.events.findOne({ _id: failed.event.eventId });
    if (existing) {
      await recordPlaces(this.db, [existing]);
      await this.subjects.ensure(existing);
      this.settleReplay(failed, existing);
      return batch.slice(inserted + 1);
    }
    this.heads.invalidate(failed.event.pipelineId);
    if (++failed.conflicts >= this.maxAttempts) {
      failed.reject(new AuditContentionError(failed.event.eventId, failed.conflicts));
      return batch.slice(inserted + 1);
    }
    await sleep(Math.random() * Math.min(50, 5 * failed.conflicts));
    return batch.slice(inserted);
  }

  private async checkpointAfter(stored: StoredAuditEvent[]): Promise<void> {
    if (!this.checkpointer || stored.length === 0) return;
    this.checkpointer.feed(stored);
    const reason = stored.some(endsPipeline) ? 'pipeline-end' : this.checkpointer.due() ? 'every-n-events' : undefined;
    if (!reason) return;
    const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
    try {
      await this.checkpointer.issue(reason);
    } catch (error) {
      this.warn(`audit checkpoint (${reason}) not issued: ${message(error)}`);
      return;
    }
    const after = this.afterPipelineEnd;
    if (!after) return;
    for (const end of stored.filter(endsPipeline)) {
      this.afterEnds = this.afterEnds.then(() => after(end)).catch((error: unknown) => this.warn(`evidence bundle of ${end.pipelineId} not written: ${message(error)}`));
    }
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

  private settleReplay(pending: Pending, existing: StoredAuditEvent): void {
    const same = (f: (typeof IDENTITY_FIELDS)[number]) => canonicalJson(existing[f] as JsonValue) === canonicalJson(pending.event[f] as JsonValue);
    const differing = IDENTITY_FIELDS.filter((f) => !same(f));
    if (differing.length > 0) pending.reject(new AuditEventConflictError(pending.event.eventId, differing));
    else pending.resolve(existing);
  }
}

/** Where an ordered insert stopped on a duplicate key, or undefined if it failed for another reason. */
function duplicateAt(error: unknown): number | undefined {
  if (!(error instanceof MongoBulkWriteError)) return isDuplicateKeyError(error) ? 0 : undefined;
  const first = [error.writeErrors].flat()[0];
  return first && isDuplicateKeyError(first) ? first.index : undefined;
}

export function createAuditLog(db: Db, options: AuditLogOptions = {}): AuditLog {
  return new AuditLog(db, options);
}
