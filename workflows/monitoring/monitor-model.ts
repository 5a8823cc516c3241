import { allHandlersFinished, condition, makeContinueAsNewFunc, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { approveSignal, approveUpdate, decisionSchema, rejectSignal, rejectUpdate, type ActionAnswer, type ApprovalRecord, type DecisionInput } from '../../src/contracts/messages';
import type { MonitoringPolicy } from '../../src/contracts/model-policy';
import {
  handoverSignal,
  monitorStatusQuery,
  type Handover,
  type MonitorInput,
  type MonitorStatus,
  ROLLBACKS_CARRIED_OVER,
  type ProductionCheck,
} from '../../src/contracts/monitoring';
import type { AuditOutcome, NotifyInput, PipelineRef } from '../../src/contracts/pipeline-activities';
import { durationMs } from '../../src/contracts/primitives';
import { ModelNameKey, ModelVersionKey, OutcomeKey, PipelineStageKey } from '../../src/contracts/search-attributes';
import { detailLines } from '../../src/temporal/workflow-descriptions';
import { identityCheck, messageAudit } from '../pipeline/activity-options';
import type { IdentityVerdict } from '../../src/contracts/identity';
import { judgeDecision, refuseDecision, type ReceivedDecision } from '../pipeline/decisions';
import { abandonedRestoredMail, alertMail, rollbackApprovalMail, rolledBackByOperatorMail, rolledBackMail, sustainedWithoutRollbackMail } from '../../src/notify/mail-texts/monitoring';
import { MONITOR_ACTION_EFFECTS, monitorRefusalOf } from '../../src/policy/monitor-actions';
import { installOperatorActions } from '../common/operator-actions';
import { updateValidator } from '../common/update-validator';
import { rollbackToLastKnownGood } from './rollback-to-lkg';
import { mails, steps, verdicts } from './steps';

/** The audit event of the first check of an alert episode; a check that is `ok` ends the episode. */
const ALERT_EVENT = { breach: 'monitor.breach', alert: 'monitor.drift_alert', no_traffic: 'monitor.no_traffic' } as const;

/**
 * Watches one model in production for as long as it has one: every check interval it judges the champion's KPIs
 * from the gateway's buckets and the drift of the users it serves, alerts on a breach, and on a sustained breach
 * rolls back to the last known good version as the model's policy says (automatically, after a human's approval, or
 * not at all). Pipelines hand it each new champion by signal. It continues as new every few hundred checks, so its
 * history stays bounded however long it runs.
 */
export async function monitorModelWorkflow(input: MonitorInput): Promise<void> {
  const { workflowId: id, runId } = workflowInfo();
  const { model } = input;
  const status: MonitorStatus = {
    model,
    state: input.champion ? 'watching' : 'idle',
    champion: input.champion,
    lastKnownGood: input.lastKnownGood,
    handedOverBy: input.handedOverBy,
    breachStreak: input.breachStreak ?? 0,
    checks: 0,
    lastCheck: null,
    rollbacks: input.rollbacks ?? [],
    policy: null,
    paused: input.paused ?? null,
  };
  /** The rollback an operator asked for, carried out by the main loop. */
  let rollbackRequest: { actor: string; reason: string } | null = null;
  const handovers: Handover[] = [];
  /** Rollback decisions not yet judged, each with its number; judged ones are answered by number. */
  const decisions: (ReceivedDecision & { n: number })[] = [];
  const answers = new Map<number, ActionAnswer>();
  let received = 0;
  let proofs = 0;
  const at = () => new Date().toISOString();
  setHandler(handoverSignal, (h) => void handovers.push(h));
  setHandler(monitorStatusQuery, () => status);

  let iteration = 0;
  let alerting = false;
  let escalated = false;
  const ref = (): PipelineRef => ({ pipelineId: id, model, version: status.champion?.version ?? '' });
  const key = (what: string) => `${id}:${runId}:${iteration}:${what}`;
  const audit = (what: string, type: string, outcome: AuditOutcome, evidence: Record<string, unknown>, actor = `monitor:${id}`) =>
    steps.audit({ ref: ref(), key: key(what), type, actor, outcome, evidence });
  const notify = (what: string, mail: Omit<NotifyInput, 'key'>) => mails.notify({ ...mail, key: `${key(what)}:mail` });

  /** Audits a judged rollback decision (from handlers too, so as an ordinary activity) and answers its caller. */
  async function recordDecision(d: ReceivedDecision & { n: number }, record: ApprovalRecord): Promise<void> {
    const outcome = record.accepted ? 'success' : 'refused';
    const evidence = { ...record, ...(d.identity ? { identity: d.identity } : {}) };
    await messageAudit.audit({ ref: ref(), key: `${id}:${runId}:decision:${d.n}`, type: `monitor.rollback_${d.decision}`, actor: `user:${record.approver || 'unknown'}`, outcome, evidence });
    answers.set(d.n, record.accepted ? { accepted: true, reason: d.decision === 'approve' ? `rollback approved by ${record.approver}` : `rollback rejected by ${record.approver}` } : { accepted: false, reason: record.reason ?? 'refused' });
  }

  /** A policy read before signatures existed did not require them. */
  const requireSignatures = () => status.policy?.requireSignatures === true;

  /** The oldest decision may be judged once its signature, if any, has been checked: decisions keep their order. */
  const nextReady = () => decisions.length > 0 && decisions[0].identity !== undefined;

  async function refuseStrayDecisions(): Promise<void> {
    while (nextReady()) {
      const d = decisions.shift()!;
      await recordDecision(d, refuseDecision(d, 'no rollback is awaiting a decision', requireSignatures()));
    }
  }

  /** A signed decision names the monitor, the model and the champion it would roll back, by version and artifact. */
  async function prove(n: number, decision: 'approve' | 'reject', input: DecisionInput): Promise<IdentityVerdict | null> {
    const { approver, comment, signature } = decisionSchema.parse(input);
    const version = status.champion?.version ?? '';
    return identityCheck.verifyIdentity({ pipelineId: id, model, version, action: decision, comment, claimed: approver, signature: signature!, useKey: `${id}:${runId}:identity:${n}` });
  }

  /** A decision sent while a rollback awaits one is judged by it; any other time it is refused at once. */
  async function receiveDecision(decision: 'approve' | 'reject', input: DecisionInput): Promise<ActionAnswer> {
    const n = ++received;
    const parsed = decisionSchema.safeParse(input);
    const signed = parsed.success && parsed.data.signature !== undefined;
    const awaiting = status.state === 'awaiting_rollback_approval';
    const entry: ReceivedDecision & { n: number } = { n, decision, input, identity: signed ? undefined : null, at: at(), awaiting };
    decisions.push(entry);
    if (signed) entry.identity = await prove(n, decision, input);
    if (status.state !== 'awaiting_rollback_approval') await refuseStrayDecisions();
    await condition(() => answers.has(n));
    return answers.get(n)!;
  }
  const validator = updateValidator(decisionSchema, 'a decision');
  setHandler(approveUpdate, (d) => receiveDecision('approve', d), { validator });
  setHandler(rejectUpdate, (d) => receiveDecision('reject', d), { validator });
  setHandler(approveSignal, async (d) => void (await receiveDecision('approve', d)));
  setHandler(rejectSignal, async (d) => void (await receiveDecision('reject', d)));
  installOperatorActions({
    prove: (kind, actor, reason, signature) =>
      identityCheck.verifyIdentity({ pipelineId: id, model, version: status.champion?.version ?? '', action: kind, comment: reason, claimed: actor, signature, useKey: `${id}:${runId}:action-identity:${++proofs}` }),
    requireSignatures,
    refusalOf: (kind) => monitorRefusalOf(kind, status, rollbackRequest?.actor ?? null),
    carryOut(kind, actor, reason) {
      if (kind === 'pause') status.paused = { by: actor, reason, at: at() };
      else if (kind === 'resume') Object.assign(status, { paused: null, breachStreak: 0 });
      else rollbackRequest = { actor, reason };
    },
    effectOf: (kind) => MONITOR_ACTION_EFFECTS[kind as keyof typeof MONITOR_ACTION_EFFECTS],
    record: (n, kind, actor, evidence, accepted) =>
      messageAudit.audit({ ref: ref(), key: `${id}:${runId}:action:${n}`, type: `monitor.${kind}`, actor: `user:${actor || 'unknown'}`, outcome: accepted ? 'success' : 'refused', evidence }),
  });

  async function takeHandovers(): Promise<void> {
    while (handovers.length > 0) {
      const h = handovers.shift()!;
      if (h.by === status.handedOverBy) continue; // a retried handover
      Object.assign(status, { champion: h.champion, lastKnownGood: h.lastKnownGood, handedOverBy: h.by, breachStreak: 0, state: 'watching' });
      alerting = escalated = false;
      await audit(`handover:${h.by}`, 'monitor.handover', 'success', { ...h });
    }
  }

  /** Waits for an approver's decision; anything but an accepted approval before the deadline keeps the model as it is. */
  async function approvedBy(policy: MonitoringPolicy): Promise<string | null> {
    status.state = 'awaiting_rollback_approval';
    const deadline = Date.now() + durationMs(policy.approvalTimeout);
    const approval = { approvers: policy.approvers, required: 1, deadline: policy.approvalTimeout, reminderBefore: '0s', requireSignatures: policy.requireSignatures === true };
    try {
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0 || !(await condition(() => nextReady() || handovers.length > 0, left, { summary: 'rollback approval deadline' })) || handovers.length > 0) {
          await audit('rollback-undecided', 'monitor.rollback_expired', 'refused', { deadline: new Date(deadline).toISOString() });
          return null;
        }
        const d = decisions.shift()!;
        const record = judgeDecision(d, { submitter: `monitor:${id}`, approval }, [], d.awaiting !== false, 'no rollback was awaiting a decision when it arrived');
        await recordDecision(d, record);
        if (record.accepted) return record.decision === 'approve' ? record.approver : null;
      }
    } finally {
      status.state = 'watching';
    }
  }

  async function onSustainedBreach(policy: MonitoringPolicy, check: ProductionCheck): Promise<void> {
    const champion = status.champion!;
    const lkg = status.lastKnownGood;
    const why = policy.rollback === 'alert-only' ? 'the rollback policy is alert-only' : lkg ? null : 'there is no last-known-good version';
    if (why) {
      if (escalated) return;
      escalated = true;
      await audit('sustained', 'monitor.sustained_breach', 'failure', { check, rolledBack: false, why });
      await notify('sustained', sustainedWithoutRollbackMail(ref(), policy, check, why));
      return;
    }
    let approver: string | null = null;
    if (policy.rollback === 'approval') {
      await notify('rollback-approval', rollbackApprovalMail(ref(), policy, check, lkg!, new Date(Date.now() + durationMs(policy.approvalTimeout)).toISOString()));
      approver = await approvedBy(policy);
      if (!approver) {
        status.breachStreak = 0;
        return;
      }
    }
    status.state = 'rolling_back';
    const incident = `${id}:rollback:${status.handedOverBy ?? 'start'}:${champion.version}`;
    const reason = `monitoring: sustained breach of ${champion.version} (${check.reasons.join(', ')})`;
    const done = await rollbackToLastKnownGood({ ref: ref(), from: champion, to: lkg!, policy, reason, key: incident, superseded: () => handovers.length > 0, audit: (what, type, evidence) => audit(what, type, 'success', evidence) });
    status.state = 'watching';
    if (!done) return;
    status.rollbacks.push({ from: champion.version, to: lkg!.version, at: at(), reason: check.reasons.join('; '), revertMs: done.revertMs });
    await audit('rolled-back', 'monitor.rolled_back', 'success', { from: champion, to: lkg, check, approvedBy: approver, ...done });
    await notify('rolled-back', rolledBackMail(ref(), policy, check, lkg!, done.revertMs, approver));
    Object.assign(status, { champion: lkg, lastKnownGood: null, breachStreak: 0 });
    alerting = escalated = false;
  }

  /** An operator's rollback: the last-known-good version back at once, whatever the checks say. */
  async function operatorRollback(policy: MonitoringPolicy): Promise<void> {
    const { actor, reason } = rollbackRequest!;
    const champion = status.champion;
    const lkg = status.lastKnownGood;
    if (champion && lkg) {
      status.state = 'rolling_back';
      const why = `operator ${actor}: ${reason || 'no reason given'}`;
      const incident = `${id}:operator-rollback:${status.handedOverBy ?? 'start'}:${champion.version}`;
      const done = await rollbackToLastKnownGood({ ref: ref(), from: champion, to: lkg, policy, reason: why, key: incident, superseded: () => handovers.length > 0, audit: (what, type, evidence) => audit(what, type, 'success', evidence) });
      status.state = 'watching';
      if (done) {
        status.rollbacks.push({ from: champion.version, to: lkg.version, at: at(), reason: why, revertMs: done.revertMs });
        await audit('rolled-back-by-operator', 'monitor.rolled_back', 'success', { from: champion, to: lkg, by: actor, reason, ...done });
        await notify('rolled-back-by-operator', rolledBackByOperatorMail(ref(), policy, lkg, done.revertMs, actor, reason));
        Object.assign(status, { champion: lkg, lastKnownGood: null, breachStreak: 0 });
        alerting = escalated = false;
      }
    }
    rollbackRequest = null;
  }

  async function check(policy: MonitoringPolicy): Promise<void> {
    const now = Date.now();
    const result = await verdicts.checkProduction({ model, version: status.champion!.version, fromMs: now - durationMs(policy.window), toMs: now, policy });
    status.lastCheck = result;
    status.checks++;
    // Paused by an operator: the check is shown, and nothing follows from it.
    if (status.paused) return;
    // Only a check with traffic that passes clears the streak: silence is not evidence of health.
    if (result.verdict === 'ok') {
      if (alerting) await audit('recovered', 'monitor.recovered', 'success', { check: result, streak: status.breachStreak });
      status.breachStreak = 0;
      alerting = escalated = false;
      return;
    }
    if (result.verdict === 'breach') status.breachStreak++;
    if (!alerting) {
      alerting = true;
      await audit('alert', ALERT_EVENT[result.verdict], 'failure', { check: result, streak: status.breachStreak });
      await notify('alert', alertMail(ref(), policy, result, status.breachStreak));
    }
    if (result.verdict === 'breach' && status.breachStreak >= policy.sustainedChecks) await onSustainedBreach(policy, result);
  }

  /**
   * A pipeline run of this model that closed without finishing (terminated from the Web UI, timed out) leaves
   * production as it stood; each iteration puts it back (the activity audits it), and the monitor then watches the
   * champion the aliases name again.
   */
  async function restoreAbandoned(policy: MonitoringPolicy): Promise<void> {
    const { restored } = await verdicts.restoreAbandoned({ model });
    if (!restored) return;
    if (restored.aliases.length > 0) {
      const aliases = await steps.readAliases({ model });
      Object.assign(status, { champion: aliases.champion, lastKnownGood: aliases.lastKnownGood, breachStreak: 0, state: aliases.champion ? 'watching' : 'idle' });
      alerting = escalated = false;
    }
    await notify(`abandoned:${restored.run.runId}`, abandonedRestoredMail(ref(), policy, restored));
  }

  /** What the Web UI shows: the champion and state as search attributes (upserted only when they change), and details. */
  let shown = '';
  function show(): void {
    const champion = status.champion?.version ?? '';
    const key = `${champion}|${status.state}`;
    if (key !== shown) {
      shown = key;
      upsertSearchAttributes([
        { key: ModelNameKey, value: model },
        { key: ModelVersionKey, value: champion },
        { key: PipelineStageKey, value: `monitor:${status.state}` },
        { key: OutcomeKey, value: 'running' },
      ]);
    }
    const last = status.lastCheck;
    setCurrentDetails(
      detailLines([
        ['State', status.state],
        ['Champion', status.champion?.version ?? 'none yet'],
        ['Last known good', status.lastKnownGood?.version ?? 'none'],
        ['Last check', last ? `${last.verdict} (${last.from} to ${last.to})${last.reasons.length ? `: ${last.reasons.join('; ')}` : ''}` : 'none yet'],
        ['Breach streak', String(status.breachStreak)],
        ['Paused', status.paused ? `by ${status.paused.by} at ${status.paused.at}: ${status.paused.reason || 'no reason given'}` : 'no'],
        ['Rollbacks', status.rollbacks.length ? status.rollbacks.map((r) => `${r.from} → ${r.to}`).join(', ') : 'none'],
      ]),
    );
  }

  for (;;) {
    show();
    const { monitoring: policy } = await steps.readModelPolicy({ model });
    status.policy = policy;
    await condition(() => handovers.length > 0 || decisions.length > 0 || rollbackRequest !== null, durationMs(policy.checkInterval), { summary: 'next production check' });
    iteration++;
    await refuseStrayDecisions();
    if (handovers.length > 0) await takeHandovers();
    else if (rollbackRequest) await operatorRollback(policy);
    else {
      await restoreAbandoned(policy);
      if (status.champion) await check(policy);
    }
    // A monitor is pinned to its worker build like every workflow; it moves to a newer build at its next run.
    const info = workflowInfo();
    if ((iteration >= policy.checksPerRun || info.continueAsNewSuggested || info.targetWorkerDeploymentVersionChanged) && handovers.length === 0 && decisions.length === 0 && !rollbackRequest && allHandlersFinished()) {
      const next: MonitorInput = { model, champion: status.champion, lastKnownGood: status.lastKnownGood, handedOverBy: status.handedOverBy, breachStreak: status.breachStreak, rollbacks: status.rollbacks.slice(-ROLLBACKS_CARRIED_OVER), paused: status.paused };
      // The next run starts on the deployment's current build, whichever build this one is pinned to.
      await makeContinueAsNewFunc<typeof monitorModelWorkflow>({ initialVersioningBehavior: 'AUTO_UPGRADE' })(next);
    }
  }
}
