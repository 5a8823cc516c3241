import type { Command } from 'commander';
import { createRouteStore, type RouteDoc } from '../../routing';
import type { CliContext } from '../context';
import { failure } from '../exit-codes';
import { isoOrDash, print, printJson, short, table } from '../output';

const target = (t: { version: string; sha256: string; percent?: number } | null) =>
  t ? `${t.version}${t.percent === undefined ? '' : ` ${t.percent}%`} (${short(t.sha256, 8)})` : null;

export function routesCommand(program: Command, ctx: CliContext): void {
  const routes = program.command('routes').description('production routing: what the gateway replicas serve');
  routes
    .command('show')
    .description('the current route of one model, or of every model')
    .argument('[model]', 'model name')
    .option('--json', 'print as JSON')
    .action(async (model: string | undefined, opts: { json?: boolean }) => {
      const store = createRouteStore(await ctx.db());
      let docs: RouteDoc[];
      if (model) {
        const doc = await store.current(model);
        if (!doc) throw failure(`no route for model "${model}"; it has never been deployed`);
        docs = [doc];
      } else {
        docs = await store.list();
      }
      if (opts.json) return printJson(docs);
      if (!docs.length) return print('no routes yet');
      print(table(
        ['model', 'generation', 'stable', 'candidate', 'shadow', 'kill-switch', 'updated', 'by'],
        docs.map((d) => [d._id, d.generation, target(d.stable), target(d.candidate), target(d.shadow), d.killSwitch, isoOrDash(d.updatedAt), d.updatedBy]),
      ));
    });
}
