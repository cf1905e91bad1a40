import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_STATE, NOT_RECORDED, addFilter, apiFilters, apiParams, drillTo, readState, removeFilter, resolveRange, stateFromApiLink, writeState } from './state.js';

describe('dashboard URL state', () => {
  test('the plain URL is the default view, and every field round-trips', () => {
    assert.deepEqual(readState(''), DEFAULT_STATE);
    assert.equal(writeState(DEFAULT_STATE), '');
    const state = { range: 'custom' as const, from: '2025-01-01', to: '2025-03-31', grain: 'week' as const, offerType: 'cross_sell' as const, filters: [{ member: 'Customers.accountSize', values: ['smb', 'mid_market'] }, { member: 'Offers.channel', values: ['a=b & c'] }], compare: 'year' as const };
    assert.deepEqual(readState(writeState(state)), state);
    assert.equal(writeState({ ...DEFAULT_STATE, range: '3m' }), '?range=3m');
    assert.equal(writeState({ ...DEFAULT_STATE, compare: 'previous' }), '?compare=previous');
    // Not-equals and "not recorded" filters round-trip through the URL.
    const odd = { ...DEFAULT_STATE, filters: [{ member: 'Offers.channel', values: ['email', '∅'], exclude: true }] };
    assert.equal(writeState(odd), '?filter=Offers.channel%21%3Demail&filter=Offers.channel%21%3D%E2%88%85');
    assert.deepEqual(readState(writeState(odd)), odd);
  });

  test('unreadable values fall back to the default instead of failing', () => {
    assert.deepEqual(readState('?range=5y&grain=hour&type=gift&filter=nonsense&filter=a.b%3Dc&from=2025-02-30x&to=2025-01-01&compare=decade'), { ...DEFAULT_STATE, filters: [{ member: 'a.b', values: ['c'] }] });
    // A custom range whose end comes before its start is ignored.
    assert.equal(readState('?from=2025-03-01&to=2025-01-01').range, '12m');
  });

  test('filters: values on one member are merged, removed one at a time', () => {
    let s = addFilter(DEFAULT_STATE, 'Customers.industry', 'saas');
    s = addFilter(s, 'Customers.industry', 'retail');
    s = addFilter(s, 'Customers.industry', 'saas');
    assert.deepEqual(s.filters, [{ member: 'Customers.industry', values: ['saas', 'retail'] }]);
    assert.deepEqual(removeFilter(s, 'Customers.industry', 'saas').filters, [{ member: 'Customers.industry', values: ['retail'] }]);
    assert.deepEqual(removeFilter(s, 'Customers.industry').filters, []);
  });

  test('presets: full calendar months before the last day with offers, plus its month so far; clipped to the first', () => {
    // The last day ends its month: "12 full months" are exactly July 2024 – June 2025.
    const extent = { first: '2023-07-01', last: '2025-06-30' };
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: '12m' }, extent), { from: '2024-07-01', to: '2025-06-30' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: '3m' }, extent), { from: '2025-04-01', to: '2025-06-30' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: 'lastmonth' }, extent), { from: '2025-06-01', to: '2025-06-30' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: 'mtd' }, extent), { from: '2025-06-01', to: '2025-06-30' });
    // The last day is Dec 1: December is still filling in, the 12 full months are Dec 2025 – Nov 2026.
    const open = { first: '2024-12-02', last: '2026-12-01' };
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: '12m' }, open), { from: '2025-12-01', to: '2026-12-01' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: '3m' }, open), { from: '2026-09-01', to: '2026-12-01' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: '6m' }, open), { from: '2026-06-01', to: '2026-12-01' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: 'lastmonth' }, open), { from: '2026-11-01', to: '2026-11-30' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: 'mtd' }, open), { from: '2026-12-01', to: '2026-12-01' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: 'ytd' }, open), { from: '2026-01-01', to: '2026-12-01' });
    // Leap years and the year boundary: Feb 29 ends February; Jan 15 leaves January open.
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: 'lastmonth' }, { first: '2020-01-01', last: '2024-02-29' }), { from: '2024-02-01', to: '2024-02-29' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: 'lastmonth' }, { first: '2020-01-01', last: '2025-01-15' }), { from: '2024-12-01', to: '2024-12-31' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: '3m' }, { first: '2020-01-01', last: '2025-01-15' }), { from: '2024-10-01', to: '2025-01-15' });
    // Clipped to the first day with offers.
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: '6m' }, { first: '2025-03-15', last: '2025-06-30' }), { from: '2025-03-15', to: '2025-06-30' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: '12m' }, { first: '2024-01-01', last: '2025-01-31' }), { from: '2024-02-01', to: '2025-01-31' });
    assert.deepEqual(resolveRange({ ...DEFAULT_STATE, range: 'lastmonth' }, { first: '2025-01-10', last: '2025-01-15' }), { from: '2024-12-01', to: '2024-12-31' });
    assert.equal(resolveRange(DEFAULT_STATE, null), null);
  });

  test('not-equals and "not recorded" become Cube filters: kept values ORed with notSet, left-out values ANDed with set', () => {
    const keep = { ...DEFAULT_STATE, filters: [{ member: 'Customers.industry', values: ['saas', NOT_RECORDED] }] };
    assert.deepEqual(apiFilters(keep), [{ or: [{ member: 'Customers.industry', operator: 'equals', values: ['saas'] }, { member: 'Customers.industry', operator: 'notSet' }] }]);
    const drop = { ...DEFAULT_STATE, filters: [{ member: 'Offers.channel', values: ['email', NOT_RECORDED], exclude: true }] };
    assert.deepEqual(apiFilters(drop), [{ and: [{ member: 'Offers.channel', operator: 'notEquals', values: ['email'] }, { member: 'Offers.channel', operator: 'set' }] }]);
    assert.deepEqual(apiFilters({ ...DEFAULT_STATE, filters: [{ member: 'Customers.industry', values: [NOT_RECORDED] }] }), [{ member: 'Customers.industry', operator: 'notSet' }]);
    // Adding the other way replaces a member's filter; a drill-down keeps one value of the member.
    assert.deepEqual(addFilter(keep, 'Customers.industry', 'retail', true).filters, [{ member: 'Customers.industry', values: ['retail'], exclude: true }]);
    assert.deepEqual(drillTo(keep, 'Customers.industry', 'retail').filters, [{ member: 'Customers.industry', values: ['retail'] }]);
  });

  test('API parameters carry the range, offer type and Cube equality filters', () => {
    const s = addFilter({ ...DEFAULT_STATE, offerType: 'upsell' }, 'Customers.accountSize', 'enterprise');
    const q = apiParams(s, { from: '2025-01-01', to: '2025-06-30' });
    assert.equal(q.get('from'), '2025-01-01');
    assert.equal(q.get('offerType'), 'upsell');
    assert.deepEqual(JSON.parse(q.get('filters') ?? ''), [{ member: 'Customers.accountSize', operator: 'equals', values: ['enterprise'] }]);
  });

  test('an insight link opens the view it describes', () => {
    const link = `/api/v1/breakdown?by=Offers.channel&from=2025-01-01&to=2025-03-31&filters=${encodeURIComponent(JSON.stringify([{ member: 'Offers.channel', operator: 'equals', values: ['email'] }]))}`;
    const s = stateFromApiLink(link, DEFAULT_STATE);
    assert.deepEqual([s.range, s.from, s.to], ['custom', '2025-01-01', '2025-03-31']);
    assert.deepEqual(s.filters, [{ member: 'Offers.channel', values: ['email'] }]);
    assert.deepEqual(stateFromApiLink('/api/v1/kpi?filters=%5Bbroken', DEFAULT_STATE), DEFAULT_STATE);
  });

  test('chosen panels, their over-time view and the time-to-accept panel round-trip; commas stay readable', () => {
    const state = { ...DEFAULT_STATE, panels: ['account_size', 'region', 'Offers.campaign'], overTime: ['region'], timeToAccept: 'offer_type' };
    assert.equal(writeState(state), '?panels=account_size,region,Offers.campaign&overTime=region&timeToAccept=offer_type');
    assert.deepEqual(readState(writeState(state)), state);
    // No panels at all is not the default panels.
    assert.deepEqual(readState(writeState({ ...DEFAULT_STATE, panels: [] })).panels, []);
    assert.equal(readState('').panels, undefined);
    // Unreadable keys and repeats are left out.
    assert.deepEqual(readState('?panels=region,re%20gion,region,,a.b.c&timeToAccept=%3Cx%3E'), { ...DEFAULT_STATE, panels: ['region'] });
  });
});
