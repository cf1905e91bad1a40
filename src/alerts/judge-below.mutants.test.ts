// Tests for judge-below.ts, written for the mutation run. Intervals are recomputed by their
// textbook formulas (test/alert-judging.ts), not by src/stats: Wilson's score interval
//   (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n),  z = 1.959963984540054,
// and Clopper–Pearson's from the beta quantiles (stdlib). Worked values used below:
//   50 of 1000 → 3.813026%–6.531382%    80 of 1000 → 6.474804%–9.846644%
//   99 of 1000 → 8.199544%–11.907362%  100 of 1000 → 8.290944%–12.015196%
//   150 of 1000 → 12.921007%–17.346866%
// Design effect (customer-clustered): 100 customers of 10 offers each, 10 of them accepting all 10:
//   r = 0.1, Σk² = 1000, Σk·n = 1000, Σn² = 10000 → Σ(k − r·n)² = 1000 − 200 + 100 = 900,
//   Var = 100/99 · 900 / 1000² = 9.0909e−4, binomial 0.1·0.9/1000 = 9e−5 → d = 10.1010…,
//   effective 9.9 of 99 → Wilson 5.5066%–17.4816%.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { judgeBelow } from './judge-below.js';
import type { Finding, JudgeContext, ScopeGroup } from './finding.js';
import type { PeriodCounts } from './offer-counts.js';
import { ruleSchema } from './rules-schema.js';
import { assertClose, type ConditionOf, findingHead, judgeContext, judgedAt, june, ruleSetup, scopeGroup, skippedFinding, testSummary, wilson } from '../../test/alert-judging.js';

const group = (p: PeriodCounts, scope = 'all'): ScopeGroup => scopeGroup([p], scope);
const one = (c: Record<string, unknown>, p: PeriodCounts, extra: Record<string, unknown> = {}, bands?: { strong: number; poor: number }): Finding => {
  const { ctx, condition } = ruleSetup('below', 'low', c, extra, { bands });
  const out = judgeBelow(ctx, condition, [group(p)]);
  assert.equal(out.length, 1);
  return out[0] as Finding;
};

const INDEPENDENT = 'binomial: offers treated as independent (no customer sums given)';
const ON_INTERVAL = `fires when the upper end of the interval is below the limit; ${INDEPENDENT}`;
const ON_RATE = `fires when the rate is below the limit; ${INDEPENDENT}`;

test('poor band on the interval: 50 of 1,000 (interval up to 6.5%) fires — the whole finding', () => {
  const p = june(50, 1000);
  const [lower, upper] = wilson(50, 1000);
  assertClose(one({ band: 'poor' }, p, { severity: 'critical' }), {
    ...findingHead('low', p, { severity: 'critical' }),
    status: 'firing',
    message: 'Conversion rate in 2024-06 was 5.0% (95% interval 3.8%–6.5%, 50 of 1,000 offers; poor band): the whole interval is in the poor band (below 10.0%)',
    numbers: { offers: 1000, accepted: 50, rate: 0.05, lower, upper, limit: 0.1, band: 'poor', designEffect: 1, customers: null },
    test: testSummary('wilson interval (95%)', ON_INTERVAL),
  });
});

test('poor band on the interval: a rate of 9.9% whose interval reaches 11.9% does not fire', () => {
  const [lower, upper] = wilson(99, 1000);
  const f = one({ band: 'poor' }, june(99, 1000));
  assert.equal(f.status, 'ok');
  assert.equal(f.message, 'Conversion rate in 2024-06 was 9.9% (95% interval 8.2%–11.9%, 99 of 1,000 offers; poor band): not in the poor band (below 10.0%) with 95% confidence');
  assertClose(f.numbers, { offers: 1000, accepted: 99, rate: 0.099, lower, upper, limit: 0.1, band: 'poor', designEffect: 1, customers: null });
  // 80 of 1,000: the upper end 9.85% is below 10%.
  assert.equal(one({ band: 'poor' }, june(80, 1000)).status, 'firing');
});

test('poor band on the rate: below the poor threshold fires, exactly at it does not', () => {
  const f = one({ band: 'poor', basis: 'rate' }, june(99, 1000));
  assert.equal(f.status, 'firing');
  assert.equal(f.message, 'Conversion rate in 2024-06 was 9.9% (95% interval 8.2%–11.9%, 99 of 1,000 offers; poor band): it is in the poor band (below 10.0%)');
  assert.equal(f.test?.reason, ON_RATE);
  const at = one({ band: 'poor', basis: 'rate' }, june(100, 1000));
  assert.equal(at.status, 'ok');
  // 10% is the moderate band's (the boundary belongs to moderate).
  assert.equal(at.message, 'Conversion rate in 2024-06 was 10.0% (95% interval 8.3%–12.0%, 100 of 1,000 offers; moderate band): not in the poor band (below 10.0%)');
});

test('moderate band on the rate: at the strong threshold fires (at or below), just above it does not', () => {
  const f = one({ band: 'moderate', basis: 'rate' }, june(200, 1000));
  assert.equal(f.status, 'firing');
  assert.equal(f.message, 'Conversion rate in 2024-06 was 20.0% (95% interval 17.6%–22.6%, 200 of 1,000 offers; moderate band): it is in moderate or poor (at or below 20.0%)');
  assert.equal(f.numbers['limit'], 0.2);
  const above = one({ band: 'moderate', basis: 'rate' }, june(201, 1000));
  assert.equal(above.status, 'ok');
  assert.equal(above.numbers['band'], 'strong');
  assert.match(above.message, /: not in moderate or poor \(at or below 20\.0%\)$/);
});

test('moderate band on the interval: 150 of 1,000 (up to 17.3%) is at or below 20%', () => {
  const f = one({ band: 'moderate' }, june(150, 1000));
  assert.equal(f.status, 'firing');
  assert.equal(f.message, 'Conversion rate in 2024-06 was 15.0% (95% interval 12.9%–17.3%, 150 of 1,000 offers; moderate band): the whole interval is in moderate or poor (at or below 20.0%)');
  const no = one({ band: 'moderate' }, june(200, 1000));
  assert.equal(no.status, 'ok');
  assert.equal(no.message, 'Conversion rate in 2024-06 was 20.0% (95% interval 17.6%–22.6%, 200 of 1,000 offers; moderate band): not in moderate or poor (at or below 20.0%) with 95% confidence');
});

test('a threshold on the rate: below fires, exactly at it does not', () => {
  const f = one({ threshold: 0.1, basis: 'rate' }, june(99, 1000));
  assert.equal(f.status, 'firing');
  assert.equal(f.message, 'Conversion rate in 2024-06 was 9.9% (95% interval 8.2%–11.9%, 99 of 1,000 offers; poor band): it is below the threshold 10.0%');
  const at = one({ threshold: 0.1, basis: 'rate' }, june(100, 1000));
  assert.equal(at.status, 'ok');
  assert.equal(at.message, 'Conversion rate in 2024-06 was 10.0% (95% interval 8.3%–12.0%, 100 of 1,000 offers; moderate band): not below the threshold 10.0%');
});

test('a threshold on the interval: the upper end 12.02% is below 15% but not below 12%', () => {
  const f = one({ threshold: 0.15 }, june(100, 1000));
  assert.equal(f.status, 'firing');
  assert.equal(f.message, 'Conversion rate in 2024-06 was 10.0% (95% interval 8.3%–12.0%, 100 of 1,000 offers; moderate band): the whole interval is below the threshold 15.0%');
  assert.equal(f.numbers['limit'], 0.15);
  const no = one({ threshold: 0.12 }, june(100, 1000));
  assert.equal(no.status, 'ok');
  assert.equal(no.message, 'Conversion rate in 2024-06 was 10.0% (95% interval 8.3%–12.0%, 100 of 1,000 offers; moderate band): not below the threshold 12.0% with 95% confidence');
  // A threshold is strict even where a moderate band would not be: 0.2 on the rate 0.2.
  assert.equal(one({ threshold: 0.2, basis: 'rate' }, june(200, 1000)).status, 'ok');
});

test('the bands are the context’s, not the defaults', () => {
  const bands = { strong: 0.3, poor: 0.15 };
  const f = one({ band: 'poor' }, june(100, 1000), {}, bands);
  // Upper end 12.02% < 15%; the rate 10% is poor under these bands.
  assert.equal(f.status, 'firing');
  assert.equal(f.message, 'Conversion rate in 2024-06 was 10.0% (95% interval 8.3%–12.0%, 100 of 1,000 offers; poor band): the whole interval is in the poor band (below 15.0%)');
  const m = one({ band: 'moderate', basis: 'rate' }, june(300, 1000), {}, bands);
  assert.equal(m.status, 'firing');
  assert.equal(m.numbers['limit'], 0.3);
  assert.equal(m.numbers['band'], 'moderate');
});

test('customer-clustered counts: the interval of the effective sample, the design effect named', () => {
  const p = june(100, 1000, { customers: 100, offersSquared: 10000, acceptedSquared: 1000, acceptedOffers: 1000 });
  const d = (100 / 99) * 900 / 1e6 / (0.1 * 0.9 / 1000);
  const [lower, upper] = wilson(100 / d, 1000 / d);
  const f = one({ threshold: 0.2 }, p, {}, undefined);
  assertClose(f, {
    ...findingHead('low', p),
    status: 'firing',
    message:
      'Conversion rate in 2024-06 was 10.0% (95% interval 5.5%–17.5%, customer-clustered, design effect 10.10, 100 of 1,000 offers; moderate band): the whole interval is below the threshold 20.0%',
    numbers: { offers: 1000, accepted: 100, rate: 0.1, lower, upper, limit: 0.2, band: 'moderate', designEffect: d, customers: 100 },
    test: testSummary(
      'wilson interval (95%; customer-clustered, design effect 10.10)',
      'fires when the upper end of the interval is below the limit; customer-clustered: 1000 offers to 100 customers, design effect 10.1, worth 99 independent offers',
    ),
  });
  // Its upper end 17.5% is not below 15%, though the unclustered one (12.0%) would be.
  assert.equal(one({ threshold: 0.15 }, p).status, 'ok');
});

test('fewer than 30 offers: the exact (Clopper–Pearson) interval', () => {
  // 2 of 20: lower = Beta⁻¹(0.025; 2, 19) = 0.0123485, upper = Beta⁻¹(0.975; 3, 18) = 0.3169827.
  const f = one({ threshold: 0.5 }, june(2, 20), { minOffers: 0 });
  assert.equal(f.status, 'firing');
  assert.equal(f.test?.name, 'exact interval (95%)');
  assertClose([f.numbers['lower'], f.numbers['upper']], [betaQuantile(0.025, 2, 19), betaQuantile(0.975, 3, 18)]);
  assert.equal(f.message, 'Conversion rate in 2024-06 was 10.0% (95% interval 1.2%–31.7%, 2 of 20 offers; moderate band): the whole interval is below the threshold 50.0%');
});

test('a scope is named in the message; each group is judged at its own index', () => {
  const rule = ruleSchema.parse({ name: 'low', scope: { by: 'Customers.accountSize' }, condition: { type: 'below', band: 'poor' } });
  const ctx = judgeContext(rule, (g) => ({ index: g.scope.endsWith('smb') ? 0 : 1, reason: '' }));
  const may = { ...june(50, 1000), label: '2024-05' };
  const groups = [scopeGroup([may, june(200, 1000)], 'Customers.accountSize=smb'), scopeGroup([may, june(200, 1000)], 'Customers.accountSize=enterprise')];
  const out = judgeBelow(ctx, rule.condition as ConditionOf<'below'>, groups);
  assert.deepEqual(out.map((f) => [f.scope, f.status, f.period?.label]), [
    ['Customers.accountSize=smb', 'firing', '2024-05'],
    ['Customers.accountSize=enterprise', 'ok', '2024-06'],
  ]);
  assert.equal(out[0]?.message, 'Conversion rate for Customers.accountSize=smb in 2024-05 was 5.0% (95% interval 3.8%–6.5%, 50 of 1,000 offers; poor band): the whole interval is in the poor band (below 10.0%)');
});

test('no period to judge: skipped with the context’s reason and no period', () => {
  const rule = ruleSchema.parse({ name: 'low', condition: { type: 'below', band: 'poor' } });
  const ctx = judgeContext(rule, judgedAt(null, 'every month is provisional'));
  assert.deepEqual(judgeBelow(ctx, rule.condition as ConditionOf<'below'>, [group(june(50, 1000))]), [skippedFinding('low', null, 'every month is provisional')]);
  // An index past the series: skipped the same way.
  const past: JudgeContext = { ...ctx, judged: () => ({ index: 3, reason: 'none here' }) };
  const [f] = judgeBelow(past, rule.condition as ConditionOf<'below'>, [group(june(50, 1000))]);
  assert.equal(f?.status, 'skipped');
  assert.equal(f?.message, 'none here');
  assert.equal(f?.period, null);
});

test('fewer offers than minOffers: skipped naming both; exactly minOffers is judged', () => {
  const p = june(5, 99);
  const f = one({ band: 'poor' }, p);
  assert.deepEqual(f, skippedFinding('low', p, 'too few offers in 2024-06 to judge: 99 < minOffers 100'));
  // 5 of 100 = 5% < 10% on the rate.
  assert.equal(one({ band: 'poor', basis: 'rate' }, june(5, 100)).status, 'firing');
});

test('a period without offers (minOffers 0) has no rate: skipped, never firing', () => {
  const p = june(0, 0);
  for (const condition of [{ band: 'poor' }, { band: 'moderate', basis: 'rate' }, { threshold: 0.5 }]) {
    const f = one(condition, p, { minOffers: 0 });
    assert.deepEqual(f, skippedFinding('low', p, 'no offers in 2024-06: no rate to judge'));
  }
});
