export type Severity = 'error' | 'warning' | 'info';

/** One result of a data or model check. `error` should block a deployment, `warning` needs a human. */
export interface Finding {
  check: string;
  severity: Severity;
  message: string;
  /** Number of offending rows or ids, when countable. */
  count?: number;
  /** A few offending row indices (0-based, data rows only) or ids, for debugging. */
  examples?: number[];
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** The most severe finding's severity, or undefined when there is nothing to report. */
export function worstSeverity(findings: readonly Finding[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const f of findings) if (worst === undefined || RANK[f.severity] > RANK[worst]) worst = f.severity;
  return worst;
}
