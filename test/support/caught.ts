/** Runs `fn` expecting it to throw, and returns the error for closer assertions. */
export async function caught(fn: () => Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to throw');
}
