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
