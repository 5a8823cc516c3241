import type { Mongo } from '../../../src/db';
import { AUDIT_INBOX, LaneReader, LaneWriter, type InboxDoc, type InboxEvent } from '../../../src/audit/lanes';
import { isIdLookup, logCommands } from '../../support/command-log';
import { openMonitoredTestDb } from '../../support/mongo';
import { auditEvent } from './fixtures';

let mongo: Mongo;
let clock: number;
const now = () => clock;

beforeEach(async () => {
  mongo = await openMonitoredTestDb('auditlanes');
  clock = 1_800_000_000_000;
});
afterEach(() => mongo.close());

const event = (step: string): InboxEvent => ({ ...auditEvent('wf-lane', step), at: new Date(clock) }) as InboxEvent;
const inboxIds = async () => (await mongo.db.collection<InboxDoc>(AUDIT_INBOX).find({}).sort({ _id: 1 }).toArray()).map((d) => d._id);

describe('the lanes of the audit inbox', () => {
  it('drops a lane quiet for 30 s even across short terms, and prunes its sealed entries by _id, leaving a later put', async () => {
    const writer = new LaneWriter(mongo.db, 'writer-a', now);
    await writer.put([event('1'), event('2'), event('3')]);
    // A new term resumes the cursors its predecessors saved: everything in lane 1 sealed, and nothing new for 31 s.
    clock += 31_000;
    const reader = new LaneReader(mongo.db, now);
    reader.resume({ lanesKnown: 1, lanes: [{ lane: 1, sealed: 3, seenMs: clock - 31_000 }] });
    expect(await reader.poll(100)).toEqual([]);
    expect(reader.cursors()).toEqual({ lanesKnown: 1, lanes: [] });

    // The writer was not idle long enough to take a new lane: its late entry lands in the dropped one.
    clock -= 15_000;
    await writer.put([event('4')]);
    const log = logCommands(mongo);
    const { result: more, commands } = await log.during(() => reader.pruneSome(2));
    expect(more).toBe(true);
    expect(await inboxIds()).toEqual(['1|3', '1|4']);
    expect(await reader.pruneSome(2)).toBe(false);
    expect(await inboxIds()).toEqual(['1|4']);
    expect(commands.filter((c) => c.name === 'delete').flatMap((c) => c.filters)).toHaveLength(2);
    expect(commands.every((c) => c.filters.every(isIdLookup))).toBe(true);
  });

  it('reads a busy lane every round and a quiet one after an eighth of its quiet time', async () => {
    const writer = new LaneWriter(mongo.db, 'writer-b', now);
    const reader = new LaneReader(mongo.db, now);
    const log = logCommands(mongo);
    const inboxReads = (c: { name: string; collection: string }[]) => c.filter((x) => x.name === 'find' && x.collection === AUDIT_INBOX).length;

    await writer.put([event('1')]);
    const first = await reader.poll(100);
    expect(first.map((e) => e.event.eventId)).toEqual(['wf-lane:1']);
    reader.sealed(first[0]!);
    expect(reader.cursors().lanes).toEqual([{ lane: 1, sealed: 1, seenMs: clock }]);

    clock += 1;
    expect(inboxReads((await log.during(() => reader.poll(100))).commands)).toBe(1);

    // Quiet for 8 s: read again only 500 ms after the last read.
    clock += 8_000;
    expect(await reader.poll(100)).toEqual([]);
    await writer.put([event('2')]);
    clock += 100;
    const skipped = await log.during(() => reader.poll(100));
    expect(skipped.result).toEqual([]);
    expect(inboxReads(skipped.commands)).toBe(0);
    clock += 400;
    expect((await reader.poll(100)).map((e) => e.event.eventId)).toEqual(['wf-lane:2']);
  });
});
