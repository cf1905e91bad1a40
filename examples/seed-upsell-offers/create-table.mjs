#!/usr/bin/env node
// Creates the seed's aggregated `upsell_offers` table from generated rows (upsell_offers.sql):
//   node examples/seed-upsell-offers/create-table.mjs                       # seed.duckdb beside this file, 1,000,000 rows
//   node examples/seed-upsell-offers/create-table.mjs --rows 50000 --db my.duckdb
//   node examples/seed-upsell-offers/create-table.mjs --url postgres://USER:PASSWORD@HOST:5432/DB
// An existing upsell_offers table is replaced. Run it from a checkout where `npm install` ran.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, db: { type: 'string' }, url: { type: 'string' } },
});
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1 || rows > 100_000_000) {
  console.error(`--rows must be a whole number from 1 to 100000000, not '${values.rows}'`);
  process.exit(2);
}
if (values.db && values.url) {
  console.error('give --db (a DuckDB file) or --url (PostgreSQL), not both');
  process.exit(2);
}
const sql = readFileSync(join(here, 'upsell_offers.sql'), 'utf8').replace(':rows', String(rows));
const started = Date.now();
let summary;
if (values.url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: values.url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('DROP TABLE IF EXISTS upsell_offers');
    await client.query(sql);
    await client.query('COMMIT');
    summary = (await client.query('SELECT count(*) AS n, sum(total_upsell_offers) AS offers, sum(successful_upsells) AS accepted FROM upsell_offers')).rows[0];
  } finally {
    await client.end();
  }
} else {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const file = resolve(values.db ?? join(here, 'seed.duckdb'));
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run('DROP TABLE IF EXISTS upsell_offers');
  await connection.run(sql);
  const [row] = (await connection.runAndReadAll('SELECT count(*) AS n, sum(total_upsell_offers) AS offers, sum(successful_upsells) AS accepted FROM upsell_offers')).getRowObjects();
  summary = row;
  connection.closeSync();
  instance.closeSync();
  console.log(`wrote ${file}`);
}
const { n, offers, accepted } = summary;
console.log(`upsell_offers: ${Number(n).toLocaleString('en-US')} rows, ${Number(offers).toLocaleString('en-US')} offers, ${Number(accepted).toLocaleString('en-US')} accepted (${((Number(accepted) / Number(offers)) * 100).toFixed(1)} %) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
