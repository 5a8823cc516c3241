import { stuckAfter } from './time-factor';

// Suites on real servers bound only how long a test may be stuck: jest's 5 s default timed them, and a busy machine
// failed them. A suite that needs longer says so itself (through stuckAfter, so the factor stretches it too).
jest.setTimeout(stuckAfter(120_000));
