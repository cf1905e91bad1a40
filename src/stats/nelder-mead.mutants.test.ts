// Tests for nelderMead's defaults and steps, traced by hand in one dimension (coefficients 1, 2,
// ½, ½: reflect, expand, contract, shrink), beyond the shifted quadratic of
// empirical-bayes-prior.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nelderMead } from './nelder-mead.js';

const square = (x: readonly number[]) => (x[0] ?? 0) ** 2;

test('nelderMead: the first simplex is the start and the start plus the default step 0.5', () => {
  // f = (x − 1.5)²: the simplex {1, 1.5}; with no iteration the better vertex, 1.5, is returned.
  const m = nelderMead((x) => ((x[0] ?? 0) - 1.5) ** 2, [1], { maxIterations: 0 });
  assert.deepEqual(m, { x: [1.5], value: 0, iterations: 0, converged: false });
});

test('nelderMead on x² from 1, by hand: expand, then halve the worst vertex until 1e-12', () => {
  // Simplex {1 (1), 1.5 (2.25)}. Iteration 1: centroid 1, reflected 0.5 (0.25) beats the best, so
  // expand to 0 (0), which beats the reflection: {0, 1}. Every later iteration reflects the worst
  // vertex h to −h (h², not better than 0 nor than the worst), and contracts inside to h/2:
  // after iteration n the worst vertex is 0.5^(n − 1). The check before iteration n + 1 stops once
  // 0.5^(n − 1) ≤ 1e-12 (the default tolerance): n − 1 = 40, so 41 iterations.
  assert.deepEqual(nelderMead(square, [1]), { x: [0], value: 0, iterations: 41, converged: true });
  // With tolerance 1e-3: 0.5^10 = 9.8e-4 ≤ 1e-3 after 11 iterations.
  assert.deepEqual(nelderMead(square, [1], { tolerance: 1e-3 }), { x: [0], value: 0, iterations: 11, converged: true });
  // Stopped after 3 iterations: {0, 0.25}, not converged.
  assert.deepEqual(nelderMead(square, [1], { maxIterations: 3 }), { x: [0], value: 0, iterations: 3, converged: false });
});

test('nelderMead: an outside contraction (step 2 from 1 on x²)', () => {
  // Simplex {1 (1), 3 (9)}: reflected −1 (1) is no better than the best (1) but better than the
  // worst (9): contract outside to 0 (0), better than the reflection: {0, 1} after one iteration.
  assert.deepEqual(nelderMead(square, [1], { step: 2, maxIterations: 1 }), { x: [0], value: 0, iterations: 1, converged: false });
});

test('nelderMead: the default limit is 5000 iterations', () => {
  // −x has no minimum: the simplex runs off to −∞ … +∞ and never converges.
  const m = nelderMead((x) => -(x[0] ?? 0), [0]);
  assert.equal(m.iterations, 5000);
  assert.equal(m.converged, false);
});

/** A function given by its values at a few points (exact binary fractions), 100 elsewhere. */
const table = (values: Record<string, number>) => (x: readonly number[]) => values[x.join(',')] ?? 100;

test('nelderMead: a reflection that ties the expansion is kept (the expansion must be strictly better)', () => {
  // Simplex {1 (2), 1.5 (5)}: centroid 1, reflected 0.5 (1) beats the best, expanded 0 (1) only
  // ties it: keep 0.5.
  const f = table({ '1': 2, '1.5': 5, '0.5': 1, '0': 1 });
  assert.deepEqual(nelderMead(f, [1], { maxIterations: 1 }), { x: [0.5], value: 1, iterations: 1, converged: false });
});

test('nelderMead: a reflection that only ties the best vertex is contracted, not expanded or taken', () => {
  // Simplex {1 (2), 1.5 (5)}: reflected 0.5 (2) is not better than the best (2) — nor, in one
  // dimension, than the second, the same vertex — but better than the worst: contract outside to
  // 0.75 (1), better than the reflection. (Expanding would reach 0, valued 0.)
  const f = table({ '1': 2, '1.5': 5, '0.5': 2, '0': 0, '0.75': 1 });
  assert.deepEqual(nelderMead(f, [1], { maxIterations: 1 }), { x: [0.75], value: 1, iterations: 1, converged: false });
});

test('nelderMead: a reflection that ties the worst vertex contracts inside, towards the worst', () => {
  // Simplex {1 (2), 1.5 (5)}: reflected 0.5 (5) is no better than the worst: contract inside to
  // 1.25 (1), better than the worst. (Outside would be 0.75, valued 3.)
  const f = table({ '1': 2, '1.5': 5, '0.5': 5, '1.25': 1, '0.75': 3 });
  assert.deepEqual(nelderMead(f, [1], { maxIterations: 1 }), { x: [1.25], value: 1, iterations: 1, converged: false });
});

test('nelderMead: an outside contraction that only ties the reflection is refused: the simplex shrinks to the best vertex', () => {
  // Simplex {1 (2), 1.5 (5)}: reflected 0.5 (3), outside contraction 0.75 (3) is not better than
  // the reflection: shrink 1.5 halfway to the best, 1.25 (1).
  const f = table({ '1': 2, '1.5': 5, '0.5': 3, '0.75': 3, '1.25': 1 });
  assert.deepEqual(nelderMead(f, [1], { maxIterations: 1 }), { x: [1.25], value: 1, iterations: 1, converged: false });
});

test('nelderMead in two dimensions, by hand: a reflection between the best and the second is taken; a failed contraction shrinks', () => {
  // Start (0, 0), step 1: A = (0, 0) 1, B = (1, 0) 2, C = (0, 1) 3.
  // 1: centroid of A and B (0.5, 0), reflected (1, −1) 1.5: not better than A, better than B: taken.
  // 2: A 1, (1, −1) 1.5, B 2 worst; centroid (0.5, −0.5), reflected (0, −1) 2.5, no better than the
  //    second, better than B: contract outside to (0.25, −0.75) 3, not better than the reflection:
  //    shrink towards A: (1, −1) → (0.5, −0.5) 0.5, B → (0.5, 0) 0.75; A stays.
  const f = table({ '0,0': 1, '1,0': 2, '0,1': 3, '1,-1': 1.5, '0,-1': 2.5, '0.25,-0.75': 3, '0.5,-0.5': 0.5, '0.5,0': 0.75 });
  assert.deepEqual(nelderMead(f, [0, 0], { step: 1, maxIterations: 2 }), { x: [0.5, -0.5], value: 0.5, iterations: 2, converged: false });
  // After one step: the reflection is the second vertex, A still the best.
  assert.deepEqual(nelderMead(f, [0, 0], { step: 1, maxIterations: 1 }), { x: [0, 0], value: 1, iterations: 1, converged: false });
});

test('nelderMead: converged means every vertex within the tolerance of the best in every coordinate, and the values too (ties count)', () => {
  const flat = () => 1;
  // Start (1, 1), step 1: each other vertex is 1 away from the best in one coordinate: converged
  // at tolerance 1 (not at 0.5), before any step.
  assert.deepEqual(nelderMead(flat, [1, 1], { step: 1, tolerance: 1 }), { x: [1, 1], value: 1, iterations: 0, converged: true });
  // At 0.5 one step is taken (a flat function: the contractions are no better, so it shrinks).
  assert.deepEqual(nelderMead(flat, [1, 1], { step: 1, tolerance: 0.5, maxIterations: 1 }), { x: [1, 1], value: 1, iterations: 1, converged: false });
  // Values 1 and 2 at 1 and 1.5: spread 0.5 and |2 − 1| = 1 = 0.5·(1 + |1|): converged at 0.5.
  assert.deepEqual(nelderMead(table({ '1': 1, '1.5': 2 }), [1], { tolerance: 0.5, maxIterations: 1 }), { x: [1], value: 1, iterations: 0, converged: true });
  // The same spread with values 1 and 2.5: |2.5 − 1| = 1.5 > 1, not converged: one step (0.5 and
  // 1.25 are valued 100, so it shrinks to {1, 1.25}).
  assert.deepEqual(nelderMead(table({ '1': 1, '1.5': 2.5 }), [1], { tolerance: 0.5, maxIterations: 1 }), { x: [1], value: 1, iterations: 1, converged: false });
});

test('nelderMead: no coordinates, nothing to move: the start, unconverged', () => {
  assert.deepEqual(nelderMead(() => 7, []), { x: [], value: 7, iterations: 0, converged: false });
});

test('nelderMead: expansion doubles the step while it keeps improving, so the simplex travels far in few iterations', () => {
  // (x − 1000)² from 0, step 0.5, by hand: simplex {0, 0.5}; each iteration reflects the worst
  // vertex through the best and, the reflection beating the best, expands twice as far, which
  // beats the reflection: {0.5, 1.5}, {1.5, 3.5}, {3.5, 7.5}, … the best after i iterations is
  // 2^i − 0.5. After 8: 255.5, valued 744.5² = 554280.25. (Reflecting only, it would have crept
  // 0.5 a step, to 4.5.)
  const far = (x: readonly number[]) => ((x[0] ?? 0) - 1000) ** 2;
  assert.deepEqual(nelderMead(far, [0], { maxIterations: 8 }), { x: [255.5], value: 554280.25, iterations: 8, converged: false });
});
