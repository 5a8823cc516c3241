/**
 * Sequential tests for a jump in an event rate, exact for Poisson counts, whatever the number of events: the normal
 * approximation behind the intervals fails for rare events such as errors and slow requests, and proving harm from
 * them is left to these tests. Each is a likelihood ratio mixed over a few rate ratios, a test martingale under no
 * jump: crossing 1/alpha at any check is a claim with error at most alpha.
 */

/** One check's new events and exposures in each arm, over the same seconds. */
export interface CountStep {
  candidateEvents: number;
  candidateExposures: number;
  controlEvents: number;
  controlExposures: number;
}

/** The rate ratios the mixtures put their weight on, equally: the jumps a rollout must stop at once. */
export const JUMP_RATIOS = [2, 3, 5, 10];

function logMean(logs: number[]): number {
  const top = Math.max(...logs);
  return top + Math.log(logs.reduce((acc, l) => acc + Math.exp(l - top), 0) / logs.length);
}

/**
 * Against a concurrent control: given how many events both arms had in a check, the candidate's share of them is
 * binomial with a probability set by the arms' exposures and the rate ratio. One check's log likelihood ratio of a
 * jump by `theta` against none; a test sums them over the checks and mixes the ratios (logMeanOfSums).
 */
export function stepLogRatio(s: CountStep, theta: number): number {
  if (s.candidateExposures === 0 || s.controlExposures === 0 || s.candidateEvents + s.controlEvents === 0) return 0;
  const none = s.candidateExposures / (s.candidateExposures + s.controlExposures);
  const jump = (theta * s.candidateExposures) / (theta * s.candidateExposures + s.controlExposures);
  return s.candidateEvents * Math.log(jump / none) + s.controlEvents * Math.log((1 - jump) / (1 - none));
}

/** Sums each ratio's log ratios over the checks, then mixes the ratios. */
export function logMeanOfSums(perStep: ArrayLike<number>[], ratios: number): number {
  const sums = new Array<number>(ratios).fill(0);
  for (const logs of perStep) for (let r = 0; r < ratios; r++) sums[r] += logs[r];
  return logMean(sums);
}

/** Against a known ceiling rate: Poisson counts at `ratio` times the ceiling against the ceiling. Natural log. */
export function logCeilingEValue(events: number, exposures: number, ceiling: number, ratios: number[] = JUMP_RATIOS): number {
  return logMean(ratios.map((theta) => events * Math.log(theta) - (theta - 1) * ceiling * exposures));
}
