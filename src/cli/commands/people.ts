import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Db } from 'mongodb';
import { ROLES, type Role } from '../../contracts/identity';
import { createRegistry } from '../../registry';
import { addPerson, grantRoles, grantsOf, PeopleError, type Admin } from '../../identity/admin';
import { KeyFormatError, parsePublicKey } from '../../identity/keys';
import { createPeopleStore, EVERY_MODEL, isRole, type PersonDoc } from '../../identity/people';
import type { CliContext } from '../context';
import { failure, usageError } from '../exit-codes';
import { collect } from '../options';
import { print, printJson, table } from '../output';
import { signingKey } from '../signing';

function roles(given: string[]): Role[] {
  if (given.length === 0) throw usageError(`--role: give at least one of ${ROLES.join(', ')}`);
  for (const r of given) if (!isRole(r)) throw usageError(`--role "${r}": must be one of ${ROLES.join(', ')}`);
  return given as Role[];
}

function publicKeyArg(text: string): string {
  const value = existsSync(text) ? readFileSync(text, 'utf8') : text;
  try {
    return parsePublicKey(value);
  } catch (err) {
    if (err instanceof KeyFormatError) throw usageError(`--public-key: ${err.message}`);
    throw err;
  }
}

const describe = (p: PersonDoc) => p.roles.map((g) => `${g.role}@${g.model}`).join(' ');

export function peopleCommand(program: Command, ctx: CliContext): void {
  const people = program.command('people').description('who may submit, approve, operate or administer, per model, with their public keys (docs/identity.md)');

  /** The acting admin, proven by their key; null when they have none (only the very first admin needs none). */
  const admin = (as?: string): Admin | null => {
    const name = ctx.identity(as);
    const key = signingKey(ctx.env(), name);
    return key ? { name, key } : null;
  };
  const run = async <T>(change: () => Promise<T>): Promise<T> => {
    try {
      return await change();
    } catch (err) {
      if (err instanceof PeopleError) throw failure(err.message);
      throw err;
    }
  };

  people
    .command('add')
    .description('register a person with their public key and roles; audited')
    .argument('<name>', 'the name they act as (--as, MODELSHIP_USER)')
    .requiredOption('--public-key <key>', 'their public key: the base64 printed by keys generate, a PEM block, or a file holding either')
    .option('--role <role>', `a role, repeatable: ${ROLES.join(', ')}`, collect, [])
    .option('--model <name>', 'a model the roles apply to, repeatable (default *: every model)', collect, [])
    .option('--as <admin>', 'the admin making the change, signing with their key (default MODELSHIP_USER)')
    .action(async (name: string, opts: { publicKey: string; role: string[]; model: string[]; as?: string }) => {
      const grants = grantsOfOrUsage(roles(opts.role), opts.model);
      await requireModels(await ctx.db(), opts.model);
      const doc = await run(async () => addPerson(await ctx.db(), await ctx.auditLog(), { name, publicKey: publicKeyArg(opts.publicKey), grants, admin: admin(opts.as) }));
      print(`added ${name} (${doc.keys[0].fingerprint}): ${describe(doc)}`);
    });

  people
    .command('grant')
    .description('give a registered person more roles; audited')
    .argument('<name>', 'who')
    .option('--role <role>', `a role, repeatable: ${ROLES.join(', ')}`, collect, [])
    .option('--model <name>', 'a model the roles apply to, repeatable (default *: every model)', collect, [])
    .option('--as <admin>', 'the admin making the change (default MODELSHIP_USER)')
    .action(async (name: string, opts: { role: string[]; model: string[]; as?: string }) => {
      const grants = grantsOfOrUsage(roles(opts.role), opts.model);
      await requireModels(await ctx.db(), opts.model);
      const doc = await run(async () => grantRoles(await ctx.db(), await ctx.auditLog(), { name, grants, admin: admin(opts.as) }));
      print(`${name} now holds: ${describe(doc)}`);
    });

  people
    .command('list')
    .description('registered people, their roles and key fingerprints')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await createPeopleStore(await ctx.db()).list();
      if (opts.json) return printJson(all.map((p) => ({ name: p._id, roles: p.roles, keys: p.keys })));
      print(table(['NAME', 'ROLES', 'KEYS'], all.map((p) => [p._id, describe(p), p.keys.map((k) => `${k.fingerprint}${k.revokedAt ? ' (revoked)' : ''}`).join(' ')])));
    });
}

function grantsOfOrUsage(r: Role[], models: string[]) {
  try {
    return grantsOf(r, models);
  } catch (err) {
    if (err instanceof PeopleError) throw usageError(err.message);
    throw err;
  }
}

/** A role on a model nobody registered is a typo more often than a plan: it would grant what no pipeline ever asks. */
async function requireModels(db: Db, models: string[]): Promise<void> {
  const registry = createRegistry(db);
  for (const model of models) {
    if (model === EVERY_MODEL || (await registry.getModel(model))) continue;
    throw failure(`--model "${model}": no model named "${model}"; register it first (modelship register ... --create-model --owner TEAM), or leave --model out to grant on every model`);
  }
}
