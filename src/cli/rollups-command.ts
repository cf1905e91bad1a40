import type { Command } from 'commander';
import { count } from '../core/display.js';
import { alignedTable } from '../core/text-table.js';
import { buildRollups, dropRollups, rollupStatus, type BuiltRollup } from '../rollups/index.js';
import { statusDocument } from '../server/routes/rollups.js';
import { openStore } from '../store/index.js';
import { cliConfig, openModel, type ModelFlags } from './model-source.js';
import { serverClient, type ServerClient, type ServerFlags } from './server-client.js';
import { DEFAULT_DB } from './options.js';
import { action } from './run-command.js';
import { addServerOptions, addStoreOptions, modelStoreOptions, type StoreFlags } from './store-options.js';

type RollupFlags = StoreFlags & ModelFlags & ServerFlags;

/** The server holding the DuckDB file (or --server): rollups are built by the one writer there. */
function through(flags: RollupFlags, verb: string): ServerClient | undefined {
  return serverClient({ flags, store: modelStoreOptions(flags), security: cliConfig(flags).security, verb });
}

const builtLine = (r: BuiltRollup) => `${r.name}: ${count(r.rows)} rows in ${r.table}, ${r.seconds.toFixed(1)} s (data version ${r.dataVersion})\n`;

async function withModelStore<T>(flags: RollupFlags, readOnly: boolean, fn: (s: Awaited<ReturnType<typeof openStore>>, m: Awaited<ReturnType<typeof openModel>>['model']) => Promise<T>): Promise<T> {
  const { model } = await openModel(flags);
  const store = await openStore(modelStoreOptions(flags, readOnly));
  try {
    return await fn(store, model);
  } finally {
    await store.close();
  }
}

/** `uprate rollups build [names…]`: fills each rollup from the rows, one commit each, with progress. */
async function build(names: string[], flags: RollupFlags): Promise<void> {
  const client = through(flags, 'building rollups');
  if (client) {
    const body = (await client.request('POST', '/api/v1/rollups/build', { query: names.length ? { name: names.join(',') } : {} })) as { built: BuiltRollup[] };
    for (const r of body.built) process.stdout.write(builtLine(r));
    return;
  }
  await withModelStore(flags, false, async (store, model) => {
    process.stderr.write(`building ${names.length ? names.join(', ') : 'every rollup of the model'} from the rows…\n`);
    await buildRollups(store, model, names, (r) => process.stdout.write(builtLine(r)));
  });
}

/** `uprate rollups status`: every rollup of the model, fresh, stale (why) or missing. */
async function status(flags: RollupFlags): Promise<number> {
  const client = through(flags, 'reading');
  if (client) return printStatus(((await client.request('GET', '/api/v1/rollups')) as { rollups: StatusDocument[] }).rollups);
  return withModelStore(flags, true, async (store, model) => printStatus((await rollupStatus(store, model)).map(statusDocument)));
}

type StatusDocument = ReturnType<typeof statusDocument>;

function printStatus(states: readonly StatusDocument[]): number {
  if (states.length === 0) {
    process.stdout.write("the model declares no rollups (preAggregations: { name: { type: 'rollup', … } } in a cube)\n");
    return 0;
  }
  const rows = states.map((s) => [
    String(s.name),
    String(s.state),
    typeof s.rows === 'number' ? count(s.rows) : '—',
    typeof s.builtAt === 'string' ? s.builtAt.slice(0, 19).replace('T', ' ') : '—',
    typeof s.buildSeconds === 'number' ? `${s.buildSeconds.toFixed(1)} s` : '—',
    typeof s.refreshSeconds === 'number' ? `${(s.refreshSeconds * 1000).toFixed(0)} ms` : '—',
    typeof s.why === 'string' ? s.why : `read by queries it answers exactly${openWindowNote(s.openWindow)}`,
  ]);
  process.stdout.write(`${alignedTable(['rollup', 'state', 'rows', 'built (UTC)', 'build', 'last load', 'note'], rows, [false, false, true, false, true, true, false]).join('\n')}\n`);
  return 0;
}

/** "; open window from 2026-11-01 as at 2026-12-04 13:43" (its periods not yet settled: README, Scale). */
function openWindowNote(w: unknown): string {
  if (!w || typeof w !== 'object') return '';
  const { clock, from } = w as { clock?: unknown; from?: unknown };
  return typeof clock === 'string' && typeof from === 'string' ? `; open window from ${from.slice(0, 10)} as at ${clock.slice(0, 16).replace('T', ' ')}` : '';
}

async function drop(names: string[], flags: RollupFlags): Promise<void> {
  const client = through(flags, 'dropping rollups');
  const dropped = client
    ? ((await client.request('POST', '/api/v1/rollups/drop', { query: names.length ? { name: names.join(',') } : {} })) as { dropped: string[] }).dropped
    : await withModelStore(flags, false, (store, model) => dropRollups(store, model, names));
  process.stdout.write(dropped.length ? `dropped ${dropped.join(', ')}: queries read the rows\n` : 'no built rollup to drop\n');
}

export function registerRollups(program: Command): void {
  const rollups = program
    .command('rollups')
    .description("pre-aggregations (the model's preAggregations of type rollup): build, inspect, drop")
    .addHelpText(
      'after',
      `
A rollup is read only where its answer is exactly the rows' answer, and only while it is fresh:
every ingest refreshes the partitions it touched in the same commit (on ClickHouse, which has no
transactions, it rebuilds the rollups right after the load commits; queries read the rows until
then); a change made any other way (or a changed model) makes it stale until it is built again.
UPRATE_ROLLUPS=off reads the rows.`,
    );
  const common = (c: Command) =>
    addServerOptions(addStoreOptions(c.option('--db <file>', 'embedded DuckDB file', DEFAULT_DB).option('--model <dir>', "model folder (default: the config's, else the shipped model)").option('--config <file>', 'config file (default: uprate.config.yaml in this folder)')), 'work through');
  common(rollups.command('build [names...]').description('build rollups from the rows (all of the model\'s, or the named ones: Offers.daily)')).action(
    action(async (names: string[], flags: RollupFlags) => build(names, flags)),
  );
  common(rollups.command('status').description('each rollup: fresh, stale (and why) or missing; rows, when built and how long it took, and what the last ingest spent maintaining it')).action(
    action(async (flags: RollupFlags) => status(flags)),
  );
  common(rollups.command('drop [names...]').description('drop rollups (all built ones, or the named ones); queries then read the rows')).action(
    action(async (names: string[], flags: RollupFlags) => drop(names, flags)),
  );
}
