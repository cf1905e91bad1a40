/**
 * Counts of test/fixture-data.ts by plain SQL (no uprate code): the inputs of
 * test/reference/kpi_reference.py. `node --import tsx test/reference/kpi-fixture-counts.ts >
 * test/reference/kpi-counts.json` writes them; test/kpi-api.test.ts checks that the same SQL still
 * gives the same counts before it trusts the reference values.
 *
 * Every group also carries its customers' own counts (`perCustomer`, GROUP BY group, customer_id):
 * what the customer-clustered design effect of the group's rate is computed from.
 */
import { DuckDbStore } from '../../src/store/index.js';
import { loadFixture } from '../fixture-data.js';

/** The clock the API tests run with. */
export const AS_OF = '2025-07-15 00:00:00';

const ACCEPTED = `accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '${AS_OF}'`;
const DECLINED = `declined_at IS NOT NULL AND declined_at <= TIMESTAMP '${AS_OF}'`;
const PENDING = `NOT (${ACCEPTED}) AND NOT (${DECLINED}) AND offered_at + INTERVAL 30 DAY > TIMESTAMP '${AS_OF}'`;

export interface Group {
  label: string;
  k: number;
  n: number;
  pending: number;
  /** [offers, accepted] of each customer with offers in the group, in customer_id order. */
  perCustomer: [number, number][];
}

export interface FixtureCounts {
  asOf: string;
  firstDay: string;
  lastDay: string;
  total: Group;
  customersOffered: number;
  customersConverted: number;
  revenue: number;
  /** 2025-04-01 … 2025-06-29 (pending offers: provisional) and the 90 days before it. */
  recent: Group;
  previous: Group;
  /** 2025-04-01 … 2025-05-31 (complete as of AS_OF) and the two calendar months before it (2025-02-01 … 2025-03-31). */
  complete: Group;
  completePrevious: Group;
  months: Group[];
  accountSize: Group[];
  industry: Group[];
  channel: Group[];
  offerName: Group[];
}

async function groups(store: DuckDbStore, key: string, where = 'TRUE'): Promise<Group[]> {
  const from = `FROM offers o LEFT JOIN customers c USING (customer_id) WHERE ${where}`;
  const rows = await store.query<{ label: unknown; k: bigint; n: bigint; p: bigint }>(
    `SELECT ${key} AS label, count(*) FILTER (WHERE ${ACCEPTED}) AS k, count(*) AS n, count(*) FILTER (WHERE ${PENDING}) AS p
     ${from} GROUP BY 1 ORDER BY 1`,
  );
  const customers = await store.query<{ label: unknown; k: bigint; n: bigint }>(
    `SELECT ${key} AS label, o.customer_id, count(*) FILTER (WHERE ${ACCEPTED}) AS k, count(*) AS n
     ${from} GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const perCustomer = new Map<string, [number, number][]>();
  for (const r of customers) {
    const label = String(r.label);
    const list = perCustomer.get(label) ?? [];
    list.push([Number(r.n), Number(r.k)]);
    perCustomer.set(label, list);
  }
  return rows.map((r) => ({
    label: String(r.label),
    k: Number(r.k),
    n: Number(r.n),
    pending: Number(r.p),
    perCustomer: perCustomer.get(String(r.label)) ?? [],
  }));
}

const between = (from: string, to: string) => `offered_at >= TIMESTAMP '${from}' AND offered_at < TIMESTAMP '${to}'`;

export async function fixtureCounts(store: DuckDbStore): Promise<FixtureCounts> {
  const [one] = await groups(store, `'all'`);
  const [extra] = await store.query<{ co: bigint; cc: bigint; rev: number; first: string; last: string }>(
    `SELECT count(DISTINCT customer_id) AS co, count(DISTINCT customer_id) FILTER (WHERE ${ACCEPTED}) AS cc,
       sum(revenue) FILTER (WHERE ${ACCEPTED}) AS rev,
       strftime(min(offered_at), '%Y-%m-%d') AS first, strftime(max(offered_at), '%Y-%m-%d') AS last FROM offers`,
  );
  const [recent] = await groups(store, `'recent'`, between('2025-04-01', '2025-06-30'));
  const [previous] = await groups(store, `'previous'`, between('2025-01-01', '2025-04-01'));
  const [complete] = await groups(store, `'complete'`, between('2025-04-01', '2025-06-01'));
  const [completePrevious] = await groups(store, `'completePrevious'`, between('2025-02-01', '2025-04-01'));
  return {
    asOf: AS_OF,
    firstDay: String(extra?.first),
    lastDay: String(extra?.last),
    total: one as Group,
    customersOffered: Number(extra?.co),
    customersConverted: Number(extra?.cc),
    revenue: Number(extra?.rev),
    recent: recent as Group,
    previous: previous as Group,
    complete: complete as Group,
    completePrevious: completePrevious as Group,
    months: await groups(store, `strftime(offered_at, '%Y-%m-01')`),
    accountSize: await groups(store, 'c.account_size'),
    industry: await groups(store, 'c.industry'),
    channel: await groups(store, 'o.channel'),
    offerName: await groups(store, 'o.offer_name'),
  };
}

if (process.argv[1]?.endsWith('kpi-fixture-counts.ts')) {
  const store = await DuckDbStore.open(':memory:');
  await loadFixture(store);
  // One customer's [offers, accepted] per line.
  const text = JSON.stringify(await fixtureCounts(store), null, 1).replace(/\[\s*(\d+),\s*(\d+)\s*\]/g, '[$1, $2]');
  process.stdout.write(`${text}\n`);
  await store.close();
}
