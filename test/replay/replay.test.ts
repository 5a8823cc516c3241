import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker';

jest.setTimeout(120_000);

const dir = join(__dirname, 'histories');
// Older histories must keep replaying: remote-steps/ from before the short steps became local activities,
// steps-in-sequence/ from before independent steps ran together and stage mails stopped holding the rollout. Those
// that reached a promotion or a pause were retired when promotion came to read the aliases it moves and a pause
// stopped holding the checks back, those of steps-in-sequence/ that reached the rollout when the routing read
// before it became an ordinary activity, and those that reached the approval when deadlines became timers started
// once (corrections of wrong behaviour, recorded anew at the top level). What is left there ends at the gates, or at
// a rejection.
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.history.bin')).sort();

describe('replay of committed workflow histories', () => {
  it('has histories to replay', () => {
    expect(files.filter((f) => f.startsWith('remote-steps/')).length).toBeGreaterThanOrEqual(3);
    expect(files.filter((f) => f.startsWith('steps-in-sequence/')).length).toBeGreaterThanOrEqual(3);
    expect(files.filter((f) => !f.includes('/')).length).toBeGreaterThanOrEqual(10);
  });

  it('replays every committed history with the current workflow code, without nondeterminism', async () => {
    const histories = files.map((f) => ({
      workflowId: f.replace(/\.history\.bin$/, '').replace('/', ':'),
      history: temporal.api.history.v1.History.decode(readFileSync(join(dir, f))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
