import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { ActionAnswer } from '../contracts/messages';
import { failure } from './exit-codes';

/**
 * Sends a decision or an operator action as an Update and returns the workflow's answer. Input the workflow's validator
 * turns away never enters its history; the reason it gives is the caller's error.
 */
export async function sendUpdate<A>(handle: WorkflowHandle, update: UpdateDefinition<ActionAnswer, [A]>, input: A, what: string): Promise<ActionAnswer> {
  try {
    return await handle.executeUpdate(update, { args: [input] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw failure(`${what} refused by ${handle.workflowId}: ${err.cause?.message ?? err.message}`);
    throw err;
  }
}
