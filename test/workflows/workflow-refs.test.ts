import { ALL_WORKFLOWS, type DeployModelWorkflow, type MonitorModelWorkflow, type RollbackDrillWorkflow, type SmokeWorkflow } from '../../src/contracts/workflows';
import * as workflows from '../../workflows';

// The compiler holds each exported workflow to the signature clients start it by.
const exported: [DeployModelWorkflow, MonitorModelWorkflow, RollbackDrillWorkflow, SmokeWorkflow] = [
  workflows.deployModelWorkflow,
  workflows.monitorModelWorkflow,
  workflows.rollbackDrillWorkflow,
  workflows.smokeWorkflow,
];

describe('the workflow references clients start by', () => {
  it('name exactly the workflows the worker exports, each under its own function name', () => {
    expect(ALL_WORKFLOWS.map((w) => w.name).sort()).toEqual(Object.keys(workflows).sort());
    expect(exported.map((f) => f.name).sort()).toEqual(ALL_WORKFLOWS.map((w) => w.name).sort());
  });
});
