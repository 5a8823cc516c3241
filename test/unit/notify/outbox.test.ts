import type { Db } from 'mongodb';
import { sendOnce } from '../../../src/notify';
import type { Mailer, OutgoingMail } from '../../../src/notify/mailer';

/** An outbox collection in memory whose next `$set` of a status can be made to fail, as when the database stops. */
function memoryDb() {
  const docs = new Map<string, Record<string, unknown>>();
  let failNextMark = false;
  const collection = {
    async updateOne(filter: { _id: string }, update: { $setOnInsert?: Record<string, unknown>; $set?: Record<string, unknown>; $inc?: Record<string, number> }) {
      if (update.$set?.status === 'sent' && failNextMark) {
        failNextMark = false;
        throw new Error('connection refused');
      }
      const doc = docs.get(filter._id);
      if (!doc && update.$setOnInsert) docs.set(filter._id, { _id: filter._id, ...update.$setOnInsert });
      if (doc && update.$set) Object.assign(doc, update.$set);
      for (const [field, by] of Object.entries(update.$inc ?? {})) if (doc) doc[field] = ((doc[field] as number | undefined) ?? 0) + by;
    },
    async findOne(filter: { _id: string }) {
      return docs.get(filter._id) ?? null;
    },
  };
  const db = { collection: () => collection } as unknown as Db;
  return { db, docs, failMarkOnce: () => (failNextMark = true) };
}

function countingMailer() {
  const sent: OutgoingMail[] = [];
  const mailer: Mailer = { send: async (mail) => (sent.push(mail), { messageId: mail.messageId ?? '' }), close: () => undefined };
  return { mailer, sent };
}

const mail: OutgoingMail = { to: ['ops@example.test'], subject: 'Stage canary passed', text: 'ok' };

describe('sendOnce', () => {
  it('sends once per key and marks the outbox', async () => {
    const { db, docs } = memoryDb();
    const { mailer, sent } = countingMailer();
    expect(await sendOnce(db, mailer, 'p1:mail:stage:canary', mail)).toEqual({ messageId: '<p1.mail.stage.canary@modelship.local>', sent: true });
    expect(await sendOnce(db, mailer, 'p1:mail:stage:canary', mail)).toMatchObject({ sent: false });
    expect(sent).toHaveLength(1);
    expect(docs.get('p1:mail:stage:canary')).toMatchObject({ status: 'sent' });
  });

  it('does not send again when the database failed between sending and marking, and marks on the retry', async () => {
    const { db, docs, failMarkOnce } = memoryDb();
    const { mailer, sent } = countingMailer();
    failMarkOnce();
    await expect(sendOnce(db, mailer, 'p2:mail:stage:half', mail)).rejects.toThrow('connection refused');
    expect(docs.get('p2:mail:stage:half')).toMatchObject({ status: 'sending', attempts: 1 });
    expect(await sendOnce(db, mailer, 'p2:mail:stage:half', mail)).toEqual({ messageId: '<p2.mail.stage.half@modelship.local>', sent: false });
    expect(sent).toHaveLength(1);
    expect(sent[0].messageId).toBe('<p2.mail.stage.half@modelship.local>');
    expect(docs.get('p2:mail:stage:half')).toMatchObject({ status: 'sent' });
  });

  it('after a process died between the server accepting a mail and the sent mark, sends it again with the same Message-ID and counts the interrupted attempt', async () => {
    const { db, docs } = memoryDb();
    const { mailer, sent } = countingMailer();
    let dies = true;
    const dying: Mailer = {
      send: async (m) => {
        await mailer.send(m);
        if (dies) throw new Error('process killed');
        return { messageId: m.messageId ?? '' };
      },
      close: () => undefined,
    };
    // The crash is modelled by failing after the hand-over without the in-process memory of it (a new process).
    await expect(sendOnce(db, dying, 'p3:mail:rolled-back', mail, 'modelship.local', new Set())).rejects.toThrow('process killed');
    dies = false;
    expect(await sendOnce(db, dying, 'p3:mail:rolled-back', mail, 'modelship.local', new Set())).toMatchObject({ sent: true });
    expect(sent.map((m) => m.messageId)).toEqual(['<p3.mail.rolled-back@modelship.local>', '<p3.mail.rolled-back@modelship.local>']);
    expect(docs.get('p3:mail:rolled-back')).toMatchObject({ status: 'sent', attempts: 2, interrupted: 1 });
  });
});
