import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Checkpointer, eventLeaf, generateNoteKeys, makeBundle, proveConsistency, proveEvent, tlogProofText, verifyBundle } from '../../audit';
import { pipelineWorkflowId } from '../../contracts/pipeline-spec';
import type { CliContext } from '../context';
import { findVerifier, pathsOf, requireVerifier, signerOf } from '../audit-keys';
import { failure, usageError } from '../exit-codes';
import { print, printJson } from '../output';
import { parsePipelineId } from '../pipeline-id';

function size(raw: string, flag: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw usageError(`${flag} "${raw}": must be a whole number of events, e.g. 120`);
  return Number(raw);
}

function modelVersion(raw: string): { model: string; version: string } {
  const id = parsePipelineId(raw);
  const at = raw.indexOf('@');
  if (at >= 0) return { model: raw.slice(0, at).trim(), version: raw.slice(at + 1).trim() };
  const version = id.slice(id.lastIndexOf('-') + 1);
  return { model: id.slice('deploy-'.length, id.lastIndexOf('-')), version };
}

/** Checkpoints, proofs and evidence bundles of the Merkle audit log (docs/audit.md). */
export function auditProofCommands(audit: Command, ctx: CliContext): void {
  audit
    .command('keygen')
    .description('make a checkpoint signing key and its verifier key (C2SP signed-note, Ed25519)')
    .requiredOption('--name <name>', 'the log\'s name, also the checkpoint origin, e.g. audit.example.org/programme-x')
    .requiredOption('--out <dir>', 'folder to write signing.key (mode 0600) and verifier.key into')
    .action((opts: { name: string; out: string }) => {
      let keys;
      try {
        keys = generateNoteKeys(opts.name);
      } catch (error) {
        throw usageError(`--name: ${(error as Error).message}`);
      }
      mkdirSync(opts.out, { recursive: true });
      writeFileSync(join(opts.out, 'signing.key'), `${keys.skey}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(join(opts.out, 'signing.key'), 0o600);
      writeFileSync(join(opts.out, 'verifier.key'), `${keys.vkey}\n`);
      print(`signing key:  ${join(opts.out, 'signing.key')} (give it to workers only: AUDIT_SIGNING_KEY_FILE)`);
      print(`verifier key: ${keys.vkey}`);
    });

  audit
    .command('checkpoint')
    .description('sign a checkpoint of the log now (needs the signing key)')
    .action(async () => {
      const db = await ctx.db();
      const paths = pathsOf(ctx);
      const checkpointer = new Checkpointer(db, { signer: signerOf(ctx), folder: paths.checkpointDir });
      const issued = await checkpointer.issue('on-demand');
      process.stdout.write(issued.note);
    });

  audit
    .command('prove')
    .description('print an inclusion proof of one event in the newest checkpoint (C2SP tlog-proof, the event as its extra data)')
    .argument('<event-id>', 'the event id, as `audit export` shows it')
    .option('--key <vkey>', 'verifier key to check the checkpoint with (default: AUDIT_VERIFIER_KEY, else the local log\'s)')
    .action(async (eventId: string, opts: { key?: string }) => {
      const db = await ctx.db();
      const { event, proof } = await proveEvent(db, eventId, requireVerifier(ctx, opts.key));
      process.stdout.write(tlogProofText(eventLeaf(event), proof));
    });

  audit
    .command('consistency')
    .description('print a proof that a checkpoint extends the log of its first <old-size> events')
    .argument('<old-size>', 'number of events of the older tree')
    .argument('[new-size]', 'a checkpointed size (default: the newest checkpoint)')
    .option('--key <vkey>', 'verifier key to check the checkpoints with')
    .action(async (oldRaw: string, newRaw: string | undefined, opts: { key?: string }) => {
      const old = size(oldRaw, '<old-size>');
      const newer = newRaw === undefined ? undefined : size(newRaw, '[new-size]');
      const db = await ctx.db();
      const p = await proveConsistency(db, old, newer, requireVerifier(ctx, opts.key));
      printJson({
        oldSize: p.old.size,
        newSize: p.head.size,
        ...(p.old.root ? { oldRoot: p.old.root.toString('base64'), oldCheckpoint: p.old.note } : {}),
        newRoot: p.head.root.toString('base64'),
        newCheckpoint: p.head.note,
        proof: p.proof.map((h) => h.toString('base64')),
        verified: p.old.root ? 'the older checkpoint is stored: the proof was checked against both roots' : 'no checkpoint of the older size is stored: check the proof against the root you kept',
      });
    });

  audit
    .command('bundle')
    .description('write one deployment\'s evidence: its events, their inclusion proofs and the checkpoint, checkable offline')
    .argument('<model@version>', 'the deployment, e.g. movielens-als@1.1.0')
    .option('--out <file>', 'where to write it (default: <pipeline id>.bundle.json here)')
    .action(async (target: string, opts: { out?: string }) => {
      const { model, version } = modelVersion(target);
      const db = await ctx.db();
      const bundle = await makeBundle(db, model, version);
      const out = opts.out ?? `${pipelineWorkflowId(model, version)}.bundle.json`;
      writeFileSync(out, bundle.text);
      print(`wrote ${out}: ${bundle.events} events proven in the checkpoint of ${bundle.size} events`);
      if (bundle.uncovered > 0) print(`${bundle.uncovered} later events of ${model}@${version} are not in a checkpoint yet: run \`modelship audit checkpoint\`, then bundle again to include them`);
    });

  audit
    .command('verify-bundle')
    .description('check an evidence bundle with the verifier key alone: no database, no network')
    .argument('<file>', 'the bundle file')
    .option('--key <vkey>', 'verifier key (default: AUDIT_VERIFIER_KEY, else the local log\'s)')
    .option('--json', 'print the report as JSON')
    .action((file: string, opts: { key?: string; json?: boolean }) => {
      const verifier = findVerifier(ctx, opts.key);
      if (!verifier) throw usageError('no verifier key: pass --key <name+id+key> or set AUDIT_VERIFIER_KEY');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw usageError(`<file> "${file}": ${(error as Error).message}`);
      }
      let report;
      try {
        report = verifyBundle(text, verifier);
      } catch (error) {
        throw failure(`bundle ${file} does NOT verify: ${(error as Error).message}`);
      }
      if (opts.json) return printJson(report);
      print(`bundle verified: ${report.model}@${report.version}, ${report.events} events proven in the log ${report.origin} at ${report.size} events`);
      print(`pipeline ${report.pipelineId}: events 1..${report.pipeline.events} complete, last ${report.pipeline.lastType || '-'}; ${report.related} other events about this version`);
    });
}
