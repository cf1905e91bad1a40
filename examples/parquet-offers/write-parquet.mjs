#!/usr/bin/env node
// Writes event-grain offers and their clients as Parquet files into model/data/, from uprate's
// demo generator (the same realistic data as `uprate demo`):
//   node examples/parquet-offers/write-parquet.mjs              # 200,000 offers
//   node examples/parquet-offers/write-parquet.mjs --rows 50000
// Run it from a checkout where `npm install` ran (it calls bin/uprate.js).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' } } });
const scratch = mkdtempSync(join(tmpdir(), 'uprate-parquet-'));
const db = join(scratch, 'demo.duckdb');
try {
  execFileSync(process.execPath, [join(here, '../../bin/uprate.js'), 'demo', '--rows', values.rows, '--no-serve', '--no-rollups', '--db', db], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const out = join(here, 'model', 'data');
  mkdirSync(out, { recursive: true });
  const instance = await DuckDBInstance.create(db);
  const connection = await instance.connect();
  for (const table of ['offers', 'customers']) {
    const file = join(out, `${table}.parquet`).replaceAll("'", "''");
    await connection.run(`COPY (SELECT * FROM ${table} ORDER BY 1) TO '${file}' (FORMAT parquet)`);
    const [row] = (await connection.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjects();
    console.log(`wrote ${file} (${Number(row.n).toLocaleString('en-US')} rows)`);
  }
  connection.closeSync();
  instance.closeSync();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
