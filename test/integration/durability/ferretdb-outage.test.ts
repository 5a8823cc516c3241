import { expectDeliveredOnce, intoCanaryWindow, isAlive, openPrivateStack, sleep, type PrivateStack } from './private-stack';
import { secondDocs } from '../../support/kpi-docs';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(170_000));

const OUTAGE_MS = 20_000;

describe('FerretDB stopped for 20 s during a monitoring window', () => {
  let stack: PrivateStack | undefined;

  afterAll(async () => {
    await stack?.close();
  });

  it('lets activities retry and the gateways serve from memory; the pipeline then promotes, nothing lost or duplicated', async () => {
    const t0 = Date.now();
    stack = await openPrivateStack('fo', 23000);
    const s = stack;
    const { handle, stage, generationsBefore } = await intoCanaryWindow(s);

    const ferret = s.pid('ferretdb');
    process.kill(ferret, 'SIGTERM');
    for (let i = 0; i < 100 && isAlive(ferret); i++) await sleep(100);
    if (isAlive(ferret)) process.kill(ferret, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(ferret); i++) await sleep(100);
    expect(isAlive(ferret)).toBe(false);
    const stoppedAt = Date.now();

    // Meanwhile the gateways keep answering from the routes and models they hold in memory.
    const answers: number[] = [];
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      const batch = await Promise.all(
        s.gateways.flatMap((g) =>
          Array.from({ length: 10 }, (_, u) => fetch(`${g.url}/v1/recommendations?model=${s.model}&user=${u + 1}`).then((r) => r.status, () => 0)),
        ),
      );
      answers.push(...batch);
      await sleep(500);
    }
    await s.stackScript('start'); // starts only FerretDB again, on the same state directory
    const downMs = Date.now() - stoppedAt;
    expect(s.pid('ferretdb')).not.toBe(ferret);
    expect(answers.length).toBeGreaterThan(100);
    expect(answers.filter((a) => a !== 200)).toEqual([]);

    expect(await s.resultWithin(handle)).toMatchObject({ outcome: 'promoted' });
    expect(s.workerOutputs()).toHaveLength(1);
    expect(s.worker.child.exitCode).toBeNull();
    for (const g of s.gateways) expect(g.child.exitCode).toBeNull();

    // The activities that ran into the outage failed and were retried (attempt > 1 in the history): ordinary ones in
    // their started events, local ones in the markers that record their results.
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).map((e) => {
      if (e.activityTaskStartedEventAttributes) return e.activityTaskStartedEventAttributes.attempt ?? 1;
      const marker = e.markerRecordedEventAttributes;
      const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
      return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { attempt: number }).attempt : 1;
    });
    const retried = attempts.filter((a) => a > 1).length;
    expect(retried).toBeGreaterThan(0);

    // Nothing lost: the KPI counts the gateways held during the outage were flushed once the database was back.
    const buckets = (await secondDocs(s.mongo.db, s.model)).filter((d) => d.start.getTime() >= stoppedAt && d.start.getTime() < stoppedAt + OUTAGE_MS - 2000).length;
    expect(buckets).toBeGreaterThan(0);

    const seen = await expectDeliveredOnce(s, handle, '2.0.0', generationsBefore);
    const database = s.workerOutputs()[0].split('\n').filter((l) => /database \S+ (unreachable|reachable again)|database monitor silent/.test(l));
    expect(database.some((l) => l.includes('reachable again'))).toBe(true);
    console.log(`ferretdb outage: stopped at stage ${stage} for ${downMs} ms; ${answers.length} gateway answers, all 200; ${buckets} KPI buckets from the outage; ${retried} retried activity attempts; ${JSON.stringify({ ...seen, changeKeys: undefined })}; worker: ${database.join(' | ')}; +${Date.now() - t0} ms`);
  });
});
