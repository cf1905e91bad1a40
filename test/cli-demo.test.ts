/**
 * `uprate demo` as a user runs it: the data set is decided by the seed and --end alone (the
 * default --end is today at 00:00 UTC, never the clock's instant), a second demo into the same
 * file reports the second data set, and the printed months agree with plain SQL on the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDbStore } from '../src/store/index.js';
import { startUprate, uprate } from './cli-helpers.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-cli-demo-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Reads a closed DuckDB file. */
async function onFile<T>(db: string, read: (store: DuckDbStore) => Promise<T>): Promise<T> {
  const store = await DuckDbStore.open(db, { readOnly: true });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/** Every row of offers and customers, in key order, hashed: equal hashes, equal tables. */
async function tableHashes(db: string): Promise<{ offers: string; customers: string }> {
  return onFile(db, async (store) => {
    const hash = async (table: string, key: string) =>
      String((await store.query<{ h: string }>(`SELECT count(*) || ':' || md5(string_agg(CAST(to_json(t) AS VARCHAR), chr(10) ORDER BY ${key})) AS h FROM ${table} t`))[0]?.h);
    return { offers: await hash('offers', 'offer_id'), customers: await hash('customers', 'customer_id') };
  });
}

/** The table rows the demo printed: period → [offers, accepted, pending], and whether it was marked partial. */
function printedMonths(stdout: string): Map<string, { offers: number; accepted: number; pending: number; partial: boolean }> {
  const out = new Map<string, { offers: number; accepted: number; pending: number; partial: boolean }>();
  const num = (s: string | undefined) => Number((s ?? '').replaceAll(',', ''));
  for (const m of stdout.matchAll(/^(\d{4}-\d{2}-01)( \*)?\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s/gm)) {
    out.set(m[1] ?? '', { offers: num(m[3]), accepted: num(m[4]), pending: num(m[5]), partial: m[2] !== undefined });
  }
  return out;
}

const today = () => new Date().toISOString().slice(0, 10);

describe('uprate demo', () => {
  test('a second demo into the same file with another --end reports the second data set, as of its end', async () => {
    const db = join(dir, 'twice.duckdb');
    const first = uprate(['demo', '--rows', '4000', '--end', '2025-06-30', '--db', db, '--no-serve']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^2025-06-01 \*/m, 'the first data set ends in June 2025');
    const second = uprate(['demo', '--rows', '4000', '--end', '2024-03-15', '--db', db, '--no-serve']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /24 months ending 2024-03-15 00:00 UTC \(--end\)/);
    assert.match(second.stdout, /— 2022-03-15 to 2024-03-14, 30-day conversion window, as of 2024-03-15 00:00 UTC/);
    assert.doesNotMatch(second.stdout, /no offers|2025-0/);
    assert.match(second.stdout, /offers 4,000, accepted/);
    const months = printedMonths(second.stdout);
    assert.deepEqual([...months.keys()], ['2023-10-01', '2023-11-01', '2023-12-01', '2024-01-01', '2024-02-01', '2024-03-01']);
    assert.equal(months.get('2024-03-01')?.partial, true, 'March 2024 holds only its first 14 days');
    assert.equal(months.get('2024-02-01')?.partial, false);
    assert.match(second.stdout, /^\* 2024-03-01: partial month — only 2024-03-01 to 2024-03-14 are in the range/m);
    assert.match(second.stdout, /^last 6 of 25 months shown; `uprate report --db \S+twice\.duckdb --as-of 2024-03-15` shows all$/m);
    // The same months counted by plain SQL on the file, as of the end (30-day window).
    const sql = await onFile(db, (store) =>
      store.query<{ period: string; offers: bigint; accepted: bigint; pending: bigint }>(
        `WITH o AS (SELECT *, accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2024-03-15' AS ok FROM offers)
         SELECT strftime(date_trunc('month', offered_at), '%Y-%m-%d') AS period, count(*) AS offers, count(*) FILTER (WHERE ok) AS accepted,
                count(*) FILTER (WHERE NOT ok AND NOT coalesce(declined_at <= TIMESTAMP '2024-03-15', FALSE) AND offered_at + INTERVAL 30 DAY > TIMESTAMP '2024-03-15') AS pending
           FROM o WHERE offered_at >= TIMESTAMP '2023-10-01' GROUP BY 1 ORDER BY 1`,
      ),
    );
    assert.deepEqual(
      sql.map((r) => [r.period, Number(r.offers), Number(r.accepted), Number(r.pending)]),
      [...months].map(([period, m]) => [period, m.offers, m.accepted, m.pending]),
    );
  });

  test('without --end: today at 00:00 UTC, printed; same seed, same tables; another seed, other tables', async () => {
    const a = join(dir, 'a.duckdb');
    const b = join(dir, 'b.duckdb');
    const c = join(dir, 'c.duckdb');
    const runA = uprate(['demo', '--rows', '3000', '--db', a, '--no-serve']);
    assert.equal(runA.code, 0, runA.stderr);
    const day = /24 months ending (\d{4}-\d{2}-\d{2}) 00:00 UTC \(--end\)/.exec(runA.stdout)?.[1];
    assert.ok(day, runA.stdout);
    // The others without rollups (the next test shows they change neither tables nor what is printed): 5 s a run less.
    const runB = uprate(['demo', '--rows', '3000', '--db', b, '--no-serve', '--no-rollups']);
    assert.equal(runB.code, 0, runB.stderr);
    // Past midnight UTC between the runs the day moved on: compare with the first run's day named.
    const same = day === today() ? runB : uprate(['demo', '--rows', '3000', '--end', day, '--db', b, '--no-serve', '--no-rollups']);
    assert.equal(same.code, 0, same.stderr);
    assert.match(runA.stdout, new RegExp(`as of ${day} 00:00 UTC`));
    const hashA = await tableHashes(a);
    assert.deepEqual(await tableHashes(b), hashA);
    const other = uprate(['demo', '--rows', '3000', '--seed', '43', '--end', day, '--db', c, '--no-serve', '--no-rollups']);
    assert.equal(other.code, 0, other.stderr);
    const hashC = await tableHashes(c);
    assert.notEqual(hashC.offers, hashA.offers);
    assert.notEqual(hashC.customers, hashA.customers);
    // The report after the demo is the same too, apart from the load time.
    const strip = (s: string) => s.replace(/ into \S+ in [\d.]+ s/, '').replace(/--db \S+/, '');
    assert.equal(strip(same.stdout), strip(runA.stdout));
  });

  test('--no-rollups loads the same data and prints the same months, building no rollup', async () => {
    const built = join(dir, 'built.duckdb');
    const bare = join(dir, 'bare.duckdb');
    const withRollups = uprate(['demo', '--rows', '3000', '--end', '2025-02-10', '--db', built, '--no-serve']);
    assert.equal(withRollups.code, 0, withRollups.stderr);
    assert.match(withRollups.stderr, /^rollup Offers\.daily: [\d,]+ rows in/m);
    const without = uprate(['demo', '--rows', '3000', '--end', '2025-02-10', '--db', bare, '--no-serve', '--no-rollups']);
    assert.equal(without.code, 0, without.stderr);
    assert.doesNotMatch(without.stderr, /^rollup /m);
    assert.deepEqual(await tableHashes(bare), await tableHashes(built));
    const strip = (s: string) => s.replace(/ into \S+ in [\d.]+ s/, '').replace(/--db \S+/, '');
    assert.equal(strip(without.stdout), strip(withRollups.stdout));
    assert.ok(printedMonths(without.stdout).size === 6, without.stdout);
    // Nothing registered: every rollup the model declares is missing, and each reads the rows.
    const registered = await onFile(bare, async (store) => {
      const [row] = await store.query<{ n: bigint }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE 'uprate_rollup%'");
      return Number(row?.n ?? 0);
    });
    assert.equal(registered, 0);
    const status = uprate(['rollups', 'status', '--db', bare]);
    assert.equal(status.code, 0, status.stderr);
    const lines = status.stdout.split('\n').filter((l) => l.startsWith('Offers.'));
    assert.ok(lines.length > 10, status.stdout);
    for (const line of lines) assert.match(line, /\smissing\s/, line);
  });
});

describe('uprate demo serving', () => {
  test('serves before its rollups are built, builds them beside the server, and Ctrl+C stops the build with each rollup whole or missing', async () => {
    const db = join(dir, 'served.duckdb');
    const demo = await startUprate(['demo', '--rows', '3000', '--end', '2025-02-10', '--db', db, '--port', '0'], /press Ctrl\+C to stop/);
    const output = demo.output();
    const url = /serving \S+ at (http:\/\/\S+)/.exec(output)?.[1] ?? '';
    const total = Number(/rollups: building (\d+) in the background/.exec(output)?.[1]);
    assert.ok(total > 10, output);
    // The server answers while the build goes on: what a rollup would answer is read from the rows.
    const kpi = await fetch(`${url}/api/v1/kpi?from=2024-03-01&to=2025-01-31`);
    assert.equal(kpi.status, 200);
    const offers = ((await kpi.json()) as { offers: number }).offers;
    const stopped = new Promise<number | null>((resolve) => demo.child.once('exit', (code) => resolve(code)));
    demo.child.kill('SIGINT');
    assert.equal(await stopped, 0, demo.output());
    const line = /^rollups: (?:stopped after (\d+) of (\d+)|(\d+) built in)/m.exec(demo.output());
    assert.ok(line, demo.output());
    const built = Number(line[1] ?? line[3]);
    const status = uprate(['rollups', 'status', '--db', db]);
    assert.equal(status.code, 0, status.stderr);
    const states = status.stdout.split('\n').filter((l) => l.startsWith('Offers.')).map((l) => /\s(fresh|stale|missing)\s/.exec(l)?.[1]);
    assert.equal(states.length, total, status.stdout);
    assert.equal(states.filter((s) => s === 'fresh').length, built, status.stdout);
    assert.equal(states.filter((s) => s === 'missing').length, total - built, status.stdout);
    // The rows the server counted are the file's.
    const [rows] = await onFile(db, (store) => store.query<{ n: bigint }>("SELECT count(*) AS n FROM offers WHERE offered_at >= '2024-03-01' AND offered_at < '2025-02-01'"));
    assert.equal(offers, Number(rows?.n));
  });
});
