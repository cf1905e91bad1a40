/**
 * The propensity reads on DuckDB, against plain SQL over the same tables: every offer as one
 * event (several offers sharing customer, instant and name included), each customer's history at
 * the clock, the customer sample by hash (the JS md5 decides the same customers), and a tenant's
 * access restricting both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { generateDemo } from '../demo/index.js';
import type { KpiContext } from '../insights/kpi-context.js';
import { checkBinding } from '../kpi/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { allAccess, inSample, tenantAccess, type Access } from '../query/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../stats/band.js';
import { DuckDbStore } from '../store/index.js';
import { featureMembers, readCustomerSnapshots, readOfferEvents } from './read.js';
import type { CustomerSnapshot, OfferEvents } from './types.js';

const AS_OF = new Date('2025-07-10T00:00:00Z');
const AT = `TIMESTAMP '2025-07-10 00:00:00'`;
const CUT = `TIMESTAMP '2025-06-10 00:00:00'`;
const OK = `(accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= ${AT})`;
const PENDING = `(NOT ${OK} AND (declined_at IS NULL OR declined_at > ${AT}) AND offered_at + INTERVAL 30 DAY > ${AT})`;
const EUROPE = tenantAccess([{ member: 'Customers.region', operator: 'equals', values: ['europe'] }]);

let store: DuckDbStore;
let model: Model;

function context(access: Access = allAccess('local'), extra: Partial<KpiContext> = {}): KpiContext {
  return { store, model, asOf: AS_OF, access, windowDays: 30, thresholds: DEFAULT_BAND_THRESHOLDS, target: null, level: 0.95, method: 'wilson', ...extra };
}

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 20_000, seed: 11, end: new Date('2025-06-30T00:00:00Z') });
  model = await loadModel(shippedModelDir());
  // Offers sharing customer, instant and name: three copies of one accepted offer (one of them
  // left unaccepted) and two of an unaccepted one; and one offer made after the clock.
  await store.run(`INSERT INTO offers SELECT 'dup-a' || i, customer_id, offered_at, offer_type, offer_name, channel, campaign,
      CASE WHEN i < 2 THEN accepted_at END, declined_at, CASE WHEN i < 2 THEN revenue END
    FROM (SELECT * FROM offers WHERE ${OK} AND revenue IS NOT NULL ORDER BY offer_id LIMIT 1), range(3) t(i)`);
  await store.run(`INSERT INTO offers SELECT 'dup-b' || i, customer_id, offered_at, offer_type, offer_name, channel, campaign, accepted_at, declined_at, revenue
    FROM (SELECT * FROM offers WHERE NOT ${OK} AND offered_at < ${CUT} AND offer_id NOT LIKE 'dup%' ORDER BY offer_id LIMIT 1), range(2) t(i)`);
  await store.run(`INSERT INTO offers SELECT 'late', customer_id, ${AT} + INTERVAL 1 DAY, offer_type, offer_name, channel, campaign, NULL, NULL, NULL FROM offers ORDER BY offer_id LIMIT 1`);
});
after(() => store?.close());

interface CustomerCounts {
  offers: number;
  accepted: number;
  pending: number;
}

/** Per customer: offers made by the clock, accepted, pending — by plain SQL. */
async function countsBySql(where = 'TRUE'): Promise<Map<string, CustomerCounts>> {
  const rows = await store.query(`SELECT o.customer_id AS c, count(*) AS n, count(*) FILTER (WHERE ${OK}) AS a, count(*) FILTER (WHERE ${PENDING}) AS p
    FROM offers o LEFT JOIN customers cu ON o.customer_id = cu.customer_id WHERE o.offered_at <= ${AT} AND ${where} GROUP BY 1`);
  return new Map(rows.map((r) => [String(r['c']), { offers: Number(r['n']), accepted: Number(r['a']), pending: Number(r['p']) }]));
}

function countsOfEvents(read: OfferEvents): Map<string, CustomerCounts> {
  const out = new Map<string, CustomerCounts>();
  for (const e of read.events) {
    const c = out.get(e.customer) ?? { offers: 0, accepted: 0, pending: 0 };
    c.offers += 1;
    c.accepted += e.accepted ? 1 : 0;
    c.pending += e.pending ? 1 : 0;
    out.set(e.customer, c);
  }
  return out;
}

const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('readOfferEvents', { timeout: 120_000 }, () => {
  let full: OfferEvents;
  before(async () => {
    const ctx = context();
    full = await readOfferEvents(ctx, { features: featureMembers(ctx), fraction: 1 });
  });

  test('one event per offer made by the clock: each customer’s offers, acceptances and pending offers as plain SQL counts them', async () => {
    const expected = await countsBySql();
    assert.deepEqual(sorted(countsOfEvents(full)), sorted(expected));
    const [total] = await store.query(`SELECT count(*) AS n FROM offers WHERE offered_at <= ${AT}`);
    assert.equal(full.events.length, Number(total?.['n']));
    assert.equal(full.totalOffers, full.events.length);
    assert.equal(full.sampledFraction, 1);
  });

  test('offers sharing customer, instant and name are expanded, never merged away; revenue and days to accept kept', async () => {
    const [dup] = await store.query(`SELECT customer_id AS c, epoch_ms(offered_at) AS t, offer_name AS n, revenue AS r,
      floor((epoch(accepted_at) - epoch(offered_at)) / 86400.0) AS d FROM offers WHERE offer_id = 'dup-a0'`);
    const same = full.events.filter((e) => e.customer === dup?.['c'] && e.offeredAt === Number(dup?.['t']) && e.offerName === dup?.['n']);
    // The original, two accepted copies and one unaccepted copy.
    assert.equal(same.length, 4);
    assert.equal(same.filter((e) => e.accepted).length, 3);
    for (const e of same.filter((x) => x.accepted)) {
      assert.equal(e.daysToAccept, Number(dup?.['d']));
      assert.ok(Math.abs((e.revenue ?? NaN) - Number(dup?.['r'])) < 1e-6);
    }
    assert.ok(same.filter((e) => !e.accepted).every((e) => e.revenue === null && e.daysToAccept === null));
    const [other] = await store.query(`SELECT customer_id AS c, epoch_ms(offered_at) AS t, offer_name AS n FROM offers WHERE offer_id = 'dup-b0'`);
    const three = full.events.filter((e) => e.customer === other?.['c'] && e.offeredAt === Number(other?.['t']) && e.offerName === other?.['n']);
    assert.equal(three.length, 3);
    assert.ok(three.every((e) => !e.accepted && !e.pending));
    const [rev] = await store.query(`SELECT sum(revenue) FILTER (WHERE ${OK}) AS r FROM offers WHERE offered_at <= ${AT}`);
    const sum = full.events.reduce((s, e) => s + (e.revenue ?? 0), 0);
    assert.ok(Math.abs(sum - Number(rev?.['r'])) < 1e-3, `${sum} vs ${String(rev?.['r'])}`);
  });

  test('events sorted by customer, time, name; attributes as typed values', async () => {
    for (let i = 1; i < full.events.length; i++) {
      const a = full.events[i - 1];
      const b = full.events[i];
      assert.ok(a && b);
      assert.ok(a.customer < b.customer || (a.customer === b.customer && (a.offeredAt < b.offeredAt || (a.offeredAt === b.offeredAt && a.offerName <= b.offerName))), `event ${i} out of order`);
    }
    const customers = await store.query(`SELECT customer_id AS c, account_size, engagement_score, mrr, region FROM customers`);
    let checked = 0;
    for (const r of customers) {
      const got = full.attributes.get(String(r['c']));
      if (!got) continue;
      checked++;
      assert.equal(got['Customers.accountSize'], r['account_size'] ?? null);
      assert.equal(got['Customers.region'], r['region'] ?? null);
      assert.equal(got['Customers.engagementScore'], r['engagement_score'] === null ? null : Number(r['engagement_score']));
      assert.equal(got['Customers.mrr'], r['mrr'] === null ? null : Number(r['mrr']));
    }
    assert.equal(checked, full.attributes.size);
    assert.equal(typeof full.attributes.values().next().value?.['Customers.mrr'], 'number');
  });

  test('a sample keeps whole customers, those node:crypto’s md5 puts in the first fraction of the hash space', async () => {
    const ctx = context();
    const read = await readOfferEvents(ctx, { features: featureMembers(ctx), fraction: 0.2 });
    const all = await countsBySql();
    const wanted = new Map([...all].filter(([c]) => inSample(c, 0.2)));
    assert.deepEqual(sorted(countsOfEvents(read)), sorted(wanted));
    assert.ok(wanted.size > 0.15 * all.size && wanted.size < 0.25 * all.size, `${wanted.size} of ${all.size}`);
    assert.equal(read.totalOffers, full.events.length, 'the total is not sampled');
    assert.equal(read.sampledFraction, Math.round(0.2 * 65536) / 65536);
    assert.deepEqual(read.events, full.events.filter((e) => wanted.has(e.customer)));
  });

  test('filters and a tenant’s access restrict the offers read', async () => {
    const europe = context(EUROPE);
    const read = await readOfferEvents(europe, { features: featureMembers(europe), fraction: 1 });
    assert.deepEqual(sorted(countsOfEvents(read)), sorted(await countsBySql(`cu.region = 'europe'`)));
    assert.ok(read.events.length > 0 && read.events.length < full.events.length);
    assert.ok([...read.attributes.values()].every((a) => a['Customers.region'] === 'europe'));
    const sampled = await readOfferEvents(europe, { features: [], fraction: 0.5 });
    assert.equal(sampled.totalOffers, read.events.length);
    const upsells = await readOfferEvents(context(), { features: [], fraction: 1, filters: [{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }] });
    assert.deepEqual(upsells.events, full.events.filter((e) => e.offerType === 'upsell'));
  });

  test('a large read taken in slices of the hash space gives the same events', async () => {
    const ctx = context();
    const sliced = await readOfferEvents(ctx, { features: featureMembers(ctx), fraction: 1, sliceOffers: 1_500 });
    assert.deepEqual(sliced, full);
    const sampled = await readOfferEvents(ctx, { features: featureMembers(ctx), fraction: 0.3 });
    assert.deepEqual(await readOfferEvents(ctx, { features: featureMembers(ctx), fraction: 0.3, sliceOffers: 777 }), sampled);
  });

  test('a fraction outside (0, 1] is refused', async () => {
    await assert.rejects(readOfferEvents(context(), { features: [], fraction: 0 }), (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT');
  });
});

describe('readCustomerSnapshots', { timeout: 120_000 }, () => {
  /** Each customer's history at the clock, by plain SQL. */
  async function snapshotsBySql(where = 'TRUE'): Promise<Map<string, Omit<CustomerSnapshot, 'attributes'>>> {
    const rows = await store.query(`SELECT o.customer_id AS c, coalesce(o.offer_type, '') AS ty, count(*) AS n,
        count(*) FILTER (WHERE ${OK}) AS a, count(*) FILTER (WHERE NOT ${OK} AND o.offered_at <= ${CUT}) AS x,
        count(*) FILTER (WHERE ${PENDING}) AS p, epoch_ms(max(o.offered_at)) AS last,
        epoch_ms(max(o.offered_at) FILTER (WHERE ${OK})) AS la, string_agg(DISTINCT o.offer_name, '|') FILTER (WHERE ${OK}) AS names
      FROM offers o LEFT JOIN customers cu ON o.customer_id = cu.customer_id WHERE o.offered_at <= ${AT} AND ${where} GROUP BY 1, 2`);
    const out = new Map<string, { -readonly [K in keyof Omit<CustomerSnapshot, 'attributes'>]: Omit<CustomerSnapshot, 'attributes'>[K] }>();
    for (const r of rows) {
      const c = String(r['c']);
      const s = out.get(c) ?? { customer: c, offers: {}, accepted: {}, closedUnaccepted: {}, pending: 0, acceptedNames: [], lastOfferAt: null, lastAcceptedOfferAt: null };
      const ty = String(r['ty']);
      const set = (into: Record<string, number>, v: unknown) => {
        if (Number(v) > 0) into[ty] = Number(v);
      };
      set(s.offers as Record<string, number>, r['n']);
      set(s.accepted as Record<string, number>, r['a']);
      set(s.closedUnaccepted as Record<string, number>, r['x']);
      s.pending += Number(r['p']);
      s.lastOfferAt = Math.max(s.lastOfferAt ?? -Infinity, Number(r['last']));
      if (r['la'] !== null) s.lastAcceptedOfferAt = Math.max(s.lastAcceptedOfferAt ?? -Infinity, Number(r['la']));
      s.acceptedNames = [...new Set([...s.acceptedNames, ...(r['names'] === null ? [] : String(r['names']).split('|'))])].sort();
      out.set(c, s);
    }
    return out;
  }

  const withoutAttributes = (list: readonly CustomerSnapshot[]) =>
    list.map(({ attributes: _a, ...rest }) => ({
      ...rest,
      // Types without offers, acceptances or closures are left out of both.
      offers: Object.fromEntries(Object.entries(rest.offers).filter(([, v]) => v > 0)),
      accepted: Object.fromEntries(Object.entries(rest.accepted).filter(([, v]) => v > 0)),
      closedUnaccepted: Object.fromEntries(Object.entries(rest.closedUnaccepted).filter(([, v]) => v > 0)),
    }));

  test('one row per customer: offers, acceptances and closed windows per type, pending, newest offers, accepted names — as plain SQL', async () => {
    const ctx = context();
    const got = await readCustomerSnapshots(ctx, { features: featureMembers(ctx) });
    const expected = await snapshotsBySql();
    assert.equal(got.length, expected.size);
    assert.deepEqual(withoutAttributes(got), sorted(expected).map(([, s]) => s));
    const first = got.find((s) => s.acceptedNames.length > 0);
    assert.ok(first);
    assert.equal(typeof first.attributes['Customers.engagementScore'], 'number');
    // Each type's closures are offers of a closed window not accepted: at most its offers less its acceptances.
    assert.ok(got.every((s) => Object.entries(s.closedUnaccepted).every(([t, n]) => n <= (s.offers[t] ?? 0) - (s.accepted[t] ?? 0))));
  });

  test('a tenant’s access restricts the customers and their histories', async () => {
    const got = await readCustomerSnapshots(context(EUROPE), { features: featureMembers(context()) });
    assert.deepEqual(withoutAttributes(got), sorted(await snapshotsBySql(`cu.region = 'europe'`)).map(([, s]) => s));
    assert.ok(got.length > 0 && got.every((s) => s.attributes['Customers.region'] === 'europe'));
  });

  test('the clock: a snapshot as of an earlier instant knows only what was known then', async () => {
    const earlier = context(allAccess('local'), { asOf: new Date('2025-03-01T00:00:00Z') });
    const got = await readCustomerSnapshots(earlier, { features: [] });
    const [row] = await store.query(`SELECT count(DISTINCT customer_id) AS c, count(*) AS n FROM offers WHERE offered_at <= TIMESTAMP '2025-03-01 00:00:00'`);
    assert.equal(got.length, Number(row?.['c']));
    assert.equal(got.reduce((s, x) => s + Object.values(x.offers).reduce((a, b) => a + b, 0), 0), Number(row?.['n']));
    assert.ok(got.every((s) => (s.lastOfferAt ?? 0) <= Date.parse('2025-03-01T00:00:00Z')));
  });
});

describe('featureMembers and the binding', () => {
  test('the shipped model: seven customer attributes with the model’s titles', () => {
    assert.deepEqual(featureMembers(context()), [
      { member: 'Customers.accountSize', title: 'Account Size', kind: 'category' },
      { member: 'Customers.lifecycleStage', title: 'Lifecycle Stage', kind: 'category' },
      { member: 'Customers.engagementScore', title: 'Engagement Score', kind: 'number' },
      { member: 'Customers.industry', title: 'Industry', kind: 'category' },
      { member: 'Customers.region', title: 'Region', kind: 'category' },
      { member: 'Customers.plan', title: 'Plan', kind: 'category' },
      { member: 'Customers.mrr', title: 'MRR', kind: 'number' },
    ]);
  });

  test('another binding: its breakdown dimensions off the offers’ cube (no keys, no times)', () => {
    const check = checkBinding(model, {
      offers: 'Offers.count',
      accepted: 'Offers.accepted',
      time: 'Offers.offeredAt',
      customer: 'Offers.customerId',
      offerName: 'Offers.offerName',
      daysToAccept: 'Offers.daysToAccept',
      dimensions: ['Offers.channel', 'Customers.plan', 'Customers.mrr', 'Customers.customerId'],
    });
    assert.ok(check.binding);
    assert.deepEqual(featureMembers(context(allAccess('local'), { binding: check.binding })), [
      { member: 'Customers.plan', title: 'Plan', kind: 'category' },
      { member: 'Customers.mrr', title: 'MRR', kind: 'number' },
    ]);
  });

  for (const field of ['customer', 'offerName', 'daysToAccept'] as const) {
    test(`a binding without kpi.${field} is refused with where and how to bind it`, async () => {
      const check = checkBinding(model, { offers: 'Offers.count', accepted: 'Offers.accepted', time: 'Offers.offeredAt', customer: 'Offers.customerId', offerName: 'Offers.offerName', daysToAccept: 'Offers.daysToAccept', [field]: undefined });
      assert.ok(check.binding);
      const ctx = context(allAccess('local'), { binding: check.binding });
      const refused = (e: unknown) => e instanceof UprateError && e.code === 'CONFIG_INVALID' && e.location === `kpi.${field}` && /propensity needs kpi\./.test(e.message) && /uprate\.config\.yaml/.test(e.hint ?? '');
      await assert.rejects(readOfferEvents(ctx, { features: [], fraction: 1 }), refused);
      await assert.rejects(readCustomerSnapshots(ctx, { features: [] }), refused);
    });
  }
});
