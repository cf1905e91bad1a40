// Tests added for mutants that survived band.test.ts (bench/mutation-report.md): the errors'
// code, text and location, and the edges of the threshold check, each decided by hand from the
// documented rule 0 ≤ poor ≤ strong ≤ 1 and lower ≤ upper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { band, bandWithInterval } from './band.js';
import { UprateError } from '../core/errors.js';

/** A BAD_ARGUMENT error at `location` whose message matches `text`. */
function badArgument(location: string, text: RegExp) {
  return (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === location && text.test(e.message);
}

test('band: a rate that is not finite is named in the error, at "rate"', () => {
  assert.throws(() => band(Number.NaN), badArgument('rate', /^a band needs a finite rate, not NaN$/));
  assert.throws(() => band(Number.POSITIVE_INFINITY), badArgument('rate', /not Infinity$/));
});

test('bandWithInterval: an interval of one point is allowed; a reversed one is an error at "interval"', () => {
  assert.deepEqual(bandWithInterval(0.15, 0.15), { band: 'moderate', determinate: true, spans: ['moderate'], reason: null });
  assert.throws(() => bandWithInterval(0.3, 0.2), badArgument('interval', /^interval lower end 0\.3 must not exceed its upper end 0\.2$/));
  assert.throws(() => bandWithInterval(Number.NaN, 0.2), badArgument('interval', /lower end NaN/));
});

test('band thresholds: the edges 0 ≤ poor ≤ strong ≤ 1 are allowed', () => {
  // poor = 0: nothing is below it; strong = 1: nothing is above it; poor = strong: no moderate width.
  assert.equal(band(0, { poor: 0, strong: 0.5 }), 'moderate');
  assert.equal(band(1, { poor: 0.5, strong: 1 }), 'moderate');
  assert.equal(band(0.3, { poor: 0.3, strong: 0.3 }), 'moderate');
  assert.equal(band(0.31, { poor: 0.3, strong: 0.3 }), 'strong');
  assert.equal(band(0.29, { poor: 0.3, strong: 0.3 }), 'poor');
});

test('band thresholds: each broken edge alone is an error at "thresholds" naming both limits', () => {
  const message = (poor: number, strong: number) =>
    new RegExp(`^band thresholds need 0 ≤ poor ≤ strong ≤ 1, not poor ${poor}, strong ${strong}$`);
  assert.throws(() => band(0.5, { poor: -0.1, strong: 0.5 }), badArgument('thresholds', message(-0.1, 0.5)));
  assert.throws(() => band(0.5, { poor: 0.1, strong: 1.1 }), badArgument('thresholds', message(0.1, 1.1)));
  assert.throws(() => band(0.5, { poor: 0.4, strong: 0.3 }), badArgument('thresholds', message(0.4, 0.3)));
  assert.throws(() => bandWithInterval(0.1, 0.2, { poor: 0.4, strong: 0.3 }), badArgument('thresholds', /poor 0\.4, strong 0\.3/));
});
