import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { lastNumbered, readNumbered } from '../db/numbered-list';
import type { ParsedAuditEvent } from './schemas';

export const AUDIT_LANES = 'audit_lanes';
export const AUDIT_INBOX = 'audit_inbox';

/** An event as its writer accepted it, before it has a place in the log. */
export type InboxEvent = ParsedAuditEvent & { at: Date };

/** A writer that has not put anything for this long takes a new lane before it puts again. */
const WRITER_IDLE_MS = 20_000;
/**
 * The sealer stops reading a lane in which nothing new appeared for this long. The 10 s above the writers' idle time
 * is the margin for a put still under way when its lane is dropped; a writer whose entry waits longer than that puts
 * it again in a new lane (see AuditLog), and the copy already sealed is skipped by its `_id`.
 */
const LANE_DROP_MS = 30_000;
/**
 * A lane is read again once an eighth of the time it has been quiet has passed, and at least every QUIET_READ_MAX_MS;
 * the list of lanes every NEW_LANES_READ_MS. Reading a lane with nothing new costs the database as much as finding
 * an entry, and with writers coming and going (each takes a new lane after WRITER_IDLE_MS) most lanes are quiet: this
 * keeps a sealer's reads near the number of busy writers, at the price of a wait of an eighth of its pause, up to
 * QUIET_READ_MAX_MS, for a writer that starts again.
 */
const QUIET_READ_FRACTION = 1 / 8;
const QUIET_READ_MAX_MS = 500;
const NEW_LANES_READ_MS = 25;

/**
 * How far the sealer has read: lanes registered so far, and for each lane it still reads the last entry sealed and
 * when a sealer last saw something new in it (by that sealer's clock), so that a lane idle across short terms is
 * still dropped.
 */
export interface LaneCursors {
  lanesKnown: number;
  lanes: { lane: number; sealed: number; seenMs?: number }[];
}

interface LaneDoc {
  _id: string;
  holder: string;
  registeredMs: number;
}

export interface InboxDoc {
  _id: string;
  lane: number;
  n: number;
  event: InboxEvent;
}

const laneId = (lane: number) => `l${lane}`;
const entryId = (lane: number, n: number) => `${lane}|${n}`;

const lanes = (db: Db) => db.collection<LaneDoc>(AUDIT_LANES);
const inbox = (db: Db) => db.collection<InboxDoc>(AUDIT_INBOX);

/**
 * A writer's own lane of the inbox: while another process seals, a writer puts its events here and waits for them to
 * appear in the log. A lane has one writer, so a put is one insert that never conflicts; lanes are numbered without
 * gaps, so the sealer finds new ones by `_id`.
 */
export class LaneWriter {
  private readonly lanes: Collection<LaneDoc>;
  private readonly inbox: Collection<InboxDoc>;
  private lane = 0;
  private next = 0;
  private lastPutMs = -Infinity;
  private lanesSeen = 0;

  constructor(
    db: Db,
    private readonly holder: string,
    private readonly now: () => number = Date.now,
  ) {
    this.lanes = lanes(db);
    this.inbox = inbox(db);
  }

  /** Puts the events, in order, at the end of this writer's lane; `fresh` takes a new lane first. */
  async put(events: InboxEvent[], fresh = false): Promise<void> {
    if (fresh || this.lane === 0 || this.now() - this.lastPutMs > WRITER_IDLE_MS) await this.register();
    const lane = this.lane;
    const docs = events.map((event, i) => ({ _id: entryId(lane, this.next + 1 + i), lane, n: this.next + 1 + i, event }));
    this.lastPutMs = this.now();
    try {
      await this.inbox.insertMany(docs, { ordered: true });
    } catch (error) {
      // Part of the put may have landed: a new lane keeps the numbers of this one from being reused.
      this.lane = 0;
      throw error;
    }
    this.next += docs.length;
  }

  private async register(): Promise<void> {
    for (;;) {
      const end = (await lastNumbered(this.lanes, laneId, this.lanesSeen)).n;
      try {
        await this.lanes.insertOne({ _id: laneId(end + 1), holder: this.holder, registeredMs: this.now() });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        this.lanesSeen = end + 1;
        continue;
      }
      [this.lane, this.next, this.lanesSeen] = [end + 1, 0, end + 1];
      return;
    }
  }
}

export interface LaneEntry {
  lane: number;
  n: number;
  event: InboxEvent;
}

/** The sealer's reading of the lanes: every lane it reads from where it last sealed, new lanes as they appear. */
export class LaneReader {
  private readonly lanes: Collection<LaneDoc>;
  private readonly inbox: Collection<InboxDoc>;
  private lanesKnown = 0;
  private readonly reading = new Map<number, { sealed: number; seenMs: number; readMs?: number }>();
  private lanesReadMs = -Infinity;
  /** Dropped lanes whose sealed entries are still to be deleted, from entry `next` on. */
  private readonly toPrune: { lane: number; sealed: number; next: number }[] = [];

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.lanes = lanes(db);
    this.inbox = inbox(db);
  }

  /** Continues from where a term left the lanes. */
  resume(cursors: LaneCursors): void {
    this.reading.clear();
    this.lanesKnown = cursors.lanesKnown;
    for (const { lane, sealed, seenMs } of cursors.lanes) this.reading.set(lane, { sealed, seenMs: seenMs ?? this.now() });
  }

  cursors(): LaneCursors {
    return { lanesKnown: this.lanesKnown, lanes: [...this.reading].map(([lane, { sealed, seenMs }]) => ({ lane, sealed, seenMs })) };
  }

  /**
   * Deletes up to `max` entries of the lanes dropped so far, each by its `_id` (a range delete would scan the inbox on
   * FerretDB); true while some remain. Only sealed entries, copies of events now in the log: one put after its lane
   * was dropped stays, and its writer puts it again in a new lane. A step that fails is not tried again, and what a
   * process that stops leaves unpruned stays: nothing reads those copies again.
   */
  async pruneSome(max: number): Promise<boolean> {
    const job = this.toPrune[0];
    if (!job) return false;
    const last = Math.min(job.sealed, job.next + max - 1);
    const ids = Array.from({ length: last - job.next + 1 }, (_, i) => entryId(job.lane, job.next + i));
    job.next = last + 1;
    if (job.next > job.sealed) this.toPrune.shift();
    await this.inbox.bulkWrite(
      ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
      { ordered: false },
    );
    return this.toPrune.length > 0;
  }

  /** Entries not yet sealed, each lane's in order, at most about `max` in all: one `_id` read each, one per lane more. */
  async poll(max: number): Promise<LaneEntry[]> {
    const start = this.now();
    if (start - this.lanesReadMs >= NEW_LANES_READ_MS) {
      this.lanesReadMs = start;
      const added = await readNumbered(this.lanes, laneId, this.lanesKnown);
      for (let i = 0; i < added.length; i++) this.reading.set(this.lanesKnown + i + 1, { sealed: 0, seenMs: this.now() });
      this.lanesKnown += added.length;
    }

    const due = (c: { seenMs: number; readMs?: number }) => start - (c.readMs ?? -Infinity) >= Math.min(QUIET_READ_MAX_MS, QUIET_READ_FRACTION * (start - c.seenMs));
    const reading = [...this.reading].filter(([, cursor]) => due(cursor));
    const share = Math.max(1, Math.ceil(max / Math.max(1, reading.length)));
    const found = await Promise.all(reading.map(([lane, { sealed }]) => readNumbered(this.inbox, (n) => entryId(lane, n), sealed, share)));
    const now = this.now();
    reading.forEach(([lane, cursor], i) => {
      cursor.readMs = start;
      if (found[i]!.length > 0) cursor.seenMs = now;
      else if (now - cursor.seenMs > LANE_DROP_MS) {
        this.reading.delete(lane);
        if (cursor.sealed > 0) this.toPrune.push({ lane, sealed: cursor.sealed, next: 1 });
      }
    });
    return found.flat().map(({ lane, n, event }) => ({ lane, n, event }));
  }

  /** Marks an entry sealed (stored now, or found stored already). */
  sealed(entry: LaneEntry): void {
    const cursor = this.reading.get(entry.lane);
    if (cursor && entry.n > cursor.sealed) cursor.sealed = entry.n;
  }
}
