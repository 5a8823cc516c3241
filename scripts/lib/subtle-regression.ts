import type { TrainingFaults } from '../../src/models';

/**
 * The subtle regression the demo shows and its integration test proves, on a synthetic catalogue of 4,000 users under
 * the statistical judge: a model trained with 34% of its item factors shuffled (seed 3) loses about a fifth of its
 * successes and raises no error. A few hundred users could not show a 20% drop at all: the judge counts users'
 * clusters, not requests.
 */
export const SUBTLE_USERS = 4000;
export const SUBTLE_SEED = 3;
export const SUBTLE_FAULT: TrainingFaults = { shuffledItemShare: 0.34 };

/** Offline the fault is far from subtle (NDCG halves): the gates are opened so that only the online verdict judges. */
export const OPEN_GATES = { validation: { maxRegression: 0.6 }, scenarios: { maxShadowNdcgDrop: 0.6 } };

/** Windows long enough for a 20% margin to be provable at 200 req/s, and a judge tuned to that margin. */
export const STATISTICAL_ROLLOUT = {
  stages: [
    { name: 'shadow', kind: 'shadow', percent: 100 },
    { name: 'canary', kind: 'traffic', percent: 50 },
    { name: 'full', kind: 'traffic', percent: 100 },
  ],
  window: '90s',
  checkInterval: '2s',
  bake: '60s',
};
export const STATISTICAL_JUDGE = { kind: 'statistical', margins: { success: 0.2 }, minEffect: { success: 0.2 }, undecided: { extendBy: '60s', then: 'rollback' } };
