// Tests for judge-volume-drop.ts, written for the mutation run. The ratio is current offers /
// comparison offers, worked out by hand in each test (e.g. 499 / 1000 = 0.499 < 0.5 fires;
// 500 / 1000 = 0.5 is not below the floor), and every message is written out in full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeVolumeDrop } from './judge-volume-drop.js';
import { findingHead, month as counts, ruleSetup, scopeGroup as group, skippedFinding, testSummary } from '../../test/alert-judging.js';

/** Month i counted from January 2024 (i = 0) with n offers. */
const month = (i: number, n: number) => counts(i, 0, n);

const setup = (condition: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ruleSetup('volume-drop', 'vol', condition, extra, { index: null, reason: 'not used by volume-drop' });

const TEST = (ratio: number, floor: string) => testSummary('share of the comparison period’s offers', `fires below ${floor}`, { statistic: ratio });

test('offers at 49.9% of the previous month’s: below the 50% floor, firing (whole finding)', () => {
  const { ctx, condition } = setup({});
  const prev = month(4, 1000);
  const cur = month(5, 499);
  assert.deepEqual(judgeVolumeDrop(ctx, condition, [group([prev, cur])]), [
    {
      ...findingHead('vol', cur),
      status: 'firing',
      // percent(0.499, 0) rounds to "50%".
      message: 'Offers in 2024-06: 499 against 1,000 in 2024-05 (50% of it), below the floor of 50%: offer volume collapsed',
      numbers: { offers: 499, previousPeriod: '2024-05', previousOffers: 1000, ratio: 0.499, floor: 0.5 },
      test: TEST(0.499, '50%'),
    },
  ]);
});

test('offers at exactly the floor do not fire (below, not at)', () => {
  const { ctx, condition } = setup({});
  const [f] = judgeVolumeDrop(ctx, condition, [group([month(4, 1000), month(5, 500)], 'Offers.channel=email')]);
  assert.equal(f?.status, 'ok');
  assert.equal(f?.message, 'Offers for Offers.channel=email in 2024-06: 500 against 1,000 in 2024-05 (50% of it), above the floor of 50%');
  assert.deepEqual(f?.numbers, { offers: 500, previousPeriod: '2024-05', previousOffers: 1000, ratio: 0.5, floor: 0.5 });
  assert.deepEqual(f?.test, TEST(0.5, '50%'));
});

test('a floor of your own: 1,200 of 2,000 (60%) is below 0.75; 1,500 (75%) is not', () => {
  const { ctx, condition } = setup({ floor: 0.75 });
  const [a] = judgeVolumeDrop(ctx, condition, [group([month(0, 2000), month(1, 1200)])]);
  assert.equal(a?.status, 'firing');
  assert.equal(a?.message, 'Offers in 2024-02: 1,200 against 2,000 in 2024-01 (60% of it), below the floor of 75%: offer volume collapsed');
  const [b] = judgeVolumeDrop(ctx, condition, [group([month(0, 2000), month(1, 1500)])]);
  assert.equal(b?.status, 'ok');
  // A rise is a ratio above 1.
  const [c] = judgeVolumeDrop(ctx, condition, [group([month(0, 2000), month(1, 3000)])]);
  assert.equal(c?.status, 'ok');
  assert.equal(c?.message, 'Offers in 2024-02: 3,000 against 2,000 in 2024-01 (150% of it), above the floor of 75%');
});

test('the comparison period under minOffers is skipped; at minOffers it is judged', () => {
  const { ctx, condition } = setup({}, { minOffers: 100 });
  const cur = month(5, 10);
  assert.deepEqual(judgeVolumeDrop(ctx, condition, [group([month(4, 99), cur])]), [
    skippedFinding('vol', cur, 'too few offers in 2024-05 to judge a collapse: 99 < minOffers 100'),
  ]);
  // 10 / 100 = 0.1 < 0.5.
  assert.equal(judgeVolumeDrop(ctx, condition, [group([month(4, 100), cur])])[0]?.status, 'firing');
});

test('only the current month, or none: skipped, with no earlier period to compare with', () => {
  const { ctx, condition } = setup({});
  const only = month(5, 10);
  const [a, b] = judgeVolumeDrop(ctx, condition, [group([only]), group([])]);
  assert.equal(a?.status, 'skipped');
  assert.equal(a?.message, 'no earlier period to compare with');
  assert.equal(a?.period, only);
  assert.equal(b?.status, 'skipped');
  assert.equal(b?.message, 'no earlier period to compare with');
  assert.equal(b?.period, null);
});

test('versus last-year: monthly rules compare with 12 months back, not the month before', () => {
  const { ctx, condition } = setup({ versus: 'last-year' });
  // Thirteen months: the last (2025-01, 400 offers) against the first (2024-01, 1,000): 40% < 50%,
  // although the month before (2024-12, 400) is the same.
  const series = Array.from({ length: 13 }, (_, i) => month(i, i === 0 ? 1000 : 400));
  const [f] = judgeVolumeDrop(ctx, condition, [group(series)]);
  assert.equal(f?.status, 'firing');
  assert.equal(f?.message, 'Offers in 2025-01: 400 against 1,000 in 2024-01 (40% of it), below the floor of 50%: offer volume collapsed');
  // Twelve months: no month a year earlier.
  const [g] = judgeVolumeDrop(ctx, condition, [group(series.slice(1))]);
  assert.equal(g?.message, 'no earlier period to compare with');
});

test('every group is judged, in order', () => {
  const { ctx, condition } = setup({});
  const out = judgeVolumeDrop(ctx, condition, [group([month(0, 200), month(1, 50)], 'A.x=1'), group([month(0, 200), month(1, 150)], 'A.x=2')]);
  assert.deepEqual(out.map((f) => [f.scope, f.status]), [['A.x=1', 'firing'], ['A.x=2', 'ok']]);
});
