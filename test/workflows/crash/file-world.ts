import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { NotifyInput } from '../../../src/contracts/pipeline-activities';
import { fakeActivities, newWorld, productionCheck, type World } from '../fake-monitor';

export const MODEL = 'crash';

/** The world of one monitored model kept in a file, so that two worker processes, one after the other, share it. */
export function createWorldFile(file: string): void {
  save(file, newWorld({ sustainedChecks: 2, rollback: 'automatic' }, []));
}

export function readWorld(file: string): World & { hungOnMail: boolean } {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  return { ...raw, done: new Set(raw.done) };
}

/** Written aside and renamed into place: the test reads the file while the worker process writes it. */
function save(file: string, world: World & { hungOnMail?: boolean }): void {
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, JSON.stringify({ ...world, done: [...world.done] }));
  renameSync(aside, file);
}

/**
 * The monitor's fakes over that file: every step reads the world, acts, and writes it back. Production is what it
 * is: the champion fails for as long as no revert has put the last known good back. With `hangOnMail`, the
 * rolled-back mail, the rollback's last step, never returns, which holds the workflow task open until the process dies.
 */
export function fileWorldActivities(file: string, hangOnMail: boolean) {
  const worlds = new Map<string, World>();
  const fakes = fakeActivities(worlds);
  const persisted =
    <A extends unknown[], R>(step: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      worlds.set(MODEL, readWorld(file));
      const result = await step(...args);
      save(file, worlds.get(MODEL)!);
      return result;
    };
  const wrapped = Object.fromEntries(Object.entries(fakes).map(([name, step]) => [name, persisted(step as (...a: unknown[]) => Promise<unknown>)])) as typeof fakes;
  return {
    ...wrapped,
    checkProduction: persisted<Parameters<typeof fakes.checkProduction>, ReturnType<typeof productionCheck>>(async ({ version }) =>
      productionCheck(MODEL, version, worlds.get(MODEL)!.reverts.length > 0 ? 'ok' : 'breach'),
    ),
    async notify(input: NotifyInput) {
      if (!hangOnMail || input.kind !== 'monitor_rolled_back') return wrapped.notify(input);
      save(file, { ...readWorld(file), hungOnMail: true });
      return new Promise<void>(() => undefined);
    },
  };
}
