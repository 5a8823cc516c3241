import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { exportAudit, verifyAudit } from '../../audit';
import { verifySignatures } from '../../identity/recorded-signatures';
import type { CliContext } from '../context';
import { EXIT, usageError } from '../exit-codes';
import { parsePipelineId } from '../pipeline-id';
import { print, printJson } from '../output';

export function auditCommand(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('verify or export the tamper-evident audit log');

  audit
    .command('verify')
    .description('check every hash link and MAC, and every recorded signature; exit 1 and print the first broken link or bad signature')
    .option('--pipeline <id>', 'only this pipeline\'s chain (deploy-<model>-<version> or <model>@<version>)')
    .option('--json', 'print the verification report as JSON')
    .action(async (opts: { pipeline?: string; json?: boolean }) => {
      const pipelineId = opts.pipeline ? parsePipelineId(opts.pipeline) : undefined;
      const key = ctx.env().AUDIT_HMAC_KEY;
      const db = await ctx.db();
      const report = await verifyAudit(db, { ...(pipelineId ? { pipelineId } : {}), ...(key ? { hmacKey: key } : {}) });
      const signatures = await verifySignatures(db, pipelineId);
      if (opts.json) printJson({ ...report, signatures });
      else {
        if (report.ok) print(`audit log intact: ${report.checked} events verified${pipelineId ? ` for ${pipelineId}` : ''}`);
        else {
          const b = report.firstBroken!;
          print(`audit log BROKEN after ${report.checked} verified events`);
          print(`first broken link: event ${b.eventId} (pipeline ${b.pipelineId ?? '?'}, seq ${b.seq ?? '?'}, global seq ${b.globalSeq ?? '?'}): ${b.reason}: ${b.detail}`);
        }
        print(`signatures: ${signatures.verified} of ${signatures.signed} verified`);
        if (signatures.firstBad) print(`first bad signature: event ${signatures.firstBad.eventId} (pipeline ${signatures.firstBad.pipelineId}): ${signatures.firstBad.reason}`);
      }
      if (!report.ok || signatures.firstBad) process.exitCode = EXIT.FAILURE;
    });

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
