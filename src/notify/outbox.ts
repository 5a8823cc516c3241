import type { Db } from 'mongodb';
import type { Mailer, OutgoingMail } from './mailer';

interface OutboxDoc {
  _id: string;
  mail: OutgoingMail;
  status: 'pending' | 'sent';
  createdAt: Date;
  sentAt?: Date;
  messageId?: string;
}

export const OUTBOX = 'outbox';

const REMEMBERED_SENDS = 10_000;
/** Keys this process has handed to the mail server, whether or not the outbox could be told. */
const sentHere = new Set<string>();

function remember(key: string): void {
  sentHere.add(key);
  if (sentHere.size > REMEMBERED_SENDS) sentHere.delete(sentHere.values().next().value!);
}

/** Sends a mail at most once per key as far as this process can tell: the outbox records the key before sending
 *  and marks it sent after, and the process remembers what it sent, so a retry after the database failed between
 *  sending and marking only marks. A crash in that window resends on retry, with the same Message-ID, so a
 *  receiving server or client can still fold the duplicate. */
export async function sendOnce(
  db: Db,
  mailer: Mailer,
  key: string,
  mail: OutgoingMail,
  domain = 'modelship.local',
): Promise<{ messageId: string; sent: boolean }> {
  const outbox = db.collection<OutboxDoc>(OUTBOX);
  const messageId = `<${key.replace(/[^A-Za-z0-9._-]/g, '.')}@${domain}>`;
  const sentEarlier = sentHere.has(key);
  if (!sentEarlier) {
    await outbox.updateOne(
      { _id: key },
      { $setOnInsert: { mail, status: 'pending', createdAt: new Date(), messageId } },
      { upsert: true },
    );
    const existing = await outbox.findOne({ _id: key });
    if (existing?.status === 'sent') return { messageId: existing.messageId ?? messageId, sent: false };
    await mailer.send({ ...mail, messageId });
    remember(key);
  }
  await outbox.updateOne({ _id: key }, { $set: { status: 'sent', sentAt: new Date() } });
  return { messageId, sent: !sentEarlier };
}
