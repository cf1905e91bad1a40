import type { Command } from 'commander';
import { alignedTable } from '../core/text-table.js';
import { addAnnotationRequestSchema, annotationListSchema, annotationWriteSchema, deletedSchema, type AnnotationList } from '../insights/api-schema.js';
import { parseDay } from '../insights/index.js';
import { addAnnotation, listAnnotations, removeAnnotation, SHARED_TENANT, type Annotation } from '../saved/index.js';
import { UprateError } from '../core/errors.js';
import { openStore, type Store } from '../store/index.js';
import { cliConfig } from './model-source.js';
import { DEFAULT_DB, parseChoice } from './options.js';
import { action } from './run-command.js';
import { serverClient, type ServerClient, type ServerFlags, type RequestOptions } from './server-client.js';
import { addServerOptions, addStoreOptions, storeOptions, type StoreFlags } from './store-options.js';

interface AnnotateFlags extends StoreFlags, ServerFlags {
  config?: string;
  from?: string;
  to?: string;
  format?: string;
}

/** The annotations as a table: id, day, text (what `uprate annotate list` prints). */
export function annotationsText(list: readonly Annotation[]): string {
  if (list.length === 0) return 'no annotations\n';
  return `${alignedTable(['id', 'day', 'text'], list.map((a) => [a.id, a.day, a.text])).join('\n')}\n`;
}

function withOptions(command: Command, what: string): Command {
  return addServerOptions(addStoreOptions(command.option('--db <file>', 'embedded DuckDB file', DEFAULT_DB).option('--config <file>', 'config file (its security claims sign the token sent to a server)')), what);
}

function clientFor(flags: AnnotateFlags, verb: string): ServerClient | undefined {
  return serverClient({ flags, store: storeOptions(flags), security: cliConfig(flags).security, verb });
}

/** ServerClient.request speaks GET and POST; DELETE goes through the same fetch. */
function remove(client: ServerClient, path: string, options: RequestOptions): Promise<unknown> {
  return (client.request as (method: string, path: string, options: RequestOptions) => Promise<unknown>).call(client, 'DELETE', path, options);
}

async function withStore<T>(flags: AnnotateFlags, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeOptions(flags));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * `uprate annotate add|list|remove`: notes on days, drawn on the dashboard's trend. Through a
 * server (`--server`, or the one holding the DuckDB file) they are the token's tenant's; on the
 * store directly, the shared ones (a server without security filters shows those).
 */
export function registerAnnotate(program: Command): void {
  const annotate = program.command('annotate').description('notes on days (e.g. "pricing change"), drawn on the dashboard\'s trend');

  withOptions(annotate.command('add <day> <text>').description('add a note on a day (YYYY-MM-DD)'), 'add it through')
    .addHelpText('after', '\nExamples:\n  uprate annotate add 2026-03-01 "pricing change"\n  uprate annotate add 2026-03-01 "pricing change" --server http://127.0.0.1:4000')
    .action(
      action(async (day: string, text: string, flags: AnnotateFlags) => {
        const parsed = addAnnotationRequestSchema.safeParse({ day, text });
        if (!parsed.success) {
          const field = String(parsed.error.issues[0]?.path[0] ?? 'day');
          throw new UprateError('BAD_ARGUMENT', parsed.error.issues[0]?.message ?? 'invalid', { location: `<${field}>`, hint: 'e.g. uprate annotate add 2026-03-01 "pricing change" (the text at most 200 characters)' });
        }
        const client = clientFor(flags, 'adding it');
        const note = client
          ? ((await client.request('POST', '/api/v1/annotations', { json: parsed.data, schema: annotationWriteSchema })) as { annotation: Annotation }).annotation
          : await withStore(flags, (store) => addAnnotation(store, { tenant: SHARED_TENANT, by: null }, parsed.data.day, parsed.data.text, new Date()));
        process.stdout.write(`added ${note.id}: ${note.day} ${note.text}\n`);
      }),
    );

  withOptions(
    annotate.command('list').description('the notes, by day').option('--from <day>', 'first day included').option('--to <day>', 'last day included').option('--format <format>', 'table or json', 'table'),
    'read through',
  ).action(
    action(async (flags: AnnotateFlags) => {
      const format = parseChoice(flags.format ?? 'table', '--format', ['table', 'json'] as const);
      const from = flags.from ? parseDay(flags.from, '--from') : null;
      const to = flags.to ? parseDay(flags.to, '--to') : null;
      const client = clientFor(flags, 'reading');
      const list = client
        ? ((await client.request('GET', '/api/v1/annotations', { query: { from: from ?? undefined, to: to ?? undefined }, schema: annotationListSchema })) as AnnotationList).annotations
        : await withStore(flags, (store) => listAnnotations(store, SHARED_TENANT, from, to));
      process.stdout.write(format === 'json' ? `${JSON.stringify({ annotations: list }, null, 2)}\n` : annotationsText(list));
    }),
  );

  withOptions(annotate.command('remove <id>').description('remove a note (its id: uprate annotate list)'), 'remove it through').action(
    action(async (id: string, flags: AnnotateFlags) => {
      const client = clientFor(flags, 'removing it');
      if (client) await remove(client, `/api/v1/annotations/${encodeURIComponent(id)}`, { schema: deletedSchema });
      else {
        const gone = await withStore(flags, (store) => removeAnnotation(store, SHARED_TENANT, id, new Date()));
        if (!gone) throw new UprateError('NOT_FOUND', `no annotation with id '${id}'`, { location: '<id>', hint: '`uprate annotate list` shows the ids' });
      }
      process.stdout.write(`removed ${id}\n`);
    }),
  );
}
