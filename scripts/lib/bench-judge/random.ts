/**
 * Samplers for the judge benchmark, drawn from the project's seeded generator. Poisson counts are exact (inversion
 * for small means, Hörmann's transformed rejection for large ones); binomials are exact below a mean of 20 and a
 * rounded normal above, which the benchmark uses only for the bulk of the latency histogram, never its tail.
 */
import { gaussian, type Rng } from '../../../src/models/prng';

const LOG_FACTORIAL = new Float64Array(256);
for (let k = 1; k < LOG_FACTORIAL.length; k++) LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1] + Math.log(k);

function logFactorial(k: number): number {
  if (k < LOG_FACTORIAL.length) return LOG_FACTORIAL[k];
  const x = k + 1;
  // Stirling's series for log Γ(x), accurate to far below a double's precision beyond 256.
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}

export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean < 12) {
    const limit = Math.exp(-mean);
    let k = 0;
    let product = rng();
    while (product > limit) {
      k++;
      product *= rng();
    }
    return k;
  }
  // PTRS (Hörmann 1993): a transformed rejection sampler with a cheap squeeze that accepts most draws at once.
  const root = Math.sqrt(mean);
  const logMean = Math.log(mean);
  const b = 0.931 + 2.53 * root;
  const a = -0.059 + 0.02483 * b;
  const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng() - 0.5;
    const v = rng();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(inverseAlpha) - Math.log(a / (us * us) + b) <= -mean + k * logMean - logFactorial(k)) return k;
  }
}

export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  let k: number;
  if (n * q < 20) {
    // Waiting times between successes are geometric: count how many fit into n trials.
    const logQ = Math.log(1 - q);
    k = 0;
    let used = 0;
    for (;;) {
      used += Math.floor(Math.log(1 - rng()) / logQ) + 1;
      if (used > n) break;
      k++;
    }
  } else {
    k = Math.min(n, Math.max(0, Math.round(n * q + Math.sqrt(n * q * (1 - q)) * gaussian(rng))));
  }
  return flip ? n - k : k;
}

/** Marsaglia and Tsang's gamma sampler, boosted for shapes below one. */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(rng(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = gaussian(rng);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  return x / (x + gamma(rng, b));
}

/** Standard normal CDF through a Chebyshev-fitted complementary error function (relative error below 1.2e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(z / Math.SQRT2));
  const poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886187 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(-(z * z) / 2 + poly);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}
