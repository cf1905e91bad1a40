import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { dropPostgresSchema, locateServer, skipUnlessReady } from '../../test/engines.js';
import { openStore, type Store } from '../store/index.js';
import { momentsColumns, momentsFillSql, momentsOfSetSql, setsFromCovers } from './moments.js';
import type { ClusterLayout } from './registry.js';

const LAYOUT: ClusterLayout = {
  cluster: 'c',
  dimensions: ['g'],
  measures: [
    { column: 'n', kind: 'count' },
    { column: 'a', kind: 'count' },
  ],
  periods: ['2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z'],
  first: '2025-01-03T00:00:00.000Z',
  last: '2025-03-20T00:00:00.000Z',
  clockFrom: null,
  clockColumns: [],
  moments: true,
};

/**
 * Three customers of one group over three months (count n, accepted a):
 *   c1: month 0 n=2 a=1, month 2 n=1 a=0;  c2: month 1 n=3 a=3;  c3: month 0 n=1 a=0, month 1 n=1 a=1.
 * Expected by hand, per (hi, lo): [Σn, Σa, Σn·n, Σn·a, Σa·a, resuming, resuming with n > 0, resuming with a > 0]
 *   (0,0) diagonal: Σn = 2+1 = 3, Σa = 1, n² = 4+1 = 5, n·a = 2·1+1·0 = 2, a² = 1
 *   (1,1): Σn = 3+1 = 4, Σa = 3+1 = 4, n² = 9+1 = 10, n·a = 9+1 = 10, a² = 9+1 = 10
 *   (2,2): Σn = 1, Σa = 0, n² = 1, n·a = 0, a² = 0
 *   (1,0) c3 across months 1 and 0: n·n = 2·1·1 = 2, n·a = n₁a₀ + a₁n₀ = 0+1 = 1, a·a = 2·1·0 = 0; c3 resumes in 1 after 0
 *   (2,0) c1 across months 2 and 0: n·n = 2·1·2 = 4, n·a = n₂a₀ + a₂n₀ = 1+0 = 1, a·a = 0; c1 resumes in 2 after 0
 *   (0,-1) c1 and c3 start in month 0; accepted > 0 there: c1 only
 *   (1,-1) c2 starts in month 1; accepted > 0 first in month 1: c2 and c3
 */
const EXPECTED: Record<string, number[]> = {
  '0,0': [3, 1, 5, 2, 1, 0, 0, 0],
  '1,1': [4, 4, 10, 10, 10, 0, 0, 0],
  '2,2': [1, 0, 1, 0, 0, 0, 0, 0],
  '1,0': [0, 0, 2, 1, 0, 1, 1, 0],
  '2,0': [0, 0, 4, 1, 0, 1, 1, 0],
  '0,-1': [0, 0, 0, 0, 0, 2, 2, 1],
  '1,-1': [0, 0, 0, 0, 0, 1, 1, 2],
};

const ROWS = `SELECT * FROM (VALUES
  ('c1', 'x', TIMESTAMP '2025-01-01', 2, 1), ('c1', 'x', TIMESTAMP '2025-03-01', 1, 0),
  ('c2', 'x', TIMESTAMP '2025-02-01', 3, 3),
  ('c3', 'x', TIMESTAMP '2025-01-01', 1, 0), ('c3', 'x', TIMESTAMP '2025-02-01', 1, 1),
  ('c9', 'x', NULL, 5, 5)) AS t (c, g, p, n, a)`;

test('a rollup of moments: per pair of months the sums of products of each customer\'s counts, and the customers starting or resuming — as worked out by hand', async () => {
  const store = await openStore({ db: ':memory:' });
  try {
    const rows = await store.query(momentsFillSql({ sql: ROWS, timeColumn: 'p' }, LAYOUT));
    const columns = momentsColumns(2);
    assert.deepEqual(columns, ['uprate_sum__0', 'uprate_sum__1', 'uprate_product__0_0', 'uprate_product__0_1', 'uprate_product__1_1', 'uprate_starts', 'uprate_positive__0', 'uprate_positive__1']);
    // The row without a month (c9) is in no month: it is left out.
    const got = Object.fromEntries(rows.map((r) => [`${Number(r['uprate_hi'])},${Number(r['uprate_lo'])}`, columns.map((c) => Number(r[c]))]));
    assert.deepEqual(got, EXPECTED);
    assert.ok(rows.every((r) => r['g'] === 'x'));
    // Read back over months 1–2: the customers with offers there (c1, c2, c3) and Σ of their totals squared (1² + 3² + 1²).
    const [r] = await store.query(`SELECT sum(CASE WHEN uprate_lo < 1 THEN uprate_starts END) AS clusters, sum(CASE WHEN uprate_lo >= 1 THEN uprate_product__0_0 END) AS nn FROM (${momentsFillSql({ sql: ROWS, timeColumn: 'p' }, LAYOUT)}) m WHERE uprate_hi BETWEEN 1 AND 2`);
    assert.deepEqual([Number(r?.['clusters']), Number(r?.['nn'])], [3, 11]);
  } finally {
    await store.close();
  }
});

/**
 * A family's fill by several sets of dimensions at once — GROUPING SETS on DuckDB, one GROUP BY
 * per set over the kept parts on PostgreSQL — against each set filled alone (the fill checked by
 * hand above). Customers carry two attributes of their own (`size` text, `tier` integer, NULL for
 * some) and their offers a type (`t`, which splits a customer's offers, so the second family's
 * sets all hold it); on PostgreSQL a set leaving out the integer attribute must still type it.
 */
const FAMILY_ROWS = `SELECT * FROM (VALUES
  ('c1', 'up', 'smb', 1, TIMESTAMP '2025-01-04', 2, 1), ('c1', 'cross', 'smb', 1, TIMESTAMP '2025-01-20', 1, 1),
  ('c1', 'up', 'smb', 1, TIMESTAMP '2025-03-02', 1, 0), ('c2', 'up', 'smb', NULL, TIMESTAMP '2025-02-11', 3, 3),
  ('c2', 'cross', 'smb', NULL, TIMESTAMP '2025-03-30', 2, 0), ('c3', 'cross', NULL, 2, TIMESTAMP '2025-01-08', 1, 0),
  ('c3', 'cross', NULL, 2, TIMESTAMP '2025-02-08', 1, 1), ('c4', 'up', 'ent', 2, TIMESTAMP '2025-02-15', 4, 2),
  ('c4', NULL, 'ent', 2, TIMESTAMP '2025-03-15', 1, 1)) AS t (c, t, size, tier, p, n, a)`;

const FAMILIES: { readonly dimensions: readonly string[]; readonly perCluster: readonly string[]; readonly sets: readonly (readonly string[])[] }[] = [
  { dimensions: ['size', 'tier'], perCluster: ['size', 'tier'], sets: [[], ['size'], ['tier'], ['size', 'tier']] },
  { dimensions: ['t', 'size', 'tier'], perCluster: ['size', 'tier'], sets: [['t'], ['t', 'size'], ['t', 'tier']] },
];

const isolation = `uprate_moments_family_${process.pid}`;
const pgSlot = await locateServer('postgres', isolation);
after(() => dropPostgresSchema(pgSlot.ready?.where, isolation));

async function familyAgainstAlone(store: Store): Promise<void> {
  const columns = [...momentsColumns(2), 'uprate_hi', 'uprate_lo'];
  const rows = (found: readonly Record<string, unknown>[], set: readonly string[]) =>
    found.map((r) => JSON.stringify([...set, ...columns].map((c) => (r[c] === null || r[c] === undefined ? null : String(r[c]))))).sort();
  for (const family of FAMILIES) {
    const layout = { ...LAYOUT, dimensions: family.dimensions, perCluster: family.perCluster };
    await store.run('DROP TABLE IF EXISTS uprate_test_family');
    await store.run(`CREATE TABLE uprate_test_family AS ${momentsFillSql({ sql: FAMILY_ROWS, timeColumn: 'p' }, layout, { sets: family.sets, engine: store.engine })}`);
    for (const set of family.sets) {
      const together = await store.query(momentsOfSetSql('uprate_test_family', family.dimensions, set, 2));
      const alone = await store.query(momentsFillSql({ sql: FAMILY_ROWS, timeColumn: 'p' }, { ...layout, dimensions: set, perCluster: set.filter((d) => family.perCluster.includes(d)) }));
      assert.ok(alone.length > 3, `set [${set.join(', ')}] has rows`);
      assert.deepEqual(rows(together, set), rows(alone, set), `${store.engine}: the family's set [${set.join(', ')}] is its fill alone`);
    }
  }
}

/**
 * A load's before and after (`changed`: the months it changes) keep only the entries a change of
 * those months can move; the rest cancel out. So, whatever the load, the whole fill of the rows
 * after it is the whole fill before, minus the restricted fill before, plus the restricted fill
 * after — checked against the whole fill after (hand-checked above) for loads adding a month
 * between two of a customer's (a resumption spanning it: neither end changes), moving offers
 * across months and giving a customer's offers a type they had not (a NULL type is a value).
 */
const LOADS: { readonly what: string; readonly after: string; readonly changed: readonly number[] }[] = [
  { what: "c1's upsells gain February, between January and March", after: `${FAMILY_ROWS.replace(') AS t (', ", ('c1', 'up', 'smb', 1, TIMESTAMP '2025-02-20', 1, 0)) AS t (")}`, changed: [1] },
  { what: "c4's upsell moves from February to January, c3's cross-sell from January to March", after: FAMILY_ROWS.replace("TIMESTAMP '2025-02-15'", "TIMESTAMP '2025-01-15'").replace("TIMESTAMP '2025-01-08'", "TIMESTAMP '2025-03-08'"), changed: [0, 1, 2] },
  { what: "c2's upsell becomes a NULL type in March", after: FAMILY_ROWS.replace("('c2', 'up', 'smb', NULL, TIMESTAMP '2025-02-11'", "('c2', NULL, 'smb', NULL, TIMESTAMP '2025-03-11'"), changed: [1, 2] },
];

async function changedAgainstWhole(store: Store): Promise<void> {
  const columns = momentsColumns(2);
  for (const family of FAMILIES) {
    const layout = { ...LAYOUT, dimensions: family.dimensions, perCluster: family.perCluster };
    const keys = [...family.dimensions, 'uprate_hi', 'uprate_lo', 'uprate_set'];
    // A fill reads one row per cluster, dimension values and month (what a rollup's statement gives):
    // the family's rows grouped so (c1's January offers of two types are one row of the first family).
    const grouped = (rows: string) => {
      const by = ['c', ...family.dimensions, "date_trunc('month', p)"].join(', ');
      return `SELECT ${['c', ...family.dimensions].join(', ')}, date_trunc('month', p) AS p, sum(n) AS n, sum(a) AS a FROM (${rows}) AS r GROUP BY ${by}`;
    };
    const fill = (rows: string, changed?: readonly number[]) => momentsFillSql({ sql: grouped(rows), timeColumn: 'p' }, layout, { sets: family.sets, engine: store.engine }, changed);
    const sorted = (rows: readonly Record<string, unknown>[]) =>
      rows.filter((r) => columns.some((c) => Number(r[c]) !== 0)).map((r) => JSON.stringify([...keys, ...columns].map((c) => (r[c] === null || r[c] === undefined ? null : String(Number(r[c])))))).sort();
    for (const load of LOADS) {
      const negated = [...keys, ...columns.map((c) => `-${c} AS ${c}`)].join(', ');
      const list = [...keys, ...columns].join(', ');
      const combined = await store.query(
        `SELECT ${keys.join(', ')}, ${columns.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM (SELECT ${list} FROM (${fill(FAMILY_ROWS)}) AS whole_before UNION ALL SELECT ${negated} FROM (${fill(FAMILY_ROWS, load.changed)}) AS before_part UNION ALL SELECT ${list} FROM (${fill(load.after, load.changed)}) AS after_part) AS parts GROUP BY ${keys.join(', ')}`,
      );
      const whole = await store.query(fill(load.after));
      assert.deepEqual(sorted(combined), sorted(whole), `${store.engine}, dimensions [${family.dimensions.join(', ')}]: ${load.what}`);
      // The same change in one statement (both sides, each row signed by its side), as a load forms it.
      const change = momentsFillSql({ sql: grouped(load.after), before: grouped(FAMILY_ROWS), timeColumn: 'p' }, layout, { sets: family.sets, engine: store.engine }, load.changed);
      const changedOnce = await store.query(
        `SELECT ${keys.join(', ')}, ${columns.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM (SELECT ${list} FROM (${fill(FAMILY_ROWS)}) AS whole_before UNION ALL SELECT ${list} FROM (${change}) AS the_change) AS parts GROUP BY ${keys.join(', ')}`,
      );
      assert.deepEqual(sorted(changedOnce), sorted(whole), `${store.engine}, dimensions [${family.dimensions.join(', ')}]: ${load.what}, the change in one statement`);
      // The restriction is real: with a month unchanged, the entries of its pairs with other unchanged months are left out.
      if (load.changed.length === LAYOUT.periods.length) continue;
      const [all, some] = [await store.query(fill(FAMILY_ROWS)), await store.query(fill(FAMILY_ROWS, load.changed))];
      assert.ok(sorted(some).length < sorted(all).length, `${load.what}: fewer entries read than the whole fill`);
    }
  }
}

test('a load reads the entries the months it changes can move: the whole fill before, less those before, plus those after, is the whole fill after', async () => {
  const store = await openStore({ db: ':memory:' });
  try {
    await changedAgainstWhole(store);
  } finally {
    await store.close();
  }
});

test('a family filled by all its sets at once holds, per set, what the set filled alone holds (DuckDB: grouping sets)', async () => {
  const store = await openStore({ db: ':memory:' });
  try {
    await familyAgainstAlone(store);
    await changedAgainstWhole(store);
  } finally {
    await store.close();
  }
});

test('… and on PostgreSQL (one grouping per set over the kept parts)', { skip: skipUnlessReady(pgSlot) }, async () => {
  const store = await openStore({ db: ':memory:', url: pgSlot.ready?.where ?? '', engine: 'postgres' });
  try {
    await store.ensureOwnTables('rollups');
    await familyAgainstAlone(store);
    await changedAgainstWhole(store);
  } finally {
    await store.close();
  }
});

test("a family groups from its pairs only the sets no other covers; a covered set is summed from the smallest cover that adds only a customer's attributes", () => {
  const attributes = ['size', 'stage', 'tier', 'region'];
  // The shipped model's shape: the total and each attribute alone, beside members by several attributes.
  const { direct, derived } = setsFromCovers([[], ['size'], ['stage'], ['region'], ['size', 'stage', 'tier'], ['size', 'region'], ['stage', 'tier', 'region']], attributes);
  assert.deepEqual(direct, [['size', 'stage', 'tier'], ['size', 'region'], ['stage', 'tier', 'region']]);
  assert.deepEqual(derived, [
    { set: [], cover: ['size', 'region'] }, // the fewest dimensions of the three covers
    { set: ['size'], cover: ['size', 'region'] },
    { set: ['stage'], cover: ['size', 'stage', 'tier'] }, // two covers of three: the first
    { set: ['region'], cover: ['size', 'region'] },
  ]);
  // An offer's dimension splits a customer's offers: a set without it is not the sum of one with it.
  assert.deepEqual(setsFromCovers([['type'], ['type', 'size'], ['size']], ['size']), { direct: [['type', 'size'], ['size']], derived: [{ set: ['type'], cover: ['type', 'size'] }] });
  assert.deepEqual(setsFromCovers([['channel'], ['channel', 'type']], ['size']), { direct: [['channel'], ['channel', 'type']], derived: [] });
  // Nothing covers anything: every set is grouped from the pairs, as before.
  assert.deepEqual(setsFromCovers([['size'], ['tier']], attributes), { direct: [['size'], ['tier']], derived: [] });
});
