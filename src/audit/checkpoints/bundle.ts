import { createHash } from 'node:crypto';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { pipelineWorkflowId } from '../../contracts/pipeline-spec';
import { BundleError } from '../errors';
import { eventLeaf, GENESIS_HASH, hashedContent } from '../hash';
import { auditCollection } from '../indexes';
import { readAllNumbered } from '../../db/numbered-list';
import { chainKey, eventsAbout, positions } from '../positions';
import { canonicalJson, jsonObjectSchema, type JsonObject, type JsonValue } from '../json';
import { leafHash } from '../merkle/tree-hash';
import { inclusionHolds } from '../merkle/verify-proofs';
import { AUDIT_FORMAT, AUDIT_OUTCOMES, type StoredAuditEvent } from '../schemas';
import { openCheckpoint } from './checkpoint-text';
import type { NoteVerifier } from './note-keys';
import { checkpointCovering, proveLeaves } from './proofs';

export const BUNDLE_FORMAT = 'modelship-audit-bundle/v1';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** An event as it is hashed: its leaf in the tree is the canonical JSON of exactly this object. */
const bundledEventSchema = z
  .object({
    v: z.literal(AUDIT_FORMAT),
    eventId: z.string(),
    type: z.string(),
    at: z.string(),
    actor: z.string(),
    subject: z.object({ model: z.string(), version: z.string().optional() }).strict(),
    pipelineId: z.string(),
    outcome: z.enum(AUDIT_OUTCOMES),
    evidence: jsonObjectSchema,
    source: z.string(),
    seq: z.number().int().positive(),
    prevHash: hex64,
  })
  .strict();

const bundleSchema = z
  .object({
    checkpoint: z.string(),
    entries: z.array(z.object({ event: bundledEventSchema, index: z.number().int().nonnegative(), proof: z.array(hex64) }).strict()).min(1, 'must hold at least one event'),
    format: z.literal(BUNDLE_FORMAT),
    model: z.string(),
    origin: z.string(),
    pipelineId: z.string(),
    version: z.string(),
  })
  .strict();
type Bundle = z.infer<typeof bundleSchema>;

/** Sorted keys at every depth, two-space indents, a final newline: one text per content, so any edit shows. */
function bundleText(value: JsonValue): string {
  const sorted = (v: JsonValue): JsonValue =>
    Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k]!)])) : v;
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}

/** Its pipeline's chain and every event about the model version, found by their places (`_id` reads), in log order. */
async function eventsOf(db: Db, pipelineId: string, model: string, version: string): Promise<StoredAuditEvent[]> {
  const [chain, about] = await Promise.all([readAllNumbered(positions(db), (n) => chainKey(pipelineId, n), 0), eventsAbout(db, model, version)]);
  const ids = new Set([...chain.map((p) => p.eventId), ...about]);
  const found = await Promise.all([...ids].map((id) => auditCollection(db).findOne({ _id: id })));
  return found.filter((e): e is StoredAuditEvent => e !== null).sort((a, b) => a.globalSeq - b.globalSeq);
}

/**
 * One deployment's evidence, to be checked with no database: every event of its pipeline and every other event about
 * its model version, each with its inclusion proof, and the checkpoint they are proven against: the newest. Events
 * appended after it (a late mail, a monitor's check) are left for a later bundle, and counted in `uncovered`.
 */
export async function makeBundle(db: Db, model: string, version: string): Promise<{ text: string; events: number; size: number; uncovered: number }> {
  const pipelineId = pipelineWorkflowId(model, version);
  const events = await eventsOf(db, pipelineId, model, version);
  if (events.length === 0) throw new BundleError(`the log holds no event of ${model}@${version}`);
  const head = await checkpointCovering(db, events[0]!.globalSeq);
  const uncovered = events.filter((e) => e.globalSeq > head.size).length;
  events.splice(events.length - uncovered);
  const proofs = await proveLeaves(db, events.map((e) => ({ index: e.globalSeq - 1, leaf: leafHash(eventLeaf(e)) })), head);
  const bundle: Bundle = {
    checkpoint: head.note,
    entries: events.map((e, i) => ({ event: hashedContent(e) as Bundle['entries'][number]['event'], index: e.globalSeq - 1, proof: proofs[i]!.proof.map((h) => h.toString('hex')) })),
    format: BUNDLE_FORMAT,
    model,
    origin: head.origin,
    pipelineId,
    version,
  };
  return { text: bundleText(bundle as unknown as JsonValue), events: events.length, size: head.size, uncovered };
}

export interface BundleReport {
  model: string;
  version: string;
  pipelineId: string;
  origin: string;
  /** The size of the signed log the events are proven in. */
  size: number;
  events: number;
  /** The pipeline's chain as the bundle holds it: complete from its first event, and how it ends. */
  pipeline: { events: number; lastType: string };
  /** Events about this model version from other chains (the monitor, operators). */
  related: number;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Checks a bundle from its bytes and the verifier key alone. It must be in its one canonical form, its checkpoint
 * signed by the key, every event proven in that checkpoint, about the bundle's model version, and the pipeline's
 * chain whole from its first event: each event names the hash of the one before it.
 */
export function verifyBundle(text: string, verifier: NoteVerifier): BundleReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BundleError(`not a bundle: ${(error as Error).message}`);
  }
  const parsed = bundleSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BundleError(`not a bundle: ${issue.path.join('.') || 'the file'}: ${issue.message}`);
  }
  const bundle = parsed.data;
  if (bundleText(raw as JsonValue) !== text) throw new BundleError('the file is not in its canonical form: it was edited after it was written');
  let head;
  try {
    head = openCheckpoint(bundle.checkpoint, verifier);
  } catch (error) {
    throw new BundleError(`checkpoint: ${(error as Error).message}`);
  }
  if (bundle.origin !== head.origin) throw new BundleError(`origin "${bundle.origin}" is not the checkpoint's "${head.origin}"`);
  if (bundle.pipelineId !== pipelineWorkflowId(bundle.model, bundle.version)) throw new BundleError(`pipelineId "${bundle.pipelineId}" is not the pipeline of ${bundle.model}@${bundle.version}`);

  let previousIndex = -1;
  let chain = { seq: 0, hash: GENESIS_HASH, lastType: '' };
  let related = 0;
  for (const [i, { event, index, proof }] of bundle.entries.entries()) {
    const where = `entry ${i} (event ${event.eventId})`;
    if (index <= previousIndex) throw new BundleError(`${where}: entries must be in log order without repeats`);
    previousIndex = index;
    const content = canonicalJson(event as unknown as JsonObject);
    const leaf = leafHash(Buffer.from(content, 'utf8'));
    if (!inclusionHolds(leaf, index, head.size, proof.map((h) => Buffer.from(h, 'hex')), head.root)) {
      throw new BundleError(`${where}: its inclusion proof does not lead to the checkpoint's root: the event or its proof was changed`);
    }
    if (event.pipelineId === bundle.pipelineId) {
      if (event.seq !== chain.seq + 1 || event.prevHash !== chain.hash) throw new BundleError(`${where}: the pipeline's chain is broken before it: an event is missing`);
      chain = { seq: event.seq, hash: sha256(content), lastType: event.type };
    } else if (event.subject.model !== bundle.model || event.subject.version !== bundle.version) {
      throw new BundleError(`${where}: it is about ${event.subject.model}@${event.subject.version ?? '?'}, not ${bundle.model}@${bundle.version}`);
    } else related++;
  }
  return {
    model: bundle.model,
    version: bundle.version,
    pipelineId: bundle.pipelineId,
    origin: head.origin,
    size: head.size,
    events: bundle.entries.length,
    pipeline: { events: chain.seq, lastType: chain.lastType },
    related,
  };
}
