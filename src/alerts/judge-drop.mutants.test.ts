// Tests for judge-drop.ts, written for the mutation run. The statistics are recomputed by textbook
// formulas (test/alert-judging.ts), not by src/stats:
//   pooled z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)), two-sided p = 2Φ(−|z|) (Φ from stdlib);
//   Newcombe's hybrid score interval d − √((p₁−l₁)² + (u₂−p₂)²) … d + √((u₁−p₁)² + (p₂−l₂)²)
//   from Wilson bounds; Fisher's two-sided p = Σ hypergeometric P(x) over P(x) ≤ P(observed).
// Worked values:
//   120/1000 vs 150/1000: p̄ = 0.135, z = −0.03/√(0.135·0.865·0.002) = −1.963050, p = 0.049640,
//     95% interval −6.0008 to −0.0014 points, relative change −0.03/0.15 = −0.2,
//     smallest expected count 1000·270/2000 = 135.
//   100/800 vs 200/800: −12.5 points exactly (binary fractions), z = −6.405, p = 1.5e−10.
//   1/40 vs 8/40: expected 40·9/80 = 4.5 < 5 → Fisher, p = 0.028889.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeDrop } from './judge-drop.js';
import type { Finding, ScopeGroup } from './finding.js';
import { assertClose, findingHead, month, newcombe, pooledZ, ruleSetup, scopeGroup as group, skippedFinding, testSummary } from '../../test/alert-judging.js';

const setup = (condition: Record<string, unknown>, extra: Record<string, unknown> = {}, index?: number | null) =>
  ruleSetup('drop', 'drop', condition, extra, { index, reason: 'nothing ended' });
const judge = (c: Record<string, unknown>, groups: ScopeGroup[], extra: Record<string, unknown> = {}): Finding[] => {
  const { ctx, condition } = setup(c, extra);
  return judgeDrop(ctx, condition, groups);
};

test('120 of 1,000 after 150 of 1,000: z = −1.963, p = 0.0496 ≤ 0.05, a significant drop (whole finding)', () => {
  const prev = month(4, 150, 1000);
  const cur = month(5, 120, 1000);
  const { z, p } = pooledZ(120, 1000, 150, 1000);
  const [lower, upper] = newcombe(120, 1000, 150, 1000);
  assertClose(z, -1.963049807622355);
  assertClose(judge({}, [group([prev, cur])]), [
    {
      ...findingHead('drop', cur),
      status: 'firing',
      message:
        'Conversion rate fell from 15.0% in 2024-05 (150 of 1,000 offers) to 12.0% in 2024-06 (120 of 1,000 offers): −3.0 points (95% interval −6.0 points to 0.0 points; z test, p = 0.05): a significant drop',
      numbers: {
        offers: 1000,
        accepted: 120,
        rate: 0.12,
        previousPeriod: '2024-05',
        previousOffers: 1000,
        previousAccepted: 150,
        previousRate: 0.15,
        difference: 0.12 - 0.15,
        lower,
        upper,
        relativeChange: -0.2,
        designEffect: 1,
        previousDesignEffect: 1,
      },
      test: testSummary('pooled two-proportion z test', 'pooled two-proportion z test: every expected count ≥ 5 (smallest expected count 135)', { statistic: z, pValue: p, alpha: 0.05 }),
    },
  ]);
});

test('the same drop at α = 0.04: p = 0.0496 is not significant; the interval is at 96%', () => {
  const [f] = judge({ alpha: 0.04 }, [group([month(4, 150, 1000), month(5, 120, 1000)])]);
  const [lower, upper] = newcombe(120, 1000, 150, 1000, 0.96);
  assert.equal(f?.status, 'ok');
  // 96% Newcombe: −6.1452 to +0.1428 points.
  assert.equal(
    f?.message,
    'Conversion rate fell from 15.0% in 2024-05 (150 of 1,000 offers) to 12.0% in 2024-06 (120 of 1,000 offers): −3.0 points (96% interval −6.1 points to +0.1 points; z test, p = 0.05): no significant drop',
  );
  assertClose([f?.numbers['lower'], f?.numbers['upper'], f?.test?.alpha], [lower, upper, 0.04]);
});

test('minPoints: a drop of exactly 12.5 points meets a 12.5-point minimum; 12.6 is significant but under it', () => {
  const series = [month(4, 200, 800), month(5, 100, 800)];
  const [at] = judge({ minPoints: 12.5 }, [group(series)]);
  assert.equal(at?.status, 'firing');
  assert.equal(
    at?.message,
    'Conversion rate fell from 25.0% in 2024-05 (200 of 800 offers) to 12.5% in 2024-06 (100 of 800 offers): −12.5 points (95% interval −16.3 points to −8.7 points; z test, p < 0.001): a significant drop',
  );
  const [under] = judge({ minPoints: 12.6 }, [group(series)]);
  assert.equal(under?.status, 'ok');
  assert.equal(
    under?.message,
    'Conversion rate fell from 25.0% in 2024-05 (200 of 800 offers) to 12.5% in 2024-06 (100 of 800 offers): −12.5 points (95% interval −16.3 points to −8.7 points; z test, p < 0.001): significant, but under the 12.6-point minimum',
  );
  assertClose(under?.numbers['relativeChange'], -0.5);
});

test('a rise is never a drop, significant or not', () => {
  // 300/1000 after 150/1000: z ≈ +8, significant, but a rise.
  const [up] = judge({}, [group([month(4, 150, 1000), month(5, 300, 1000)])]);
  assert.equal(up?.status, 'ok');
  assert.match(up?.message ?? '', /^Conversion rate went from 15\.0% in 2024-05 \(150 of 1,000 offers\) to 30\.0% in 2024-06 \(300 of 1,000 offers\): \+15\.0 points \(95% interval .*; z test, p < 0\.001\): no significant drop$/);
  // 180/1000 after 150/1000: z = 1.807, p = 0.0707.
  const [f] = judge({}, [group([month(4, 150, 1000), month(5, 180, 1000)])]);
  assert.equal(f?.message, 'Conversion rate went from 15.0% in 2024-05 (150 of 1,000 offers) to 18.0% in 2024-06 (180 of 1,000 offers): +3.0 points (95% interval −0.3 points to +6.3 points; z test, p = 0.071): no significant drop');
  // No change at all: 0 points, not a drop.
  const [same] = judge({}, [group([month(4, 150, 1000), month(5, 150, 1000)])]);
  assert.equal(same?.status, 'ok');
  assert.match(same?.message ?? '', /^Conversion rate went from 15\.0% .*: 0\.0 points .*p = 1\): no significant drop$/);
});

test('few accepted: Fisher’s exact test (1/40 after 8/40: p = 0.0289)', () => {
  const [f] = judge({}, [group([month(4, 8, 40), month(5, 1, 40)])], { minOffers: 0 });
  const [lower, upper] = newcombe(1, 40, 8, 40);
  assert.equal(f?.status, 'firing');
  assert.equal(
    f?.message,
    "Conversion rate fell from 20.0% in 2024-05 (8 of 40 offers) to 2.5% in 2024-06 (1 of 40 offers): −17.5 points (95% interval −32.4 points to −3.4 points; Fisher's exact test, p = 0.029): a significant drop",
  );
  assertClose(f?.test, testSummary("Fisher's exact test", "Fisher's exact test: smallest expected count 4.5 < 5", { pValue: 0.028888503554707817, alpha: 0.05 }));
  assertClose([f?.numbers['lower'], f?.numbers['upper']], [lower, upper]);
});

test('customer-clustered counts: Rao–Scott z on the effective counts, named so', () => {
  // 100 customers × 10 offers; 8 (then 15) accept all 10: d = 100/99 · 10 = 10.101 on each side.
  const cur = month(5, 80, 1000, 0, { customers: 100, offersSquared: 10000, acceptedSquared: 800, acceptedOffers: 800 });
  const prev = month(4, 150, 1000, 0, { customers: 100, offersSquared: 10000, acceptedSquared: 1500, acceptedOffers: 1500 });
  const d = 1000 / 99;
  const { z, p } = pooledZ(80 / d, 1000 / d, 150 / d, 1000 / d);
  const [f] = judge({}, [group([prev, cur])]);
  assert.equal(f?.status, 'ok');
  assert.equal(
    f?.message,
    'Conversion rate fell from 15.0% in 2024-05 (150 of 1,000 offers) to 8.0% in 2024-06 (80 of 1,000 offers): −7.0 points (95% interval −16.2 points to +2.1 points; z test, customer-clustered, p = 0.12): no significant drop',
  );
  assertClose(
    f?.test,
    testSummary(
      'pooled two-proportion z test (Rao–Scott, customer-clustered)',
      'pooled two-proportion z test: every expected count ≥ 5 (smallest expected count 11.4), on effective counts for offers clustered by customer (Rao–Scott; design effects 10.1 and 10.1)',
      { statistic: z, pValue: p, alpha: 0.05 },
    ),
  );
  assertClose([f?.numbers['designEffect'], f?.numbers['previousDesignEffect']], [d, d]);
});

test('one alert per scope value: the p-values are Holm-corrected together', () => {
  // Two scopes, each p = 0.049640: Holm gives 2·0.049640 = 0.099281 to both (step-down maximum).
  const series = () => [month(4, 150, 1000), month(5, 120, 1000)];
  const out = judge({}, [group(series(), 'Customers.accountSize=smb'), group(series(), 'Customers.accountSize=enterprise')]);
  const { p } = pooledZ(120, 1000, 150, 1000);
  const family = 'Holm correction across 2 comparisons (α = 0.05): Customers.accountSize=smb, Customers.accountSize=enterprise';
  assert.deepEqual(out.map((f) => f.status), ['ok', 'ok']);
  for (const f of out) {
    assertClose([f.test?.pValue, f.test?.adjustedPValue], [p, 2 * p]);
    assert.equal(f.test?.correction, family);
  }
  assert.equal(
    out[0]?.message,
    'Conversion rate for Customers.accountSize=smb fell from 15.0% in 2024-05 (150 of 1,000 offers) to 12.0% in 2024-06 (120 of 1,000 offers): −3.0 points (95% interval −6.0 points to 0.0 points; z test, Holm-adjusted p = 0.099): no significant drop',
  );
});

test('Holm in a family: a strong drop stays significant, a weak one is judged on its adjusted p', () => {
  // p = 1.5e−10 and p = 0.04964: Holm 2·1.5e−10 and max(3e−10, 0.04964) = 0.04964 ≤ 0.05.
  const out = judge({}, [group([month(4, 200, 800), month(5, 100, 800)], 'A.x=1'), group([month(4, 150, 1000), month(5, 120, 1000)], 'A.x=2')]);
  const strong = pooledZ(100, 800, 200, 800).p;
  const weak = pooledZ(120, 1000, 150, 1000).p;
  assert.deepEqual(out.map((f) => [f.scope, f.status]), [['A.x=1', 'firing'], ['A.x=2', 'firing']]);
  assertClose(out.map((f) => f.test?.adjustedPValue), [2 * strong, weak]);
  assert.match(out[1]?.message ?? '', /; z test, Holm-adjusted p = 0\.05\): a significant drop$/);
});

test('a skipped scope is not in the family; skipped findings come first', () => {
  const out = judge({}, [group([month(5, 120, 1000)], 'A.x=1'), group([month(4, 150, 1000), month(5, 120, 1000)], 'A.x=2')]);
  assert.deepEqual(out.map((f) => [f.scope, f.status]), [['A.x=1', 'skipped'], ['A.x=2', 'firing']]);
  assert.equal(out[0]?.message, 'no previous period to compare 2024-06 with');
  assert.equal(out[1]?.test?.correction, null);
  assert.equal(out[1]?.test?.adjustedPValue, null);
});

test('no judged period: skipped with the context’s reason, no period', () => {
  const { ctx, condition } = setup({}, {}, null);
  assert.deepEqual(judgeDrop(ctx, condition, [group([month(4, 150, 1000), month(5, 120, 1000)])]), [
    skippedFinding('drop', null, 'nothing ended'),
  ]);
});

test('no comparison period: skipped naming the judged period', () => {
  const only = month(5, 120, 1000);
  assert.deepEqual(judge({}, [group([only])]), [
    skippedFinding('drop', only, 'no previous period to compare 2024-06 with'),
  ]);
  const [f] = judge({ versus: 'last-year' }, [group([month(1, 150, 1000), month(2, 120, 1000)])]);
  assert.equal(f?.message, 'no period a year earlier to compare 2024-03 with');
});

test('versus last-year: the month 12 back, not the month before', () => {
  // 2025-01 (120/1000) against 2024-01 (150/1000); the months between are at 120/1000 too.
  const series = Array.from({ length: 13 }, (_, i) => (i === 0 ? month(0, 150, 1000) : month(i, 120, 1000)));
  const [f] = judge({ versus: 'last-year' }, [group(series)]);
  assert.equal(f?.status, 'firing');
  assert.equal(f?.numbers['previousPeriod'], '2024-01');
  assert.match(f?.message ?? '', /^Conversion rate fell from 15\.0% in 2024-01 .* to 12\.0% in 2025-01 /);
});

test('a period still filling in: no verdict until it closes', () => {
  const cur = month(5, 120, 1234, 1234);
  assert.deepEqual(judge({}, [group([month(4, 150, 1000), cur])]), [
    skippedFinding('drop', cur, '2024-06 is still filling in (1,234 of 1,234 offers still inside their conversion window): no verdict on a drop until it closes'),
  ]);
  const [prevOnly] = judge({}, [group([month(4, 150, 1000, 1), month(5, 120, 1000)])]);
  assert.equal(prevOnly?.message, '2024-05 is still filling in (1 of 1,000 offers still inside their conversion window): no verdict on a drop until it closes');
  const [both] = judge({}, [group([month(4, 150, 1000, 3), month(5, 120, 1000, 2)])]);
  assert.equal(
    both?.message,
    '2024-06 is still filling in (2 of 1,000 offers still inside their conversion window); 2024-05 is still filling in (3 of 1,000 offers still inside their conversion window): no verdict on a drop until they close',
  );
});

test('fewer offers than minOffers in either period: skipped; exactly minOffers is judged', () => {
  const [a] = judge({}, [group([month(4, 150, 1000), month(5, 12, 99)])]);
  assert.equal(a?.status, 'skipped');
  assert.equal(a?.message, 'too few offers to judge: 99 in 2024-06, 1000 in 2024-05 (minOffers 100)');
  const [b] = judge({}, [group([month(4, 15, 99), month(5, 120, 1000)])]);
  assert.equal(b?.message, 'too few offers to judge: 1000 in 2024-06, 99 in 2024-05 (minOffers 100)');
  // 100 offers on both sides: judged (0/100 after 30/100 is a significant drop).
  const [c] = judge({}, [group([month(4, 30, 100), month(5, 0, 100)])]);
  assert.equal(c?.status, 'firing');
});

test('a p-value exactly at α is significant (p ≤ α): α set to the p of 120/1,000 after 150/1,000', () => {
  const { p } = pooledZ(120, 1000, 150, 1000);
  const [f] = judge({ alpha: p }, [group([month(4, 150, 1000), month(5, 120, 1000)])]);
  assert.equal(f?.status, 'firing');
  assert.equal(f?.test?.pValue, p);
  assert.match(f?.message ?? '', /: a significant drop$/);
});

test('the family is corrected at the condition’s α: two scopes at α = 0.2, Holm p = 2 · 0.049640 = 0.099 ≤ 0.2', () => {
  const series = () => [month(4, 150, 1000), month(5, 120, 1000)];
  const out = judge({ alpha: 0.2 }, [group(series(), 'A.x=1'), group(series(), 'A.x=2')]);
  const { p } = pooledZ(120, 1000, 150, 1000);
  assert.deepEqual(out.map((f) => [f.scope, f.status]), [['A.x=1', 'firing'], ['A.x=2', 'firing']]);
  for (const f of out) {
    assert.equal(f.test?.correction, 'Holm correction across 2 comparisons (α = 0.2): A.x=1, A.x=2');
    assertClose(f.test?.adjustedPValue, 2 * p);
  }
});

test('minOffers 0 and a period without offers: skipped, no rate to compare (never a test that did not run)', () => {
  const [f] = judge({}, [group([month(4, 150, 1000), month(5, 0, 0)])], { minOffers: 0 });
  assert.equal(f?.status, 'skipped');
  assert.match(f?.message ?? '', /no offers in 2024-06: no rate to compare$/);
  const [g] = judge({}, [group([month(4, 0, 0), month(5, 0, 0)])], { minOffers: 0 });
  assert.match(g?.message ?? '', /no offers in 2024-05 and 2024-06: no rate to compare$/);
});

test('no change at all is never a drop, even when the test on rounded effective counts is significant', () => {
  // 3 of 12 offers from 2 customers (5 offers, 3 accepted; 7 offers, none accepted) after 250 of
  // 1,000 independent offers: both rates are 25%, a difference of exactly 0.
  // Design effect by hand: r = 1/4, Σ(k_c − r·n_c)² = (3 − 5/4)² + (0 − 7/4)² = 49/8,
  // clustered variance 2 · (49/8) / 12² = 49/576, binomial (1/4)(3/4)/12 = 1/64, d = 49/9 = 5.444.
  // Effective counts 3·9/49 = 0.551 of 12·9/49 = 2.204: expected count < 5, so Fisher, on the whole
  // counts 1 of 2 against 250 of 1,000: hypergeometric with 251 accepted of 1,002,
  // P(0) = 751·750/(1002·1001) = 563250/1003002, P(1) = 2·251·751/1003002 = 377002/1003002,
  // P(2) = 251·250/1003002 = 62750/1003002; p = P(1) + P(2) = 439752/1003002 = 0.438436
  // (scipy.stats.fisher_exact([[1, 1], [250, 750]]) gives 0.4384358156813247) ≤ α = 0.5.
  // Significant, yet the rate did not fall: not firing, and not "significant, but under".
  const cur = month(5, 3, 12, 0, { customers: 2, offersSquared: 25 + 49, acceptedSquared: 9, acceptedOffers: 15 });
  const [f] = judge({ alpha: 0.5 }, [group([month(4, 250, 1000), cur])], { minOffers: 0 });
  assert.equal(f?.status, 'ok');
  assertClose([f?.numbers['difference'], f?.numbers['designEffect'], f?.test?.pValue], [0, 49 / 9, 439752 / 1003002]);
  assert.match(
    f?.message ?? '',
    /^Conversion rate went from 25\.0% in 2024-05 \(250 of 1,000 offers\) to 25\.0% in 2024-06 \(3 of 12 offers\): 0\.0 points \(50% interval .*; Fisher's exact test, customer-clustered, p = 0\.44\): no significant drop$/,
  );
});

test('minOffers 0 and only the earlier period without offers: skipped, naming that period', () => {
  const [f] = judge({}, [group([month(4, 0, 0), month(5, 120, 1000)])], { minOffers: 0 });
  assert.equal(f?.status, 'skipped');
  assert.equal(f?.message, 'no offers in 2024-05: no rate to compare');
  assert.equal(f?.period?.label, '2024-06');
});
