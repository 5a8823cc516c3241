export { connectMongo, type Mongo } from './connect';
export { logReachability, reconnectWhenMonitorStalls } from './stalled-monitor';
export { ensureIndexSet } from './ensure-indexes';
export { isDuplicateKeyError } from './duplicate-key';
export { lastNumbered, readNumbered } from './numbered-list';
