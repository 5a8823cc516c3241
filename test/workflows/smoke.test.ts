import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WORKFLOWS_PATH } from '../../src/worker';
import { createLocalTestEnv } from '../support/workflow-env';
import { smoke } from '../../src/contracts/workflows';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(60_000));

describe('smokeWorkflow', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalTestEnv();
  });
  afterAll(() => env?.teardown());

  it('records first, then mails, and returns both references', async () => {
    const calls: string[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'smoke-test',
      workflowsPath: WORKFLOWS_PATH,
      activities: {
        recordSmoke: async ({ workflowId }: { workflowId: string }) => (calls.push('record'), { documentId: workflowId }),
        sendSmokeMail: async () => (calls.push('mail'), { messageId: '<m@x>' }),
      },
    });
    const result = await worker.runUntil(
      env.client.workflow.execute(smoke.name, { workflowId: 'smoke-wf', taskQueue: 'smoke-test', args: ['a@b.test'] }),
    );
    expect(result).toEqual({ documentId: 'smoke-wf', messageId: '<m@x>' });
    expect(calls).toEqual(['record', 'mail']);
  });
});
