/**
 * One factor, set by CI for a slower machine, that stretches every bound a test or the soak puts on being stuck
 * (never a bound on speed): `MODELSHIP_TEST_TIME_FACTOR=2` doubles them all. Unset, bounds are as written.
 */
export function timeFactor(env: Record<string, string | undefined> = process.env): number {
  const raw = env.MODELSHIP_TEST_TIME_FACTOR;
  if (raw === undefined || raw === '') return 1;
  const factor = Number(raw);
  if (!Number.isFinite(factor) || factor < 1) throw new Error(`MODELSHIP_TEST_TIME_FACTOR: "${raw}" must be a number of at least 1`);
  return factor;
}

/** A bound on waiting for an event, stretched by the factor. */
export function stuckAfter(ms: number): number {
  return Math.round(ms * timeFactor());
}
