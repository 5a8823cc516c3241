import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/contracts/search-attributes';

const TEMPORAL_CLI = join(__dirname, '../../.tools/bin/temporal');

/** A throwaway Temporal dev server built by scripts/setup.sh; the SDK's default would download one at run time. */
export function createLocalTestEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI },
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      log: { format: 'pretty', level: 'error' },
    },
  });
}
