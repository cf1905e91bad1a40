import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeRow, historyBefore, historyColumnNames, historyColumns, learnCoding, MIN_LEVEL_OFFERS, snapshotHistory } from './features.js';
import type { CustomerSnapshot, FeatureMember, OfferEvent } from './types.js';

const DAY = 86_400_000;
const t0 = Date.UTC(2025, 0, 1);
const ev = (day: number, name: string, type: string, accepted: boolean, daysToAccept: number | null = null): OfferEvent => ({
  customer: 'c1',
  offeredAt: t0 + day * DAY,
  offerName: name,
  offerType: type,
  accepted,
  pending: false,
  daysToAccept,
  revenue: accepted ? 100 : null,
});

test('history before an instant counts only what was known then', () => {
  const events = [ev(0, 'A', 'upsell', true, 5), ev(10, 'B', 'cross_sell', false), ev(20, 'A', 'upsell', false), ev(50, 'C', 'upsell', true, 0)];
  // At day 5.5: the acceptance of day 0 (known at day 6, the end of its day-to-accept) is not known yet.
  let h = historyBefore(events, t0 + 5.5 * DAY, 30);
  assert.deepEqual(h.offers, { upsell: 1 });
  assert.deepEqual(h.accepted, {});
  assert.equal(h.lastAcceptedOfferAt, null);
  // At day 45: day 0 accepted (known day 6); day 10 not accepted and its window closed at day 40; day 20's is open.
  h = historyBefore(events, t0 + 45 * DAY, 30);
  assert.deepEqual(h.offers, { upsell: 2, cross_sell: 1 });
  assert.deepEqual(h.accepted, { upsell: 1 });
  assert.deepEqual(h.closedUnaccepted, { cross_sell: 1 });
  assert.equal(h.lastOfferAt, t0 + 20 * DAY);
  assert.equal(h.lastAcceptedOfferAt, t0);
  assert.deepEqual([...h.acceptedNames], ['A']);
  // The offer made at the instant itself is not history.
  h = historyBefore(events, t0 + 50 * DAY, 30);
  assert.deepEqual(h.offers, { upsell: 2, cross_sell: 1 });
});

test('history columns: log counts per type, days since, indicators, same offer accepted before', () => {
  const events = [ev(0, 'A', 'upsell', true, 2), ev(10, 'B', 'cross_sell', false)];
  const types = ['cross_sell', 'upsell'];
  const names = historyColumnNames(types);
  const cols = historyColumns(historyBefore(events, t0 + 60 * DAY, 30), t0 + 60 * DAY, 'A', types);
  assert.equal(cols.length, names.length);
  const at = (name: string) => cols[names.indexOf(name)];
  assert.equal(at('log(1 + cross-sells before)'), Math.log(2));
  assert.equal(at('log(1 + cross-sells declined or expired before)'), Math.log(2));
  assert.equal(at('log(1 + upsells accepted before)'), Math.log(2));
  assert.equal(at('log(1 + days since the last offer)'), Math.log(51));
  assert.equal(at('log(1 + days since the last accepted offer)'), Math.log(61));
  assert.equal(at('no earlier offer'), 0);
  assert.equal(at('never accepted an offer'), 0);
  assert.equal(at('accepted this offer before'), 1);
  const none = historyColumns(historyBefore([], t0, 30), t0, 'A', types);
  assert.deepEqual(none, [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0]);
});

test('a snapshot read at the clock gives the same columns as the events it sums', () => {
  const events = [ev(0, 'A', 'upsell', true, 2), ev(10, 'B', 'cross_sell', false), ev(70, 'A', 'upsell', false)];
  const clock = t0 + 80 * DAY;
  const snapshot: CustomerSnapshot = {
    customer: 'c1',
    attributes: {},
    offers: { upsell: 2, cross_sell: 1 },
    accepted: { upsell: 1 },
    closedUnaccepted: { cross_sell: 1 },
    pending: 1,
    acceptedNames: ['A'],
    lastOfferAt: t0 + 70 * DAY,
    lastAcceptedOfferAt: t0,
  };
  const types = ['cross_sell', 'upsell'];
  assert.deepEqual(historyColumns(snapshotHistory(snapshot), clock, 'B', types), historyColumns(historyBefore(events, clock, 30), clock, 'B', types));
});

test('coding: the most frequent level is the reference, rare levels join it, numbers are standardised', () => {
  const features: FeatureMember[] = [
    { member: 'C.stage', title: 'Stage', kind: 'category' },
    { member: 'C.score', title: 'Score', kind: 'number' },
  ];
  const rows = [
    ...Array.from({ length: 50 }, () => ({ attributes: { 'C.stage': 'adoption', 'C.score': 10 }, history: [1] })),
    ...Array.from({ length: MIN_LEVEL_OFFERS }, () => ({ attributes: { 'C.stage': 'expansion', 'C.score': 30 }, history: [3] })),
    ...Array.from({ length: 2 }, () => ({ attributes: { 'C.stage': 'rare', 'C.score': null }, history: [1] })),
  ];
  const coding = learnCoding(features, ['h'], rows);
  assert.deepEqual(coding.columns, ['(intercept)', 'C.stage = expansion', 'C.score (standardised)', 'C.score not recorded', 'h']);
  // Mean and population sd of the 80 recorded scores: 50 × 10 and 30 × 30 → mean 17.5, sd √(50·7.5² + 30·12.5²)/√80.
  const mean = 17.5;
  const sd = Math.sqrt((50 * 7.5 ** 2 + 30 * 12.5 ** 2) / 80);
  const coded = codeRow(coding, { attributes: { 'C.stage': 'expansion', 'C.score': 30 }, history: [3] });
  assert.equal(coded[0], 1);
  assert.equal(coded[1], 1);
  assert.ok(Math.abs((coded[2] ?? 0) - (30 - mean) / sd) < 1e-12);
  assert.equal(coded[3], 0);
  const missing = codeRow(coding, { attributes: { 'C.stage': 'rare', 'C.score': null }, history: [1] });
  assert.deepEqual([...missing.slice(0, 4)], [1, 0, 0, 1]);
  // History centred on its training mean (82 rows: 52 ones and 30 threes).
  const hMean = (52 * 1 + 30 * 3) / 82;
  assert.ok(Math.abs((coded[4] ?? 0) * (coding.historySd[0] ?? 1) - (3 - hMean)) < 1e-12);
});
