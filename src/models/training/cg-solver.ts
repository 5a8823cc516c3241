import type { Csr } from './sparse';

/**
 * One half-step of implicit ALS (Hu, Koren & Volinsky 2008): with the other side Y fixed, each row x
 * of X minimises  sum_i c_i (p_i - x.y_i)^2 + lambda |x|^2  over the whole catalogue, i.e. solves
 *   (Y'Y + lambda I + sum_{i in row} e_i y_i y_i') x = sum_{i in row} (1 + e_i) y_i.
 * Following Takacs et al. (2011) the system is solved approximately by a few conjugate-gradient steps
 * warm-started from the previous x: O(d^2 + nnz d) per row instead of the O(d^3) of a direct solve.
 */
export function solveHalfStep(X: Float64Array, Y: Float64Array, csr: Csr, dims: number, lambda: number, cgSteps: number): void {
  const gram = gramPlusRidge(Y, dims, lambda);
  const r = new Float64Array(dims);
  const p = new Float64Array(dims);
  const ap = new Float64Array(dims);
  const rows = csr.offsets.length - 1;

  for (let row = 0; row < rows; row++) {
    const x = row * dims;
    const start = csr.offsets[row];
    const end = csr.offsets[row + 1];

    // r = b - A x, with the sparse part folded into one pass over the row's entries.
    symMatVec(gram, X, x, dims, r);
    for (let f = 0; f < dims; f++) r[f] = -r[f];
    for (let k = start; k < end; k++) {
      const y = csr.cols[k] * dims;
      const e = csr.values[k];
      const coeff = 1 + e - e * dot(Y, y, X, x, dims);
      for (let f = 0; f < dims; f++) r[f] += coeff * Y[y + f];
    }
    p.set(r);
    let rr = dot(r, 0, r, 0, dims);

    for (let step = 0; step < cgSteps && rr > 1e-20; step++) {
      symMatVec(gram, p, 0, dims, ap);
      for (let k = start; k < end; k++) {
        const y = csr.cols[k] * dims;
        const coeff = csr.values[k] * dot(Y, y, p, 0, dims);
        for (let f = 0; f < dims; f++) ap[f] += coeff * Y[y + f];
      }
      const a = rr / dot(p, 0, ap, 0, dims);
      for (let f = 0; f < dims; f++) {
        X[x + f] += a * p[f];
        r[f] -= a * ap[f];
      }
      const next = dot(r, 0, r, 0, dims);
      const beta = next / rr;
      for (let f = 0; f < dims; f++) p[f] = r[f] + beta * p[f];
      rr = next;
    }
  }
}

/** Y'Y + lambda I as a dense row-major d x d matrix. */
function gramPlusRidge(Y: Float64Array, dims: number, lambda: number): Float64Array {
  const gram = new Float64Array(dims * dims);
  const rows = Y.length / dims;
  for (let i = 0; i < rows; i++) {
    const o = i * dims;
    for (let a = 0; a < dims; a++) {
      const ya = Y[o + a];
      const g = a * dims;
      for (let b = a; b < dims; b++) gram[g + b] += ya * Y[o + b];
    }
  }
  for (let a = 0; a < dims; a++) {
    gram[a * dims + a] += lambda;
    for (let b = 0; b < a; b++) gram[a * dims + b] = gram[b * dims + a];
  }
  return gram;
}

function symMatVec(m: Float64Array, v: Float64Array, offset: number, dims: number, out: Float64Array): void {
  for (let a = 0; a < dims; a++) out[a] = dot(m, a * dims, v, offset, dims);
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, dims: number): number {
  let s = 0;
  for (let f = 0; f < dims; f++) s += a[ao + f] * b[bo + f];
  return s;
}
