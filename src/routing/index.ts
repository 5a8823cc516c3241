export * from './schemas';
export { createRouteStore, ensureRoutingIndexes, StaleRouteError, ROUTES, ROUTE_HISTORY, type RouteChange, type RouteStore } from './store';
export { assignVariant, type Assignment } from './assign';
