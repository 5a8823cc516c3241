import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { PERSON_NAME_PATTERN, PERSON_NAME_RULE } from '../../identity/admin';
import { generateKeyPair } from '../../identity/keys';
import type { CliContext } from '../context';
import { failure, usageError } from '../exit-codes';
import { print, printJson } from '../output';
import { keysDir } from '../signing';

export function keysCommand(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('Ed25519 keys that sign starts, decisions and operator actions (docs/identity.md)');
  keys
    .command('generate')
    .description('make a key pair: the private key stays with you (mode 0600), the public key goes to an admin')
    .option('--name <person>', 'whose key (default MODELSHIP_USER)')
    .option('--dir <path>', 'where to write <name>.key and <name>.pub (default $MODELSHIP_HOME/keys, else ~/.modelship/keys)')
    .option('--json', 'print {name, privateKeyFile, publicKey, fingerprint} as JSON')
    .action((opts: { name?: string; dir?: string; json?: boolean }) => {
      const name = ctx.identity(opts.name);
      if (!PERSON_NAME_PATTERN.test(name)) throw usageError(`--name "${name}": ${PERSON_NAME_RULE}`);
      const dir = opts.dir ?? keysDir(ctx.env());
      const privateKeyFile = join(dir, `${name}.key`);
      if (existsSync(privateKeyFile)) throw failure(`${privateKeyFile} exists: a key is never overwritten; remove it first if you mean to replace it`);
      const pair = generateKeyPair();
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(privateKeyFile, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
      writeFileSync(join(dir, `${name}.pub`), `${pair.publicKey}\n`, { mode: 0o644 });
      if (opts.json) return printJson({ name, privateKeyFile, publicKey: pair.publicKey, fingerprint: pair.fingerprint });
      print(`private key  ${privateKeyFile} (keep it; nobody else needs it)`);
      print(`public key   ${pair.publicKey}`);
      print(`fingerprint  ${pair.fingerprint}`);
      print(`an admin registers it with: modelship people add ${name} --public-key ${pair.publicKey} --role <role>`);
    });
}
