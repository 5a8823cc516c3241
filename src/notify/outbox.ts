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

/** Sends a mail at most once per key as far as this process can tell: the outbox records the key before sending
 *  and marks it sent after. A crash between the two resends on retry, with the same Message-ID, so a receiving
 *  server or client can still fold the duplicate. */
export async function sendOnce(
  db: Db,
  mailer: Mailer,
  key: string,
  mail: OutgoingMail,
  domain = 'modelship.local',
): Promise<{ messageId: string; sent: boolean }> {
  const outbox = db.collection<OutboxDoc>(OUTBOX);
  const messageId = `<${key.replace(/[^A-Za-z0-9._-]/g, '.')}@${domain}>`;
  await outbox.updateOne(
    { _id: key },
    { $setOnInsert: { mail, status: 'pending', createdAt: new Date(), messageId } },
    { upsert: true },
  );
  const existing = await outbox.findOne({ _id: key });
  if (existing?.status === 'sent') return { messageId: existing.messageId ?? messageId, sent: false };
  await mailer.send({ ...mail, messageId });
  await outbox.updateOne({ _id: key }, { $set: { status: 'sent', sentAt: new Date() } });
  return { messageId, sent: true };
}
