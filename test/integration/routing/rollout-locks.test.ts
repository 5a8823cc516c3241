import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { closedRunProbe } from '../../../activities/workflow-runs';
import { config } from '../../../src/config';
import type { Mongo } from '../../../src/db';
import { createRolloutLocks, ROLLOUT_LOCK_TAKEOVERS } from '../../../src/routing';
import { connectClient } from '../../../src/temporal';
import { openTestDb } from '../../support/mongo';
import { deployModel } from '../../../src/contracts/workflows';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(60_000));

describe('rollout locks against the Temporal server that knows their holders', () => {
  let mongo: Mongo;
  let client: Client;
  const model = `locks-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    mongo = await openTestDb('locks');
    client = await connectClient(config());
  });
  afterAll(async () => {
    await client?.connection.close();
    await mongo?.close();
  });

  /** A pipeline run that no worker serves: running until it is terminated. */
  async function holder(version: string): Promise<WorkflowHandle & { firstExecutionRunId: string }> {
    return client.workflow.start(deployModel.name, { workflowId: `deploy-${model}-${version}`, taskQueue: `nobody-${randomUUID()}`, args: [{}] });
  }
  const runOf = (h: { workflowId: string; firstExecutionRunId: string }) => ({ workflowId: h.workflowId, runId: h.firstExecutionRunId });

  it('keeps the lock of a running holder, and lets exactly one of two takers take over a terminated one, audited in the takeover record', async () => {
    const locks = createRolloutLocks(mongo.db, closedRunProbe(client));
    const first = await holder('1.0.0');
    expect(await locks.acquire(model, runOf(first))).toEqual({ acquired: true, holder: first.workflowId });

    // The takers are running pipelines too: a lock whose run the server does not know counts as closed, so fake
    // takers would take the lock over from each other whenever one of them comes after the other's takeover.
    const takers = [await holder('2.0.0'), await holder('3.0.0')];
    const [a, b] = takers.map(runOf);
    expect(await locks.acquire(model, a)).toEqual({ acquired: false, holder: first.workflowId, holderRunId: first.firstExecutionRunId });

    await first.terminate('forgotten by an operator');
    const [ra, rb] = await Promise.all([locks.acquire(model, a), locks.acquire(model, b)]);
    const winners = [ra, rb].filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ takenOverFrom: runOf(first) });
    const winner = ra.acquired ? a : b;
    expect((await locks.holder(model))!.workflowId).toBe(winner.workflowId);
    // A retried acquire by the winner still reports the takeover, so the workflow can audit it.
    expect(await locks.acquire(model, winner)).toEqual({ acquired: true, holder: winner.workflowId, takenOverFrom: runOf(first) });
    const records = await mongo.db.collection(ROLLOUT_LOCK_TAKEOVERS).find({ model }).toArray();
    expect(records).toEqual([expect.objectContaining({ from: runOf(first), by: winner })]);

    // The loser's release changes nothing; the winner's frees the model.
    await locks.release(model, ra.acquired ? b : a);
    expect((await locks.holder(model))!.workflowId).toBe(winner.workflowId);
    await locks.release(model, winner);
    expect(await locks.holder(model)).toBeNull();
    await Promise.all(takers.map((t) => t.terminate('test over')));
  });
});
