import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Db } from 'mongodb';
import { AuditContentionError, AuditEventConflictError } from './errors';
import { DEFAULT_LOCAL_HMAC_KEY } from './hash';
import { EventWriter } from './event-writer';
import { LaneReader, LaneWriter, type InboxEvent, type LaneEntry } from './lanes';
import { LEASE_MS, RENEW_MS, SealerLease } from './sealer-lease';
import { auditCollection } from './indexes';
import { endsPipeline, type Checkpointer } from './checkpoints/checkpointer';
import { describeIssues } from '../validation/issues';
import { InputError } from '../validation/input-error';
import { canonicalJson, type JsonValue } from './json';
import { auditEventInputSchema, type AuditEventInput, type StoredAuditEvent } from './schemas';
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

interface Pending {
  event: InboxEvent;
  conflicts: number;
  resolve(event: StoredAuditEvent): void;
  reject(error: unknown): void;
}

/** What one insert seals: this process's own appends, and, while it is the sealer, other writers' inbox entries. */
interface Item {
  event: InboxEvent;
  pending?: Pending;
  entry?: LaneEntry;
}

/** Fields that identify what happened; a retry must repeat them exactly. `at` and evidence may differ (first write wins). */
const IDENTITY_FIELDS = ['type', 'actor', 'subject', 'pipelineId', 'outcome', 'source'] as const;
/** A shorter HMAC key is a configuration mistake (an empty env var), not a choice. */
const MIN_KEY_BYTES = 16;
/** FerretDB's default insert batch size. */
const MAX_BATCH = 100;
/** How old this process's knowledge of the sealer may be when it decides how to append. */
const SEALER_CHECK_MS = 250;
/** A sealer with nothing to seal for this long gives its term up. */
const IDLE_RELEASE_MS = 5000;
/** The longest a sealer with nothing to do, or a writer waiting for its events, sleeps between reads. */
const MAX_PAUSE_MS = 16;
/** Inbox entries of dropped lanes a sealer deletes in one step of its idle time. */
const PRUNE_STEP = 50;
/** A writer whose events have waited this long in a lane puts them again in a new one (lanes.ts). */
const REPUT_MS = 10_000;

/**
 * The append-only audit log. One instance per process: its appends are committed in order by a single loop, so they
 * never race each other for chain heads, and appends that queue up while a write is in flight go out together in one
 * ordered insertMany (group commit). Other processes are kept honest by the unique indexes (see HeadCache).
 *
 * Several processes appending at once would lose most inserts to each other and read the heads again each time. The
 * first to lose takes the sealer's term (sealer-lease.ts): while it holds it, the others put their events in their
 * own lanes of an inbox (lanes.ts) and wait, and the sealer seals its own appends and every lane's entries together,
 * in one insert. A sealer that finds nothing to seal for a while gives the term up, and one that dies loses it after
 * a few seconds; a waiting writer then takes it. docs/storage.md gives the figures.
 */
export class AuditLog {
  private readonly db: Db;
  private readonly events: Collection<StoredAuditEvent>;
  private readonly writer: EventWriter;
  private readonly key: string | Buffer;
  private readonly clock: () => Date;
  private readonly maxAttempts: number;
  private readonly checkpointer: Checkpointer | undefined;
  private readonly warn: (line: string) => void;
  private readonly afterPipelineEnd: ((event: StoredAuditEvent) => Promise<void>) | undefined;
  private afterEnds: Promise<void> = Promise.resolve();
  private readonly pending: Pending[] = [];
  private committing = false;
  private readonly lease: SealerLease;
  private readonly laneWriter: LaneWriter;
  private readonly laneReader: LaneReader;
  private sealing = false;
  private closing = false;
  private sealerStopped: Promise<void> = Promise.resolve();
  /** How long this process's events have lately waited in its lane, in ms (a moving average). */
  private sealWaitMs = 5;
  private wakeSealer: (() => void) | undefined;

  constructor(db: Db, options: AuditLogOptions = {}) {
    this.db = db;
    this.events = auditCollection(db);
    this.key = options.hmacKey ?? DEFAULT_LOCAL_HMAC_KEY;
    if (Buffer.byteLength(this.key) < MIN_KEY_BYTES) {
      throw new InputError('createAuditLog', [{ field: 'hmacKey', rule: `must be at least ${MIN_KEY_BYTES} bytes` }]);
    }
    this.writer = new EventWriter(db, this.key);
    this.clock = options.clock ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 100;
    this.checkpointer = options.checkpointer;
    this.warn = options.warn ?? ((line) => console.warn(line));
    this.afterPipelineEnd = options.afterPipelineEnd;
    const holder = randomUUID();
    this.lease = new SealerLease(db, holder);
    this.laneWriter = new LaneWriter(db, holder);
    this.laneReader = new LaneReader(db);
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
      if (this.sealing) this.wakeSealer?.();
      else if (!this.committing) void this.commitLoop();
    });
  }

  /** Settles once the work after every pipeline end seen so far is done (for an orderly shutdown). */
  settled(): Promise<void> {
    return this.afterEnds;
  }

  /**
   * For an orderly shutdown, before the database connection closes: gives the sealer's term up if this process holds
   * it (other writers then append by themselves at once, not after the term lapses) and settles. The log still
   * appends afterwards, and may seal again when writers contend.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.wakeSealer?.();
    await this.sealerStopped;
    this.closing = false;
    await this.settled();
  }

  /** Verifies the log (or one pipeline's chain) with this instance's key. */
  verify(options: Omit<VerifyOptions, 'hmacKey'> = {}): Promise<VerifyReport> {
    return verifyAudit(this.db, { ...options, hmacKey: this.key });
  }

  /** Appends by this process alone, or through the inbox while another process seals. */
  private async commitLoop(): Promise<void> {
    this.committing = true;
    while (this.pending.length > 0 && !this.sealing) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        if (await this.lease.otherSeals(SEALER_CHECK_MS)) {
          await this.viaInbox(batch);
          continue;
        }
        const { retry, contended } = await this.commit(batch.map((pending) => ({ event: pending.event, pending })));
        this.pending.unshift(...retry.map((item) => item.pending!));
        if (contended && (await this.lease.tryTake().catch(() => false))) this.startSealing();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.committing = false;
  }

  private startSealing(): void {
    this.laneReader.resume(this.lease.term!);
    this.sealing = true;
    this.sealerStopped = this.sealLoop();
  }

  /**
   * While this process holds the sealer's term: seals its own appends and the lanes' entries, until idle or the term is
   * lost. The term and the lane cursors are saved on a timer of its own, so that a slow round (a new sealer reading
   * every lane, a busy database) does not let it lapse. Not after each insert: two writes a round would cost the
   * sealer a fifth of its rate, and a successor finds what was sealed since the last renewal stored and skips it.
   */
  private async sealLoop(): Promise<void> {
    let idleSince = Date.now();
    let pause = 1;
    let renewing: Promise<unknown> = Promise.resolve();
    // One renewal at a time; one that failed (the database was away) does not stop the next.
    const renew = () => (renewing = renewing.catch(() => undefined).then(() => this.lease.renew(this.laneReader.cursors())));
    const renewer = setInterval(() => void renew().catch(() => undefined), RENEW_MS).unref();
    try {
      while (this.lease.holds()) {
        const own = this.pending.splice(0, MAX_BATCH);
        try {
          const entries = await this.laneReader.poll(MAX_BATCH - own.length);
          if (own.length + entries.length === 0) {
            // Time with nothing to seal goes to pruning dropped lanes, a step at a time, so pruning never holds up an
            // append by more than a step; an idle term is given up once they are pruned, a closing one at once.
            if (!this.closing && (await this.laneReader.pruneSome(PRUNE_STEP))) continue;
            if (this.closing || Date.now() - idleSince >= IDLE_RELEASE_MS) {
              clearInterval(renewer);
              await renewing.catch(() => undefined);
              await this.lease.release(this.laneReader.cursors());
              break;
            }
            await this.pauseSealer(pause);
            pause = Math.min(2 * pause, MAX_PAUSE_MS);
            continue;
          }
          [idleSince, pause] = [Date.now(), 1];
          const { retry } = await this.commit([...own.map((pending) => ({ event: pending.event, pending })), ...entries.map((entry) => ({ event: entry.event, entry }))]);
          // Lane entries not sealed are read again from their lane's cursor.
          this.pending.unshift(...retry.flatMap((item) => (item.pending ? [item.pending] : [])));
        } catch (error) {
          for (const p of own) p.reject(error);
          await sleep(MAX_PAUSE_MS);
        }
      }
    } catch (error) {
      this.lease.forget();
      this.warn(`audit sealer stopped (its term lapses in ${LEASE_MS / 1000} s, then another writer seals): ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearInterval(renewer);
      this.sealing = false;
      if (this.pending.length > 0 && !this.committing) void this.commitLoop();
    }
  }

  private pauseSealer(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // A sealer waiting for work does not keep its process alive: a process that ends lets its term lapse.
      const timer = setTimeout(resolve, ms).unref();
      this.wakeSealer = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Puts the batch in this process's lane and waits until the sealer has stored it. A writer that finds the sealer
   * gone takes the term and seals the lanes, its own among them.
   */
  private async viaInbox(batch: Pending[]): Promise<void> {
    await this.laneWriter.put(batch.map((p) => p.event));
    let waiting = batch;
    let putAt = Date.now();
    const stored: StoredAuditEvent[] = [];
    for (let looks = 0; waiting.length > 0; looks++) {
      // The first look comes about when the last batches were sealed, so that most waits take one read.
      await sleep(looks === 0 ? Math.max(1, 0.8 * this.sealWaitMs) : Math.min(2 * 1.5 ** (looks - 1), MAX_PAUSE_MS));
      // Lanes are sealed in order, so once the last is stored so are the others, unless it was stored long before.
      const last = await this.events.findOne({ _id: waiting[waiting.length - 1]!.event.eventId });
      if (!last) {
        if (!this.sealing && !(await this.lease.otherSeals(SEALER_CHECK_MS)) && (await this.lease.tryTake())) this.startSealing();
        if (Date.now() - putAt > REPUT_MS) {
          await this.laneWriter.put(waiting.map((p) => p.event), true);
          putAt = Date.now();
        }
        continue;
      }
      this.sealWaitMs = 0.8 * this.sealWaitMs + 0.2 * (Date.now() - putAt);
      const found = [...(await Promise.all(waiting.slice(0, -1).map((p) => this.events.findOne({ _id: p.event.eventId })))), last];
      waiting.forEach((p, i) => {
        const existing = found[i];
        if (existing && this.settleReplay(p, existing)) stored.push(existing);
      });
      waiting = waiting.filter((_, i) => !found[i]);
    }
    await this.checkpointAfter(stored, stored);
  }

  /**
   * Writes items in order; returns those that must go again because a head proved stale, and whether one did (another
   * process appended first).
   */
  private async commit(batch: Item[]): Promise<{ retry: Item[]; contended: boolean }> {
    const { stored, replayed } = await this.writer.write(batch.map((item) => item.event));
    await this.checkpointAfter(stored, stored.filter((_, i) => batch[i]!.pending));
    batch.slice(0, stored.length).forEach((item, i) => settle(item, stored[i]!, this.laneReader));
    if (stored.length === batch.length) return { retry: [], contended: false };

    const failed = batch[stored.length]!;
    if (replayed) {
      if (failed.pending) this.settleReplay(failed.pending, replayed);
      if (failed.entry) this.laneReader.sealed(failed.entry);
      return { retry: batch.slice(stored.length + 1), contended: false };
    }
    const conflicts = failed.pending ? ++failed.pending.conflicts : 0;
    // A first conflict is a head this process had not seen or had cached; a second, on heads just read, is another
    // process appending at the same time.
    const contended = conflicts >= 2;
    if (failed.pending && conflicts >= this.maxAttempts) {
      failed.pending.reject(new AuditContentionError(failed.event.eventId, conflicts));
      return { retry: batch.slice(stored.length + 1), contended };
    }
    return { retry: batch.slice(stored.length), contended };
  }

  /**
   * Feeds what was stored to the checkpointer, and checkpoints when due or when one of this process's own appends ends
   * a pipeline (other writers' ends are theirs to cover, before their appends return).
   */
  private async checkpointAfter(stored: StoredAuditEvent[], own: StoredAuditEvent[]): Promise<void> {
    if (!this.checkpointer || stored.length === 0) return;
    this.checkpointer.feed(stored);
    const reason = own.some(endsPipeline) ? 'pipeline-end' : this.checkpointer.due() ? 'every-n-events' : undefined;
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
    for (const end of own.filter(endsPipeline)) {
      this.afterEnds = this.afterEnds.then(() => after(end)).catch((error: unknown) => this.warn(`evidence bundle of ${end.pipelineId} not written: ${message(error)}`));
    }
  }

  /** Settles an append whose eventId is stored: with the stored event if it is the same, else with a conflict. */
  private settleReplay(pending: Pending, existing: StoredAuditEvent): boolean {
    const same = (f: (typeof IDENTITY_FIELDS)[number]) => canonicalJson(existing[f] as JsonValue) === canonicalJson(pending.event[f] as JsonValue);
    const differing = IDENTITY_FIELDS.filter((f) => !same(f));
    if (differing.length > 0) pending.reject(new AuditEventConflictError(pending.event.eventId, differing));
    else pending.resolve(existing);
    return differing.length === 0;
  }
}

function settle(item: Item, stored: StoredAuditEvent, lanes: LaneReader): void {
  item.pending?.resolve(stored);
  if (item.entry) lanes.sealed(item.entry);
}

export function createAuditLog(db: Db, options: AuditLogOptions = {}): AuditLog {
  return new AuditLog(db, options);
}
