// Tests for monitor's options that control-chart.test.ts does not vary: the run length, the trend
// window and level, and the comparison options passed to the last period-over-period change.
// Expected runs and windows by hand from the series below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UprateError } from '../core/errors.js';
import { monitor } from './monitor.js';

// Ten periods: six at 20 %, then four at 10 % (p̄ = (6·200 + 4·100)/10000 = 0.16): the last four lie
// below the centre, the first six above.
const periods = [...Array.from({ length: 6 }, () => ({ k: 200, n: 1000 })), ...Array.from({ length: 4 }, () => ({ k: 100, n: 1000 }))];

test('monitor: runLength sets the run rule (default 8)', () => {
  assert.deepEqual(monitor(periods).runs, []);
  const short = monitor(periods, { runLength: 4 });
  assert.deepEqual(short.runs, [
    { side: 'above', start: 0, end: 5, length: 6 },
    { side: 'below', start: 6, end: 9, length: 4 },
  ]);
  assert.deepEqual(short.runFlags, ['above', 'above', 'above', 'above', 'above', 'above', 'below', 'below', 'below', 'below']);
  assert.deepEqual(monitor(periods, { runLength: 5 }).runs.map((r) => r.side), ['above']);
});

test('monitor: window and trendAlpha reach the trend', () => {
  assert.equal(monitor(periods).trend.periods, 10, 'all ten periods (default window 12)');
  assert.equal(monitor(periods, { window: 5 }).trend.periods, 5);
  assert.throws(() => monitor(periods, { trendAlpha: 1 }), (e: unknown) => e instanceof UprateError && e.location === 'alpha');
  assert.throws(() => monitor(periods, { window: 1 }), (e: unknown) => e instanceof UprateError && e.location === 'window');
});

test('monitor: the last change compares the last period with the one before, with the options given', () => {
  const m = monitor(periods, { level: 0.9 });
  assert.ok(m.lastChange);
  assert.equal(m.lastChange.level, 0.9);
  assert.equal(m.lastChange.rateA, 0.1, 'the last period');
  assert.equal(m.lastChange.rateB, 0.1, 'the one before it');
  const step = monitor(periods.slice(0, 7), { test: 'fisher' });
  assert.equal(step.lastChange?.test, 'fisher');
  assert.equal(step.lastChange?.rateA, 0.1);
  assert.equal(step.lastChange?.rateB, 0.2);
  assert.equal(monitor([]).lastChange, null);
});
