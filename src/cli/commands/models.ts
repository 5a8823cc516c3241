import type { Command } from 'commander';
import { ALIASES, createRegistry, LISTED_VERSIONS } from '../../registry';
import type { CliContext } from '../context';
import { failure, usageError } from '../exit-codes';
import { positiveInt } from '../options';
import { isoOrDash, print, printJson, short, table } from '../output';

export function modelsCommand(program: Command, ctx: CliContext): void {
  const models = program.command('models').description('the model registry');

  models
    .command('list')
    .description('every registered model with its owner and champion')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const registry = createRegistry(await ctx.db());
      const docs = await registry.listModels();
      const rows = await Promise.all(docs.map(async (m) => ({
        name: m.name,
        owner: m.owner,
        trigger: m.trigger,
        champion: (await registry.getAlias(m.name, 'champion')).version,
        createdAt: m.createdAt,
      })));
      if (opts.json) return printJson(rows);
      if (!rows.length) return print('no models registered yet');
      print(table(['model', 'owner', 'trigger', 'champion', 'created'], rows.map((r) => [r.name, r.owner, r.trigger, r.champion, isoOrDash(r.createdAt)])));
    });

  models
    .command('show')
    .description(`one model: its aliases and its versions registered last (${LISTED_VERSIONS} unless --limit or --all), with their status`)
    .argument('<model>', 'model name')
    .option('--limit <n>', 'how many of the versions registered last to list', positiveInt)
    .option('--all', 'list every version (reads them all)')
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { json?: boolean; limit?: number; all?: boolean }) => {
      if (opts.all && opts.limit !== undefined) throw usageError('--limit and --all: give one or the other');
      const registry = createRegistry(await ctx.db());
      const model = await registry.getModel(name);
      if (!model) throw failure(`model: no model named "${name}"; see \`modelship models list\``);
      const [versions, aliases] = await Promise.all([
        registry.listVersions(name, { limit: opts.all ? Infinity : (opts.limit ?? LISTED_VERSIONS) }),
        Promise.all(ALIASES.map((a) => registry.getAlias(name, a))),
      ]);
      if (opts.json) {
        return printJson({
          model,
          aliases: Object.fromEntries(aliases.map((a) => [a.alias, a.version])),
          versions: versions.map((v) => ({ version: v.version, status: v.status, sha256: v.artifact.sha256, createdBy: v.createdBy, createdAt: v.createdAt, metadata: v.metadata })),
        });
      }
      print(`model    ${model.name}`);
      print(`owner    ${model.owner}`);
      print(`trigger  ${model.trigger}`);
      if (model.description) print(`about    ${model.description}`);
      print(`created  ${isoOrDash(model.createdAt)} by ${model.createdBy}`);
      print('');
      print(table(['alias', 'version'], aliases.map((a) => [a.alias, a.version])));
      print('');
      if (!versions.length) return print('no versions registered yet');
      const aliasOf = (v: string) => aliases.filter((a) => a.version === v).map((a) => a.alias).join(',');
      print(table(
        ['version', 'status', 'aliases', 'sha256', 'created', 'by'],
        versions.map((v) => [v.version, v.status, aliasOf(v.version), short(v.artifact.sha256), isoOrDash(v.createdAt), v.createdBy]),
      ));
    });
}
