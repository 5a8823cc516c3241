import { Context } from '@temporalio/activity';
import { createSmokeStore } from '../src/db/smoke-store';
import { sendOnce } from '../src/notify';
import type { SmokeActivities } from '../src/contracts/workflows';
import type { ActivityDeps } from './deps';

/** Proves the three services work together: a document in MongoDB and an email through SMTP. */
export function createSmokeActivities({ db, mailer }: ActivityDeps): SmokeActivities {
  return {
    async recordSmoke(input) {
      await createSmokeStore(db).record(input.workflowId, input.recipient, Context.current().info.attempt);
      return { documentId: input.workflowId };
    },
    async sendSmokeMail(input) {
      const { messageId } = await sendOnce(db, mailer, `smoke:${input.workflowId}`, {
        to: [input.recipient],
        subject: `modelship smoke test ${input.workflowId}`,
        text: `Temporal ran workflow ${input.workflowId}, MongoDB stored its record and SMTP delivered this mail.`,
      });
      return { messageId };
    },
  };
}
