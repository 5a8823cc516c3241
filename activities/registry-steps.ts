import type { PipelineActivities } from '../src/contracts/pipeline-activities';
import type { Registry, Status } from '../src/registry';
import { asPermanent } from './failures';

/** Status transitions and alias moves, each keyed so a retried activity changes nothing the second time. */
export function createRegistryActivities(registry: Registry): Pick<PipelineActivities, 'transitionStatus' | 'moveAlias'> {
  return {
    async transitionStatus({ ref, to, key, actor, reason }) {
      try {
        await registry.transition({ model: ref.model, version: ref.version, to: to as Status, key, actor, reason });
      } catch (err) {
        asPermanent(err);
      }
    },
    async moveAlias({ ref, alias, to, expected, key, actor, reason }) {
      try {
        const current = await registry.getAlias(ref.model, alias);
        // A compensation that finds nothing to undo, or a retry that finds its move done, is a no-op.
        if (current.version === to) return;
        await registry.moveAlias({ model: ref.model, alias, to, expected, key, actor, reason });
      } catch (err) {
        asPermanent(err);
      }
    },
  };
}
