/**
 * An opt-in check that the server keeps its contract (src/insights/api-schema.ts): every /api/v1
 * JSON answer is parsed with its route's schema ({@link API_ROUTES}) when 2xx, with the error
 * schema when 4xx. A mismatch — a missing or mistyped field, or a field the schema does not know —
 * turns the answer into a 500 `RESPONSE_MISMATCH` that lists every issue, so a test that hits the
 * API fails loudly where the types and the server disagree.
 *
 * buildApp installs it with `checkResponses: true`; by default it is on under node's test runner
 * (which sets NODE_TEST_CONTEXT in every test process) and with UPRATE_CHECK_RESPONSES=1, and off
 * with UPRATE_CHECK_RESPONSES=0.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { apiErrorSchema } from '../insights/api-schema.js';
import { API_ROUTES } from './openapi.js';

/** On under node's test runner or UPRATE_CHECK_RESPONSES=1; UPRATE_CHECK_RESPONSES=0 turns it off. */
export function responseCheckByDefault(env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = env['UPRATE_CHECK_RESPONSES'];
  if (flag === '0' || flag === '1') return flag === '1';
  return env['NODE_TEST_CONTEXT'] !== undefined;
}

interface RouteSchema {
  readonly method: string;
  readonly pattern: RegExp;
  readonly schema: z.ZodType;
}

/** `METHOD /path/{param}` keys → matchers for Fastify's route URLs. */
function routeSchemas(routes: Readonly<Record<string, z.ZodType>>): RouteSchema[] {
  return Object.entries(routes).map(([key, schema]) => {
    const [method = '', path = ''] = key.split(' ');
    const pattern = path
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    return { method, pattern: new RegExp(`^${pattern}$`), schema };
  });
}

/** What is wrong with `body` as `schema` says: zod's issues, else the fields the schema does not have. */
export function responseMismatches(schema: z.ZodType, body: unknown): string[] {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${where(issue.path)}: ${issue.message}`);
  const out: string[] = [];
  unknownFields(body, parsed.data, [], out);
  return out;
}

/** Fields of `sent` that parsing dropped (z.object strips what it does not declare). */
function unknownFields(sent: unknown, kept: unknown, path: PropertyKey[], out: string[]): void {
  if (Array.isArray(sent) && Array.isArray(kept)) {
    sent.forEach((item, i) => unknownFields(item, kept[i], [...path, i], out));
  } else if (isRecord(sent) && isRecord(kept)) {
    for (const [key, value] of Object.entries(sent)) {
      if (Object.hasOwn(kept, key)) unknownFields(value, kept[key], [...path, key], out);
      else out.push(`${where([...path, key])}: a field the schema does not have`);
    }
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const where = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? '(body)' : path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');

/** Checks every /api/v1 JSON answer (2xx against its route's schema, 4xx against the error schema). */
export function installResponseCheck(app: FastifyInstance, routes: Readonly<Record<string, z.ZodType>> = API_ROUTES): void {
  const table = routeSchemas(routes);
  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    if (!request.url.startsWith('/api/v1/') || typeof payload !== 'string' || status < 200 || status >= 500 || (status >= 300 && status < 400)) return payload;
    if (!String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const url = request.routeOptions.url ?? request.url;
    const route = `${method} ${url}`;
    const schema = status >= 400 ? apiErrorSchema : table.find((r) => r.method === method && r.pattern.test(url))?.schema;
    let issues: string[];
    if (!schema) issues = [`${route} has no response schema: add it to API_ROUTES (src/server/openapi.ts)`];
    else {
      try {
        issues = responseMismatches(schema, JSON.parse(payload));
      } catch (e) {
        issues = [`the body is not JSON: ${e instanceof Error ? e.message : String(e)}`];
      }
    }
    if (issues.length === 0) return payload;
    const error = `${route} answered ${status} with a body that does not match its schema (src/insights/api-schema.ts): ${issues.slice(0, 10).join('; ')}${issues.length > 10 ? `; and ${issues.length - 10} more` : ''}`;
    request.log.error({ issues, status }, error);
    void reply.code(500);
    return JSON.stringify({ error, code: 'RESPONSE_MISMATCH', details: { route, status, issues } });
  });
}
