/**
 * Finding the Chromium that prints `--format pdf`: a clear error naming the fix when it is
 * missing; a PDF when it is there (skipped on a machine without Chromium).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { CHROMIUM_PATHS, findChromium, htmlToPdf } from './report-pdf.js';

const installed = CHROMIUM_PATHS.some((p) => {
  try {
    return findChromium({}, [p]) === p;
  } catch {
    return false;
  }
});

test('no Chromium: the error names where it looked and the fix', () => {
  assert.throws(
    () => findChromium({}, ['/nonexistent/chromium']),
    (e: unknown) => e instanceof UprateError && e.code === 'FILE_NOT_FOUND' && /Chromium not found \(looked at \/nonexistent\/chromium\)/.test(e.message) && /apt-get install chromium/.test(e.describe()),
  );
  assert.throws(
    () => findChromium({ UPRATE_CHROMIUM: '/nonexistent/chrome' }),
    (e: unknown) => e instanceof UprateError && /Chromium not found at \/nonexistent\/chrome \(UPRATE_CHROMIUM\)/.test(e.message) && /apt-get install chromium/.test(e.describe()),
  );
});

test('a page printed to PDF', { skip: installed ? false : 'no Chromium here (apt-get install chromium)' }, async () => {
  const pdf = await htmlToPdf('<!doctype html><html><body><h1>uprate 18.3%</h1></body></html>');
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.equal((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length, 1);
});
