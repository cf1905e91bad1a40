import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { UprateError } from '../../core/errors.js';
import { ingestFiles, type SourceFormat } from '../../ingest/index.js';
import type { ServerContext } from '../context.js';

const FORMAT_BY_TYPE: Readonly<Record<string, SourceFormat>> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/json': 'json',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
};

const EXTENSION: Readonly<Record<SourceFormat, string>> = { csv: '.csv', ndjson: '.ndjson', json: '.json', parquet: '.parquet' };

/**
 * POST /api/v1/ingest/offers|customers: the body (CSV, NDJSON, JSON array or Parquet) is
 * streamed to a temporary file and loaded with the same checks as `uprate ingest`.
 */
export async function ingestRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // Bodies stay streams: a large export never sits in memory. This plugin's scope only.
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(Object.keys(FORMAT_BY_TYPE), (_req, payload, done) => done(null, payload));

  for (const table of ['offers', 'customers'] as const) {
    app.post(`/api/v1/ingest/${table}`, { bodyLimit: ctx.ingestBodyLimit }, async (request, reply) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const format = FORMAT_BY_TYPE[type];
      if (!format) {
        throw new UprateError('BAD_ARGUMENT', `unsupported content type '${type || '(none)'}'`, {
          location: 'Content-Type',
          hint: `send one of ${Object.keys(FORMAT_BY_TYPE).join(', ')}`,
        });
      }
      const body = request.body as Readable;
      const source = String(request.headers['x-uprate-source'] ?? `http-body${EXTENSION[format]}`).replace(/[^\w.-]/g, '_');
      const dir = await mkdtemp(join(tmpdir(), 'uprate-ingest-'));
      const file = join(dir, source.endsWith(EXTENSION[format]) ? source : `${source}${EXTENSION[format]}`);
      try {
        await pipeline(body, createWriteStream(file));
        const summary = await ctx.writeLock.run(() => ingestFiles(ctx.store, { table, files: [file], format, via: 'http' }));
        ctx.dataChanged();
        return reply.send({ ...summary, files: [source] });
      } catch (e) {
        if (e instanceof UprateError && e.code === 'INVALID_ROWS') {
          // Name the upload, not the temporary file it was spooled to.
          throw new UprateError(e.code, e.message.replaceAll(file, source), { hint: e.hint ?? '', details: JSON.parse(JSON.stringify(e.details).replaceAll(JSON.stringify(file).slice(1, -1), source)) as unknown });
        }
        throw e;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
}
