import { DefaultLogger, Runtime } from '@temporalio/worker';

// Worker state changes and expected workflow failures drown test output; errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // already installed in this process by an earlier test file
}
