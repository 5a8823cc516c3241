import type { Collection } from 'mongodb';
import { GENESIS_HASH } from './hash';
import type { StoredAuditEvent } from './schemas';

export interface Head {
  seq: number;
  hash: string;
}

export const GENESIS: Head = { seq: 0, hash: GENESIS_HASH };
const MAX_CACHED_CHAINS = 10_000;

/**
 * Chain heads as this process last saw them, so an append costs one insert and no read.
 *
 * Nothing here is trusted for correctness: a head may be stale (another process appended since) or merely assumed
 * (a pipeline this process has not seen is taken to be new, its head the genesis). Either way the insert of its
 * successor then hits a unique index, the caller invalidates the heads, and they are read from the database. That
 * read is cheap on MongoDB (an index walk) but a full scan on FerretDB 1.x, which pushes only `_id` equality down to
 * SQLite; hence the effort to avoid it.
 */
export class HeadCache {
  private global: Head | undefined;
  private readonly chains = new Map<string, Head>();
  /** Pipelines whose cached or assumed head proved wrong: the next lookup reads the database. */
  private readonly stale = new Set<string>();

  constructor(private readonly events: Collection<StoredAuditEvent>) {}

  async globalHead(): Promise<Head> {
    this.global ??= await this.loadGlobal();
    return this.global;
  }

  async chainHead(pipelineId: string): Promise<Head> {
    if (!this.stale.delete(pipelineId)) return this.chains.get(pipelineId) ?? GENESIS;
    const head = await this.loadChain(pipelineId);
    this.chains.set(pipelineId, head);
    return head;
  }

  advance(event: StoredAuditEvent): void {
    this.global = { seq: event.globalSeq, hash: event.globalHash };
    this.chains.delete(event.pipelineId); // re-insert so Map order is least recently used first
    this.chains.set(event.pipelineId, { seq: event.seq, hash: event.hash });
    if (this.chains.size > MAX_CACHED_CHAINS) this.chains.delete(this.chains.keys().next().value!);
  }

  invalidate(pipelineId: string): void {
    this.global = undefined;
    this.chains.delete(pipelineId);
    this.stale.add(pipelineId);
  }

  private async loadChain(pipelineId: string): Promise<Head> {
    const last = await this.events.find({ pipelineId }, { projection: { seq: 1, hash: 1 } }).sort({ seq: -1 }).limit(1).next();
    return last ? { seq: last.seq, hash: last.hash } : GENESIS;
  }

  private async loadGlobal(): Promise<Head> {
    const last = await this.events.find({}, { projection: { globalSeq: 1, globalHash: 1 } }).sort({ globalSeq: -1 }).limit(1).next();
    return last ? { seq: last.globalSeq, hash: last.globalHash } : GENESIS;
  }
}
