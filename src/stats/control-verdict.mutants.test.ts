// Tests for controlVerdict (no test in src/stats reached it, so every mutant had no coverage):
// the judged period is the last one, which side alarms, the defaults (auto chart, 3σ, side
// below, unit "period"), and the chart name, sentence and method text. Limits by hand from
// Montgomery's p-chart: centre p̄ = Σk/Σn, limits p̄ ± s·√(p̄(1 − p̄)/n) (× σ_z for Laney), clipped
// to [0, 1]; every number is written out in a comment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { controlVerdict, DEFAULT_CONTROL_PERIODS } from './control-verdict.js';

const of1000 = (ks: number[]) => ks.map((k) => ({ k, n: 1000 }));

test('controlVerdict: a last period below the lower limit of a named p-chart is an alarm, with limits, z and words', () => {
  // 100, 110, 90, 40 of 1000: p̄ = 340/4000 = 0.085, σ = √(0.085·0.915/1000) = 0.0088190,
  // limits 0.085 ∓ 3σ = 0.058543 … 0.111457; the last rate 0.04 lies below: z = −0.045/σ = −5.1026.
  const v = controlVerdict(of1000([100, 110, 90, 40]), { kind: 'p' });
  const sigma = Math.sqrt((0.085 * 0.915) / 1000);
  assertClose(v.centre, 0.085, 'centre', 1e-15);
  assertClose(v.lower, 0.085 - 3 * sigma, 'lower', 1e-12);
  assertClose(v.upper, 0.085 + 3 * sigma, 'upper', 1e-12);
  assertClose(v.rate, 0.04, 'rate of the last period (not the second)', 1e-15);
  assertClose(v.z, -0.045 / sigma, 'z', 1e-12);
  const { centre: _c, lower: _l, upper: _u, rate: _r, z: _z, ...rest } = v;
  assert.deepEqual(rest, {
    kind: 'p',
    choice: null,
    chartName: 'p-chart (3σ limits, 4 periods)',
    periods: 4,
    sigmaZ: 1,
    sigmas: 3,
    outside: 'below',
    alarm: true,
    sentence: '4.0% is below the lower control limit of the p-chart (3σ limits, 4 periods): limits 5.9%–11.1% around the centre 8.5%',
    method: "limits follow each period's offers: centre ± 3·√(p̄(1 − p̄)/n)",
  });
  // A drop alarms whichever side is asked for.
  assert.equal(controlVerdict(of1000([100, 110, 90, 40]), { kind: 'p', side: 'both' }).alarm, true);
});

test('controlVerdict: a rise above the upper limit alarms only with side "both"', () => {
  // 100, 110, 90, 160 of 1000: p̄ = 460/4000 = 0.115, σ = √(0.115·0.885/1000) = 0.0100884,
  // limits 0.084735 … 0.145265; the last rate 0.16 lies above.
  const rise = controlVerdict(of1000([100, 110, 90, 160]), { kind: 'p' });
  assert.equal(rise.outside, 'above');
  assert.equal(rise.alarm, false, 'the default side is below: a rise is no alarm');
  assert.equal(
    rise.sentence,
    '16.0% is above the upper control limit of the p-chart (3σ limits, 4 periods) — a rise, which this check does not alarm on: limits 8.5%–14.5% around the centre 11.5%',
  );
  const both = controlVerdict(of1000([100, 110, 90, 160]), { kind: 'p', side: 'both' });
  assert.equal(both.outside, 'above');
  assert.equal(both.alarm, true);
  assert.equal(both.sentence, '16.0% is above the upper control limit of the p-chart (3σ limits, 4 periods): limits 8.5%–14.5% around the centre 11.5%');
  assert.equal(controlVerdict(of1000([100, 110, 90, 160]), { kind: 'p', side: 'below' }).alarm, false);
});

test('controlVerdict: the sigmas option sets the limits, the name and the method', () => {
  // 100, 110, 90, 130 of 1000: p̄ = 0.1075, σ = √(0.1075·0.8925/1000) = 0.0097951. At 3σ the upper
  // limit is 0.136885 and 0.13 is inside; at 2σ it is 0.127090 and 0.13 is above.
  const three = controlVerdict(of1000([100, 110, 90, 130]), { kind: 'p' });
  assert.equal(three.outside, null);
  assert.equal(three.alarm, false);
  // Inside the limits is no alarm on either side.
  assert.equal(controlVerdict(of1000([100, 110, 90, 130]), { kind: 'p', side: 'both' }).alarm, false);
  const two = controlVerdict(of1000([100, 110, 90, 130]), { kind: 'p', sigmas: 2, side: 'both', unit: 'month' });
  const sigma = Math.sqrt((0.1075 * 0.8925) / 1000);
  assertClose(two.upper, 0.1075 + 2 * sigma, 'upper at 2σ', 1e-12);
  assertClose(two.lower, 0.1075 - 2 * sigma, 'lower at 2σ', 1e-12);
  assert.equal(two.sigmas, 2);
  assert.equal(two.outside, 'above');
  assert.equal(two.alarm, true);
  assert.equal(two.chartName, 'p-chart (2σ limits, 4 months)');
  assert.equal(two.method, "limits follow each period's offers: centre ± 2·√(p̄(1 − p̄)/n)");
  assert.equal(two.sentence, '13.0% is above the upper control limit of the p-chart (2σ limits, 4 months): limits 8.8%–12.7% around the centre 10.8%');
});

test('controlVerdict: by default the data choose the chart; a Laney chart names σ_z and the test that chose it', () => {
  // 10, 20, 30 of 100: χ² = 12.5 on 2 df, p = e^(−6.25) = 0.0019 < 0.05 → Laney. z = −2.5, 0, 2.5
  // (σ = √(0.2·0.8/100) = 0.04), moving ranges 2.5 and 2.5: σ_z = 2.5/1.128 = 2.2163. Limits
  // 0.2 ∓ 3·0.04·2.2163 = 0 (clipped) … 0.465957; 0.3 is inside, z = 0.1/0.04 = 2.5.
  const periods = [{ k: 10, n: 100 }, { k: 20, n: 100 }, { k: 30, n: 100 }];
  const v = controlVerdict(periods, { unit: 'month' });
  assert.equal(v.kind, 'laney');
  assert.equal(v.choice?.kind, 'laney');
  assertClose(v.sigmaZ, 2.5 / 1.128, 'σ_z', 1e-12);
  assert.equal(v.lower, 0);
  assertClose(v.upper, 0.2 + 3 * 0.04 * (2.5 / 1.128), 'upper', 1e-12);
  assertClose(v.z, 2.5, 'z', 1e-12);
  assert.equal(v.outside, null);
  assert.equal(v.alarm, false);
  assert.equal(v.chartName, 'Laney p′-chart (3σ limits, 3 months)');
  assert.equal(v.sentence, '30.0% is inside the Laney p′-chart (3σ limits, 3 months): limits 0.0%–46.6% around the centre 20.0%');
  assert.equal(
    v.method,
    "limits follow each period's offers: centre ± 3·√(p̄(1 − p̄)/n) × σz 2.22; periods vary more than chance (χ² = 12.5, df 2, p = 0.0019; σz = 2.22): Laney p′ limits",
  );
});

test('controlVerdict: one period, with a unit, is singular; the auto choice says why it drew a p-chart', () => {
  // 5 of 50: p̄ = 0.1, σ = √(0.1·0.9/50) = 0.042426, limits 0 (clipped) … 0.227279.
  const v = controlVerdict([{ k: 5, n: 50 }], { unit: 'week' });
  assert.equal(v.kind, 'p');
  assert.equal(v.chartName, 'p-chart (3σ limits, 1 week)');
  assert.equal(v.sentence, '10.0% is inside the p-chart (3σ limits, 1 week): limits 0.0%–22.7% around the centre 10.0%');
  assert.equal(v.method, "limits follow each period's offers: centre ± 3·√(p̄(1 − p̄)/n); fewer than two periods with offers: nothing to test, p-chart limits");
  assert.equal(controlVerdict([{ k: 5, n: 50 }]).chartName, 'p-chart (3σ limits, 1 period)');
});

test("controlVerdict: the chart's note replaces the method text", () => {
  // Laney with one period that has offers: σ_z cannot be estimated and falls back to 1.
  const v = controlVerdict([{ k: 3, n: 10 }, { k: 0, n: 0 }], { kind: 'laney' });
  assert.equal(v.method, 'fewer than two periods with a z-score: sigma_z = 1 (p-chart limits)');
  assert.equal(v.sigmaZ, 1);
  // The judged period has no offers: no rate, no limits, nothing outside.
  assert.deepEqual({ rate: v.rate, lower: v.lower, upper: v.upper, z: v.z, outside: v.outside, alarm: v.alarm }, { rate: null, lower: null, upper: null, z: null, outside: null, alarm: false });
  assert.equal(v.sentence, '— is inside the Laney p′-chart (3σ limits, 2 periods): limits —–— around the centre 30.0%');
});

test('controlVerdict: an empty window gives nulls and a sentence of dashes, not an error', () => {
  const v = controlVerdict([]);
  assert.deepEqual(
    { kind: v.kind, periods: v.periods, centre: v.centre, lower: v.lower, upper: v.upper, rate: v.rate, z: v.z, outside: v.outside, alarm: v.alarm },
    { kind: 'p', periods: 0, centre: null, lower: null, upper: null, rate: null, z: null, outside: null, alarm: false },
  );
  assert.equal(v.sentence, '— is inside the p-chart (3σ limits, 0 periods): limits —–— around the centre —');
  assert.equal(DEFAULT_CONTROL_PERIODS, 12);
});
