import type { VersionRef } from '../../src/contracts/monitoring';
import type { IngestSummary, RouteSnapshot } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec } from '../../src/contracts/pipeline-spec';
import type { DeployModelResult } from '../../src/contracts/workflows';
import { deployed } from '../../src/notify/mail-texts/pipeline';
import { snapshot } from './activity-options';
import type { PipelineRun } from './pipeline-run';
import { allSettledOrThrow, uninterrupted } from './saga';
import { stepKey } from './step-key';

/**
 * Moves champion to the candidate and last-known-good to the champion it replaces, both from what the registry holds
 * now (a monitor may have rolled back since ingest), and the route to 100%. Each move's compensation is pushed first,
 * and both moves settle before anything can be undone.
 */
async function moveAliasesAndRoute(run: PipelineRun, ingested: IngestSummary, before: RouteSnapshot): Promise<VersionRef | null> {
  const { ref, saga, state, steps, actor } = run;
  const { champion: previous, lastKnownGood } = await snapshot.readAliases({ model: ref.model });
  const was = { champion: previous?.version ?? null, lastKnownGood: lastKnownGood?.version ?? null };
  state.note('aliases before promotion', `champion ${was.champion ?? '(unset)'}, last-known-good ${was.lastKnownGood ?? '(unset)'}`);
  const move = (alias: 'champion' | 'last-known-good', to: string | null, expected: string | null, key: string, reason: string) =>
    uninterrupted(() => steps.io.moveAlias({ ref, alias, to, expected, key: stepKey(ref, key), actor, reason }));
  saga.add(stepKey(ref, 'restore-champion'), `move champion back to ${was.champion ?? 'none'}`, () =>
    move('champion', was.champion, ref.version, 'restore-champion', 'rollback'),
  );
  const moves = [move('champion', ref.version, was.champion, 'champion', 'promoted')];
  if (was.champion) {
    saga.add(stepKey(ref, 'restore-last-known-good'), `move last-known-good back to ${was.lastKnownGood ?? 'none'}`, () =>
      move('last-known-good', was.lastKnownGood, was.champion, 'restore-last-known-good', 'rollback'),
    );
    moves.push(move('last-known-good', was.champion, was.lastKnownGood, 'last-known-good', `previous champion, replaced by ${ref.version}`));
  }
  await allSettledOrThrow(moves);
  const { generation } = await uninterrupted(() =>
    steps.routing(`route promoted: ${ref.version} stable`).applyRoute({
      ref,
      key: stepKey(ref, 'route:promoted'),
      spec: { ...before.spec, stable: { version: ref.version, sha256: ingested.artifactSha256 }, candidate: null, shadow: null },
      actor,
      reason: 'promoted',
    }),
  );
  state.traffic(100, 0);
  state.note(`promoted: generation ${generation} serves ${ref.version} as stable`);
  return previous;
}

/**
 * Promotion: the candidate becomes champion and serves all traffic; from then on it stands. The monitor takes it
 * over, the report is written and the lock released together, so the next rollout of the model need not wait for a
 * mail.
 */
export async function promote(run: PipelineRun, spec: PipelineSpec, ingested: IngestSummary, before: RouteSnapshot): Promise<DeployModelResult> {
  const { ref, state, steps } = run;
  state.step('promote', 'full');
  await run.mails.settle();
  const previous = await moveAliasesAndRoute(run, ingested, before);
  await run.transition('production', 'promoted after the bake window');
  run.committed = true;
  state.finish('promoted');
  const champion = { version: ref.version, sha256: ingested.artifactSha256 };
  const lastKnownGood = previous ? { version: previous.version, sha256: previous.sha256 } : null;
  const [, , report] = await Promise.all([
    steps.io.handOverMonitoring({ model: ref.model, handover: { champion, lastKnownGood, by: ref.pipelineId } }),
    run.audit('promoted', 'pipeline.promoted', 'success', { champion: ref.version, previous: previous?.version ?? null }),
    steps.io.writeReport(state.document(null)),
    steps.io.releaseRolloutLock({ ref }),
  ]);
  run.lockHeld = false;
  await run.notify('completed', deployed(ref, spec, report.htmlPath));
  await run.refuseOutOfTurn('it arrived after the pipeline was promoted');
  return { outcome: 'promoted', pipelineId: ref.pipelineId, stoppedAt: state.stoppedAt, reportPath: report.htmlPath };
}
