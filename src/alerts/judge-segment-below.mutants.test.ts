// Tests for judge-segment-below.ts, written for the mutation run. Each segment is compared with
// the rest of the scope by the pooled z test, recomputed by its textbook formula (two-sided
// p = 2Φ(−|z|), Φ from stdlib; test/alert-judging.ts), with Holm's correction by hand: with two
// segments each against the other, both p-values are equal, so both adjusted p-values are
// min(1, 2p) and the matching interval level is 1 − α·p/(2p) = 0.975 (Newcombe's hybrid score
// interval at that level).
// Worked values:
//   50/1000 vs 150/1000: p̄ = 0.1, z = −0.1/√(0.1·0.9·0.002) = −7.453560, p = 9.085e−14.
//   95/1000 vs 105/1000: z = −0.745356, p = 0.456057, Holm 0.912113.
//   125/1000 vs 250/1000: −12.5 points exactly (binary fractions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeSegmentBelow } from './judge-segment-below.js';
import type { Finding, ScopeGroup } from './finding.js';
import type { PeriodCounts } from './offer-counts.js';
import { assertClose, findingHead, june as cell, newcombe, pooledZ, ruleSetup, skippedFinding, testSummary } from '../../test/alert-judging.js';

const total = (...cells: PeriodCounts[]): PeriodCounts => cell(cells.reduce((s, c) => s + c.k, 0), cells.reduce((s, c) => s + c.n, 0));

function groupOf(segments: [string | null, PeriodCounts | undefined][], scope = 'all', filters: ScopeGroup['filters'] = []): ScopeGroup {
  const cells = segments.flatMap(([, c]) => (c ? [c] : []));
  return { scope, filters, total: [total(...cells)], segments: segments.map(([value, c]) => ({ value, periods: c ? [c] : [] })) };
}

function judge(condition: Record<string, unknown>, groups: ScopeGroup[], extra: Record<string, unknown> = {}, index?: number | null): Finding[] {
  const { ctx, condition: segmentBelow } = ruleSetup('segment-below', 'seg', { by: 'Offers.channel', ...condition }, extra, { index });
  return judgeSegmentBelow(ctx, segmentBelow, groups);
}

const HOLM2 = 'Holm correction across 2 comparisons (α = 0.05): email, in_app';
const Z_REASON = (expected: string) => `pooled two-proportion z test: every expected count ≥ 5 (smallest expected count ${expected})`;
const SEGMENT_Z = 'pooled two-proportion z test, each segment against the rest';
/** The test of a segment in a family of two: Holm at α = 0.05 doubles its p. */
const holm2 = (name: string, statistic: number, p: number, reason: string) => testSummary(name, reason, { statistic, pValue: p, adjustedPValue: 2 * p, alpha: 0.05, correction: HOLM2 });

test('email at 5% against 15% for the rest: significantly below; in_app above it is not (whole findings)', () => {
  const { z, p } = pooledZ(50, 1000, 150, 1000);
  const [lowerA, upperA] = newcombe(50, 1000, 150, 1000, 0.975);
  const [lowerB, upperB] = newcombe(150, 1000, 50, 1000, 0.975);
  const base = findingHead('seg', total(cell(50, 1000), cell(150, 1000)));
  const region = { member: 'Customers.region', operator: 'equals', values: ['emea'] };
  const out = judge({}, [groupOf([['email', cell(50, 1000)], ['in_app', cell(150, 1000)]], 'Customers.region=emea', [region])]);
  assertClose(out, [
    {
      ...base,
      scope: 'Customers.region=emea,Offers.channel=email',
      filters: [region, { member: 'Offers.channel', operator: 'equals', values: ['email'] }],
      status: 'firing',
      message:
        'Conversion rate for Customers.region=emea,Offers.channel=email in 2024-06 was 5.0% (50 of 1,000 offers) against 15.0% for the rest: −10.0 points (Holm correction across 2 comparisons (α = 0.05), adjusted p < 0.001): significantly below the rest',
      numbers: { offers: 1000, accepted: 50, rate: 0.05, restRate: 0.15, difference: 0.05 - 0.15, lower: lowerA, upper: upperA, intervalLevel: 0.975, segments: 2, designEffect: 1, restDesignEffect: 1 },
      // 1000 · 200 / 2000 = 100.
      test: holm2(SEGMENT_Z, z, p, Z_REASON('100')),
    },
    {
      ...base,
      scope: 'Customers.region=emea,Offers.channel=in_app',
      filters: [region, { member: 'Offers.channel', operator: 'equals', values: ['in_app'] }],
      status: 'ok',
      message:
        'Conversion rate for Customers.region=emea,Offers.channel=in_app in 2024-06 was 15.0% (150 of 1,000 offers) against 5.0% for the rest: +10.0 points (Holm correction across 2 comparisons (α = 0.05), adjusted p < 0.001): not significantly below the rest',
      numbers: { offers: 1000, accepted: 150, rate: 0.15, restRate: 0.05, difference: 0.15 - 0.05, lower: lowerB, upper: upperB, intervalLevel: 0.975, segments: 2, designEffect: 1, restDesignEffect: 1 },
      test: holm2(SEGMENT_Z, -z, p, Z_REASON('100')),
    },
  ]);
});

test('below but not significant after correction: not fired (9.5% vs 10.5%, Holm p = 0.91)', () => {
  const { p } = pooledZ(95, 1000, 105, 1000);
  const [email] = judge({}, [groupOf([['email', cell(95, 1000)], ['in_app', cell(105, 1000)]])]);
  assert.equal(email?.status, 'ok');
  assert.equal(
    email?.message,
    'Conversion rate for Offers.channel=email in 2024-06 was 9.5% (95 of 1,000 offers) against 10.5% for the rest: −1.0 points (Holm correction across 2 comparisons (α = 0.05), adjusted p = 0.91): not significantly below the rest',
  );
  assertClose([email?.test?.pValue, email?.test?.adjustedPValue], [p, 2 * p]);
});

test('minPoints: a 12.5-point gap meets 12.5, not 12.6', () => {
  const g = () => [groupOf([['email', cell(125, 1000)], ['in_app', cell(250, 1000)]])];
  assert.equal(judge({ minPoints: 12.5 }, g())[0]?.status, 'firing');
  const [under] = judge({ minPoints: 12.6 }, g());
  assert.equal(under?.status, 'ok');
  assert.match(under?.message ?? '', /: −12\.5 points \(Holm correction across 2 comparisons \(α = 0\.05\), adjusted p < 0\.001\): not significantly below the rest$/);
});

test('the condition’s method and α name the family', () => {
  const [b] = judge({ method: 'bonferroni', alpha: 0.01 }, [groupOf([['email', cell(50, 1000)], ['in_app', cell(150, 1000)]])]);
  assert.equal(b?.status, 'firing');
  assert.equal(b?.test?.correction, 'Bonferroni correction across 2 comparisons (α = 0.01): email, in_app');
  assert.equal(b?.test?.alpha, 0.01);
  assert.match(b?.message ?? '', /\(Bonferroni correction across 2 comparisons \(α = 0\.01\), adjusted p < 0\.001\)/);
  const [bh] = judge({ method: 'bh' }, [groupOf([['email', cell(50, 1000)], ['in_app', cell(150, 1000)]])]);
  assert.equal(bh?.test?.correction, 'Benjamini–Hochberg correction across 2 comparisons (α = 0.05): email, in_app');
});

test('customer-clustered counts: Rao–Scott, named in the message and the test', () => {
  // 100 customers × 10 offers each side; 5 (then 15) accept all: d = 100/99 · 10 on both sides,
  // effective 4.95/99 vs 14.85/99: z = −0.1/√(0.1·0.9·2/99) = −2.345208, p = 0.019016, Holm 0.038033.
  const a = cell(50, 1000, { customers: 100, offersSquared: 10000, acceptedSquared: 500, acceptedOffers: 500 });
  const b = cell(150, 1000, { customers: 100, offersSquared: 10000, acceptedSquared: 1500, acceptedOffers: 1500 });
  const d = 1000 / 99;
  const { z, p } = pooledZ(50 / d, 99, 150 / d, 99);
  const [email] = judge({}, [groupOf([['email', a], ['in_app', b]])]);
  assert.equal(email?.status, 'firing');
  assert.equal(
    email?.message,
    'Conversion rate for Offers.channel=email in 2024-06 was 5.0% (50 of 1,000 offers) against 15.0% for the rest: −10.0 points (Holm correction across 2 comparisons (α = 0.05), customer-clustered, adjusted p = 0.038): significantly below the rest',
  );
  // 99 · 19.8 / 198 = 9.9.
  const reason = `${Z_REASON('9.9')}, on effective counts for offers clustered by customer (Rao–Scott; design effects 10.1 and 10.1)`;
  assertClose(email?.test, holm2('pooled two-proportion z test (Rao–Scott, customer-clustered), each segment against the rest', z, p, reason));
  assertClose([email?.numbers['designEffect'], email?.numbers['restDesignEffect']], [d, d]);
});

test('segments under minOffers, without offers or without the period stay out of the family', () => {
  const out = judge({}, [
    groupOf([
      ['email', cell(50, 1000)],
      ['sales', cell(1, 99)],
      ['phone', cell(0, 0)],
      ['web', undefined],
      ['in_app', cell(150, 1000)],
    ]),
  ]);
  assert.deepEqual(out.map((f) => [f.scope, f.status]), [
    ['Offers.channel=email', 'firing'],
    ['Offers.channel=in_app', 'ok'],
  ]);
  assert.equal(out[0]?.numbers['segments'], 2);
  assert.equal(out[0]?.test?.correction, HOLM2);
  // Exactly minOffers (100) is in.
  const three = judge({}, [groupOf([['email', cell(50, 1000)], ['sales', cell(10, 100)], ['in_app', cell(150, 1000)]])]);
  assert.equal(three.length, 3);
  assert.equal(three[0]?.test?.correction, 'Holm correction across 3 comparisons (α = 0.05): email, sales, in_app');
});

test('a segment without a value is (not set), selected by notSet', () => {
  const out = judge({}, [groupOf([[null, cell(50, 1000)], ['in_app', cell(150, 1000)]])]);
  assert.equal(out[0]?.scope, 'Offers.channel=(not set)');
  assert.deepEqual(out[0]?.filters, [{ member: 'Offers.channel', operator: 'notSet' }]);
  assert.equal(out[0]?.test?.correction, 'Holm correction across 2 comparisons (α = 0.05): (not set), in_app');
  assert.match(out[0]?.message ?? '', /^Conversion rate for Offers\.channel=\(not set\) in 2024-06 was 5\.0%/);
});

test('fewer than two segments with minOffers: skipped, naming the dimension and the period', () => {
  const g = groupOf([['email', cell(50, 1000)], ['in_app', cell(9, 99)]]);
  assert.deepEqual(judge({}, [g]), [
    skippedFinding('seg', g.total[0], 'fewer than two values of Offers.channel with at least 100 offers in 2024-06'),
  ]);
  const [f] = judge({}, [groupOf([['email', cell(5, 50)], ['in_app', cell(9, 50)]])], { minOffers: 50 });
  assert.equal(f?.status, 'ok');
});

test('no judged period: skipped with the context’s reason', () => {
  const g = groupOf([['email', cell(50, 1000)], ['in_app', cell(150, 1000)]]);
  assert.deepEqual(judge({}, [g], {}, null), [
    skippedFinding('seg', null, 'every month is provisional'),
  ]);
  const past = judge({}, [g], {}, 2);
  assert.equal(past[0]?.status, 'skipped');
  assert.equal(past[0]?.period, null);
});

test('every group is judged with its own segments', () => {
  const out = judge({}, [
    groupOf([['email', cell(50, 1000)], ['in_app', cell(150, 1000)]], 'Customers.accountSize=smb'),
    groupOf([['email', cell(150, 1000)], ['in_app', cell(50, 1000)]], 'Customers.accountSize=enterprise'),
  ]);
  assert.deepEqual(out.map((f) => [f.scope, f.status]), [
    ['Customers.accountSize=smb,Offers.channel=email', 'firing'],
    ['Customers.accountSize=smb,Offers.channel=in_app', 'ok'],
    ['Customers.accountSize=enterprise,Offers.channel=email', 'ok'],
    ['Customers.accountSize=enterprise,Offers.channel=in_app', 'firing'],
  ]);
});

test('the family is tested at the condition’s α: 12% against 15% at α = 0.2 (Holm p = 0.099) is below, its interval at 90%', () => {
  // Each of the two against the other: p = 0.049640, Holm 2p = 0.099281 ≤ 0.2; level 1 − 0.2·p/(2p) = 0.9.
  const out = judge({ alpha: 0.2 }, [groupOf([['email', cell(120, 1000)], ['in_app', cell(150, 1000)]])]);
  const { p } = pooledZ(120, 1000, 150, 1000);
  const [lower, upper] = newcombe(120, 1000, 150, 1000, 0.9);
  assert.deepEqual(out.map((f) => [f.scope, f.status]), [['Offers.channel=email', 'firing'], ['Offers.channel=in_app', 'ok']]);
  assertClose([out[0]?.test?.adjustedPValue, out[0]?.numbers['intervalLevel'], out[0]?.numbers['lower'], out[0]?.numbers['upper']], [2 * p, 0.9, lower, upper]);
});

test('few accepted: Fisher’s exact test, named so (1/40 against 8/40: p = 0.028889, Holm 0.057777)', () => {
  const out = judge({}, [groupOf([['email', cell(1, 40)], ['in_app', cell(8, 40)]])], { minOffers: 0 });
  const fisher = 0.028888503554707817;
  assertClose(out[0]?.test, testSummary("Fisher's exact test, each segment against the rest", "Fisher's exact test: smallest expected count 4.5 < 5", { pValue: fisher, adjustedPValue: 2 * fisher, alpha: 0.05, correction: HOLM2 }));
  assert.equal(out[0]?.status, 'ok');
});

test('minOffers 0: a segment without offers still stays out of the family', () => {
  const out = judge({}, [groupOf([['email', cell(50, 1000)], ['phone', cell(0, 0)], ['in_app', cell(150, 1000)]])], { minOffers: 0 });
  assert.deepEqual(out.map((f) => [f.scope, f.status]), [
    ['Offers.channel=email', 'firing'],
    ['Offers.channel=in_app', 'ok'],
  ]);
  assert.equal(out[0]?.numbers['segments'], 2);
  assert.equal(out[0]?.test?.correction, HOLM2);
});

test('a segment at exactly the rest’s rate is never below, even when the test on rounded effective counts is significant', () => {
  // email: 3 of 12 offers from 2 customers (5 offers, 3 accepted; 7 offers, none accepted);
  // in_app: 250 of 1,000 offers, one per customer. Both rates are 25%: a difference of exactly 0.
  // email's design effect by hand: r = 1/4, Σ(k_c − r·n_c)² = (3 − 5/4)² + (0 − 7/4)² = 49/8,
  // clustered variance 2 · (49/8) / 12² = 49/576, binomial (1/4)(3/4)/12 = 1/64, d = 49/9 = 5.444;
  // in_app's is 1 (one offer per customer). Effective counts 3·9/49 = 0.551 of 12·9/49 = 2.204:
  // expected count < 5, so Fisher on the whole counts 1 of 2 against 250 of 1,000 (either way
  // round): P(0) = 751·750/(1002·1001) = 563250/1003002, P(1) = 2·251·751/1003002 = 377002/1003002,
  // P(2) = 251·250/1003002 = 62750/1003002; p = P(1) + P(2) = 439752/1003002 = 0.438436
  // (scipy.stats.fisher_exact([[1, 1], [250, 750]]) gives 0.4384358156813247); Holm over the two
  // equal p-values: 2p = 0.876872 ≤ α = 0.9, significant — but neither segment is below the other.
  const email = cell(3, 12, { customers: 2, offersSquared: 25 + 49, acceptedSquared: 9, acceptedOffers: 15 });
  const inApp = cell(250, 1000, { customers: 1000, offersSquared: 1000, acceptedSquared: 250, acceptedOffers: 250 });
  const out = judge({ alpha: 0.9 }, [groupOf([['email', email], ['in_app', inApp]])], { minOffers: 0 });
  const p = 439752 / 1003002;
  assert.deepEqual(out.map((f) => [f.scope, f.status]), [['Offers.channel=email', 'ok'], ['Offers.channel=in_app', 'ok']]);
  assertClose(out.map((f) => [f.numbers['difference'], f.test?.pValue, f.test?.adjustedPValue]), [[0, p, 2 * p], [0, p, 2 * p]]);
  assertClose(out[0]?.numbers['designEffect'], 49 / 9);
  for (const f of out) assert.match(f.message, /: 0\.0 points \(.*\): not significantly below the rest$/);
});
