export { smokeWorkflow } from './smoke';
export { deployModelWorkflow } from './pipeline/deploy-model';
export { monitorModelWorkflow } from './monitoring/monitor-model';
export { rollbackDrillWorkflow } from './monitoring/rollback-drill';
