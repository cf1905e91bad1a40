/**
 * A rollup by cluster (`clusteredBy`: each customer's months side by side) answers a
 * customer-clustered read exactly as the rows do. On DuckDB and PostgreSQL, the demo data are
 * loaded, the shipped model plus two rollups by customer are built, and clustered reads — the
 * headline, breakdowns by a customer attribute and by an offer's channel, per month, filtered —
 * are answered with the rollups and from the rows alone: identical rows (sums, clusters, Σ of
 * products, clusters above 0). Reads a rollup cannot answer exactly (a range that cuts a month, a
 * clock before the data's last instant, a filter on a member it does not store) must read the rows,
 * and the reads it serves must be served by it. Then a load of new offers and a load that moves
 * offers to other months refill the rollups, which must stay fresh and exact.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../src/demo/index.js';
import { ingestFiles } from '../src/ingest/index.js';
import type { Model } from '../src/model/index.js';
import { allAccess, type CubeQuery } from '../src/query/index.js';
import { answerClustered, answerClusteredSets, type ClusterRequest } from '../src/query/cluster-moments.js';
import { asIso, sidewaysSql, storedSource, wholeFillSql } from '../src/rollups/clustered.js';
import { buildRollups, rollupStatus } from '../src/rollups/index.js';
import { planRefresh, type LoadedTable } from '../src/rollups/maintain.js';
import { registryIn } from '../src/rollups/registry.js';
import { inTransaction } from '../src/rollups/transaction.js';
import { openStore, type Store } from '../src/store/index.js';
import { dropPostgresSchema, locateServer, skipUnlessReady } from './engines.js';
import { changedOffers, modelWithRollups, shiftDays, shiftedOffers, watching } from './rollup-reads.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-rollups-clustered-'));
const isolation = `uprate_rollups_clustered_${process.pid}`;
const pgSlot = await locateServer('postgres', isolation);
const END = new Date('2025-06-30T23:59:59Z');
/** The reads' clock: after the data's last instant, as a live store's clock is. */
const NOW = new Date('2025-07-02T09:00:00Z');
let files: { customers: string; offers: string };
let model: Model;

/**
 * The shipped model (its rollup by customer, `perCustomer`: the customer's attributes) with
 * another: offer type × channel; without its rollups of moments (test/rollups-moments.test.ts),
 * which would answer most of these reads first.
 */
const DECLARED = `perChannel: { type: 'rollup', clusteredBy: customerId, measures: [count, accepted, expansionRevenue], dimensions: [offerType, channel], timeDimension: offeredAt, granularity: 'month' },`;

before(async () => {
  files = await writeDemoFiles({ dir, format: 'csv', rows: 6_000, seed: 424242, end: END });
  model = await modelWithRollups(join(dir, 'model'), DECLARED, { withoutMoments: true });
});

after(async () => {
  await dropPostgresSchema(pgSlot.ready?.where, isolation);
  rmSync(dir, { recursive: true, force: true });
});

const REQUEST: ClusterRequest = {
  cluster: 'Offers.customerId',
  products: [['Offers.count', 'Offers.count'], ['Offers.accepted', 'Offers.accepted'], ['Offers.accepted', 'Offers.count']],
  positive: ['Offers.accepted'],
};
const MEASURES = ['Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.expansionRevenue'];
const asOf = (at: Date) => ({ member: 'Offers.offeredAt', operator: 'beforeOrOnDate' as const, values: [at.toISOString().slice(0, 23)] });
const range = (from: string, to: string, granularity?: 'month' | 'week') => [{ dimension: 'Offers.offeredAt', dateRange: [from, to] as [string, string], ...(granularity ? { granularity } : {}) }];

/** Each read, the rollup that must serve it (null: the rows), and the clock it is read at. */
const READS: { name: string; query: CubeQuery; servedBy: string | null; now?: Date }[] = [
  { name: 'the headline over whole months up to the data end', query: { measures: MEASURES, timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW)] }, servedBy: 'uprate_rollup_offers_per_customer' },
  { name: 'by account size', query: { measures: MEASURES, dimensions: ['Customers.accountSize'], timeDimensions: range('2024-10-01', '2025-07-31'), filters: [asOf(NOW)] }, servedBy: 'uprate_rollup_offers_per_customer' },
  { name: 'by region per month, filtered on two sizes', query: { measures: MEASURES, dimensions: ['Customers.region'], timeDimensions: range('2025-01-01', '2025-06-30', 'month'), filters: [asOf(NOW), { member: 'Customers.accountSize', operator: 'equals', values: ['smb', 'enterprise'] }] }, servedBy: 'uprate_rollup_offers_per_customer' },
  { name: 'by channel (each customer summed over offer types first)', query: { measures: MEASURES, dimensions: ['Offers.channel'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW)] }, servedBy: 'uprate_rollup_offers_per_channel' },
  { name: 'by channel, upsells only', query: { measures: MEASURES, dimensions: ['Offers.channel'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW), { member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }] }, servedBy: 'uprate_rollup_offers_per_channel' },
  { name: 'per month, counts only', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2024-07-01', '2025-06-30', 'month') }, servedBy: 'uprate_rollup_offers_per_customer' },
  { name: 'months with no data', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2030-01-01', '2030-03-31') }, servedBy: 'uprate_rollup_offers_per_customer' },
  { name: 'a range that cuts a month', query: { measures: MEASURES, timeDimensions: range('2025-01-15', '2025-06-30'), filters: [asOf(NOW)] }, servedBy: null },
  { name: 'by week', query: { measures: MEASURES, timeDimensions: range('2025-01-06', '2025-06-29', 'week'), filters: [asOf(NOW)] }, servedBy: null },
  { name: 'a filter on a member no rollup by customer stores', query: { measures: MEASURES, dimensions: ['Customers.accountSize'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW), { member: 'Customers.mrr', operator: 'gt', values: ['2000'] }] }, servedBy: null },
  { name: 'by industry × lifecycle stage, filtered on a plan', query: { measures: MEASURES, dimensions: ['Customers.industry', 'Customers.lifecycleStage'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW), { member: 'Customers.plan', operator: 'notEquals', values: ['starter'] }] }, servedBy: 'uprate_rollup_offers_per_customer' },
  { name: 'a clock before the data ends (an as-of in the past)', query: { measures: MEASURES, timeDimensions: range('2024-07-01', '2025-03-31'), filters: [asOf(new Date('2025-04-10T00:00:00Z'))] }, servedBy: null, now: new Date('2025-04-10T00:00:00Z') },
  { name: 'no range on the time dimension (rows without a time count)', query: { measures: ['Offers.count', 'Offers.accepted'] }, servedBy: null },
];

const TABLES = /uprate_rollup_offers_per_\w+/;

/** Every read equals the rows' answer; and is served by the rollup the read names (`served`: false when new data makes the reads' clock too early). */
async function everyReadExact(store: Store, label: string, served = true): Promise<void> {
  for (const r of READS) {
    const now = r.now ?? NOW;
    const rows = await answerClustered(store, model, r.query, { ...REQUEST, clustersFirst: 'never' }, { now, access: allAccess('local'), useRollups: false });
    const { value, read } = await watching(store, TABLES, () => answerClustered(store, model, r.query, REQUEST, { now, access: allAccess('local') }));
    assert.deepEqual(value, rows, `${label}: ${r.name}`);
    if (!served) continue;
    if (r.servedBy) assert.equal(read[0], r.servedBy, `${label}: ${r.name} is read from ${r.servedBy} (read: ${read.join(', ')})`);
    else assert.ok(!read.some((t) => t.startsWith('uprate_rollup_offers_per')), `${label}: ${r.name} reads the rows (read: ${read.join(', ')})`);
  }
  // Several reads at once: each from the rollup that answers it, the others from one pass over the rows.
  const queries = READS.filter((r) => !r.now).map((r) => r.query);
  const together = await answerClusteredSets(store, model, queries, REQUEST, { now: NOW, access: allAccess('local') });
  const alone = await answerClusteredSets(store, model, queries, { ...REQUEST, clustersFirst: 'never' }, { now: NOW, access: allAccess('local'), useRollups: false });
  assert.deepEqual(together, alone, `${label}: several reads at once`);
}

/** The offers file with every `every`-th offer changed, or moved `days`, written to `name` in the test's folder. */
const changed = (name: string, every: number, change: (cells: string[], header: string[]) => void) => changedOffers(files.offers, join(dir, name), every, change);
const shifted = (name: string, every: number, days: number) => shiftedOffers(files.offers, join(dir, name), every, days);

for (const engine of ['duckdb', 'postgres'] as const) {
  const skip = engine === 'postgres' ? skipUnlessReady(pgSlot) : false;
  describe(`${engine}: rollups by customer answer clustered reads exactly`, { skip }, () => {
    let store: Store;
    before(async () => {
      store = engine === 'duckdb' ? await openStore({ db: join(dir, 'clustered.duckdb') }) : await openStore({ db: ':memory:', url: pgSlot.ready?.where ?? '', engine: 'postgres' });
      await ingestFiles(store, { table: 'customers', files: [files.customers] });
      await ingestFiles(store, { table: 'offers', files: [files.offers] });
      await buildRollups(store, model);
    });
    after(async () => {
      await store.close();
    });

    test('built and fresh, then every read equals the rows', async () => {
      const states = (await rollupStatus(store, model)).map((s) => `${s.name}: ${s.state}`);
      assert.ok(states.includes('Offers.perCustomer: fresh') && states.includes('Offers.perChannel: fresh'), states.join('; '));
      await everyReadExact(store, 'built');
    });

    test("a whole fill groups by customer and joins the attributes after: the same table as grouping by every attribute, offers of a customer without attributes included", async () => {
      const done = new Error('compared');
      await inTransaction(store, async (exec) => {
        const stored = (await registryIn(exec)).find((r) => r.name === 'Offers.perCustomer');
        assert.ok(stored?.layout, 'perCustomer is a rollup by customer');
        const source = storedSource(stored);
        assert.ok(source.attributes?.rows, 'its attributes come from customers, so a fill can group by customer alone');
        // Offers naming a customer the customers table lacks: the model's join gives them no attributes.
        await exec(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, channel, campaign, accepted_at, declined_at, revenue)
          SELECT 'orphan-' || offer_id, 'no-such-customer', offered_at, offer_type, offer_name, channel, campaign, accepted_at, declined_at, revenue FROM offers ORDER BY offer_id LIMIT 3`);
        const grouped = sidewaysSql(source, stored.layout);
        const joined = wholeFillSql(source, stored.layout);
        assert.notEqual(joined, grouped);
        const [diff] = await exec(`SELECT (SELECT count(*) FROM (${grouped} EXCEPT ALL ${joined}) a) AS missing, (SELECT count(*) FROM (${joined} EXCEPT ALL ${grouped}) b) AS extra, (SELECT count(*) FROM (${joined}) c) AS n`, source.params);
        assert.deepEqual([Number(diff?.['missing']), Number(diff?.['extra'])], [0, 0], 'the two fills differ');
        assert.ok(Number(diff?.['n']) > 100, 'compared a table with rows');
        const cluster = stored.layout.cluster;
        const orphan = await exec(`SELECT * FROM (${joined}) j WHERE "${cluster}" = 'no-such-customer'`, source.params);
        assert.equal(orphan.length, 1);
        for (const attribute of stored.layout.perCluster ?? []) assert.equal(orphan[0]?.[attribute], null, attribute);
        throw done;
      }).catch((e: unknown) => {
        if (e !== done) throw e;
      });
    });

    /** Loads an offers file: the rollups by customer stay fresh, and every read is still the rows' answer. */
    async function loadedExact(file: string, label: string, served = true): Promise<void> {
      await ingestFiles(store, { table: 'offers', files: [file] });
      assert.deepEqual((await rollupStatus(store, model)).filter((s) => s.name.includes('per')).map((s) => s.state), ['fresh', 'fresh'], label);
      await everyReadExact(store, label, served);
    }

    /** Plans a load into `table` and throws the transaction away: the refresh each rollup by customer would get. */
    async function planned(load: Pick<LoadedTable, 'table' | 'rowsSql' | 'key'>): Promise<string[]> {
      const done = new Error('planned');
      let kinds: string[] = [];
      await inTransaction(store, async (exec) => {
        const plan = await planRefresh(exec, engine, [{ replace: false, ...load }]);
        kinds = plan.rollups.filter((r) => r.stored.layout).map((r) => `${r.stored.name}: ${r.refresh.kind}`);
        throw done;
      }).catch((e: unknown) => {
        if (e !== done) throw e;
      });
      return kinds;
    }

    test('a load refills the months it touches; a new month or a load of customers refills them whole (the one reading customers)', async () => {
      const offers = (select: string) => ({ table: 'offers', key: 'offer_id', rowsSql: `SELECT ${select} FROM offers ORDER BY offer_id LIMIT 5` });
      const columns = 'customer_id, offered_at, offer_type, offer_name, channel, campaign, accepted_at, declined_at, revenue';
      assert.deepEqual(await planned(offers(`'new-' || offer_id AS offer_id, ${columns}`)), ['Offers.perChannel: months', 'Offers.perCustomer: months']);
      assert.deepEqual(await planned(offers(`offer_id, ${columns}`)), ['Offers.perChannel: months', 'Offers.perCustomer: months']);
      const before = columns.replace('offered_at', "offered_at - INTERVAL '3 years' AS offered_at");
      assert.deepEqual(await planned(offers(`offer_id, ${before}`)), ['Offers.perChannel: all', 'Offers.perCustomer: all']);
      // Months after the last get their columns: still a refill of the touched months.
      const after = columns.replace('offered_at', "offered_at + INTERVAL '3 years' AS offered_at");
      assert.deepEqual(await planned(offers(`'new-' || offer_id AS offer_id, ${after}`)), ['Offers.perChannel: months', 'Offers.perCustomer: months']);
      // Only the rollup holding customer attributes reads customers: the loaded customers' attributes are rewritten.
      assert.deepEqual(await planned({ table: 'customers', key: 'customer_id', rowsSql: 'SELECT * FROM customers LIMIT 5' }), ['Offers.perChannel: none', 'Offers.perCustomer: attributes']);
    });

    test('a load of new offers refills them: fresh and exact', async () => {
      const added = changed('new-offers.csv', 7, (cells, header) => {
        const id = header.indexOf('offer_id');
        cells[id] = `new-${cells[id] ?? ''}`;
      });
      await loadedExact(added, 'after new offers');
    });

    test('a load that moves offers 3 days earlier (out of months and into others the rollups hold) refills those months: fresh and exact', async () => {
      await loadedExact(shifted('nudged-offers.csv', 3, -3), 'after nudged offers');
    });

    test('a load that gives offers another channel and customer (their old keys lose those months) refills those months: fresh and exact', async () => {
      const channels = ['email', 'in_app', 'sales', 'checkout'];
      const customers = [...new Set(readFileSync(files.offers, 'utf8').trimEnd().split('\n').slice(1).map((line) => line.split(',')[1] ?? ''))];
      let n = 0;
      const changedOffers = changed('rekeyed-offers.csv', 4, (cells, header) => {
        const channel = header.indexOf('channel');
        const customer = header.indexOf('customer_id');
        n += 1;
        cells[channel] = channels[(channels.indexOf(cells[channel] ?? '') + 1) % channels.length] ?? 'email';
        cells[customer] = customers[(customers.indexOf(cells[customer] ?? '') + n) % customers.length] ?? '';
      });
      await loadedExact(changedOffers, 'after offers given other keys');
    });

    test('a load that moves offers 40 days earlier (some into a month before the data) refills them: fresh and exact', async () => {
      await loadedExact(shifted('moved-offers.csv', 5, -40), 'after moved offers');
    });

    test('a load of customers with other attributes (and customers of offers who had none) rewrites theirs: fresh and exact', async () => {
      const lines = readFileSync(files.customers, 'utf8').trimEnd().split('\n');
      const header = (lines[0] ?? '').split(',');
      const [size, region] = [header.indexOf('account_size'), header.indexOf('region')];
      const sizes = ['smb', 'mid_market', 'enterprise'];
      const changedCustomers = lines.slice(1).filter((_, i) => i % 3 === 0).map((line, i) => {
        const cells = line.split(',');
        cells[size] = i % 7 === 0 ? '' : (sizes[(sizes.indexOf(cells[size] ?? '') + 1) % sizes.length] ?? 'smb');
        cells[region] = i % 2 === 0 ? 'emea' : (cells[region] ?? '');
        return cells.join(',');
      });
      // A customer id that offers name but customers lacked: their offers had no attributes until now.
      const [orphan] = (await store.query("SELECT o.customer_id AS id FROM offers o LEFT JOIN customers c ON c.customer_id = o.customer_id WHERE c.customer_id IS NULL LIMIT 1")) as { id?: string }[];
      const extra = orphan?.id ? [header.map((h) => (h === 'customer_id' ? orphan.id : h === 'account_size' ? 'enterprise' : h === 'region' ? 'apac' : '')).join(',')] : [];
      const file = join(dir, 'changed-customers.csv');
      writeFileSync(file, `${[lines[0], ...changedCustomers, ...extra].join('\n')}\n`);
      await ingestFiles(store, { table: 'customers', files: [file] });
      assert.deepEqual((await rollupStatus(store, model)).filter((s) => s.name.includes('per')).map((s) => s.state), ['fresh', 'fresh']);
      await everyReadExact(store, 'after a load of customers');
    });

    test('new offers in the months after the data (with a month between them left empty) add those months\' columns: fresh and exact', async () => {
      const [row] = await store.query('SELECT max(offered_at) AS last FROM offers');
      const last = Date.parse(String(asIso(row?.['last'])));
      let n = 0;
      const later = changed('later-offers.csv', 9, (cells, header) => {
        const id = header.indexOf('offer_id');
        cells[id] = `later-${cells[id] ?? ''}`;
        // Each offer (with its acceptance or decline) moved to 20 or 80 days after the data's last offer.
        n += 1;
        const days = Math.ceil((last - Date.parse(cells[header.indexOf('offered_at')] ?? '')) / 86_400_000) + (n % 2 === 0 ? 20 : 80);
        for (const column of ['offered_at', 'accepted_at', 'declined_at']) {
          const i = header.indexOf(column);
          if (i >= 0) cells[i] = shiftDays(cells[i] ?? '', days);
        }
      });
      // The reads' clock is now before the data's end: exact, from the rows.
      await loadedExact(later, 'after offers in later months', false);
      // Stored offers moved further into later months (a replacing load): the months they leave and reach refilled.
      await loadedExact(shifted('later-moved.csv', 11, 75), 'after stored offers moved into later months', false);
      // Read after the data's end, the new months (the empty one among them) come from the rollup, as the rows give them.
      const clock = new Date(last + 400 * 86_400_000);
      const start = new Date(last);
      const from = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
      for (const query of [
        { measures: ['Offers.count', 'Offers.accepted', 'Offers.expansionRevenue'], timeDimensions: range(from, clock.toISOString().slice(0, 10), 'month') },
        { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.accountSize'], timeDimensions: range('2000-01-01', clock.toISOString().slice(0, 10)) },
      ]) {
        const rows = await answerClustered(store, model, query, { ...REQUEST, clustersFirst: 'never' }, { now: clock, access: allAccess('local'), useRollups: false });
        const { value, read } = await watching(store, TABLES, () => answerClustered(store, model, query, REQUEST, { now: clock, access: allAccess('local') }));
        assert.deepEqual(value, rows, JSON.stringify(query));
        assert.equal(read[0], 'uprate_rollup_offers_per_customer', `${JSON.stringify(query)} read ${read.join(', ')}`);
        assert.ok(rows.filter((r) => Number(r.data['Offers.count']) > 0).length >= (query.dimensions ? 3 : 2), `the later months have offers: ${JSON.stringify(rows).slice(0, 300)}`);
      }
    });
  });
}
