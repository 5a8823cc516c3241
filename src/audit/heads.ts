import type { Collection, Db } from 'mongodb';
import { GENESIS_HASH } from './hash';
import { lastNumbered } from '../db/numbered-list';
import { chainKey, globalKey, positions, recordPlaces } from './positions';
import type { StoredAuditEvent } from './schemas';

export interface Head {
  seq: number;
  hash: string;
}

export const GENESIS: Head = { seq: 0, hash: GENESIS_HASH };
const MAX_CACHED_CHAINS = 10_000;
/** Conflicts in a row with no newer place found, before the places are repaired from the events. */
const STUCK_AFTER = 3;

/**
 * Chain heads as this process last saw them, so an append costs one insert and no read.
 *
 * Nothing here is trusted for correctness: a head may be stale (another process appended since) or merely assumed
 * (a pipeline this process has not seen is taken to be new, its head the genesis). Either way the insert of its
 * successor then hits a unique index, the caller invalidates the heads, and they are found again from the events'
 * places (positions.ts), galloping forward from where this process last saw them: `_id` reads, logarithmically many
 * in the events appended elsewhere since. A place is recorded just after its event; a writer that died between the two leaves a
 * gap that stops the heads from moving, and after a few conflicts in a row the missing places are read from the
 * events themselves (a scan, on FerretDB, for that rare repair only).
 */
export class HeadCache {
  private global: Head | undefined;
  private lastGlobal: Head = GENESIS;
  private readonly chains = new Map<string, Head>();
  /** Pipelines whose cached or assumed head proved wrong: the next lookup reads the database. */
  private readonly stale = new Set<string>();
  private stuck = 0;
  private readonly chainStuck = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly events: Collection<StoredAuditEvent>,
  ) {}

  async globalHead(): Promise<Head> {
    this.global ??= await this.loadGlobal();
    return this.global;
  }

  async chainHead(pipelineId: string): Promise<Head> {
    const known = this.chains.get(pipelineId) ?? GENESIS;
    if (!this.stale.delete(pipelineId)) return known;
    const head = await this.loadChain(pipelineId, known);
    this.chains.set(pipelineId, head);
    return head;
  }

  advance(event: StoredAuditEvent): void {
    this.global = this.lastGlobal = { seq: event.globalSeq, hash: event.globalHash };
    this.stuck = 0;
    this.chains.delete(event.pipelineId); // re-insert so Map order is least recently used first
    this.chains.set(event.pipelineId, { seq: event.seq, hash: event.hash });
    if (this.chains.size > MAX_CACHED_CHAINS) this.chains.delete(this.chains.keys().next().value!);
  }

  invalidate(pipelineId: string): void {
    this.global = undefined;
    this.stale.add(pipelineId);
  }

  private async loadChain(pipelineId: string, known: Head): Promise<Head> {
    if ((this.chainStuck.get(pipelineId) ?? 0) >= STUCK_AFTER) {
      await this.repair({ pipelineId, seq: { $gt: known.seq } });
      this.chainStuck.delete(pipelineId);
    }
    const last = (await lastNumbered(positions(this.db), (n) => chainKey(pipelineId, n), known.seq)).doc;
    if (last) this.chainStuck.delete(pipelineId);
    else this.chainStuck.set(pipelineId, (this.chainStuck.get(pipelineId) ?? 0) + 1);
    return last ? { seq: last.seq!, hash: last.hash! } : known;
  }

  private async loadGlobal(): Promise<Head> {
    if (this.stuck >= STUCK_AFTER) await this.repair({ globalSeq: { $gt: this.lastGlobal.seq } });
    const last = (await lastNumbered(positions(this.db), globalKey, this.lastGlobal.seq)).doc;
    // A conflict with no newer place anywhere: a writer stopped between an event and its place, or is just between
    // them. Only a few such in a row mean the former.
    this.stuck = last ? 0 : this.stuck + 1;
    if (last) this.lastGlobal = { seq: last.seq!, hash: last.hash! };
    return this.lastGlobal;
  }

  /** Records the places of events stored without them (their writer stopped in between). */
  private async repair(filter: object): Promise<void> {
    await recordPlaces(this.db, await this.events.find(filter).sort({ globalSeq: 1 }).limit(1000).toArray());
  }
}
