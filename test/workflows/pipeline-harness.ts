import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { statusQuery, type PipelineStatus } from '../../src/contracts/messages';
import { pipelineWorkflowId, type PipelineSpecInput } from '../../src/contracts/pipeline-spec';
import { WORKFLOWS_PATH } from '../../src/worker';
import { createLocalTestEnv } from '../support/workflow-env';
import { recordHistory } from '../support/record-history';
import { createFakeActivities, type Scenario } from './fake-activities';
import { deployModel, type DeployModelWorkflow } from '../../src/contracts/workflows';

/** Short windows so a five-stage rollout runs in a few seconds of real time on the dev server. */
export function fastSpec(model: string, overrides: Partial<PipelineSpecInput> = {}): PipelineSpecInput {
  return {
    specVersion: 1,
    model,
    version: '2.0.0',
    submitter: 'alice',
    datasets: { train: 'a'.repeat(64), validation: 'b'.repeat(64) },
    // Name-only decisions: these tests are about the pipeline; pipeline-signatures.test.ts is about who may act.
    approval: { approvers: ['bob', 'carol', 'dave'], required: 1, deadline: '1h', reminderBefore: '10m', requireSignatures: false },
    rollout: { window: '300ms', checkInterval: '100ms', bake: '300ms', confirmTimeout: '5s' },
    notify: { recipients: ['ops@example.test'] },
    ...overrides,
  };
}

export async function startHarness() {
  const env: TestWorkflowEnvironment = await createLocalTestEnv();
  const scenarios = new Map<string, Scenario>();
  const fakes = createFakeActivities(scenarios);
  const taskQueue = `pipeline-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: WORKFLOWS_PATH, activities: fakes.activities });
  const running = worker.run();

  async function start(spec: PipelineSpecInput, scenario: Scenario = {}): Promise<WorkflowHandle<DeployModelWorkflow>> {
    scenarios.set(spec.model, scenario);
    return env.client.workflow.start<DeployModelWorkflow>(deployModel.name, {
      workflowId: pipelineWorkflowId(spec.model, spec.version),
      taskQueue,
      args: [spec],
    });
  }

  async function waitForStep(handle: WorkflowHandle, predicate: (s: PipelineStatus) => boolean, timeoutMs = 15_000): Promise<PipelineStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await handle.query(statusQuery);
      if (predicate(status)) return status;
      if (Date.now() > deadline) throw new Error(`status never matched; last: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    env,
    scenarios,
    record: recordHistory,
    taskQueue,
    start,
    waitForStep,
    world: (model: string) => fakes.worlds.get(model)!,
    identity: fakes.identity,
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
