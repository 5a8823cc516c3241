/** A pipeline run, by workflow id and run id. */
export interface RunRef {
  workflowId: string;
  runId: string;
}

/** What a pipeline run that closed without finishing had left in production, and what it was put back to. */
export interface AbandonedRestore {
  run: RunRef;
  /** How the Temporal server says it closed: TERMINATED, TIMED_OUT, ... */
  closedAs: string;
  version: string | null;
  /** The routing generation the run left, the one it is back to, and the generation that restored it. */
  route: { from: number; backTo: number; generation: number } | null;
  aliases: { alias: 'champion' | 'last-known-good'; from: string | null; to: string | null }[];
  status: { from: string; to: 'rolled_back' } | null;
}

/** A version left in flight by a run that closed before it changed production. */
export interface Orphan {
  version: string;
  from: string;
  run: RunRef;
  closedAs: string;
}

/** What one look at a model found and put back. */
export interface AbandonedFindings {
  restored: AbandonedRestore | null;
  orphans: Orphan[];
}
