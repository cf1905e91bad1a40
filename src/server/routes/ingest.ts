import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { UprateError } from '../../core/errors.js';
import { ingestFiles, type SourceFormat } from '../../ingest/index.js';
import type { Model } from '../../model/index.js';
import type { ServerContext } from '../context.js';
import { ingestAdmission } from '../ingest-tenancy.js';
import { sweepSpool, withSpooledUpload } from '../ingest-spool.js';

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

export interface IngestRouteOptions {
  /** Characters one text field may hold (default: the server's limits.maxFieldLength). */
  readonly maxFieldLength?: number;
  /** The model the tenant rules are checked through (security filters name its members). */
  readonly model: Model;
}

/**
 * POST /api/v1/ingest/offers|customers: the body (CSV, NDJSON, JSON array or Parquet) is
 * streamed to a spool file ({@link withSpooledUpload}) and loaded with the same checks as
 * `uprate ingest`; errors name the upload, never the spool. Registering sweeps the spool
 * folders a crashed server left.
 */
export async function ingestRoutes(app: FastifyInstance, ctx: ServerContext, options: IngestRouteOptions): Promise<void> {
  const maxFieldLength = options.maxFieldLength ?? ctx.limits.maxFieldLength;
  const swept = await sweepSpool();
  if (swept.length > 0) app.log.info(`removed ${swept.length} ingest spool folder(s) left by stopped servers`);
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
      // Decided before the body is read: a read-only store, or a token without a required claim, is refused at once.
      await ctx.store.ensureOwnTables('ingest');
      const admit = ingestAdmission(options.model, ctx.store, ctx.tenancy, request.securityContext, table, ctx.clock());
      const body = request.body as Readable;
      const source = String(request.headers['x-uprate-source'] ?? `http-body${EXTENSION[format]}`).replace(/[^\w.-]/g, '_');
      const name = source.endsWith(EXTENSION[format]) ? source : `${source}${EXTENSION[format]}`;
      const summary = await withSpooledUpload(body, name, source, (file) =>
        ctx.writeLock.run(() => ingestFiles(ctx.store, { table, files: [file], format, via: 'http', maxFieldLength, ...(admit ? { admit } : {}) })),
      );
      ctx.dataChanged();
      return reply.send({ ...summary, files: [source] });
    });
  }
}
