/**
 * The /api/v1 reads through the answer cache: a read is keyed on its route, its parameters as the
 * route parsed them (defaults applied, so spelling and order do not matter), whose rows it may
 * show and its clock; its JSON text is what is kept, so a cached answer is sent byte for byte as
 * it was computed. A route parses and checks everything before it asks: a bad request is refused
 * before any lookup, and errors are never kept.
 *
 * Response headers: `x-uprate-cache` (hit, miss, or joined: this request waited for the same
 * computation another had started), `x-uprate-computed-at` (when the answer was computed) and
 * `x-uprate-as-of` (the clock it was computed as of: the request's `asOf`, else the server's
 * clock when the computation started — at most the server's cache max age before now).
 */
import type { FastifyReply } from 'fastify';
import { AnswerCache, type AnswerCacheOptions } from './answer-cache.js';
// The header the Cube API takes its clock from: here it says which clock an answer is as of.
import { AS_OF_HEADER } from './routes/cube.js';

export const CACHE_HEADER = 'x-uprate-cache';
export const COMPUTED_AT_HEADER = 'x-uprate-computed-at';

/** What Fastify sends a returned object as: a cached answer keeps the content type of a fresh one. */
const JSON_TYPE = 'application/json; charset=utf-8';

export type ApiAnswers = AnswerCache<string>;

export function apiAnswers(options: Omit<AnswerCacheOptions<string>, 'size' | 'dataVersion'>): ApiAnswers {
  return new AnswerCache<string>({ ...options, size: (json) => json.length });
}

/** What a computation of a read is given: its cancel signal, the clock it runs as of, and the data's generation ({@link Run}). */
export interface ReadRun {
  readonly signal: AbortSignal;
  readonly asOf: Date;
  readonly generation: string;
}

export interface ApiRead {
  /** `METHOD /path`, e.g. `GET /api/v1/kpi`. */
  readonly route: string;
  /** The request as the route parsed it, defaults applied: exactly what the computation is given. */
  readonly params: unknown;
  /** Whose rows the answer may show (the caller's access; for the alert list, what it may see). */
  readonly whose: unknown;
  /** The clock the request asked for, or null for the server's. */
  readonly asOf: Date | null;
  /** Aborted when the client went away. */
  readonly signal?: AbortSignal | undefined;
  /** A read too cheap to wait for a query slot. */
  readonly ungated?: boolean;
  readonly compute: (run: ReadRun) => Promise<unknown>;
}

/** The cached JSON answer sent in another format: its media type, a file name to save it as, the text made from the JSON. */
export interface AnswerRendering {
  readonly type: string;
  readonly fileName: string;
  readonly body: (json: string) => string;
}

/**
 * Sends the read's answer, cached or computed, with the cache headers — as JSON, or rendered from
 * the same cached JSON (so the two formats never disagree and share one computation).
 */
export async function sendRead(reply: FastifyReply, answers: ApiAnswers, read: ApiRead, rendering?: AnswerRendering): Promise<FastifyReply> {
  const { answer, source } = await answers.ask({
    key: readKey(read),
    clocked: read.asOf === null,
    signal: read.signal,
    ...(read.ungated ? { ungated: true } : {}),
    compute: async ({ signal, now, generation }) => JSON.stringify(await read.compute({ signal, asOf: read.asOf ?? now, generation })),
  });
  const asOf = read.asOf ?? answer.clockAt ?? answer.refreshedAt;
  if (rendering) reply.header('content-disposition', `attachment; filename="${rendering.fileName}"`);
  return reply
    .header(CACHE_HEADER, source)
    .header(COMPUTED_AT_HEADER, answer.refreshedAt.toISOString())
    .header(AS_OF_HEADER, asOf.toISOString())
    .type(rendering?.type ?? JSON_TYPE)
    .send(rendering ? rendering.body(answer.value) : answer.value);
}

/** The cache key of a read: two reads share an entry only when all of it is equal. */
export function readKey(read: Pick<ApiRead, 'route' | 'params' | 'whose' | 'asOf'>): string {
  return canonicalJson({ route: read.route, params: read.params, whose: read.whose, asOf: read.asOf?.toISOString() ?? 'server clock' });
}

/**
 * JSON with every object's keys sorted (arrays keep their order, which can matter): equal values
 * written in any key order give one text. Dates are ISO instants; undefined fields are left out,
 * so an absent parameter and one left undefined are the same. A Map or Set would be written as
 * `{}` — two different questions sharing an entry — so it is refused.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    if (v instanceof Map || v instanceof Set) throw new TypeError('canonicalJson: a Map or Set cannot key a cache entry; pass plain objects and arrays');
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
