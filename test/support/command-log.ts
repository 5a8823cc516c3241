import type { CommandStartedEvent, Db } from 'mongodb';
import type { Mongo } from '../../src/db';

/** What one command asked the store for: its name, collection and every filter it carried. */
export interface LoggedCommand {
  name: string;
  collection: string;
  filters: unknown[];
}

const FILTERS: Record<string, (cmd: Record<string, unknown>) => unknown[]> = {
  find: (c) => [c.filter ?? {}],
  count: (c) => [c.query ?? {}],
  distinct: (c) => [c.query ?? {}],
  aggregate: (c) => [c.pipeline],
  update: (c) => (c.updates as { q: unknown }[]).map((u) => u.q),
  delete: (c) => (c.deletes as { q: unknown }[]).map((d) => d.q),
  findAndModify: (c) => [c.query ?? {}],
  insert: () => [],
};

/**
 * Records the commands sent to one test database through the driver's own command monitoring, so a test can say
 * exactly how a read asked the store for its documents.
 */
export function logCommands(mongo: Mongo): { commands: LoggedCommand[]; during<T>(run: () => Promise<T>): Promise<{ result: T; commands: LoggedCommand[] }> } {
  const commands: LoggedCommand[] = [];
  const db: Db = mongo.db;
  mongo.client.on('commandStarted', (e: CommandStartedEvent) => {
    if (e.databaseName !== db.databaseName || !(e.commandName in FILTERS)) return;
    const cmd = e.command as Record<string, unknown>;
    commands.push({ name: e.commandName, collection: String(cmd[e.commandName]), filters: FILTERS[e.commandName]!(cmd) });
  });
  return {
    commands,
    async during(run) {
      const from = commands.length;
      const result = await run();
      return { result, commands: commands.slice(from) };
    },
  };
}

/** A filter the embedded store hands to its backend: `_id` equal to a string, nothing else. */
export const isIdLookup = (filter: unknown): boolean =>
  typeof filter === 'object' && filter !== null && Object.keys(filter).length === 1 && typeof (filter as { _id?: unknown })._id === 'string';

/**
 * Whether the store's own explanation of a read says it walks an index rather than the whole collection: FerretDB
 * gives its backend's plan (SQLite `SEARCH ... USING INDEX`, PostgreSQL `Index Scan`), MongoDB its winning stage.
 */
export function explainedAsIndexed(explained: Record<string, unknown>): boolean {
  const planner = explained.queryPlanner as { Plan?: unknown; winningPlan?: { stage?: string } } | undefined;
  const text = JSON.stringify(planner?.Plan ?? '');
  if (planner?.Plan !== undefined) return /SEARCH \S+ USING (COVERING )?INDEX|Index (Only )?Scan/.test(text) && !/detail=SCAN /.test(text);
  return ['IDHACK', 'EXPRESS_IXSCAN', 'IXSCAN', 'FETCH'].includes(planner?.winningPlan?.stage ?? '');
}
