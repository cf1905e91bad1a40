import type { DesignMatrix } from './types.js';

/**
 * One pass of the logistic regression's Newton method over the rows, the only part of the fit
 * whose cost grows with the rows (up to ~1 M offers × ~80 columns): the penalised deviance, score
 * and information at β. Allocates nothing per row; the scratch lives in a {@link NewtonWorkspace}
 * made once per fit.
 */

/** Rows per block of the dense cross-product: 256 × 80 doubles (160 KB) stay in cache. */
const BLOCK_ROWS = 256;

/**
 * A row costs ~p²/2 multiply-adds in the dense blocked kernel but ~nnz²/2 (each ~3.5× dearer) when
 * only its non-zeros are visited; visit non-zeros when rows are on average sparser than this.
 */
const SPARSE_BELOW = 0.25;

export interface NewtonWorkspace {
  readonly p: number;
  readonly sparse: boolean;
  /** Penalised score Xᵀw(y − μ) − λβ′ at the last pass's β. */
  readonly gradient: Float64Array;
  /** Penalised information XᵀWX + λI′ (W = w μ(1 − μ)), p × p row-major, both triangles. */
  readonly information: Float64Array;
  /** The largest |xᵀβ| of a row with weight > 0 at the last pass: fitted probabilities at 0 or 1. */
  maxAbsEta: number;
  readonly index: Int32Array;
  readonly value: Float64Array;
  /** Block of √(wμ(1 − μ))·x, column-major (BLOCK_ROWS per column), for the dense kernel. */
  readonly block: Float64Array;
}

/** Scratch for {@link newtonPass}; the kernel is chosen from the rows' density unless given. */
export function newtonWorkspace(design: DesignMatrix, kernel?: 'dense' | 'sparse'): NewtonWorkspace {
  const p = design.columns.length;
  return {
    p,
    sparse: kernel ? kernel === 'sparse' : meanSquaredNonZeros(design) < SPARSE_BELOW * p * p,
    gradient: new Float64Array(p),
    information: new Float64Array(p * p),
    maxAbsEta: 0,
    index: new Int32Array(p),
    value: new Float64Array(p),
    block: new Float64Array(BLOCK_ROWS * p),
  };
}

/**
 * The penalised deviance −2Σ wᵢ[yᵢ log μᵢ + (1 − yᵢ) log(1 − μᵢ)] + λΣ_{j≥1} βⱼ² at β (returned),
 * with the score and information written into the workspace. Column 0, the intercept, is not
 * penalised.
 */
export function newtonPass(design: DesignMatrix, beta: Float64Array, lambda: number, work: NewtonWorkspace): number {
  const { p, gradient, information } = work;
  gradient.fill(0);
  information.fill(0);
  work.maxAbsEta = 0;
  let deviance = work.sparse ? sparsePass(design, beta, work) : densePass(design, beta, work);
  for (let j = 1; j < p; j++) {
    const bj = beta[j] as number;
    gradient[j] = (gradient[j] as number) - lambda * bj;
    information[j * p + j] = (information[j * p + j] as number) + lambda;
    deviance += lambda * bj * bj;
  }
  // The kernels fill the upper triangle; the solver and the covariance read the lower.
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) information[j * p + i] = information[i * p + j] as number;
  }
  return deviance;
}

/** A row's contribution: −2·log-likelihood, w(y − μ) and wμ(1 − μ). Reused to avoid allocation. */
const term = { deviance: 0, residual: 0, curvature: 0 };

/** log μ = −softplus(−η), log(1 − μ) = −softplus(η): one exp serves μ and both logs, for any η. */
function rowTerm(eta: number, y: number, w: number): void {
  const e = Math.exp(-Math.abs(eta));
  const mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
  const softplusAbs = Math.abs(eta) + Math.log1p(e);
  const logMu = eta >= 0 ? eta - softplusAbs : -softplusAbs;
  const logOneMinusMu = eta >= 0 ? -softplusAbs : -(softplusAbs + eta);
  term.deviance = -2 * w * (y * logMu + (1 - y) * logOneMinusMu);
  term.residual = w * (y - mu);
  term.curvature = w * mu * (1 - mu);
}

/**
 * Dense rows: per block of rows, scale each row by √(wμ(1 − μ)) into a column-major block, then
 * add the block's cross-product two columns by two columns (four running sums per pair of
 * column pairs keep the multiply-adds in registers: ~3× a plain row-by-row update).
 */
function densePass(design: DesignMatrix, beta: Float64Array, work: NewtonWorkspace): number {
  const { p, gradient, information, block } = work;
  const { x, y, weight, rows } = design;
  let deviance = 0;
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const m = Math.min(BLOCK_ROWS, rows - start);
    for (let r = 0; r < m; r++) {
      const i = start + r;
      const offset = i * p;
      const w = weight[i] as number;
      let eta = 0;
      for (let j = 0; j < p; j++) eta += (x[offset + j] as number) * (beta[j] as number);
      let scale = 0;
      if (w > 0) {
        rowTerm(eta, y[i] as number, w);
        deviance += term.deviance;
        for (let j = 0; j < p; j++) gradient[j] = (gradient[j] as number) + term.residual * (x[offset + j] as number);
        scale = Math.sqrt(term.curvature);
        if (Math.abs(eta) > work.maxAbsEta) work.maxAbsEta = Math.abs(eta);
      }
      for (let j = 0; j < p; j++) block[j * BLOCK_ROWS + r] = (x[offset + j] as number) * scale;
    }
    addBlockCrossProduct(block, m, p, information);
  }
  return deviance;
}

function addBlockCrossProduct(block: Float64Array, m: number, p: number, information: Float64Array): void {
  for (let a = 0; a < p; a += 2) {
    const a1 = Math.min(a + 1, p - 1);
    const oa = a * BLOCK_ROWS;
    const oa1 = a1 * BLOCK_ROWS;
    for (let b = a; b < p; b += 2) {
      const b1 = Math.min(b + 1, p - 1);
      const ob = b * BLOCK_ROWS;
      const ob1 = b1 * BLOCK_ROWS;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let r = 0; r < m; r++) {
        const za = block[oa + r] as number;
        const za1 = block[oa1 + r] as number;
        const zb = block[ob + r] as number;
        const zb1 = block[ob1 + r] as number;
        s00 += za * zb;
        s01 += za * zb1;
        s10 += za1 * zb;
        s11 += za1 * zb1;
      }
      // Only entries on or above the diagonal count; (a1, b) with b < a1 is skipped (b = a).
      information[a * p + b] = (information[a * p + b] as number) + s00;
      if (b1 !== b) information[a * p + b1] = (information[a * p + b1] as number) + s01;
      if (a1 !== a && b >= a1) information[a1 * p + b] = (information[a1 * p + b] as number) + s10;
      if (a1 !== a && b1 !== b) information[a1 * p + b1] = (information[a1 * p + b1] as number) + s11;
    }
  }
}

/** Sparse rows (mostly indicator columns): visit each row's non-zeros only, nnz²/2 per row. */
function sparsePass(design: DesignMatrix, beta: Float64Array, work: NewtonWorkspace): number {
  const { p, index, value, gradient, information } = work;
  const { x, y, weight, rows } = design;
  let deviance = 0;
  for (let i = 0, offset = 0; i < rows; i++, offset += p) {
    const w = weight[i] as number;
    if (!(w > 0)) continue;
    let nz = 0;
    let eta = 0;
    for (let j = 0; j < p; j++) {
      const v = x[offset + j] as number;
      if (v !== 0) {
        index[nz] = j;
        value[nz] = v;
        nz++;
        eta += v * (beta[j] as number);
      }
    }
    rowTerm(eta, y[i] as number, w);
    deviance += term.deviance;
    if (Math.abs(eta) > work.maxAbsEta) work.maxAbsEta = Math.abs(eta);
    for (let a = 0; a < nz; a++) {
      const ja = index[a] as number;
      const va = value[a] as number;
      gradient[ja] = (gradient[ja] as number) + term.residual * va;
      const hv = term.curvature * va;
      const row = ja * p;
      // Indices ascend, so this fills the upper triangle only.
      for (let b = a; b < nz; b++) {
        const k = row + (index[b] as number);
        information[k] = (information[k] as number) + hv * (value[b] as number);
      }
    }
  }
  return deviance;
}

/** Mean over rows of (non-zeros in the row)²: what the sparse kernel's cost is proportional to. */
function meanSquaredNonZeros(design: DesignMatrix): number {
  const p = design.columns.length;
  if (design.rows === 0) return 0;
  let total = 0;
  for (let i = 0, offset = 0; i < design.rows; i++, offset += p) {
    let nz = 0;
    for (let j = 0; j < p; j++) if (design.x[offset + j] !== 0) nz++;
    total += nz * nz;
  }
  return total / design.rows;
}
