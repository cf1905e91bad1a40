/**
 * The dashboard's reading of GET /api/v1/binding agrees with the server's binding: the same panel
 * dimensions as the monthly report (`panelDimensions`), the shipped model's six panel titles as
 * the dashboard always showed them, and what a user's model lacks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkBinding, panelDimensions } from '../src/kpi/index.js';
import { loadModel, shippedModelDir } from '../src/model/index.js';
import { breakdownPanels, panelTitle } from '../src/report-html/breakdown-panels.js';
import { coverageOf, FULL_COVERAGE } from '../src/report-html/coverage.js';
import { bindingDocument } from '../src/server/routes/kpi-api.js';
import { coverageOfDocument, panelDimensionsOf, unavailableCapabilities, type BindingDocument } from '../web/src/binding.js';

test('the shipped model: the report\'s six panels, titled as the dashboard always titled them', async () => {
  const model = await loadModel(shippedModelDir());
  const check = checkBinding(model, undefined);
  const binding = check.binding;
  assert.ok(binding);
  // The page's type of the document is the server's (assignable, checked by tsc).
  const doc: BindingDocument = bindingDocument(model, check);
  assert.equal(doc.bound, true);
  assert.deepEqual(panelDimensionsOf(doc), panelDimensions(binding));
  assert.deepEqual(
    breakdownPanels(panelDimensionsOf(doc), binding.offers).map((p) => p.title),
    ['Account size', 'Lifecycle stage', 'Engagement tier', 'Industry', 'Offer type', 'Channel'],
  );
  assert.deepEqual(coverageOfDocument(doc), FULL_COVERAGE);
  assert.deepEqual(coverageOf(binding, binding.shipped), FULL_COVERAGE);
  assert.deepEqual(unavailableCapabilities(doc), []);
});

test('a user\'s model: no panels without dimensions, and what it lacks', async () => {
  const model = await loadModel('test/fixtures/models/seed-fixed');
  const check = checkBinding(model, { offers: 'UpsellOffers.totalUpsellOffers', accepted: 'UpsellOffers.successfulUpsells', time: 'UpsellOffers.offerDate', customer: 'UpsellOffers.customerId' });
  const binding = check.binding;
  assert.ok(binding);
  const doc: BindingDocument = bindingDocument(model, check);
  assert.equal(doc.bound, true);
  assert.deepEqual(panelDimensionsOf(doc), []);
  assert.deepEqual(coverageOfDocument(doc), { offerTypes: false, customers: true, revenue: false, pending: false, offerNames: false, industries: false, window: false });
  assert.deepEqual(coverageOfDocument(doc), coverageOf(binding, binding.shipped));
  const missing = unavailableCapabilities(doc).map((c) => c.name);
  assert.ok(missing.includes('offer leaderboard'));
  assert.ok(!missing.some((n) => n.startsWith('customer-clustered')), 'the customer is bound');
});

test('a model the shipped defaults do not fit: not bound, with the problems', async () => {
  const model = await loadModel('test/fixtures/models/seed-fixed');
  const doc: BindingDocument = bindingDocument(model, checkBinding(model, undefined));
  assert.equal(doc.bound, false);
  assert.equal(doc.members, null);
  assert.ok(doc.problems.length > 0);
  assert.deepEqual(coverageOfDocument(doc), { offerTypes: false, customers: false, revenue: false, pending: false, offerNames: false, industries: false, window: false });
});

test('panel titles: the cube appended to other cubes\' members goes, title case becomes sentence case', () => {
  assert.equal(panelTitle({ member: 'Customers.accountSize', title: 'Account Size (Customers)' }, 'Offers.count'), 'Account size');
  assert.equal(panelTitle({ member: 'Offers.offerType', title: 'Offer Type' }, 'Offers.count'), 'Offer type');
  // The offers' own cube keeps its parentheses; capitals of an acronym stay.
  assert.equal(panelTitle({ member: 'Deals.revenueBand', title: 'Revenue (USD)' }, 'Deals.count'), 'Revenue (USD)');
  assert.equal(panelTitle({ member: 'Accounts.crmId', title: 'CRM Region ID (Accounts)' }, 'Deals.count'), 'CRM region ID');
});
