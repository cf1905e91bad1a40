import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { cliArgs, ROOT } from './cli-helpers.js';


/**
 * `uprate … | head -1`: the reader closes the pipe after the first line. The command must not die
 * with an unhandled EPIPE stack trace; it finishes its work quietly and exits with the work's code.
 */
function runClosingAfterFirstLine(args: readonly string[]): Promise<{ code: number | null; stderr: string; firstLine: string }> {
  const child = spawn(process.execPath, cliArgs(args), { cwd: ROOT, env: { ...process.env, CI: 'true' } });
  let stderr = '';
  let firstLine = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', (d: Buffer) => {
    firstLine = d.toString().split('\n')[0] ?? '';
    // What `head -1` does: stop reading and close the pipe.
    child.stdout.destroy();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr, firstLine })));
}

describe('a command whose reader closes the pipe (uprate … | head -1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-pipe-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('demo exits 0 without a stack trace, and its data is all loaded', async () => {
    const db = join(dir, 'demo.duckdb');
    const r = await runClosingAfterFirstLine(['demo', '--rows', '3000', '--seed', '7', '--end', '2026-06-01', '--db', db, '--no-serve']);
    assert.match(r.firstLine, /demo data: 3,000 offers/);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|at .*\.js:\d+/);
    // The load went on after nobody read its output: every offer is stored (plain SQL).
    const instance = await DuckDBInstance.create(db);
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM offers')).getRowObjects();
    connection.closeSync();
    instance.closeSync();
    assert.equal(rows[0]?.['n'], 3000);
  });

  it('report and query exit 0 quietly too', async () => {
    const db = join(dir, 'demo.duckdb');
    for (const args of [
      ['report', '--db', db, '--as-of', '2026-06-01'],
      ['query', '--db', db, '{"dimensions":["Offers.offerId"],"ungrouped":true}', '--format', 'csv'],
    ]) {
      const r = await runClosingAfterFirstLine(args);
      assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/, args[0]);
    }
  });

  it('a real shell pipe into head -1 prints one line and no error', () => {
    const db = join(dir, 'demo.duckdb');
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${cliArgs([])[0] ?? ''}" query --db "${db}" '{"dimensions":["Offers.offerId"],"ungrouped":true}' --format csv | head -1`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    assert.equal(r.stderr, '');
  });
});
