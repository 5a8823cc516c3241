import { ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { FailureType } from '../../src/contracts/failures';
import type { KpiCheck } from '../../src/contracts/messages';
import type { DeployModelResult } from '../../src/contracts/workflows';
import { unwound } from '../../src/notify/mail-texts/pipeline';
import { pipelineEnding } from '../../src/policy/pipeline-ending';
import type { PipelineRun } from './pipeline-run';

function applicationFailure(err: unknown): ApplicationFailure | null {
  if (err instanceof ApplicationFailure) return err;
  const cause = (err as { cause?: unknown })?.cause;
  return cause instanceof ApplicationFailure ? cause : null;
}

/**
 * Unwind: every change undone in reverse, the version's status settled, the end audited, documented and mailed.
 * A decision carried out (a rejection, an expiry, a rollback that put production back) completes with its outcome;
 * what could not be done fails the workflow with the failure itself, which is what people read in the Web UI.
 */
export async function unwind(run: PipelineRun, err: unknown): Promise<DeployModelResult> {
  const { ref, state, saga, steps, spec } = run;
  const failure = applicationFailure(err);
  const cancelled = isCancellation(err);
  const type = cancelled ? 'Cancelled' : (failure?.type ?? 'Error');
  const message = cancelled ? 'the pipeline was cancelled' : err instanceof Error ? (failure?.message ?? err.message) : String(err);
  const check = type === FailureType.KpiBreach || type === FailureType.Undecided ? ((failure?.details?.[0] as KpiCheck | undefined) ?? null) : null;
  const stoppedAt = state.stoppedAt;
  state.step('rolling_back', state.status.stage);
  state.note(`unwinding: ${type}`, message);
  const rolloutStarted = saga.size > 0;
  const compensations = await saga.compensate((r) => state.compensations.push(r));
  if (rolloutStarted) state.traffic(0, 0);

  const ending = pipelineEnding({ type, rolloutStarted, versionStatus: run.versionStatus, undoneCleanly: compensations.every((c) => c.outcome === 'done') });
  if (ending.finalStatus) await run.transition(ending.finalStatus, message).catch((e) => state.note('status change failed', String(e)));
  state.finish(ending.outcome, message);
  await run.audit('unwound', `pipeline.${ending.outcome}`, 'failure', { type, message, compensations, check, stoppedAt });
  const { path } = await steps.io.writeRollbackDocument(state.document({ type, message, check }));
  await run.mails.settle().catch((e: unknown) => state.note('a stage mail could not be sent', String(e)));
  if (spec) {
    const mail = { ...ending.mail, message, check, productionChanged: rolloutStarted, compensations, documentPath: path };
    await run.notify('unwound', unwound(ref, spec, mail));
  }
  await run.refuseOutOfTurn(`it arrived after the pipeline had ended (${ending.outcome})`);
  if (ending.completes) return { outcome: ending.outcome, pipelineId: ref.pipelineId, stoppedAt, cause: { type, message }, rollbackDocumentPath: path };
  throw failure && !cancelled ? failure : err;
}
