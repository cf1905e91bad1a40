// Tests for judge-control-limit.ts, written for the mutation run. Control limits are worked out
// here by hand, not by src/stats:
//   p-chart: p̄ = ΣK/ΣN, limits p̄ ± s·√(p̄(1 − p̄)/n) (the lower one floored at 0);
//   Laney p′: the same times σz = mean |z_i − z_{i−1}| / 1.128, z_i = (p_i − p̄)/√(p̄(1 − p̄)/n_i).
// Worked example (A): 100, 100, 100 and 50 accepted of 1,000 each:
//   p̄ = 350/4000 = 0.0875, σ = √(0.0875·0.9125/1000) = 0.00893553, 3σ limits 0.0606934–0.1143066,
//   the last rate 0.05 is below: z = (0.05 − 0.0875)/σ = −4.196728; 4σ lower 0.0517579 (still
//   below), 5σ lower 0.0428223 (inside). z-scores 1.3988, 1.3988, 1.3988, −4.1967 → σz =
//   5.5955/3/1.128 = 1.653557 → Laney lower 0.0875 − 3σ·1.653557 = 0.043172 (inside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeControlLimit } from './judge-control-limit.js';
import type { Finding } from './finding.js';
import type { PeriodCounts } from './offer-counts.js';
import { assertClose, findingHead, month, ruleSetup, scopeGroup, skippedFinding, testSummary } from '../../test/alert-judging.js';

const series = (ks: number[], n = 1000) => ks.map((k, i) => month(i, k, n));

function judge(condition: Record<string, unknown>, total: PeriodCounts[], extra: Record<string, unknown> = {}, index?: number | null, scope = 'all'): Finding {
  const { ctx, condition: control } = ruleSetup('control-limit', 'chart', condition, extra, { index });
  const out = judgeControlLimit(ctx, control, [scopeGroup(total, scope)]);
  assert.equal(out.length, 1);
  return out[0] as Finding;
}

const SIGMA_A = Math.sqrt((0.0875 * 0.9125) / 1000);
const P_METHOD = "limits follow each period's offers: centre ± 3·√(p̄(1 − p̄)/n)";

test('p-chart: 5.0% below the lower limit 6.07% of 4 months fires (whole finding)', () => {
  const total = series([100, 100, 100, 50]);
  assertClose(judge({ chart: 'p' }, total, { severity: 'critical' }), {
    ...findingHead('chart', total[3], { severity: 'critical' }),
    status: 'firing',
    message: 'Conversion rate in 2024-04 (50 of 1,000 offers): 5.0% is below the lower control limit of the p-chart (3σ limits, 4 months): limits 6.1%–11.4% around the centre 8.8%',
    numbers: {
      offers: 1000,
      accepted: 50,
      rate: 0.05,
      centre: 0.0875,
      lowerLimit: 0.0875 - 3 * SIGMA_A,
      upperLimit: 0.0875 + 3 * SIGMA_A,
      z: (0.05 - 0.0875) / SIGMA_A,
      sigmaZ: 1,
      periods: 4,
      chart: 'p',
      outside: 'below',
    },
    test: testSummary('p-chart (3σ limits, 4 months)', P_METHOD, { statistic: (0.05 - 0.0875) / SIGMA_A }),
  });
});

test('sigmas: 4σ still has 5.0% below (lower 5.18%), 5σ does not (lower 4.28%)', () => {
  const total = series([100, 100, 100, 50]);
  const four = judge({ chart: 'p', sigmas: 4 }, total);
  assert.equal(four.status, 'firing');
  assertClose(four.numbers['lowerLimit'], 0.0875 - 4 * SIGMA_A);
  assert.equal(four.test?.name, 'p-chart (4σ limits, 4 months)');
  const five = judge({ chart: 'p', sigmas: 5 }, total);
  assert.equal(five.status, 'ok');
  assert.equal(five.message, 'Conversion rate in 2024-04 (50 of 1,000 offers): 5.0% is inside the p-chart (5σ limits, 4 months): limits 4.3%–13.2% around the centre 8.8%');
  assert.equal(five.numbers['outside'], null);
  assert.equal(five.test?.reason, "limits follow each period's offers: centre ± 5·√(p̄(1 − p̄)/n)");
});

test('Laney p′: the same months with σz = 1.6536 have 5.0% inside', () => {
  const f = judge({ chart: 'laney' }, series([100, 100, 100, 50]));
  // z-scores: 0.0125/σ three times, then −4.196728; moving ranges 0, 0, 5.595637.
  const z1 = 0.0125 / SIGMA_A;
  const sigmaZ = (z1 + 4.196727827943995) / 3 / 1.128;
  assert.equal(f.status, 'ok');
  assert.equal(f.message, 'Conversion rate in 2024-04 (50 of 1,000 offers): 5.0% is inside the Laney p′-chart (3σ limits, 4 months): limits 4.3%–13.2% around the centre 8.8%');
  assertClose([f.numbers['sigmaZ'], f.numbers['lowerLimit'], f.numbers['chart']], [sigmaZ, 0.0875 - 3 * SIGMA_A * sigmaZ, 'laney']);
  assert.equal(f.test?.reason, "limits follow each period's offers: centre ± 3·√(p̄(1 − p̄)/n) × σz 1.65");
});

test('a rise above the upper limit: no alarm on side below, an alarm on side both', () => {
  // 100, 100, 100, 150 of 1,000: p̄ = 0.1125, σ = 0.00999218, upper 0.1424766 < 0.15.
  const total = series([100, 100, 100, 150]);
  const below = judge({ chart: 'p' }, total);
  assert.equal(below.status, 'ok');
  assert.equal(
    below.message,
    'Conversion rate in 2024-04 (150 of 1,000 offers): 15.0% is above the upper control limit of the p-chart (3σ limits, 4 months) — a rise, which this check does not alarm on: limits 8.3%–14.2% around the centre 11.3%',
  );
  assert.equal(below.numbers['outside'], 'above');
  const both = judge({ chart: 'p', side: 'both' }, total);
  assert.equal(both.status, 'firing');
  assert.equal(both.message, 'Conversion rate in 2024-04 (150 of 1,000 offers): 15.0% is above the upper control limit of the p-chart (3σ limits, 4 months): limits 8.3%–14.2% around the centre 11.3%');
  // A fall below still fires with side both.
  assert.equal(judge({ chart: 'p', side: 'both' }, series([100, 100, 100, 50])).status, 'firing');
});

test('auto: months that vary no more than chance get the p-chart, with the χ² named', () => {
  // 100, 100, 100, 95 of 1,000: χ² = 0.2 on 3 df, p = 0.976; limits 7.04%–12.71% around 9.875%.
  const f = judge({}, series([100, 100, 100, 95]), {}, undefined, 'Offers.channel=email');
  assert.equal(f.status, 'ok');
  assert.equal(f.message, 'Conversion rate for Offers.channel=email in 2024-04 (95 of 1,000 offers): 9.5% is inside the p-chart (3σ limits, 4 months): limits 7.0%–12.7% around the centre 9.9%');
  assert.equal(f.numbers['chart'], 'p');
  assert.equal(f.test?.reason, `${P_METHOD}; periods vary no more than chance (χ² = 0.2, df 3, p = 0.98): p-chart limits`);
});

test('auto: months that vary more than chance get Laney p′ (12 alternating months)', () => {
  // 120, 80, … alternating, the 12th 60 of 1,000: χ² = 67.3 on 11 df, p = 4e−10; σz = 3.937,
  // p̄ = 1180/12000 = 0.098333; the lower limit p̄ − 3·σ·σz is negative, floored at 0.
  const ks = Array.from({ length: 12 }, (_, i) => (i === 11 ? 60 : i % 2 ? 80 : 120));
  const f = judge({}, series(ks));
  assert.equal(f.status, 'ok');
  assert.equal(f.message, 'Conversion rate in 2024-12 (60 of 1,000 offers): 6.0% is inside the Laney p′-chart (3σ limits, 12 months): limits 0.0%–21.0% around the centre 9.8%');
  assert.equal(
    f.test?.reason,
    "limits follow each period's offers: centre ± 3·√(p̄(1 − p̄)/n) × σz 3.94; periods vary more than chance (χ² = 67.3, df 11, p < 0.001; σz = 3.94): Laney p′ limits",
  );
  assertClose([f.numbers['lowerLimit'], f.numbers['sigmaZ'], f.numbers['periods']], [0, 3.9371563256108653, 12]);
});

test('the chart holds `periods` months up to the judged one, not more', () => {
  // 500, 100, 100, 50 of 1,000 with periods 3: the chart is 100, 100, 50 — p̄ = 250/3000.
  const f = judge({ chart: 'p', periods: 3 }, series([500, 100, 100, 50]));
  const sigma = Math.sqrt(((1 / 12) * (11 / 12)) / 1000);
  assert.equal(f.status, 'firing');
  assertClose([f.numbers['centre'], f.numbers['lowerLimit'], f.numbers['periods']], [1 / 12, 1 / 12 - 3 * sigma, 3]);
  assert.equal(f.test?.name, 'p-chart (3σ limits, 3 months)');
  // With periods 4 the 500 is charted too: p̄ = 750/4000.
  assertClose(judge({ chart: 'p', periods: 4 }, series([500, 100, 100, 50])).numbers['centre'], 0.1875);
});

test('the judged period need not be the last: the chart ends at it', () => {
  // Judged index 3 of 5: the chart is the first four months (example A).
  const total = series([100, 100, 100, 50, 400]);
  const f = judge({ chart: 'p' }, total, {}, 3);
  assert.equal(f.period, total[3]);
  assert.equal(f.status, 'firing');
  assertClose([f.numbers['centre'], f.numbers['periods']], [0.0875, 4]);
});

test('weeks are named weeks', () => {
  const f = judge({ chart: 'p' }, series([100, 100, 100, 50]), { grain: 'week' });
  assert.equal(f.test?.name, 'p-chart (3σ limits, 4 weeks)');
  assert.equal(f.grain, 'week');
});

test('no judged period: skipped with the context’s reason', () => {
  assert.deepEqual(judge({}, series([100, 100, 100, 50]), {}, null), skippedFinding('chart', null, 'every month is provisional'));
  const past = judge({}, series([100, 100, 100, 50]), {}, 7);
  assert.equal(past.status, 'skipped');
  assert.equal(past.period, null);
});

test('fewer offers than minOffers in the judged month: skipped; exactly minOffers is judged', () => {
  const total = [...series([10, 10, 10]), month(3, 5, 99)];
  assert.deepEqual(judge({ chart: 'p' }, total), skippedFinding('chart', total[3], 'too few offers in 2024-04 to judge: 99 < minOffers 100'));
  assert.notEqual(judge({ chart: 'p' }, [...series([10, 10, 10]), month(3, 5, 100)]).status, 'skipped');
});

test('fewer than three months with offers: skipped; exactly three are charted', () => {
  const total = [month(0, 0, 0), month(1, 100, 1000), month(2, 50, 1000)];
  const f = judge({ chart: 'p' }, total);
  assert.equal(f.status, 'skipped');
  assert.equal(f.message, 'a control chart needs at least 3 periods with offers; 2 up to 2024-03');
  assert.equal(f.period, total[2]);
  // Three months with offers (100, 100, 50 of 1,000): p̄ = 1/12, lower 0.057113 > 0.05.
  const g = judge({ chart: 'p' }, [month(0, 0, 0), ...series([100, 100, 50]).map((p, i) => month(i + 1, p.k, p.n))]);
  assert.equal(g.status, 'firing');
  assert.equal(g.numbers['periods'], 4);
});
