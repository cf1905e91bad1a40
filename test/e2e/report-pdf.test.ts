/**
 * `uprate report --format pdf --out file.pdf`: the monthly report printed by the system's
 * Chromium. The file is a PDF with pages; its text is checked on the HTML that was printed (no
 * pdftotext here): the month's headline rate equals plain SQL on the same file. Without --out,
 * or without Chromium, the command says what to do.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadModel, shippedModelDir } from '../../src/model/index.js';
import { allAccess } from '../../src/query/index.js';
import { collectMonthlyReport, renderReportHtml } from '../../src/report-html/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../../src/stats/index.js';
import { DuckDbStore } from '../../src/store/index.js';
import { uprate } from '../cli-helpers.js';
import { browserMissing, CHROMIUM } from './harness.js';

const missing = browserMissing();
const AS_OF = '2025-07-01T12:00:00Z';

describe('uprate report --format pdf', { skip: missing ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-pdf-'));
  const db = join(dir, 'demo.duckdb');
  let sqlRate = '';

  before(async () => {
    const demo = uprate(['demo', '--rows', '5000', '--seed', '7', '--end', '2025-06-30', '--db', db, '--no-serve']);
    assert.equal(demo.code, 0, demo.stderr);
    const store = await DuckDbStore.open(db, { readOnly: true });
    try {
      // May 2025: accepted within 30 days (and by the clock) ÷ offers made, in plain SQL.
      const [row] = await store.query<{ n: bigint; k: bigint }>(
        `SELECT count(*) AS n,
                count(*) FILTER (WHERE accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2025-07-01 12:00:00') AS k
           FROM offers WHERE offered_at >= TIMESTAMP '2025-05-01' AND offered_at < TIMESTAMP '2025-06-01'`,
      );
      sqlRate = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Number(row?.k) / Number(row?.n));
    } finally {
      await store.close();
    }
  });

  after(() => undefined);

  test('writes a PDF of the month whose printed HTML carries the headline rate plain SQL gives', async () => {
    const out = join(dir, 'report.pdf');
    const r = uprate(['report', '--db', db, '--format', 'pdf', '--out', out, '--month', '2025-05', '--as-of', AS_OF], { UPRATE_CHROMIUM: CHROMIUM });
    assert.equal(r.code, 0, r.stderr);
    const pdf = readFileSync(out);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.ok(pages >= 2, `pages: ${pages}`);
    // The HTML the command printed: the same report, rendered for print.
    const store = await DuckDbStore.open(db, { readOnly: true });
    try {
      const report = await collectMonthlyReport(
        { store, model: await loadModel(shippedModelDir()), asOf: new Date(AS_OF), access: allAccess('local'), windowDays: 30, thresholds: DEFAULT_BAND_THRESHOLDS, target: null, level: 0.95, method: 'wilson' },
        { month: '2025-05' },
      );
      const html = renderReportHtml(report, { print: true });
      assert.ok(html.includes(`>${sqlRate}</span>`), `headline ${sqlRate} in the printed HTML`);
      assert.ok(html.includes('@page{size:A4'));
      assert.ok(html.includes('<code>uprate report --format pdf</code>'));
    } finally {
      await store.close();
    }
  });

  test('a German PDF: the same command with --locale de-DE', () => {
    const out = join(dir, 'bericht.pdf');
    const r = uprate(['report', '--db', db, '--format', 'pdf', '--out', out, '--month', '2025-05', '--as-of', AS_OF, '--locale', 'de-DE'], { UPRATE_CHROMIUM: CHROMIUM });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out).subarray(0, 5).toString('latin1'), '%PDF-');
  });

  test('without --out, and without Chromium: what to do', () => {
    const noOut = uprate(['report', '--db', db, '--format', 'pdf', '--month', '2025-05']);
    assert.equal(noOut.code, 1);
    assert.match(noOut.stderr, /--format pdf writes a file: name it with --out/);
    const noBrowser = uprate(['report', '--db', db, '--format', 'pdf', '--out', join(dir, 'x.pdf'), '--month', '2025-05'], { UPRATE_CHROMIUM: '/nonexistent/chromium' });
    assert.equal(noBrowser.code, 1);
    assert.match(noBrowser.stderr, /Chromium not found at \/nonexistent\/chromium/);
    assert.match(noBrowser.stderr, /apt-get install chromium/);
  });
});
