import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, reference } from '../../test/reference/stats-reference.js';
import { adjustedIntervalLevels, correctFamily, describeFamily } from './correction-family.js';
import { adjustPValues, type AdjustMethod } from './p-value-adjustment.js';
import { compareSegments } from './segment-comparison.js';
import { newcombeInterval } from './newcombe-interval.js';
import { compareProportions } from './compare-proportions.js';

const METHODS: AdjustMethod[] = ['holm', 'bh', 'bonferroni'];

test('adjusted p-values and decisions match statsmodels multipletests (holm, fdr_bh, bonferroni)', () => {
  assert.ok(reference.multitest.length >= 8);
  for (const r of reference.multitest) {
    for (const method of METHODS) {
      const adjusted = adjustPValues(r.p, method);
      const expected = r[method];
      const rejects = r[`${method}Reject`];
      adjusted.forEach((a, i) => {
        assertClose(a, expected[i] ?? NaN, `${method} p̃[${i}] of ${JSON.stringify(r.p)}`, 1e-12, 0);
      });
      const decisions = correctFamily(r.p.map((pValue, i) => ({ label: `h${i}`, pValue })), { method, alpha: 0.05 });
      assert.deepEqual(decisions.hypotheses.map((h) => h.significant), rejects, `${method} decisions`);
    }
  }
});

test('by hand: Holm and BH on [0.01, 0.04, 0.03]', () => {
  // Holm: sorted 0.01·3, 0.03·2, 0.04·1 → 0.03, 0.06, max(0.06, 0.04) = 0.06.
  assert.deepEqual(adjustPValues([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
  // BH: 0.04·3/3 = 0.04, 0.03·3/2 = 0.045 → min 0.04, 0.01·3/1 = 0.03.
  const bh = adjustPValues([0.01, 0.04, 0.03], 'bh');
  assertClose(bh[0], 0.03, 'bh 0', 1e-15);
  assertClose(bh[1], 0.04, 'bh 1', 1e-15);
  assertClose(bh[2], 0.04, 'bh 2', 1e-15);
});

test('null p-values are left out of the family and stay null', () => {
  assert.deepEqual(adjustPValues([0.01, null, 0.04, 0.03]), [0.03, null, 0.06, 0.06]);
  const r = correctFamily([
    { label: 'email', pValue: 0.01 },
    { label: 'webinar', pValue: null },
    { label: 'sales', pValue: 0.04 },
  ]);
  assert.equal(r.family.size, 2);
  assert.deepEqual(r.family.members, ['email', 'sales']);
  assert.deepEqual(r.family.excluded, ['webinar']);
  assert.equal(r.family.description, 'Holm correction across 2 comparisons (α = 0.05): email, sales');
  assert.equal(r.hypotheses[1]?.adjustedPValue, null);
  assert.equal(r.hypotheses[1]?.intervalLevel, null);
  assert.equal(r.hypotheses[1]?.significant, false);
  assert.equal(describeFamily('bh', 0.1, ['a']), 'Benjamini–Hochberg correction across 1 comparison (α = 0.1): a');
  assert.deepEqual(adjustPValues([]), []);
});

test('interval levels: Bonferroni 1 − α/m, Holm step-down 1 − α/(m − rank + 1), BH p-matched', () => {
  const p = [0.001, 0.02, 0.03, 0.5];
  const holm = adjustPValues(p, 'holm');
  const levels = adjustedIntervalLevels(p, holm, 'holm', 0.05);
  // Holm p̃ = 0.004, 0.06, 0.06, 0.5: ranks 1 and 2 are unaffected by the running maximum.
  assertClose(levels[0], 1 - 0.05 / 4, 'rank 1', 1e-12);
  assertClose(levels[1], 1 - 0.05 / 3, 'rank 2', 1e-12);
  // Rank 3 takes p/p̃ = 0.03/0.06 (the step-down maximum), not 1/2 — same here by coincidence.
  assertClose(levels[2], 1 - 0.05 * 0.5, 'rank 3', 1e-12);
  assertClose(levels[3], 1 - 0.05, 'rank 4 (m − rank + 1 = 1)', 1e-12);
  for (const l of adjustedIntervalLevels(p, adjustPValues(p, 'bonferroni'), 'bonferroni', 0.05)) {
    assertClose(l, 1 - 0.05 / 4, 'bonferroni', 1e-12);
  }
  // Clipped at 1 → the rank's step level.
  const clipped = adjustedIntervalLevels([0.6, 0.9], adjustPValues([0.6, 0.9], 'holm'), 'holm', 0.05);
  assertClose(clipped[0], 1 - 0.05 / 2, 'clipped rank 1', 1e-12);
  assertClose(clipped[1], 1 - 0.05, 'clipped rank 2', 1e-12);
  // p underflowed to 0 → step level.
  const zero = adjustedIntervalLevels([0, 0.2], adjustPValues([0, 0.2], 'bh'), 'bh', 0.05);
  assertClose(zero[0], 1 - 0.05 / 2, 'bh rank 1 of 2', 1e-12);
});

test('the adjusted interval excludes 0 exactly when the adjusted p-value is significant', () => {
  // Many segments, large enough for the z test (the Newcombe interval's near-dual).
  const groups = [
    { label: 'smb', k: 120, n: 1000 },
    { label: 'mid_market', k: 150, n: 900 },
    { label: 'enterprise', k: 95, n: 400 },
    { label: 'startup', k: 40, n: 350 },
    { label: 'public_sector', k: 30, n: 210 },
    { label: 'partner', k: 70, n: 480 },
  ];
  for (const method of METHODS) {
    const r = compareSegments(groups, { method });
    assert.equal(r.family.size, 6);
    assert.match(r.family.description, /across 6 comparisons/);
    let significant = 0;
    for (const s of r.segments) {
      assert.ok(s.adjustedLevel !== null && s.adjustedLower !== null && s.adjustedUpper !== null);
      const excludesZero = s.adjustedLower > 0 || s.adjustedUpper < 0;
      assert.equal(excludesZero, s.significant, `${method} ${s.label}: p̃ ${s.adjustedPValue}, interval [${s.adjustedLower}, ${s.adjustedUpper}]`);
      assert.ok(s.adjustedLevel >= 0.95 - 1e-12, 'corrected intervals are never narrower than unadjusted ones here');
      if (s.significant) significant++;
    }
    assert.ok(significant >= 1 && significant < 6, `${method}: a mixed family (${significant} significant)`);
  }
});

test('compareSegments: each segment against the rest, omnibus χ², empty segments kept with nulls', () => {
  const r = compareSegments([
    { label: 'a', k: 30, n: 100 },
    { label: 'b', k: 18, n: 100 },
    { label: 'empty', k: 0, n: 0 },
    { label: 'c', k: 25, n: 150 },
  ]);
  const a = r.segments[0];
  assert.ok(a);
  assert.deepEqual(a.comparison, compareProportions({ k: 30, n: 100 }, { k: 43, n: 250 }));
  assert.ok(a.adjustedLevel !== null);
  assert.deepEqual(
    { lower: a.adjustedLower, upper: a.adjustedUpper },
    newcombeInterval(30, 100, 43, 250, a.adjustedLevel),
  );
  const empty = r.segments[2];
  assert.equal(empty?.comparison.pValue, null);
  assert.equal(empty?.adjustedPValue, null);
  assert.equal(empty?.adjustedLower, null);
  assert.deepEqual(r.family.excluded, ['empty']);
  assert.equal(r.omnibus.df, 2);
  assert.equal(r.omnibus.groups, 3);
});
