import type { Db } from 'mongodb';
import type { Env } from '../src/config';
import type { PipelineActivities } from '../src/contracts/pipeline-activities';
import { sendOnce, type Mailer } from '../src/notify';
import { renderHtml, renderText } from '../src/notify/render-mail';
import { webUiLink, type WebUi } from '../src/temporal/web-ui';

/** Where mails link to: the Web UI, and the team's inbox when it is known. */
export type MailLinks = WebUi & Partial<Pick<Env, 'MAIL_INBOX_URL'>>;

/** Status mail, once per key, as text and as HTML, linking to the pipeline in the Web UI and to the inbox. */
export function createNotifyActivities(db: Db, mailer: Mailer, links: MailLinks): Pick<PipelineActivities, 'notify'> {
  return {
    async notify({ ref, key, kind, to, subject, lines, tables, commands }) {
      if (to.length === 0) return;
      const content = {
        lines,
        tables,
        commands,
        links: [
          { label: `${ref.pipelineId} in the Temporal Web UI`, url: webUiLink(links, ref.pipelineId) },
          ...(links.MAIL_INBOX_URL ? [{ label: 'mail inbox', url: links.MAIL_INBOX_URL }] : []),
        ],
      };
      const fullSubject = `[modelship] ${subject}`;
      await sendOnce(db, mailer, key, {
        to,
        subject: fullSubject,
        text: renderText(content),
        html: renderHtml(fullSubject, content),
        headers: { 'X-Modelship-Kind': kind, 'X-Modelship-Pipeline': ref.pipelineId },
      });
    },
  };
}
