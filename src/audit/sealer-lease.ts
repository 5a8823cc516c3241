import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { lastNumbered } from '../db/numbered-list';
import type { LaneCursors } from './lanes';

export const AUDIT_SEALERS = 'audit_sealers';

/** A sealer's term is over once it has not been renewed for this long, by the clock of whoever reads it. */
export const LEASE_MS = 3000;
/** How often the sealer renews its term, whatever its sealing is doing (it also saves its cursors after each insert). */
export const RENEW_MS = 500;

/**
 * One term of the sealer: the process that seals every writer's inbox entries into the log while writers contend
 * (audit-log.ts). Terms are numbered without gaps (`t<term>`); a process takes the next term by inserting it, so two
 * can never hold the same one. Only its holder writes a term's document afterwards.
 */
export interface TermDoc extends LaneCursors {
  _id: string;
  term: number;
  holder: string;
  renewedMs: number;
  /** Set when the holder gave the term up; writers then append by themselves again. */
  released?: boolean;
}

const termId = (term: number) => `t${term}`;

export function sealerTerms(db: Db): Collection<TermDoc> {
  return db.collection<TermDoc>(AUDIT_SEALERS);
}

/**
 * A process's view of who seals. The lease is a hint for speed, never the guard of correctness: a term thought
 * expired while its holder still writes leaves two sealers for a moment, and the log's unique indexes still let only
 * one event take each place.
 */
export class SealerLease {
  private readonly terms: Collection<TermDoc>;
  private known = 0;
  private seen: { doc: TermDoc | null; atMs: number } = { doc: null, atMs: -Infinity };
  private held: TermDoc | null = null;

  constructor(
    db: Db,
    private readonly holder: string,
    private readonly now: () => number = Date.now,
  ) {
    this.terms = sealerTerms(db);
  }

  /** The term this process holds, if any. */
  get term(): TermDoc | null {
    return this.held;
  }

  /** Whether another process holds a live term, read again when the last read is older than `maxAgeMs`. */
  async otherSeals(maxAgeMs: number): Promise<boolean> {
    if (this.now() - this.seen.atMs > maxAgeMs) await this.readNewest();
    const doc = this.seen.doc;
    return doc !== null && doc.holder !== this.holder && this.live(doc);
  }

  /**
   * Takes the next term unless another process holds a live one. The new term starts where the last one left the
   * lanes, so entries it had not sealed are sealed now.
   */
  async tryTake(): Promise<boolean> {
    const newest = await this.readNewest();
    if (newest && newest.holder !== this.holder && this.live(newest)) return false;
    const doc: TermDoc = {
      _id: termId(this.known + 1),
      term: this.known + 1,
      holder: this.holder,
      renewedMs: this.now(),
      lanesKnown: newest?.lanesKnown ?? 0,
      lanes: newest?.lanes ?? [],
    };
    try {
      await this.terms.insertOne(doc);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await this.readNewest();
      return false;
    }
    this.known = doc.term;
    this.seen = { doc, atMs: this.now() };
    this.held = doc;
    return true;
  }

  /**
   * Renews the held term and saves the lane cursors with it; false once the term is lost (a later one was taken,
   * because this holder looked dead).
   */
  async renew(cursors: LaneCursors): Promise<boolean> {
    const held = this.held;
    if (!held) return false;
    if (await this.terms.findOne({ _id: termId(held.term + 1) })) {
      if (this.held === held) this.held = null;
      return false;
    }
    const renewedMs = this.now();
    await this.terms.updateOne({ _id: held._id }, { $set: { renewedMs, ...cursors } });
    if (this.held === held) this.held = { ...held, renewedMs, ...cursors };
    return this.held !== null;
  }

  /** Gives the term up, with the lane cursors, so writers go back to appending by themselves. */
  async release(cursors: LaneCursors): Promise<void> {
    const held = this.held;
    this.held = null;
    if (!held) return;
    await this.terms.updateOne({ _id: held._id }, { $set: { released: true, ...cursors } });
    this.seen = { doc: { ...held, ...cursors, released: true }, atMs: this.now() };
  }

  /** Whether this process still holds a term; one it could not renew within the lease is taken as lost. */
  holds(): boolean {
    if (this.held && this.now() - this.held.renewedMs >= LEASE_MS) this.held = null;
    return this.held !== null;
  }

  /** Drops the held term without a write (the database failed): it lapses, and a writer takes the next one. */
  forget(): void {
    this.held = null;
  }

  private live(doc: TermDoc): boolean {
    return !doc.released && this.now() - doc.renewedMs < LEASE_MS;
  }

  private async readNewest(): Promise<TermDoc | null> {
    const { n, doc } = await lastNumbered(this.terms, termId, this.known);
    const newest = doc ?? (n > 0 ? await this.terms.findOne({ _id: termId(n) }) : null);
    this.known = n;
    this.seen = { doc: newest, atMs: this.now() };
    return newest;
  }
}
