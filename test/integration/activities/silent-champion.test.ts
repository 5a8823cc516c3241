import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities';
import { config } from '../../../src/config';
import { emptyCounters } from '../../../src/contracts/kpi';
import { monitoringPolicySchema } from '../../../src/contracts/model-policy';
import type { ProductionCheck } from '../../../src/contracts/monitoring';
import type { Mongo } from '../../../src/db';
import { recordSeconds } from '../../../src/kpis/record-seconds';
import { createMailer, type Mailer } from '../../../src/notify';
import { openTestDb } from '../../support/mongo';

const MINUTE = 60_000;

describe('a production check of a champion that stopped receiving requests', () => {
  let mongo: Mongo;
  let mailer: Mailer;
  let acts: ReturnType<typeof createActivities>;
  const env = new MockActivityEnvironment();
  const now = Math.floor(Date.now() / 1000) * 1000;
  const model = `silent-${randomUUID().slice(0, 6)}`;
  const second = (version: string, start: number) => ({ model, version, start, counters: { ...emptyCounters(), requests: 20, successes: 2 }, users: [] });

  beforeAll(async () => {
    mongo = await openTestDb('silent');
    mailer = createMailer(config());
    acts = createActivities({ db: mongo.db, mailer, allowUnsigned: true });
    // 2.0.0 served through the half hour before the last five minutes, then nothing; 3.0.0 never served anything.
    const busy = Array.from({ length: 30 }, (_, i) => second('2.0.0', now - 6 * MINUTE - i * MINUTE));
    await recordSeconds(mongo.db, 'gw-a', busy);
  });
  afterAll(async () => {
    mailer?.close();
    await mongo?.close();
  });

  const check = (version: string, policy: Record<string, unknown>): Promise<ProductionCheck> =>
    env.run(acts.checkProduction as never, { model, version, fromMs: now - 5 * MINUTE, toMs: now, policy: monitoringPolicySchema.parse(policy) }) as Promise<ProductionCheck>;

  it('is a finding of its own, `no_traffic`, naming the window and the baseline, under the default policy', async () => {
    const result = await check('2.0.0', {});
    expect(result.verdict).toBe('no_traffic');
    expect(result.silence).toMatchObject({ windowRequests: 0, baselineRequests: 600 });
    expect(result.reasons).toEqual([expect.stringMatching(/^no traffic: 0 requests since .*, 600 in the baseline from /)]);
  });

  it('is a breach when the policy says silence rolls back', async () => {
    const result = await check('2.0.0', { noTraffic: { action: 'rollback' } });
    expect(result.verdict).toBe('breach');
    expect(result.reasons[0]).toMatch(/^no traffic/);
  });

  it('is no finding for a champion that never had traffic', async () => {
    const result = await check('3.0.0', {});
    expect(result.verdict).toBe('ok');
    expect(result.silence).toBeUndefined();
  });

  it('refuses a policy with another action, naming the field', () => {
    expect(() => monitoringPolicySchema.parse({ noTraffic: { action: 'ignore' } })).toThrow(/noTraffic.*action|must be rollback or alert/s);
  });
});
