export { smokeWorkflow } from './smoke';
export { deployModelWorkflow } from './pipeline/deploy-model';
