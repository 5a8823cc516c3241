export { createWorker, WORKFLOWS_PATH } from './create-worker';
