/**
 * Seeded randomness. Math.random cannot be seeded, and the trainer, the synthetic data and the fault
 * injector must be reproducible bit for bit, so everything random in the toolkit draws from here.
 */

export type Rng = () => number;

/** mulberry32: 32-bit state, uniform in [0, 1). Small, fast and good enough for initialisation and sampling. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal via Box-Muller; the second variate is dropped to keep the generator stateless. */
export function gaussian(rng: Rng): number {
  // 1 - u keeps the argument of log away from zero.
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}
