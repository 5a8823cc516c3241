import type { Db } from 'mongodb';
import type { PipelineActivities } from '../src/contracts/pipeline-activities';
import { sendOnce, type Mailer } from '../src/notify';
import { webUiLink, type WebUi } from '../src/temporal/web-ui';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Status mail, once per key, with a link to the pipeline in the Web UI. */
export function createNotifyActivities(db: Db, mailer: Mailer, webUi: WebUi): Pick<PipelineActivities, 'notify'> {
  return {
    async notify({ ref, key, kind, to, subject, lines }) {
      if (to.length === 0) return;
      const link = webUiLink(webUi, ref.pipelineId);
      const body = [...lines, '', `Pipeline: ${ref.pipelineId}`, `Web UI: ${link}`];
      await sendOnce(db, mailer, key, {
        to,
        subject: `[modelship] ${subject}`,
        text: body.join('\n'),
        html: `<pre style="font: 13px/1.45 ui-monospace, monospace">${escapeHtml(body.join('\n'))}</pre>`,
        headers: { 'X-Modelship-Kind': kind, 'X-Modelship-Pipeline': ref.pipelineId },
      });
    },
  };
}
