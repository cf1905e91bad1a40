import { UprateError } from '../core/errors.js';
import { zCritical } from '../stats/index.js';
import { cholesky, choleskyInverse, choleskySolve } from './cholesky.js';
import { newtonPass, newtonWorkspace } from './newton-pass.js';
import type { DesignMatrix, Estimate, LogisticFit } from './types.js';

/** The name column 0 of every {@link DesignMatrix} carries; it is never penalised. */
export const INTERCEPT = '(intercept)';

/** Newton steps before giving up (`converged: false`). */
export const MAX_ITERATIONS = 50;

/** Stop when the penalised deviance changes by less than this, relative (R's `glm.control` form). */
export const DEVIANCE_TOLERANCE = 1e-10;

/**
 * Without a penalty, a fitted |xᵀβ| beyond this (a probability within 1e-13 of 0 or 1) means the
 * columns separate the outcomes: the likelihood has no maximum and β runs off to infinity (R's
 * glm warns at the same point, "fitted probabilities numerically 0 or 1 occurred").
 */
export const SEPARATION_ETA = 30;

/** A fit with what interval arithmetic needs beyond the contract. */
export interface FittedLogistic extends LogisticFit {
  /** (XᵀWX + λI′)⁻¹ at the solution, p × p row-major: the coefficients' covariance. */
  readonly covariance: Float64Array;
  /** −2 Σ wᵢ log-likelihoodᵢ at the solution, without the penalty. */
  readonly deviance: number;
}

export interface LogisticOptions {
  /** L2 penalty λ (≥ 0) on every coefficient but the intercept; default 0. */
  readonly lambda?: number;
  /** Default {@link MAX_ITERATIONS}. */
  readonly maxIterations?: number;
}

/**
 * L2-penalised logistic regression with frequency weights, by Newton's method (IRLS):
 * minimises −2Σ wᵢ[yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)] + λ Σ_{j≥1} βⱼ² (the penalised deviance,
 * twice the objective in the contract's wording). Starts at β = 0 with the intercept at the
 * weighted base rate's logit, halves a step that would raise the deviance, and stops when the
 * deviance changes by less than {@link DEVIANCE_TOLERANCE} relative (then takes one last step)
 * or after `maxIterations` steps (`converged: false`). The information matrix and the standard
 * errors are those at the returned coefficients.
 * With λ = 0 it matches statsmodels `GLM(y, X, family=Binomial(), freq_weights=w)`.
 *
 * @example
 * const fit = fitLogistic(design, { lambda: 1 });
 * predictProbability(fit, row); // a probability in (0, 1)
 * @throws UprateError BAD_ARGUMENT on a malformed matrix, outcomes of one kind only, or — with
 * λ = 0 — a singular information matrix (collinear columns) or separated outcomes
 * ({@link SEPARATION_ETA}).
 */
export function fitLogistic(design: DesignMatrix, options: LogisticOptions = {}): FittedLogistic {
  const lambda = options.lambda ?? 0;
  const maxIterations = options.maxIterations ?? MAX_ITERATIONS;
  const p = design.columns.length;
  const positiveShare = checkDesign(design, lambda);
  const work = newtonWorkspace(design);
  let beta = new Float64Array(p);
  beta[0] = Math.log(positiveShare / (1 - positiveShare));
  let deviance = newtonPass(design, beta, lambda, work);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const step = choleskySolve(factor(work.information, design, lambda), p, work.gradient);
    let next = beta;
    let nextDeviance = deviance;
    // Step halving: Newton can overshoot far from the optimum (large λ = 0 coefficients).
    for (let t = 1, tries = 0; tries < 30; t /= 2, tries++) {
      const candidate = beta.map((b, j) => b + t * (step[j] as number));
      const d = newtonPass(design, candidate, lambda, work);
      if (notWorse(d, deviance)) {
        next = candidate;
        nextDeviance = d;
        break;
      }
    }
    if (next === beta) {
      // No step lowers the deviance: we sit at its floating-point floor. Restore the workspace.
      newtonPass(design, beta, lambda, work);
      converged = true;
      break;
    }
    converged = Math.abs(deviance - nextDeviance) / (Math.abs(nextDeviance) + 0.1) < DEVIANCE_TOLERANCE;
    beta = next;
    deviance = nextDeviance;
  }
  if (converged) {
    // The deviance test leaves the coefficients ~1e-8 from the optimum (it is quadratic in their
    // error); one more Newton step, quadratically convergent, takes them to rounding level.
    const step = choleskySolve(factor(work.information, design, lambda), p, work.gradient);
    const polished = beta.map((b, j) => b + (step[j] as number));
    const d = newtonPass(design, polished, lambda, work);
    if (notWorse(d, deviance)) {
      beta = polished;
      deviance = d;
    } else newtonPass(design, beta, lambda, work);
  }
  if (lambda === 0 && work.maxAbsEta > SEPARATION_ETA) throw separated(design, work.maxAbsEta);
  const covariance = choleskyInverse(factor(work.information, design, lambda), p);
  const penalty = lambda * sumOfSquares(beta);
  return {
    columns: design.columns,
    coefficients: beta,
    standardErrors: Float64Array.from({ length: p }, (_, j) => Math.sqrt(covariance[j * p + j] as number)),
    lambda,
    iterations,
    converged,
    logLikelihood: -deviance / 2,
    covariance,
    deviance: deviance - penalty,
  };
}

/** xᵀβ for one row of the design's columns. */
export function linearPredictor(fit: LogisticFit, row: ArrayLike<number>): number {
  checkRow(fit, row);
  let eta = 0;
  for (let j = 0; j < row.length; j++) eta += (fit.coefficients[j] as number) * (row[j] as number);
  return eta;
}

/** The model's probability for one row: 1 / (1 + e^(−xᵀβ)). */
export function predictProbability(fit: LogisticFit, row: ArrayLike<number>): number {
  return expit(linearPredictor(fit, row));
}

/** xᵀΣx: the variance of xᵀβ, Σ the fit's covariance (what a delta-method interval needs). */
export function linearPredictorVariance(fit: FittedLogistic, row: ArrayLike<number>): number {
  checkRow(fit, row);
  const p = row.length;
  let v = 0;
  for (let i = 0; i < p; i++) {
    const xi = row[i] as number;
    if (xi === 0) continue;
    let s = 0;
    for (let j = 0; j < p; j++) s += (fit.covariance[i * p + j] as number) * (row[j] as number);
    v += xi * s;
  }
  // Σ is positive definite, so v ≥ 0 but for rounding when x is tiny.
  return Math.max(0, v);
}

/** √(xᵀΣx): the standard error of xᵀβ. */
export function linearPredictorStandardError(fit: FittedLogistic, row: ArrayLike<number>): number {
  return Math.sqrt(linearPredictorVariance(fit, row));
}

/**
 * The probability with a delta-method interval: xᵀβ ± z·se on the log-odds scale, mapped
 * through the logistic function (so the interval stays inside (0, 1), unlike p ± z·p(1−p)·se).
 */
export function probabilityInterval(fit: FittedLogistic, row: ArrayLike<number>, level = 0.95): Estimate {
  const eta = linearPredictor(fit, row);
  const half = zCritical(level) * linearPredictorStandardError(fit, row);
  return { value: expit(eta), lower: expit(eta - half), upper: expit(eta + half) };
}

/** 1 / (1 + e^(−η)) without overflow for large |η|. */
export function expit(eta: number): number {
  if (eta >= 0) return 1 / (1 + Math.exp(-eta));
  const e = Math.exp(eta);
  return e / (1 + e);
}

function separated(design: DesignMatrix, maxAbsEta: number): UprateError {
  return new UprateError(
    'BAD_ARGUMENT',
    `the columns separate accepted from not accepted offers (perfectly or almost): without a penalty the coefficients run off to infinity (a fitted log-odds reached ${maxAbsEta.toFixed(0)})`,
    { location: 'fitLogistic', hint: 'fit with lambda > 0 (an L2 penalty)', details: { columns: design.columns, maxAbsEta } },
  );
}

/** Cholesky of the information, or the typed error naming the column that made it singular. */
function factor(information: Float64Array, design: DesignMatrix, lambda: number): Float64Array {
  const p = design.columns.length;
  const result = cholesky(information, p);
  if (result.ok) return result.l;
  const column = design.columns[result.column] ?? `#${result.column}`;
  throw new UprateError(
    'BAD_ARGUMENT',
    `the logistic regression's information matrix is singular at column "${column}": it is constant, a combination of earlier columns, or separates the outcomes perfectly`,
    {
      location: 'fitLogistic',
      hint: lambda > 0 ? 'drop the column or raise lambda' : 'fit with lambda > 0 (an L2 penalty), or drop the column',
      details: { column, lambda },
    },
  );
}

/** Checks shapes and values; returns the weighted share of accepted offers (strictly inside (0, 1)). */
function checkDesign(design: DesignMatrix, lambda: number): number {
  const { columns, rows, x, y, weight } = design;
  const p = columns.length;
  const bad = (message: string): never => {
    throw new UprateError('BAD_ARGUMENT', message, { location: 'fitLogistic' });
  };
  if (!(Number.isFinite(lambda) && lambda >= 0)) bad(`lambda must be a finite number ≥ 0, not ${lambda}`);
  if (columns[0] !== INTERCEPT) bad(`column 0 must be "${INTERCEPT}", not ${JSON.stringify(columns[0])}`);
  if (!Number.isSafeInteger(rows) || rows < 0) bad(`rows must be a whole number ≥ 0, not ${rows}`);
  if (x.length !== rows * p) bad(`x holds ${x.length} values, not rows × columns = ${rows} × ${p}`);
  if (y.length !== rows || weight.length !== rows) bad(`y and weight must hold one value per row (${rows}), not ${y.length} and ${weight.length}`);
  let accepted = 0;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = weight[i] as number;
    const yi = y[i] as number;
    if (!(Number.isFinite(w) && w >= 0)) bad(`weight of row ${i} must be a finite number ≥ 0, not ${w}`);
    if (!(yi >= 0 && yi <= 1)) bad(`y of row ${i} must lie in [0, 1], not ${yi}`);
    accepted += w * yi;
    total += w;
  }
  for (let k = 0; k < x.length; k++) if (!Number.isFinite(x[k] as number)) bad(`x holds a non-finite value at row ${Math.floor(k / p)}`);
  if (!(accepted > 0 && accepted < total)) {
    throw new UprateError('BAD_ARGUMENT', `the logistic regression needs both accepted and not accepted offers; these ${rows} rows have ${accepted} accepted of ${total}`, {
      location: 'fitLogistic',
      hint: 'fit only offers with both outcomes in the training window, or score with the base rate',
    });
  }
  return accepted / total;
}

function checkRow(fit: LogisticFit, row: ArrayLike<number>): void {
  if (row.length !== fit.coefficients.length) {
    throw new UprateError('BAD_ARGUMENT', `a row must hold ${fit.coefficients.length} values (one per column), not ${row.length}`, { location: 'linearPredictor' });
  }
}

/**
 * A step is kept unless it raises the deviance by more than the convergence tolerance: near the
 * optimum, summing ~1e6 rows' terms makes the deviance wobble in its last digits, and halving a
 * step over rounding noise only costs passes.
 */
function notWorse(next: number, current: number): boolean {
  return next <= current + DEVIANCE_TOLERANCE * (Math.abs(current) + 0.1);
}

function sumOfSquares(beta: Float64Array): number {
  let s = 0;
  for (let j = 1; j < beta.length; j++) s += (beta[j] as number) ** 2;
  return s;
}
