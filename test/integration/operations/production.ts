import type { VersionRef } from '../../../src/contracts/monitoring';
import type { TrainingFaults } from '../../../src/models';
import type { Stack } from '../pipeline/stack-fixture';

const PATH_TO_PRODUCTION = ['validating', 'awaiting_approval', 'rolling_out', 'production'] as const;

/** Registers a trained version and walks it through the lifecycle to production, as a finished pipeline leaves it. */
export async function putInProduction(stack: Stack, version: string, options: { seed: number; faults?: TrainingFaults }): Promise<VersionRef> {
  const sha256 = await stack.fixture.register(version, options);
  for (const to of PATH_TO_PRODUCTION) {
    await stack.fixture.registry.transition({ model: stack.model, version, to, key: `setup:${version}:${to}`, actor: 'user:test', reason: 'test setup' });
  }
  return { version, sha256 };
}
