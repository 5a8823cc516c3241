import { Context } from '@temporalio/activity';
import { createSmokeStore } from '../src/db/smoke-store';
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
      await createSmokeStore(db).record(input.workflowId, input.recipient, Context.current().info.attempt);
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
