import { workflowInfo } from '@temporalio/workflow';
import type { IdentityVerdict, Signature, SignedAction } from '../../src/contracts/identity';
import type { ApprovalRecord } from '../../src/contracts/messages';
import type { AuditOutcome, NotifyInput, PipelineRef } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec, PipelineSpecInput } from '../../src/contracts/pipeline-spec';
import { backgroundMail, identityCheck, messageAudit, stepActivities } from './activity-options';
import { Background } from './background';
import { Controls } from './controls';
import { refuseDecision } from './decisions';
import { Saga, uninterrupted } from './saga';
import { PipelineState } from './state';
import { stepKey } from './step-key';

/** What every phase of one pipeline run shares: who it is, what it knows, what it must undo, and how it records. */
export class PipelineRun {
  readonly ref: PipelineRef;
  readonly actor: string;
  readonly state: PipelineState;
  readonly controls = new Controls();
  readonly saga = new Saga();
  readonly steps = stepActivities();
  /** Mails the rollout does not wait for; settled before the promotion and before the end. */
  readonly mails = new Background();
  /** The accepted spec, with every default filled in; null until ingest accepted it. */
  spec: PipelineSpec | null = null;
  /** The version's registry status as this run last moved it. */
  versionStatus = 'registered';
  /** Set once the promotion stands: nothing is undone after it. */
  committed = false;
  lockHeld = false;
  /** Why a decision that arrives now is refused, when no approval is awaited. */
  outOfTurn = 'it arrived before approval was requested, while the offline gates ran';

  constructor(input: PipelineSpecInput) {
    const pipelineId = workflowInfo().workflowId;
    this.ref = { pipelineId, model: String(input?.model ?? ''), version: String(input?.version ?? '') };
    this.actor = `pipeline:${pipelineId}`;
    this.state = new PipelineState(this.ref);
  }

  audit(key: string, type: string, outcome: AuditOutcome, evidence?: Record<string, unknown>, who = this.actor): Promise<void> {
    return this.steps.io.audit({ ref: this.ref, key: stepKey(this.ref, key), type, actor: who, outcome, evidence });
  }

  notify(key: string, mail: Omit<NotifyInput, 'key'>): Promise<void> {
    return this.steps.mail.notify({ ...mail, key: stepKey(this.ref, `mail:${key}`) });
  }

  /**
   * The audit record is part of the rollout's order; its mail goes out while the rollout moves on. That mail is an
   * ordinary activity: a local one still running while later local activities complete is resolved in another order
   * on replay than it was live, and the history would no longer replay.
   */
  async auditAndMail(record: () => Promise<void>, key: string, mail: Omit<NotifyInput, 'key'>): Promise<void> {
    const recorded = record();
    this.mails.start(backgroundMail.notify({ ...mail, key: stepKey(this.ref, `mail:${key}`) }));
    await recorded;
  }

  /**
   * Whether what people send must be signed. Until the spec is accepted it is taken as required, which refuses nothing
   * that could count then anyway; a spec recorded before the policy existed did not require it.
   */
  get requireSignatures(): boolean {
    return this.spec ? this.spec.approval.requireSignatures === true : true;
  }

  /** Checks a signature against the people registry, for this pipeline's model and version. */
  prove(action: SignedAction, claimed: string, comment: string, signature: Signature): Promise<IdentityVerdict> {
    const n = ++this.controls.proofs;
    const { pipelineId, model, version } = this.ref;
    return identityCheck.verifyIdentity({ pipelineId, model, version, action, comment, claimed, signature, useKey: stepKey(this.ref, `identity:${n}:${action}`) });
  }

  /** Audits a judged decision; its caller, if it sent an Update, is answered once the record is kept. */
  async recordDecision(r: ApprovalRecord, index: number): Promise<void> {
    const key = stepKey(this.ref, `approval:${index}`);
    const identity = this.controls.decisions[index].identity;
    const evidence = { ...r, ...(identity ? { identity } : {}) };
    await messageAudit.audit({ ref: this.ref, key, type: `approval.${r.decision}`, actor: `user:${r.approver || 'unknown'}`, outcome: r.accepted ? 'success' : 'refused', evidence });
    this.controls.answers.set(index, r);
  }

  recordAction(key: string, kind: string, actor: string, evidence: Record<string, unknown>, accepted: boolean): Promise<void> {
    const type = `operator.${kind}`;
    return messageAudit.audit({ ref: this.ref, key: stepKey(this.ref, key), type, actor: `user:${actor || 'unknown'}`, outcome: accepted ? 'success' : 'refused', evidence });
  }

  /**
   * Decisions that come when no approval is awaited (before it was requested, after it was settled) are refused with
   * the reason and audited, never dropped. `why` becomes the reason for any that come later.
   */
  async refuseOutOfTurn(why: string = this.outOfTurn): Promise<void> {
    this.outOfTurn = why;
    const { controls } = this;
    while (controls.unjudged) {
      const index = controls.judged++;
      const record = refuseDecision(controls.decisions[index], why, this.requireSignatures);
      this.state.approval(record);
      await this.recordDecision(record, index);
    }
  }

  async transition(to: string, reason: string): Promise<void> {
    await uninterrupted(() => this.steps.io.transitionStatus({ ref: this.ref, to, key: stepKey(this.ref, `status:${to}`), actor: this.actor, reason }));
    this.versionStatus = to;
  }
}
