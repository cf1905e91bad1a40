import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UprateError } from '../core/errors.js';
import {
  expit,
  fitLogistic,
  INTERCEPT,
  linearPredictor,
  linearPredictorStandardError,
  predictProbability,
  probabilityInterval,
} from './logistic.js';
import { newtonPass, newtonWorkspace } from './newton-pass.js';
import type { DesignMatrix } from './types.js';

/** Made by reference/make-reference.py (statsmodels 0.13.5; see its header). */
interface ReferenceCase {
  readonly name: string;
  readonly weighted: boolean;
  readonly lambda: number;
  readonly coefficients: number[];
  readonly standardErrors: number[];
  readonly logLikelihood: number;
  readonly deviance: number;
}
interface Reference {
  readonly columns: string[];
  readonly rows: number;
  readonly x: number[];
  readonly y: number[];
  readonly weight: number[];
  readonly cases: ReferenceCase[];
}
const reference = JSON.parse(readFileSync(new URL('./reference/logistic-reference.json', import.meta.url), 'utf8')) as Reference;

function referenceDesign(weighted: boolean): DesignMatrix {
  return {
    columns: reference.columns,
    rows: reference.rows,
    x: Float64Array.from(reference.x),
    y: Float64Array.from(reference.y),
    weight: weighted ? Float64Array.from(reference.weight) : new Float64Array(reference.rows).fill(1),
  };
}

/** Relative closeness; the floor keeps a near-zero reference from demanding absolute 1e-12. */
function closeAll(actual: ArrayLike<number>, expected: readonly number[], rel: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, j) => {
    const a = actual[j] as number;
    assert.ok(Math.abs(a - e) <= rel * Math.max(Math.abs(e), 1e-2), `${what}[${j}]: ${a} vs ${e}`);
  });
}

function design(columns: string[], rows: number[][], y: number[], weight?: number[]): DesignMatrix {
  return {
    columns,
    rows: rows.length,
    x: Float64Array.from(rows.flat()),
    y: Float64Array.from(y),
    weight: Float64Array.from(weight ?? y.map(() => 1)),
  };
}

function rowOf(d: DesignMatrix, i: number): Float64Array {
  const p = d.columns.length;
  return d.x.slice(i * p, (i + 1) * p);
}

/** A small deterministic generator for the synthetic cases (not the library's: tests stand alone). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

for (const c of reference.cases) {
  test(`statsmodels reference: ${c.name} (λ = ${c.lambda})`, () => {
    const fit = fitLogistic(referenceDesign(c.weighted), { lambda: c.lambda });
    assert.equal(fit.converged, true);
    assert.ok(fit.iterations <= 10, `iterations ${fit.iterations}`);
    assert.deepEqual(fit.columns, reference.columns);
    assert.equal(fit.lambda, c.lambda);
    closeAll(fit.coefficients, c.coefficients, 1e-6, 'coefficients');
    closeAll(fit.standardErrors, c.standardErrors, 1e-5, 'standard errors');
    closeAll([fit.logLikelihood], [c.logLikelihood], 1e-9, 'penalised log-likelihood');
    closeAll([fit.deviance], [c.deviance], 1e-9, 'deviance');
  });
}

test('frequency weights are the same as repeating rows', () => {
  const weighted = referenceDesign(true);
  const p = weighted.columns.length;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < weighted.rows; i++) {
    for (let k = 0; k < (weighted.weight[i] as number); k++) {
      x.push(...rowOf(weighted, i));
      y.push(weighted.y[i] as number);
    }
  }
  const expanded: DesignMatrix = { columns: weighted.columns, rows: y.length, x: Float64Array.from(x), y: Float64Array.from(y), weight: new Float64Array(y.length).fill(1) };
  for (const lambda of [0, 3]) {
    const a = fitLogistic(weighted, { lambda });
    const b = fitLogistic(expanded, { lambda });
    closeAll(a.coefficients, [...b.coefficients], 1e-9, `coefficients λ=${lambda}`);
    closeAll(a.standardErrors, [...b.standardErrors], 1e-9, `standard errors λ=${lambda}`);
    closeAll([a.logLikelihood], [b.logLikelihood], 1e-11, `log-likelihood λ=${lambda}`);
  }
  assert.equal(x.length, y.length * p);
});

test('a zero weight drops the row', () => {
  const d = referenceDesign(true);
  const weight = Float64Array.from(d.weight);
  weight[0] = 0;
  weight[1] = 0;
  const dropped: DesignMatrix = { ...d, rows: d.rows - 2, x: d.x.slice(2 * d.columns.length), y: d.y.slice(2), weight: d.weight.slice(2) };
  closeAll(fitLogistic({ ...d, weight }, { lambda: 1 }).coefficients, [...fitLogistic(dropped, { lambda: 1 }).coefficients], 1e-12, 'coefficients');
});

test('the penalised fit solves the penalised score equations, and leaves the intercept alone', () => {
  const d = referenceDesign(true);
  const p = d.columns.length;
  const lambda = 25;
  const fit = fitLogistic(d, { lambda });
  const score = new Float64Array(p);
  for (let i = 0; i < d.rows; i++) {
    const row = rowOf(d, i);
    const r = (d.weight[i] as number) * ((d.y[i] as number) - predictProbability(fit, row));
    row.forEach((v, j) => (score[j] = (score[j] as number) + r * v));
  }
  score.forEach((s, j) => {
    const penalty = j === 0 ? 0 : lambda * (fit.coefficients[j] as number);
    assert.ok(Math.abs(s - penalty) < 1e-8, `score[${j}] ${s} vs λβ ${penalty}`);
  });
  // A huge penalty shrinks every slope to ~0; the intercept is then the base rate's logit.
  const flat = fitLogistic(d, { lambda: 1e9 });
  let accepted = 0;
  let total = 0;
  d.y.forEach((y, i) => {
    accepted += y * (d.weight[i] as number);
    total += d.weight[i] as number;
  });
  const base = accepted / total;
  assert.ok(Math.abs((flat.coefficients[0] as number) - Math.log(base / (1 - base))) < 1e-6);
  for (let j = 1; j < p; j++) assert.ok(Math.abs(flat.coefficients[j] as number) < 1e-6);
});

test('fits are deterministic to the bit', () => {
  const a = fitLogistic(referenceDesign(true), { lambda: 2 });
  const b = fitLogistic(referenceDesign(true), { lambda: 2 });
  assert.deepEqual([...a.coefficients], [...b.coefficients]);
  assert.deepEqual([...a.covariance], [...b.covariance]);
});

test('a duplicated column: singular without a penalty (the error names it), shared equally with one', () => {
  const rand = lcg(7);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 200; i++) {
    const z = rand() * 2 - 1;
    rows.push([1, z, z, rand()]);
    y.push(rand() < expit(0.5 * z) ? 1 : 0);
  }
  const d = design([INTERCEPT, 'a', 'a copy', 'b'], rows, y);
  assert.throws(
    () => fitLogistic(d),
    (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && /singular at column "a copy"/.test(e.message) && /lambda > 0/.test(e.hint ?? ''),
  );
  const fit = fitLogistic(d, { lambda: 1 });
  assert.equal(fit.converged, true);
  assert.ok(Math.abs((fit.coefficients[1] as number) - (fit.coefficients[2] as number)) < 1e-9);
  // A constant zero column (a category absent from the training rows) is singular too.
  const zero = design([INTERCEPT, 'never seen', 'b'], rows.map((r) => [1, 0, r[3] as number]), y);
  assert.throws(() => fitLogistic(zero), /singular at column "never seen"/);
  assert.equal(fitLogistic(zero, { lambda: 0.5 }).coefficients[1], 0);
});

test('perfect separation: refused without a penalty, finite and converged with one', () => {
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 60; i++) {
    const z = (i - 29.5) / 10;
    rows.push([1, z, Math.sin(i)]);
    y.push(z > 0 ? 1 : 0);
  }
  const d = design([INTERCEPT, 'z', 'noise'], rows, y);
  assert.throws(
    () => fitLogistic(d),
    (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && /separate accepted from not accepted/.test(e.message) && /lambda > 0/.test(e.hint ?? ''),
  );
  const fit = fitLogistic(d, { lambda: 1 });
  assert.equal(fit.converged, true);
  assert.ok(fit.coefficients.every(Number.isFinite));
  assert.ok((fit.coefficients[1] as number) > 2);
});

test('bad input: one outcome only, no intercept first, shapes, values', () => {
  const rows = [[1, 0.5], [1, -0.5], [1, 1]];
  const bad = (d: DesignMatrix, pattern: RegExp, lambda = 0) =>
    assert.throws(() => fitLogistic(d, { lambda }), (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && pattern.test(e.message));
  bad(design([INTERCEPT, 'a'], rows, [0, 0, 0]), /both accepted and not accepted/);
  bad(design([INTERCEPT, 'a'], rows, [1, 1, 1]), /both accepted and not accepted/, 1);
  bad(design(['a', INTERCEPT], rows, [0, 1, 0]), /column 0 must be "\(intercept\)"/);
  bad({ ...design([INTERCEPT, 'a'], rows, [0, 1, 0]), rows: 4 }, /x holds 6 values/);
  bad(design([INTERCEPT, 'a'], rows, [0, 1, 0], [1, -1, 1]), /weight of row 1/);
  bad(design([INTERCEPT, 'a'], rows, [0, 2, 0]), /y of row 1/);
  bad(design([INTERCEPT, 'a'], [[1, 0.5], [1, NaN], [1, 1]], [0, 1, 0]), /non-finite value at row 1/);
  bad(design([INTERCEPT, 'a'], rows, [0, 1, 0]), /lambda must be/, -1);
});

test('max iterations: stops and says it did not converge', () => {
  const fit = fitLogistic(referenceDesign(false), { maxIterations: 1 });
  assert.equal(fit.iterations, 1);
  assert.equal(fit.converged, false);
});

test('prediction, the linear predictor and its standard error', () => {
  const d = referenceDesign(false);
  const fit = fitLogistic(d, { lambda: 1 });
  const p = d.columns.length;
  const row = rowOf(d, 3);
  const eta = row.reduce((s, v, j) => s + v * (fit.coefficients[j] as number), 0);
  assert.ok(Math.abs(linearPredictor(fit, row) - eta) < 1e-12);
  assert.ok(Math.abs(linearPredictor(fit, [...row]) - eta) < 1e-12, 'plain arrays too');
  assert.ok(Math.abs(predictProbability(fit, row) - 1 / (1 + Math.exp(-eta))) < 1e-15);
  // A unit row's standard error is the coefficient's; a general row's is √(xᵀΣx).
  for (let j = 0; j < p; j++) {
    const unit = new Float64Array(p);
    unit[j] = 1;
    assert.ok(Math.abs(linearPredictorStandardError(fit, unit) - (fit.standardErrors[j] as number)) < 1e-15);
  }
  let quad = 0;
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) quad += (row[i] as number) * (fit.covariance[i * p + j] as number) * (row[j] as number);
  assert.ok(Math.abs(linearPredictorStandardError(fit, row) - Math.sqrt(quad)) < 1e-14);
  // The covariance inverts the penalised information: symmetric, positive diagonal.
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) assert.equal(fit.covariance[i * p + j], fit.covariance[j * p + i]);
  const interval = probabilityInterval(fit, row);
  const half = 1.959963984540054 * Math.sqrt(quad);
  assert.ok(Math.abs(interval.value - expit(eta)) < 1e-15);
  assert.ok(Math.abs(interval.lower - expit(eta - half)) < 1e-12 && Math.abs(interval.upper - expit(eta + half)) < 1e-12);
  assert.ok(interval.lower < interval.value && interval.value < interval.upper);
  assert.throws(() => predictProbability(fit, [1, 2]), /must hold 6 values/);
});

test('expit does not overflow', () => {
  assert.equal(expit(0), 0.5);
  assert.equal(expit(800), 1);
  assert.equal(expit(-800), 0);
  assert.ok(Math.abs(expit(-30) - Math.exp(-30) / (1 + Math.exp(-30))) < 1e-25);
});

test('the dense and the sparse kernels agree (odd and even column counts)', () => {
  const rand = lcg(11);
  for (const p of [6, 7]) {
    const rows: number[][] = [];
    const y: number[] = [];
    // 600 rows: more than two dense blocks, and a last block part full.
    for (let i = 0; i < 600; i++) {
      const level = Math.floor(rand() * 3);
      const row = [1, rand() - 0.5, level === 1 ? 1 : 0, level === 2 ? 1 : 0];
      while (row.length < p) row.push(rand() < 0.3 ? rand() : 0);
      rows.push(row);
      y.push(rand() < 0.3 ? 1 : 0);
    }
    const d = design([INTERCEPT, ...Array.from({ length: p - 1 }, (_, j) => `c${j}`)], rows, y, y.map((_, i) => (i % 5 === 0 ? 0 : 1 + (i % 3))));
    const beta = Float64Array.from({ length: p }, (_, j) => 0.3 - 0.1 * j);
    const dense = newtonWorkspace(d, 'dense');
    const sparse = newtonWorkspace(d, 'sparse');
    const a = newtonPass(d, beta, 2, dense);
    const b = newtonPass(d, beta, 2, sparse);
    assert.ok(Math.abs(a - b) < 1e-10 * a);
    closeAll(dense.gradient, [...sparse.gradient], 1e-10, `gradient p=${p}`);
    closeAll(dense.information, [...sparse.information], 1e-10, `information p=${p}`);
    // And both equal the textbook sum over rows.
    const info = new Float64Array(p * p);
    rows.forEach((row, i) => {
      const eta = row.reduce((s, v, j) => s + v * (beta[j] as number), 0);
      const h = (d.weight[i] as number) * expit(eta) * (1 - expit(eta));
      for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) info[r * p + c] = (info[r * p + c] as number) + h * (row[r] as number) * (row[c] as number);
    });
    for (let j = 1; j < p; j++) info[j * p + j] = (info[j * p + j] as number) + 2;
    closeAll(dense.information, [...info], 1e-10, `textbook information p=${p}`);
  }
});
