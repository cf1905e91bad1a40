import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextPeriod, periodsBetween } from '../kpi/grain.js';
import type { ApiGrain } from './api-types.js';
import { addDays, dateToDay, dayToDate } from './days.js';
import type { Selection } from './kpi-context.js';
import { yearBackRange, yearEarlier } from './timeseries.js';

const selection = (from: string, to: string): Selection => ({ from, to, offerType: null, filters: [] });
const starts = (from: string, to: string, grain: ApiGrain) => periodsBetween(dayToDate(from), dayToDate(to), grain, 10_000);

test('the year back of three months of weeks is the weeks a year before them, not the whole year', () => {
  // 2026-08-01 is a Saturday: the first week starts Monday 2026-07-27, 364 days later than Monday
  // 2025-07-28; the last starts 2026-11-23, a year after the week of 2025-11-24, which ends Sunday 2025-11-30.
  assert.deepEqual(yearBackRange(selection('2026-08-01', '2026-11-29'), starts('2026-08-01', '2026-11-29', 'week'), 'week'), { from: '2025-07-28', to: '2025-11-30' });
  // Months: a year before August to November 2025.
  assert.deepEqual(yearBackRange(selection('2026-08-01', '2026-11-29'), starts('2026-08-01', '2026-11-29', 'month'), 'month'), { from: '2025-08-01', to: '2025-11-30' });
  // Thirteen months: the year before reaches the range, so the read stops the day before it.
  assert.deepEqual(yearBackRange(selection('2025-11-01', '2026-11-29'), starts('2025-11-01', '2026-11-29', 'month'), 'month'), { from: '2024-11-01', to: '2025-10-31' });
  assert.equal(yearBackRange(selection('2026-01-01', '2026-12-31'), starts('2026-01-01', '2026-12-31', 'year'), 'year'), null);
});

test('every period a year before one of the range is read whole (or up to the range), and nothing after the last of them', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const grains: ApiGrain[] = ['day', 'week', 'month', 'quarter'];
  for (let i = 0; i < 400; i++) {
    const grain = grains[i % grains.length] ?? 'month';
    const from = addDays('2025-01-01', Math.floor(random() * 900));
    const to = addDays(from, Math.floor(random() * (grain === 'day' ? 120 : 700)));
    const periods = starts(from, to, grain);
    const back = yearBackRange(selection(from, to), periods, grain);
    const listed = new Set(periods.map(dateToDay));
    const wanted = periods.map((p) => yearEarlier(dateToDay(p), grain) ?? '').filter((y) => y !== '' && y < from && !listed.has(y));
    const at = `${grain} ${from}..${to}`;
    if (!wanted.length) continue;
    assert.ok(back, `${at}: no year back for ${wanted[0]}`);
    const dayBefore = addDays(from, -1);
    const endOf = (day: string) => addDays(dateToDay(nextPeriod(dayToDate(day), grain)), -1);
    for (const y of wanted) {
      assert.ok(y >= back.from, `${at}: ${y} before ${back.from}`);
      const end = endOf(y) < dayBefore ? endOf(y) : dayBefore;
      assert.ok(end <= back.to, `${at}: ${y}'s period ends ${end}, after ${back.to}`);
    }
    const lastWanted = periods.map((p) => yearEarlier(dateToDay(p), grain) ?? '').reduce((a, b) => (b > a ? b : a), '');
    assert.ok(back.to <= endOf(lastWanted), `${at}: read to ${back.to}, past ${endOf(lastWanted)}`);
  }
});
