import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { exportAudit, readCheckpointFiles, storedCheckpoints, verifyAudit, type FoundCheckpoint, type VerifyReport } from '../../audit';
import { findVerifier, pathsOf } from '../audit-keys';
import { auditProofCommands } from './audit-proofs';
import { verifySignatures } from '../../identity/recorded-signatures';
import type { Db } from 'mongodb';
import type { CliContext } from '../context';
import { EXIT, usageError } from '../exit-codes';
import { parsePipelineId } from '../pipeline-id';
import { print, printJson } from '../output';

export function auditCommand(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('verify or export the tamper-evident audit log');

  audit
    .command('verify')
    .description('recompute the hash chains and the Merkle tree, check every signed checkpoint against them, and every recorded signature; exit 1 naming the first bad entry')
    .option('--pipeline <id>', 'only this pipeline\'s chain (deploy-<model>-<version> or <model>@<version>)')
    .option('--key <vkey>', 'verifier key of the checkpoints (default: AUDIT_VERIFIER_KEY, else the local log\'s)')
    .option('--checkpoint <file...>', 'also hold the log to checkpoints kept elsewhere (another reader\'s copy)')
    .option('--json', 'print the verification report as JSON')
    .action(async (opts: { pipeline?: string; key?: string; checkpoint?: string[]; json?: boolean }) => {
      const pipelineId = opts.pipeline ? parsePipelineId(opts.pipeline) : undefined;
      const key = ctx.env().AUDIT_HMAC_KEY;
      const db = await ctx.db();
      const found = pipelineId ? [] : await checkpointsToCheck(ctx, db, opts.checkpoint ?? []);
      const verifier = findVerifier(ctx, opts.key);
      if (found.length > 0 && !verifier) throw usageError(`${found.length} checkpoints to check but no verifier key: pass --key <name+id+key> or set AUDIT_VERIFIER_KEY`);
      const report = await verifyAudit(db, {
        ...(pipelineId ? { pipelineId } : {}),
        ...(key ? { hmacKey: key } : {}),
        ...(verifier && !pipelineId ? { checkpoints: { found, verifier } } : {}),
      });
      const signatures = await verifySignatures(db, pipelineId);
      if (opts.json) printJson({ ...report, signatures });
      else {
        if (report.ok) print(`audit log intact: ${report.checked} events verified${pipelineId ? ` for ${pipelineId}` : ''}`);
        else {
          const b = report.firstBroken!;
          print(brokenLine(b, report.checked, pipelineId));
          const where = b.eventId
            ? `event ${b.eventId} (pipeline ${b.pipelineId ?? '?'}, seq ${b.seq ?? '?'}, global seq ${b.globalSeq ?? '?'})`
            : b.throughGlobalSeq !== undefined ? `one of global seq ${b.globalSeq}..${b.throughGlobalSeq}` : b.globalSeq ? `global seq ${b.globalSeq}` : 'checkpoints';
          print(`first bad entry: ${where}: ${b.reason}: ${b.detail}`);
        }
        if (report.ok && !pipelineId) print(checkpointLine(report));
        print(`signatures: ${signatures.verified} of ${signatures.signed} verified`);
        if (signatures.firstBad) print(`first bad signature: event ${signatures.firstBad.eventId} (pipeline ${signatures.firstBad.pipelineId}): ${signatures.firstBad.reason}`);
      }
      if (!report.ok || signatures.firstBad) process.exitCode = EXIT.FAILURE;
    });

  auditProofCommands(audit, ctx);

  audit
    .command('export')
    .description('write audit events as JSON lines, in chain order, hashes and MACs included')
    .option('--pipeline <id>', 'only this pipeline\'s events')
    .option('--since <iso>', 'only events at or after this time, e.g. 2025-01-31T00:00:00Z')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (opts: { pipeline?: string; since?: string; out?: string }) => {
      const pipelineId = opts.pipeline ? parsePipelineId(opts.pipeline) : undefined;
      let since: Date | undefined;
      if (opts.since) {
        since = new Date(opts.since);
        if (Number.isNaN(since.getTime())) throw usageError(`--since "${opts.since}": must be an ISO date or time, e.g. 2025-01-31T00:00:00Z`);
      }
      const db = await ctx.db();
      const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout;
      const count = await exportAudit(db, { ...(pipelineId ? { pipelineId } : {}), ...(since ? { since } : {}) }, out);
      if (opts.out) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`exported ${count} events to ${opts.out}\n`);
      }
    });
}

/** Every checkpoint a reader can hold the log to: the database's, the folder's, and copies passed by hand. */
async function checkpointsToCheck(ctx: CliContext, db: Db, files: string[]): Promise<FoundCheckpoint[]> {
  const stored = (await storedCheckpoints(db)).map((c) => ({ source: `checkpoint ${c._id} (database)`, note: c.note }));
  const kept = readCheckpointFiles(pathsOf(ctx).checkpointDir);
  const given = files.map((file) => {
    try {
      return { source: file, note: readFileSync(file, 'utf8') };
    } catch (error) {
      throw usageError(`--checkpoint "${file}": ${(error as Error).message}`);
    }
  });
  return [...stored, ...kept, ...given];
}

/** Where the log first goes wrong, by the position a reader counts in (the global order, or the one pipeline's). */
function brokenLine(b: VerifyReport['firstBroken'] & object, checked: number, pipelineId: string | undefined): string {
  const before = `the ${checked} event${checked === 1 ? '' : 's'} before it verified`;
  if (pipelineId) return b.seq !== null ? `audit log BROKEN at event ${b.seq} of ${pipelineId}: ${before}` : `audit log BROKEN after ${checked} verified events of ${pipelineId}`;
  if (b.throughGlobalSeq !== undefined) return `audit log BROKEN between global seq ${b.globalSeq} and ${b.throughGlobalSeq}: the ${checked} events before them verified`;
  if (b.globalSeq !== null) return `audit log BROKEN at global seq ${b.globalSeq}: ${before}`;
  return `audit log BROKEN: ${b.reason}`;
}

function checkpointLine(report: VerifyReport): string {
  const c = report.checkpoints;
  if (!c) return 'checkpoints: none to check (no verifier key and none issued)';
  if (c.newest === null) return `checkpoints: none issued yet; all ${report.checked} events are covered by the hash chains only`;
  const tail = c.uncovered > 0 ? `; the ${c.uncovered} events since are covered by the hash chains only until the next` : '';
  return `checkpoints: ${c.verified} verified, consistent with each other and with the log (newest signs ${c.newest} events)${tail}`;
}
