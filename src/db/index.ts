export { connectMongo, type Mongo } from './connect';
export { ensureIndexSet } from './ensure-indexes';
export { isDuplicateKeyError } from './duplicate-key';
