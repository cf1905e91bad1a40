/**
 * /load's monthly conversion × account size at scale, in this process on the loaded DuckDB store:
 * through the semantic layer from the rollup (the default), the same through the rows
 * (`useRollups: false`), and the same question in hand-written DuckDB SQL (bench/cube-load.ts),
 * interleaved, median after a warm-up round. All three must give the same numbers.
 */
import type { Model } from '../src/model/index.js';
import { allAccess, answerQuery } from '../src/query/index.js';
import type { Store } from '../src/store/index.js';
import { MONTHLY_BY_SIZE_QUERY, MONTHLY_BY_SIZE_SQL } from './cube-load.js';
import { median, timeIt } from './measure.js';
import { fmt } from './scale-report.js';

type Row = Record<string, unknown>;

const sum = (rows: readonly Row[], key: string) => rows.reduce((t, r) => t + Number(r[key]), 0);
const sorted = (rows: readonly Row[]) => rows.map((r) => JSON.stringify(r)).sort();

export async function benchMonthlyLoad(store: Store, model: Model, clock: Date, runs: number, problems: string[]): Promise<string[]> {
  const ask = (useRollups: boolean) => answerQuery(store, model, MONTHLY_BY_SIZE_QUERY, { now: clock, access: allAccess('local'), useRollups });
  const sql = () => store.query(MONTHLY_BY_SIZE_SQL, [clock.toISOString()]);
  const fromRollup = (await ask(true)).results[0];
  const fromRows = (await ask(false)).results[0]?.data ?? [];
  const bySql = await sql();
  const data = fromRollup?.data ?? [];
  if (sorted(data).join('\n') !== sorted(fromRows).join('\n')) problems.push(`/load monthly × account size: the rollup's answer differs from the rows' (${data.length} vs ${fromRows.length} rows)`);
  if (data.length !== bySql.length || sum(data, 'Offers.count') !== sum(bySql, 'offers') || sum(data, 'Offers.accepted') !== sum(bySql, 'accepted')) {
    problems.push(`/load monthly × account size: the semantic layer and the hand-written SQL disagree (${data.length} vs ${bySql.length} rows)`);
  }
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const x = await timeIt(() => ask(true));
    const y = await timeIt(() => ask(false));
    const z = await timeIt(sql);
    if (run > 0) {
      // The first round warms the buffer pool.
      a.push(x);
      b.push(y);
      c.push(z);
    }
  }
  const report = fromRollup?.rollup;
  const how = !report
    ? 'no rollup is fresh: it read the rows'
    : report.used === null
      ? `no rollup answered: ${report.reason}`
      : `${report.used}: its periods ${report.periodsFrom ? `from ${report.periodsFrom.slice(0, 10)}` : 'from the first'} ${report.periodsTo ? `up to ${report.periodsTo.slice(0, 10)} (exclusive)` : 'on'}${report.readsRows ? ', the rest from the rows' : ''}`;
  const [ours, raw, hand] = [median(a), median(b), median(c)];
  const ratio = ours / hand;
  return [
    `/load monthly conversion × account size (${data.length} rows), from the rollup (${how}): ${fmt(ours)}`,
    `  the same through the rows (useRollups: false): ${fmt(raw)} (ratio ${(ours / raw).toFixed(2)})`,
    `  the same question in hand-written DuckDB SQL on the rows: ${fmt(hand)} (ratio ${ratio.toFixed(2)}; target ≤ 1.3) ${ratio <= 1.3 ? 'met' : 'MISSED'}`,
  ];
}
