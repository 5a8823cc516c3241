import { Context } from '@temporalio/activity';
import { sendOnce } from '../src/notify';
import type { ActivityDeps } from './deps';

export interface SmokeRecord {
  workflowId: string;
  recipient: string;
}

/** Proves the three services work together: a document in MongoDB and an email through SMTP. */
export function createSmokeActivities({ db, mailer }: ActivityDeps) {
  return {
    async recordSmoke(input: SmokeRecord): Promise<{ documentId: string }> {
      const attempt = Context.current().info.attempt;
      await db
        .collection<{ _id: string; recipient: string; at: Date; attempts: number }>('smoke')
        .updateOne(
          { _id: input.workflowId },
          { $setOnInsert: { recipient: input.recipient, at: new Date() }, $max: { attempts: attempt } },
          { upsert: true },
        );
      return { documentId: input.workflowId };
    },
    async sendSmokeMail(input: SmokeRecord): Promise<{ messageId: string }> {
      const { messageId } = await sendOnce(db, mailer, `smoke:${input.workflowId}`, {
        to: [input.recipient],
        subject: `modelship smoke test ${input.workflowId}`,
        text: `Temporal ran workflow ${input.workflowId}, MongoDB stored its record and SMTP delivered this mail.`,
      });
      return { messageId };
    },
  };
}
