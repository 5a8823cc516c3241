import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

const dir = join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.history.bin')).sort();

/**
 * Every path of the pipeline, and the monitor's decisions and actions, recorded by the workflow tests with RECORD_HISTORIES=1. A change that no longer replays
 * one of them would break pipelines in flight: it ships on a new worker build (docs/versioning.md), never in place.
 */
const PATHS = [
  'promoted',
  'third-promotion',
  'promote-signal',
  'paused-resumed',
  'approval-two-of-three',
  'approval-rejected',
  'approval-expired',
  'decisions-out-of-turn',
  'decisions-as-updates',
  'signed-decisions',
  'operator-actions-as-updates',
  ...['validation', 'scenarios', 'quality'].map((g) => `gate-${g}-failed`),
  'gate-inconclusive',
  ...['shadow', 'canary', 'quarter', 'half', 'full'].map((s) => `breach-at-${s}`),
  'breach-while-paused',
  'aborted',
  'cancelled',
  'stage-mail-refused',
  'stage-mails-in-background',
  'promotion-failed',
  'alias-move-failed-while-another-landed',
  'rerun-after-rollback',
  'no-data-rolls-back',
  'no-data-waits-for-a-person',
  // The monitor, with signed rollback decisions and operator actions.
  'monitor-signed-rollback-approval',
  'monitor-operator-actions',
];

describe('replay of committed workflow histories', () => {
  it('holds a history of every path of the pipeline, and nothing else', () => {
    expect(files.map((f) => f.replace(/\.history\.bin$/, ''))).toEqual([...PATHS].sort());
  });

  it('replays every committed history with the current workflow code, without nondeterminism', async () => {
    const histories = files.map((f) => ({
      workflowId: f.replace(/\.history\.bin$/, ''),
      history: temporal.api.history.v1.History.decode(readFileSync(join(dir, f))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
