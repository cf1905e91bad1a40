import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { UprateError } from '../../core/errors.js';
import { addAnnotationRequestSchema, saveViewRequestSchema } from '../../insights/api-schema.js';
import { parseDay, singleParams } from '../../insights/index.js';
import { accessFilters } from '../../query/index.js';
import { addAnnotation, deleteView, listAnnotations, listViews, removeAnnotation, saveView, tenantKey, viewState, type Writer } from '../../saved/index.js';
import { callerAccess } from '../caller.js';
import type { ServerContext } from '../context.js';

/**
 * Saved views and annotations (src/saved):
 *
 * GET /api/v1/views → `{ views }`; POST /api/v1/views `{ name, state }` → `{ view, replaced }`
 * (`replaced`: it took the place of the view of that name); DELETE /api/v1/views/:name → `{ deleted }`.
 * GET /api/v1/annotations?from=&to= → `{ annotations }`; POST /api/v1/annotations `{ day, text }`
 * → `{ annotation }`; DELETE /api/v1/annotations/:id → `{ deleted }`.
 *
 * Every route needs the token other routes need. On a server with security filters each caller
 * reads and writes only its tenant's rows (the digest of the filters its token gives it); without
 * filters everyone shares them. None of this changes the data, so no answer cache is forgotten.
 */
export async function savedRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const writer = (request: FastifyRequest): Writer => {
    const claims = request.securityContext;
    const tenant = ctx.tenancy.rules.length === 0 ? tenantKey(null) : tenantKey([...accessFilters(callerAccess(ctx.tenancy, claims))]);
    return { tenant, by: typeof claims['sub'] === 'string' && claims['sub'] ? claims['sub'] : null };
  };

  app.get('/api/v1/views', async (request) => ({ views: await listViews(ctx.store, writer(request).tenant) }));

  app.post('/api/v1/views', async (request) => {
    const body = parseBody(saveViewRequestSchema, request.body);
    const state = viewState(body.state);
    return ctx.writeLock.run(() => saveView(ctx.store, writer(request), body.name, state, ctx.clock()));
  });

  app.delete('/api/v1/views/:name', async (request) => {
    const { name } = request.params as { name: string };
    const gone = await ctx.writeLock.run(() => deleteView(ctx.store, writer(request).tenant, name, ctx.clock()));
    if (!gone) throw new UprateError('NOT_FOUND', `no saved view named '${name}'`, { location: 'name', hint: 'GET /api/v1/views lists the saved views' });
    return { deleted: name };
  });

  app.get('/api/v1/annotations', async (request) => {
    const once = singleParams(request.query as Record<string, unknown>, ['from', 'to']);
    const from = dayParam(once('from'), 'from');
    const to = dayParam(once('to'), 'to');
    return { annotations: await listAnnotations(ctx.store, writer(request).tenant, from, to) };
  });

  app.post('/api/v1/annotations', async (request) => {
    const body = parseBody(addAnnotationRequestSchema, request.body);
    return { annotation: await ctx.writeLock.run(() => addAnnotation(ctx.store, writer(request), body.day, body.text, ctx.clock())) };
  });

  app.delete('/api/v1/annotations/:id', async (request) => {
    const { id } = request.params as { id: string };
    const gone = await ctx.writeLock.run(() => removeAnnotation(ctx.store, writer(request).tenant, id, ctx.clock()));
    if (!gone) throw new UprateError('NOT_FOUND', `no annotation with id '${id}'`, { location: 'id', hint: 'GET /api/v1/annotations lists them with their ids' });
    return { deleted: id };
  });
}

/** The body as the schema reads it, or a BAD_ARGUMENT naming the first field it refuses. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || '(body)';
  throw new UprateError('BAD_ARGUMENT', `${field}: ${issue?.message ?? 'invalid'}`, { location: field, hint: 'send JSON, e.g. {"name": "Enterprise, weekly", "state": "grain=week"} or {"day": "2026-03-01", "text": "pricing change"}' });
}

function dayParam(value: string | undefined, name: string): string | null {
  return value === undefined || value === '' ? null : parseDay(value, name);
}
