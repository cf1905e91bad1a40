import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readState } from '../../web/src/state.js';
import { dashboardLink } from './notification.js';

test('an alert links to the dashboard view the page itself reads: period, grain and equality filters', () => {
  const link = dashboardLink('http://dash.example:4000/', {
    period: { start: new Date('2025-04-01T00:00:00Z'), end: new Date('2025-05-01T00:00:00Z'), label: '2025-04' },
    grain: 'month',
    filters: [
      { member: 'Customers.accountSize', operator: 'equals', values: ['enterprise', 'mid_market'] },
      { member: 'Offers.channel', operator: 'equals', values: ['in_app'] },
      { member: 'Offers.revenue', operator: 'gt', values: ['0'] },
    ],
  });
  const url = new URL(link);
  assert.equal(url.origin + url.pathname, 'http://dash.example:4000/');
  const state = readState(url.search);
  assert.equal(state.range, 'custom');
  assert.equal(state.from, '2025-04-01');
  assert.equal(state.to, '2025-04-30');
  assert.equal(state.grain, 'month');
  assert.deepEqual(state.filters, [
    { member: 'Customers.accountSize', values: ['enterprise', 'mid_market'] },
    { member: 'Offers.channel', values: ['in_app'] },
  ]);
});
