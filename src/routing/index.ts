export * from '../contracts/routes';
export { createRouteStore, ensureRoutingIndexes, StaleRouteError, ROUTES, ROUTE_HISTORY, type RouteChange, type RouteStore } from './store';
export { assignVariant, userBucket, type Assignment } from './assign';
export { createRolloutLocks, ROLLOUT_LOCKS, ROLLOUT_LOCK_TAKEOVERS, type AcquireResult, type IsClosed, type LockHolder, type RolloutLocks } from './rollout-locks';
