import type { OperatorActionKind, PipelineStatus } from '../contracts/messages';

/** What an operator action finds when it arrives: where the pipeline is, and what was already asked of it. */
export interface ActionContext {
  status: Pick<PipelineStatus, 'step' | 'stage' | 'paused'>;
  promoteBy: string | null;
  stop: { kind: string; actor: string } | null;
}

const IN_ROLLOUT = new Set(['rollout', 'bake']);

/**
 * Why an operator action cannot be carried out now, or null when it can. Pause, resume and promote act on the
 * monitoring windows of a rollout, and abort and rollback on the traffic it moved, so each needs a rollout in
 * progress; before it there is nothing to act on (a pending approval is rejected instead), after it nothing to undo.
 */
export function refusalOf(kind: OperatorActionKind, ctx: ActionContext): string | null {
  const { step, stage, paused } = ctx.status;
  if (!IN_ROLLOUT.has(step)) {
    const where = stage ? `${step} (${stage})` : step;
    const before = step === 'ingest' || step === 'gates' || step === 'awaiting_approval';
    return before ? `nothing is rolled out yet: the pipeline is at ${where}${step === 'awaiting_approval' ? '; reject it instead' : ''}` : `the rollout is over: the pipeline is at ${where}`;
  }
  if (ctx.stop) return `${ctx.stop.kind} was already requested by ${ctx.stop.actor}`;
  if (kind === 'pause' && paused) return 'the rollout is already paused';
  if (kind === 'resume' && !paused) return 'the rollout is not paused';
  if (kind === 'promote' && ctx.promoteBy) return `promotion was already requested by ${ctx.promoteBy}`;
  return null;
}

/** What an accepted action does, as its caller is told. */
export const ACTION_EFFECTS: Record<OperatorActionKind, string> = {
  pause: 'paused: traffic stays as it is, checks go on, the window stops counting',
  resume: 'resumed: the window counts again',
  promote: 'promotion requested: the remaining windows are skipped at the next check',
  abort: 'abort requested: the rollout stops and production is restored at the next check',
  rollback: 'rollback requested: the candidate is rolled back and production restored at the next check',
};
