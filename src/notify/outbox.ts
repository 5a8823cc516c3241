import type { Db } from 'mongodb';
import type { Mailer, OutgoingMail } from './mailer';

interface OutboxDoc {
  _id: string;
  mail: OutgoingMail;
  status: 'pending' | 'sending' | 'sent';
  createdAt: Date;
  /** Attempts handed to the mail server; more than one means an earlier one failed or was cut short. */
  attempts?: number;
  /** Attempts found 'sending': the process died, or the server or database failed, after the handover began. */
  interrupted?: number;
  sendingAt?: Date;
  sentAt?: Date;
  messageId?: string;
}

export const OUTBOX = 'outbox';

const REMEMBERED_SENDS = 10_000;
/** Keys this process has handed to the mail server, whether or not the outbox could be told. */
const sentHere = new Set<string>();

function remember(handedOver: Set<string>, key: string): void {
  handedOver.add(key);
  if (handedOver.size > REMEMBERED_SENDS) handedOver.delete(handedOver.values().next().value!);
}

/**
 * Sends a mail once per key, with a Message-ID derived from the key. Before handing the mail to the server the outbox
 * marks the attempt 'sending'; after the server accepted it, 'sent'. A retry finds 'sent' and does nothing. The process
 * also remembers what it handed over, so a retry after the database failed between the two marks only marks.
 *
 * Exactly-once delivery is not possible over SMTP: the server commits the message when it answers the end of DATA,
 * and no write of ours can be atomic with that answer. If the process dies after the server's answer and before the
 * 'sent' mark is stored, the retry cannot tell whether the server has the mail, and sends it again, with the same
 * Message-ID so receivers can fold it. The window is one database write after one SMTP reply on a pooled
 * connection (milliseconds); such a retry finds the attempt 'sending' and counts it in `interrupted`.
 */
export async function sendOnce(
  db: Db,
  mailer: Mailer,
  key: string,
  mail: OutgoingMail,
  domain = 'modelship.local',
  handedOver: Set<string> = sentHere,
): Promise<{ messageId: string; sent: boolean }> {
  const outbox = db.collection<OutboxDoc>(OUTBOX);
  const messageId = `<${key.replace(/[^A-Za-z0-9._-]/g, '.')}@${domain}>`;
  const sentEarlier = handedOver.has(key);
  if (!sentEarlier) {
    await outbox.updateOne(
      { _id: key },
      { $setOnInsert: { mail, status: 'pending', createdAt: new Date(), messageId } },
      { upsert: true },
    );
    const existing = await outbox.findOne({ _id: key });
    if (existing?.status === 'sent') return { messageId: existing.messageId ?? messageId, sent: false };
    await outbox.updateOne(
      { _id: key },
      { $set: { status: 'sending', sendingAt: new Date() }, $inc: { attempts: 1, ...(existing?.status === 'sending' ? { interrupted: 1 } : {}) } },
    );
    await mailer.send({ ...mail, messageId });
    remember(handedOver, key);
  }
  await outbox.updateOne({ _id: key }, { $set: { status: 'sent', sentAt: new Date() } });
  return { messageId, sent: !sentEarlier };
}
