import type { Check } from '../contracts/evidence';

type Values = Check['values'];
type Thresholds = Check['thresholds'];

/**
 * Evidence must survive JSON and the audit log unchanged: NaN and infinities have no JSON form (a value
 * that cannot be computed is recorded as null), and -0 would come back as 0.
 */
function storable(values: Record<string, number | boolean | null>): Values {
  const out: Values = {};
  for (const [key, v] of Object.entries(values)) out[key] = typeof v === 'number' ? (Number.isFinite(v) ? v + 0 : null) : v;
  return out;
}

/** A check that was measured and compared with its thresholds. */
export function judged(name: string, pass: boolean, values: Record<string, number | boolean | null>, thresholds: Thresholds, summary: string): Check {
  return { name, verdict: pass ? 'pass' : 'fail', values: storable(values), thresholds, summary };
}

/**
 * A check that failed for a reason outside the model (the machine it was measured on): it fails its gate, but the
 * pipeline ends without rejecting the version, which may be run again.
 */
export function environmental(name: string, values: Record<string, number | boolean | null>, thresholds: Thresholds, summary: string): Check {
  return { name, verdict: 'fail', environmental: true, values: storable(values), thresholds, summary };
}

/** Whether every failed check of these gates failed for a reason outside the model; false when none failed. */
export function failedOnlyOutsideModel(checks: readonly Check[]): boolean {
  const failed = checks.filter((c) => c.verdict === 'fail');
  return failed.length > 0 && failed.every((c) => c.verdict === 'fail' && c.environmental === true);
}

/** A check that could not be meaningfully run; the summary repeats the reason for readers of one line. */
export function skipped(name: string, what: string, reason: string, thresholds: Thresholds, values: Record<string, number | boolean | null> = {}): Check {
  return { name, verdict: 'skipped', reason, values: storable(values), thresholds, summary: `${what}: skipped, ${reason}` };
}

export function gatePasses(checks: readonly Check[]): boolean {
  return checks.every((c) => c.verdict !== 'fail');
}
