import type { Client } from '@temporalio/client';
import { verifyAudit } from '../../src/audit';
import { closedRunProbe } from '../../activities/workflow-runs';
import { ROLLOUT_LOCKS, ROUTE_HISTORY, ROUTES } from '../../src/routing';
import type { RouteDoc, RouteHistoryDoc } from '../../src/contracts/routes';
import type { Registry } from '../../src/registry';
import type { Db } from 'mongodb';
import type { InboxMail } from '../support/inbox';
import { deployModel } from '../../src/contracts/workflows';

/** What the driver expects of one model after its finished pipelines. */
export interface ModelExpectation {
  model: string;
  champion: string | null;
  lastKnownGood: string | null;
  statuses: Map<string, string>;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail });

/** Champion, last-known-good and every version's status, as the registry holds them, against the driver's model. */
export async function checkRegistry(registry: Registry, want: ModelExpectation): Promise<Check[]> {
  const [champion, lkg] = await Promise.all([registry.getAlias(want.model, 'champion'), registry.getAlias(want.model, 'last-known-good')]);
  const checks = [
    check(`${want.model}: champion`, champion.version === want.champion, `registry ${champion.version}, expected ${want.champion}`),
    check(`${want.model}: last-known-good`, lkg.version === want.lastKnownGood, `registry ${lkg.version}, expected ${want.lastKnownGood}`),
  ];
  for (const [version, status] of want.statuses) {
    const doc = await registry.getVersion(want.model, version);
    checks.push(check(`${want.model}@${version}: status`, doc?.status === status, `registry ${doc?.status}, expected ${status}`));
  }
  return checks;
}

/** The route serves exactly the champion, and every replica answers with it. */
export async function checkServing(db: Db, registry: Registry, gateways: string[], want: ModelExpectation): Promise<Check[]> {
  const route = await db.collection<RouteDoc>(ROUTES).findOne({ _id: want.model });
  const doc = want.champion ? await registry.getVersion(want.model, want.champion) : null;
  const checks = [
    check(
      `${want.model}: route serves the champion only`,
      route?.stable?.version === want.champion && route?.stable?.sha256 === doc?.artifact.sha256 && !route?.candidate && !route?.shadow,
      `route stable ${route?.stable?.version}, candidate ${route?.candidate?.version ?? '-'}, shadow ${route?.shadow?.version ?? '-'}`,
    ),
  ];
  for (const url of gateways) {
    const answered = new Set<string>();
    let generation = -1;
    // A replica restarted a moment ago loads the route within its poll interval; give it a few seconds.
    for (let attempt = 0; attempt < 40; attempt++) {
      answered.clear();
      const replies = await Promise.all(
        [1, 2, 3, 5, 8, 13, 21, 34].map((user) =>
          fetch(`${url}/v1/recommendations?model=${want.model}&user=${user}&k=3`).then(async (r) => (r.ok ? ((await r.json()) as { version: string; generation: number }) : null), () => null),
        ),
      );
      for (const r of replies) {
        if (!r) continue;
        answered.add(r.version);
        generation = r.generation;
      }
      if (answered.size === 1 && answered.has(String(want.champion)) && generation === route?.generation) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    checks.push(check(`${want.model}: replica ${url} serves the champion`, answered.size === 1 && answered.has(String(want.champion)), `answered ${[...answered].join(', ') || 'nothing'} at generation ${generation}`));
  }
  return checks;
}

/** Whole-system invariants: audit chain, routing change keys, mail delivery, locks and open workflows. */
export async function checkSystem(db: Db, client: Client, readInbox: () => Promise<InboxMail[]>, models: string[]): Promise<Check[]> {
  const checks: Check[] = [];
  const audit = await verifyAudit(db, {});
  checks.push(check('audit chain verifies', audit.ok, JSON.stringify(audit).slice(0, 300)));

  const rows = await db.collection<RouteHistoryDoc>(ROUTE_HISTORY).find({ model: { $in: models } }).toArray();
  const keys = new Map<string, number>();
  for (const r of rows) keys.set(r.changeKey, (keys.get(r.changeKey) ?? 0) + 1);
  const doubled = [...keys].filter(([, n]) => n > 1);
  checks.push(check('one routing generation per change key', doubled.length === 0, doubled.map(([k, n]) => `${k} x${n}`).join('; ') || `${rows.length} generations`));

  const outbox = await db.collection<{ _id: string; status: string; messageId: string; interrupted?: number }>('outbox').find({}).toArray();
  const bare = (messageId: string) => messageId.replace(/^<|>$/g, '');
  let delivered = new Map<string, number>();
  // MailDev lists a message a moment after its SMTP side accepted it; a mail still missing after 10 s is lost.
  for (let attempt = 0; attempt < 20; attempt++) {
    delivered = new Map();
    for (const m of await readInbox()) delivered.set(bare(m.messageId), (delivered.get(bare(m.messageId)) ?? 0) + 1);
    if (outbox.every((o) => o.status !== 'sent' || delivered.has(bare(o.messageId)))) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const lost: string[] = [];
  const doubledMail: string[] = [];
  for (const o of outbox) {
    const n = delivered.get(bare(o.messageId)) ?? 0;
    if (o.status === 'sent' && n === 0) lost.push(o._id);
    // A second delivery is possible only where an attempt was cut short after the server took it (src/notify/outbox.ts).
    if (n > 1 + (o.interrupted ?? 0)) doubledMail.push(`${o._id} x${n}`);
  }
  checks.push(check('every sent mail delivered', lost.length === 0, lost.join('; ') || `${outbox.length} mails`));
  checks.push(check('each mail delivered once (or once more after an interrupted attempt)', doubledMail.length === 0, doubledMail.join('; ') || 'none doubled'));
  const unsent = outbox.filter((o) => o.status !== 'sent').map((o) => `${o._id} ${o.status}`);
  checks.push(check('no mail left unsent', unsent.length === 0, unsent.join('; ') || 'all sent'));

  const isClosed = closedRunProbe(client);
  const locks = await db.collection<{ _id: string; holder: string; runId: string }>(ROLLOUT_LOCKS).find({ _id: { $in: models } }).toArray();
  const stale: string[] = [];
  for (const l of locks) if (await isClosed({ workflowId: l.holder, runId: l.runId })) stale.push(`${l._id} held by closed ${l.holder}`);
  checks.push(check('no lock held by a closed run', stale.length === 0, stale.join('; ') || `${locks.length} lock(s) held by running runs`));

  const open: string[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowType = '${deployModel.name}' AND ExecutionStatus = 'Running'` })) open.push(w.workflowId);
  checks.push(check('no pipeline left running', open.length === 0, open.join(', ') || 'none'));
  return checks;
}
