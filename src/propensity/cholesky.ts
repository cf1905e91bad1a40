/**
 * Cholesky factorisation of a small symmetric positive definite matrix (p ≤ ~100), stored
 * row-major in a Float64Array: the solver of the propensity model's Newton steps and the
 * source of its covariance. Written here rather than taken from a library because p is small,
 * the matrices are dense, and the factor must say *which* column made it fail.
 */

/**
 * A pivot below this share of its column's own diagonal means the column is (numerically) a
 * linear combination of the earlier ones: with standardised columns, R² ≥ 1 − 1e-12.
 */
export const SINGULAR_TOLERANCE = 1e-12;

/** The lower factor L (row-major, p × p, upper part zero), or the first column that failed. */
export type CholeskyResult = { readonly ok: true; readonly l: Float64Array } | { readonly ok: false; readonly column: number };

/** Factors a = L·Lᵀ; only a's lower triangle (with the diagonal) is read. */
export function cholesky(a: Float64Array, p: number): CholeskyResult {
  const l = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    const rowJ = j * p;
    let d = a[rowJ + j] as number;
    for (let k = 0; k < j; k++) {
      const v = l[rowJ + k] as number;
      d -= v * v;
    }
    const scale = a[rowJ + j] as number;
    if (!(d > SINGULAR_TOLERANCE * scale) || !Number.isFinite(d)) return { ok: false, column: j };
    const root = Math.sqrt(d);
    l[rowJ + j] = root;
    for (let i = j + 1; i < p; i++) {
      const rowI = i * p;
      let s = a[rowI + j] as number;
      for (let k = 0; k < j; k++) s -= (l[rowI + k] as number) * (l[rowJ + k] as number);
      l[rowI + j] = s / root;
    }
  }
  return { ok: true, l };
}

/** Solves L·Lᵀ·x = b (b is not changed). */
export function choleskySolve(l: Float64Array, p: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    let s = x[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * p + k] as number) * (x[k] as number);
    x[i] = s / (l[i * p + i] as number);
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i] as number;
    for (let k = i + 1; k < p; k++) s -= (l[k * p + i] as number) * (x[k] as number);
    x[i] = s / (l[i * p + i] as number);
  }
  return x;
}

/** (L·Lᵀ)⁻¹ as a full symmetric row-major matrix: one solve per unit vector (p³, small p). */
export function choleskyInverse(l: Float64Array, p: number): Float64Array {
  const inverse = new Float64Array(p * p);
  const unit = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    unit.fill(0);
    unit[j] = 1;
    const column = choleskySolve(l, p, unit);
    for (let i = 0; i < p; i++) inverse[i * p + j] = column[i] as number;
  }
  // Symmetrise: the two triangles differ in the last bits, and callers read either.
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const m = ((inverse[i * p + j] as number) + (inverse[j * p + i] as number)) / 2;
      inverse[i * p + j] = m;
      inverse[j * p + i] = m;
    }
  }
  return inverse;
}
