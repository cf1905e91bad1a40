/**
 * Calibration of the default alert rules on the demo data (200,000 offers, seed 7, up to
 * 2025-11-20): each complete month is judged as of the day after its conversion window closed,
 * through the rules' own choice of the judged month. The demo plants a season (Q4 best, Q3 worst)
 * and no collapse, so:
 *
 * - the default control limit (`chart: auto` → Laney's p′, the months vary more than chance) and
 *   the poor band fire on no month, while the p-chart the control-limit default used to be fires
 *   on months that are only the season (the test's teeth);
 * - the default drop compares a month with the same month a year earlier (α = 0.01) and fires on
 *   no month. A month-over-month drop rule fires where the planted season itself falls from one
 *   month to the next (December → January: a real fall, which a comparison with the previous month
 *   is bound to report); any other month it fired on would have to be the demo's twin regions
 *   inflating the evidence: every offer to a north_america twin is mirrored to its europe twin, a
 *   dependence between two customers that customer clustering cannot see — clustered by twin
 *   pair, such a month must not be significant.
 *
 * Then a collapse is planted in one month (40 % of its acceptances removed, plain SQL): the default
 * drop and control-limit rules must fire on it, with the numbers of plain SQL and hand formulas.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { alertSetup, evaluateRules, type AlertSetup, type Finding } from '../../src/alerts/index.js';
import type { AlertRule } from '../../src/alerts/index.js';
import { loadConfig } from '../../src/config/index.js';
import { generateDemo } from '../../src/demo/index.js';
import { MONTH_LOG_ODDS } from '../../src/demo/planted-effects.js';
import { loadModel, shippedModelDir, type Model } from '../../src/model/index.js';
import { DuckDbStore } from '../../src/store/index.js';
import { CHI2_95_DF11, chiSquare, controlLimits, perCustomer, population, raoScottZ, Z95, type CustomerCounts } from '../alerts-hand.js';

const END = new Date('2025-11-20T00:00:00Z');
const DAY = 86_400_000;
let store: DuckDbStore;
let model: Model;
let setup: AlertSetup;

before(async () => {
  store = await DuckDbStore.open(':memory:');
  model = await loadModel(shippedModelDir());
  await generateDemo(store, { rows: 200_000, seed: 7, end: END });
  // No config: the default rules, exactly as shipped.
  setup = alertSetup(loadConfig(undefined), model);
});
after(async () => store.close());

const monthStart = (y: number, m: number) => new Date(Date.UTC(y, m, 1));
const label = (d: Date) => d.toISOString().slice(0, 7);
const sqlTime = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The rule the control-limit default was before `chart: auto`: a p-chart of the last 12 months. */
function oldPChart(rules: readonly AlertRule[]): AlertRule {
  const rule = rules.find((r) => r.name === 'headline-control-limit');
  assert.ok(rule && rule.condition.type === 'control-limit');
  return { ...rule, name: 'old-p-chart', condition: { ...rule.condition, chart: 'p' } };
}

/** A month-over-month drop rule, as the default drop was before it compared with last year. */
function monthOverMonth(rules: readonly AlertRule[]): AlertRule {
  const rule = rules.find((r) => r.name === 'headline-monthly-drop');
  assert.ok(rule && rule.condition.type === 'drop');
  return { ...rule, name: 'month-over-month', condition: { ...rule.condition, versus: 'previous' } };
}

/** Each complete month (its window closed by END) and the instant its verdict is read: a day after. */
function judgedMonths(): { month: string; start: Date; end: Date; at: Date }[] {
  const out: { month: string; start: Date; end: Date; at: Date }[] = [];
  for (let i = 0; ; i++) {
    const start = monthStart(2023, 10 + i);
    const end = monthStart(2023, 11 + i);
    const at = new Date(end.getTime() + 31 * DAY);
    if (at > END) break;
    out.push({ month: label(start), start, end, at });
  }
  return out;
}

/** Per-cluster counts of [from, to), clustered by customer or by twin pair (a europe twin joins the north_america customer before it). */
async function clusters(asOf: string, from: string, to: string, by: 'customer' | 'pair'): Promise<CustomerCounts[]> {
  const key = by === 'customer' ? 'o.customer_id' : 't.pair';
  const rows = await store.query<{ n: bigint; k: bigint }>(
    `WITH t AS (SELECT customer_id, CASE WHEN region = 'europe' THEN lag(customer_id) OVER (ORDER BY customer_id) ELSE customer_id END AS pair FROM customers)
     SELECT count(*) AS n,
            count(*) FILTER (WHERE o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL 30 DAY AND o.accepted_at <= TIMESTAMP '${asOf}') AS k
     FROM offers o JOIN t ON t.customer_id = o.customer_id
     WHERE o.offered_at >= TIMESTAMP '${from}' AND o.offered_at < TIMESTAMP '${to}'
     GROUP BY ${key}`,
  );
  return rows.map((r) => ({ n: Number(r.n), k: Number(r.k) }));
}

interface Judged {
  readonly month: string;
  readonly findings: ReadonlyMap<string, Finding>;
}

let judged: Judged[] = [];

describe('default alert rules on the demo data (a planted season, no collapse)', () => {
  test('every complete month judged in turn: no control-limit or poor-band alarm; the old p-chart alarms on the season', async (t) => {
    const rules = [...setup.rules, oldPChart(setup.rules), monthOverMonth(setup.rules)];
    assert.deepEqual(
      setup.rules.map((r) => [r.name, r.condition.type === 'control-limit' ? r.condition.chart : r.condition.type === 'drop' ? r.condition.versus : r.condition.type]),
      [
        ['headline-poor-band', 'below'],
        ['headline-monthly-drop', 'last-year'],
        ['headline-control-limit', 'auto'],
      ],
    );
    judged = [];
    for (const m of judgedMonths()) {
      const results = await evaluateRules(store, model, rules, { at: m.at, bands: setup.bands });
      const findings = new Map<string, Finding>();
      for (const r of results) {
        assert.equal(r.error, null, `${r.rule.name} at ${day(m.at)}: ${r.error}`);
        assert.equal(r.findings.length, 1);
        const f = r.findings[0] as Finding;
        // The rules' own choice of period: the month whose window closed the day before.
        assert.equal(f.period?.label, m.month, `${r.rule.name} at ${day(m.at)} judged ${f.period?.label}`);
        findings.set(r.rule.name, f);
      }
      judged.push({ month: m.month, findings });
    }
    assert.equal(judged.length, 23, 'November 2023 to September 2025');
    const firing = (rule: string) => judged.filter((j) => j.findings.get(rule)?.status === 'firing').map((j) => j.month);
    const judgedBy = (rule: string) => judged.filter((j) => j.findings.get(rule)?.status !== 'skipped').length;

    const oldP = firing('old-p-chart');
    t.diagnostic(`old p-chart default: fires on ${oldP.length} of ${judgedBy('old-p-chart')} months judged: ${oldP.join(', ')}`);
    assert.ok(oldP.length >= 1, 'the test must catch a chart that mistakes the season for a signal');
    assert.ok(oldP.includes('2025-09'), 'September 2025: the p-chart alarm reported against the old default');

    assert.deepEqual(firing('headline-control-limit'), [], 'the default control limit fires on no month');
    assert.ok(judgedBy('headline-control-limit') >= 20, `${judgedBy('headline-control-limit')} months judged on a chart`);
    for (const j of judged) {
      const f = j.findings.get('headline-control-limit') as Finding;
      if (f.status === 'skipped') continue;
      // The months vary more than chance (the season, the customers): Laney's p′.
      assert.equal(f.numbers['chart'], 'laney', `${j.month}: ${f.test?.reason}`);
      if (oldP.includes(j.month)) t.diagnostic(`${j.month}: old p-chart ${j.findings.get('old-p-chart')?.message} | now: ${f.message}`);
    }

    assert.deepEqual(firing('headline-poor-band'), [], 'the poor band fires on no month');
    assert.ok(judgedBy('headline-poor-band') === 23);

    // The default drop, against the same month a year earlier: no alarm on the season.
    assert.deepEqual(firing('headline-monthly-drop'), [], 'the default drop fires on no month');
    assert.ok(judgedBy('headline-monthly-drop') >= 10, `${judgedBy('headline-monthly-drop')} months had a year-earlier month to compare with`);
    t.diagnostic(`default drop (vs last year): judged ${judgedBy('headline-monthly-drop')} months, fires on none`);
  });

  test('a month-over-month drop rule would fire only on a planted fall of the season or on the twin regions’ mirrored offers', async (t) => {
    assert.ok(judged.length > 0, 'runs after the months were judged');
    const drops = judged.filter((j) => j.findings.get('month-over-month')?.status === 'firing');
    t.diagnostic(`month-over-month drop: fires on ${drops.map((d) => d.month).join(', ') || 'no month'} of ${judged.length}`);
    assert.ok(drops.length >= 1, 'the season makes month-over-month drops: the reason the default compares with last year');
    // The demo's structure that explains them: each europe customer is the twin of the north_america customer before it.
    const [twins] = await store.query<{ europe: bigint; paired: bigint }>(
      `WITH c AS (SELECT region, lag(region) OVER (ORDER BY customer_id) AS previous FROM customers)
       SELECT count(*) FILTER (WHERE region = 'europe') AS europe, count(*) FILTER (WHERE region = 'europe' AND previous = 'north_america') AS paired FROM c`,
    );
    assert.ok(Number(twins?.europe) > 1000 && twins?.europe === twins?.paired, `${twins?.paired} of ${twins?.europe} europe customers follow their twin`);
    for (const j of drops) {
      const f = j.findings.get('month-over-month') as Finding;
      const [y, m] = j.month.split('-').map(Number) as [number, number];
      const seasonFell = (MONTH_LOG_ODDS[m - 1] as number) < (MONTH_LOG_ODDS[(m + 10) % 12] as number);
      if (seasonFell) {
        t.diagnostic(`${j.month}: the planted season falls from the month before (log-odds ${MONTH_LOG_ODDS[(m + 10) % 12]} → ${MONTH_LOG_ODDS[m - 1]}): ${f.message}`);
        continue;
      }
      // Not the season: the evidence of customer clustering against that of twin pairs, by hand.
      const asOf = sqlTime(new Date(monthStart(y, m).getTime() + 31 * DAY));
      const [from, to, previousFrom] = [monthStart(y, m - 1), monthStart(y, m), monthStart(y, m - 2)].map(day) as [string, string, string];
      const byCustomer = raoScottZ(population(await clusters(asOf, from, to, 'customer')), population(await clusters(asOf, previousFrom, from, 'customer')));
      const byPair = raoScottZ(population(await clusters(asOf, from, to, 'pair')), population(await clusters(asOf, previousFrom, from, 'pair')));
      assert.ok(Math.abs((f.test?.statistic ?? NaN) - byCustomer) < 1e-9, `the alert's z ${f.test?.statistic} is the customer-clustered z ${byCustomer}`);
      assert.ok(byCustomer <= -Z95, `${j.month}: significant when customers are the clusters (z ${byCustomer.toFixed(2)})`);
      assert.ok(Math.abs(byPair) < Z95, `${j.month}: fires without a planted fall, and is not significant with twin pairs as the clusters (z ${byPair.toFixed(2)})`);
      t.diagnostic(`${j.month}: no planted fall; z ${byCustomer.toFixed(2)} by customer, ${byPair.toFixed(2)} by twin pair: ${f.message}`);
    }
  });
});

describe('a planted collapse', () => {
  test('40 % of September 2025’s acceptances removed: the default drop and control limit fire on it', async (t) => {
    const at = new Date('2025-11-01T00:00:00Z');
    const asOf = sqlTime(at);
    const months = Array.from({ length: 12 }, (_, i) => [day(monthStart(2024, 9 + i)), day(monthStart(2024, 10 + i))] as const);
    const counts = async () => Promise.all(months.map(async ([from, to]) => population(await perCustomer(store, asOf, from, to))));
    const before = await counts();
    const september = before[11] as { k: number; n: number };
    const SEPTEMBER = `offered_at >= TIMESTAMP '2025-09-01' AND offered_at < TIMESTAMP '2025-10-01'`;
    await store.run(`CREATE TABLE collapse_backup AS SELECT offer_id, accepted_at FROM offers WHERE ${SEPTEMBER} AND accepted_at IS NOT NULL`);
    try {
      await store.run(`UPDATE offers SET accepted_at = NULL WHERE ${SEPTEMBER} AND accepted_at IS NOT NULL AND hash(offer_id || ':collapse') % 100 < 40`);
      const after = await counts();
      const [sep, aug] = [after[11], after[10]] as [ReturnType<typeof population>, ReturnType<typeof population>];
      assert.equal(sep.n, september.n);
      assert.ok(sep.k < 0.66 * september.k && sep.k > 0.54 * september.k, `${sep.k} of ${september.k} acceptances left`);
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      t.diagnostic(`2025-09: ${pct(september.k / september.n)} (${september.k} of ${september.n}) before, ${pct(sep.k / sep.n)} (${sep.k}) after`);

      const results = await evaluateRules(store, model, setup.rules, { at, bands: setup.bands });
      const by = new Map(results.flatMap((r) => r.findings).map((f) => [f.rule, f]));
      const drop = by.get('headline-monthly-drop');
      const chart = by.get('headline-control-limit');
      for (const f of [drop, chart]) {
        assert.equal(f?.period?.label, '2025-09');
        assert.equal(f?.status, 'firing', f?.message);
        t.diagnostic(`${f?.rule}: ${f?.message}`);
      }
      // The drop by hand: Rao–Scott pooled z on plain-SQL customer sums, against September 2024.
      const lastYear = population(await perCustomer(store, asOf, '2024-09-01', '2024-10-01'));
      assert.deepEqual([drop?.numbers['offers'], drop?.numbers['accepted'], drop?.numbers['previousOffers'], drop?.numbers['previousAccepted']], [sep.n, sep.k, lastYear.n, lastYear.k]);
      const z = raoScottZ(sep, lastYear);
      assert.ok(Math.abs((drop?.test?.statistic ?? NaN) - z) < 1e-9, `z ${drop?.test?.statistic} vs ${z}`);
      assert.ok(z < -Z95);
      assert.match(drop?.message ?? '', new RegExp(`^Conversion rate fell from ${pct(lastYear.k / lastYear.n)} in 2024-09 .* to ${pct(sep.k / sep.n)} in 2025-09 .*: a significant drop$`));
      void aug;
      // The control limit by hand: the chart the χ² test picks, its limits from plain-SQL months.
      const laney = chiSquare(after) > CHI2_95_DF11;
      const hand = controlLimits(after, laney);
      assert.equal(chart?.numbers['chart'], laney ? 'laney' : 'p');
      for (const [key, value] of [['centre', hand.centre], ['sigmaZ', hand.sigmaZ], ['lowerLimit', hand.lower], ['upperLimit', hand.upper]] as const) {
        assert.ok(Math.abs(Number(chart?.numbers[key]) - value) < 1e-9, `${key}: ${chart?.numbers[key]} vs ${value}`);
      }
      assert.ok(sep.k / sep.n < hand.lower);
      assert.match(chart?.message ?? '', new RegExp(`^Conversion rate in 2025-09 \\([\\d,]+ of [\\d,]+ offers\\): ${pct(sep.k / sep.n)} is below the lower control limit of the ${laney ? 'Laney p′-chart' : 'p-chart'} \\(3σ limits, 12 months\\)`));
    } finally {
      await store.run(`UPDATE offers SET accepted_at = b.accepted_at FROM collapse_backup b WHERE offers.offer_id = b.offer_id`);
      await store.run('DROP TABLE collapse_backup');
    }
  });
});
