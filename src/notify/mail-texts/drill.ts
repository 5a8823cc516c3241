import type { DrillResult } from '../../contracts/monitoring';
import type { NotifyInput, PipelineRef } from '../../contracts/pipeline-activities';

/** What a rollback drill found, for the people who own the model. */
export function drillResultMail(ref: PipelineRef, routeName: string, to: string[], result: DrillResult): Omit<NotifyInput, 'key'> {
  const passed = result.outcome === 'passed';
  return {
    ref,
    kind: 'drill_result',
    to,
    subject: `Rollback drill ${result.outcome}: ${result.model}${passed ? `, reverted in ${result.revertMs} ms` : ''}`,
    lines: passed
      ? [
          `On the drill route ${routeName}, ${result.model} went from ${result.from.version} back to ${result.to.version}.`,
          `Every healthy replica (${result.replicas.join(', ')}) served the revert ${result.revertMs} ms after the routing change.`,
          'Production routing was not touched.',
        ]
      : [`The rollback drill of ${result.model} failed: ${result.failure}.`, 'A real rollback may fail the same way: look before the next incident does.'],
  };
}
