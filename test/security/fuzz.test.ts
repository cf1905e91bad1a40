/**
 * Property-based fuzzing of the HTTP API (fast-check): random and mutated Cube queries for
 * /cubejs-api/v1/{load,sql,dry-run} and random query strings for every /api/v1 endpoint, sent
 * with `app.inject` to an in-process app over a small DuckDB data set. The property: every answer
 * is 2xx, or 4xx with a JSON body holding a string `error` and a string `code` — never a 5xx,
 * never a crash. All requests of a family run (no stop at the first failure) and the failures are
 * grouped by their error, each shown with its shortest request, so one run lists every bug.
 *
 * Reproduce with the printed seed: UPRATE_FUZZ_SEED=<seed> npm test -- test/security/fuzz
 * (UPRATE_FUZZ_SCALE=4 runs four times as many requests).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/index.js';
import { DuckDbStore } from '../../src/store/index.js';
import { fixtureClock, loadFixture } from '../fixture-data.js';
import { API_ENDPOINTS, apiRequest, cubeRequest, veryDeepFilters, type FuzzRequest } from './fuzz-requests.js';

const SEED = Number(process.env['UPRATE_FUZZ_SEED'] ?? 20250715);
const SCALE = Number(process.env['UPRATE_FUZZ_SCALE'] ?? 1);
/** Requests per family: the Cube API, and each /api/v1 endpoint (insights runs many queries per request). */
const CUBE_RUNS = Math.round(400 * SCALE);
// Propensity trains per request (a distinct clock or filter is a new training): fewer runs.
const API_RUNS: Readonly<Record<string, number>> = { insights: 60, 'sample-size': 300, propensity: 40, opportunities: 40 };
const DEFAULT_API_RUNS = 120;
/** Answers slower than this are listed (not failed: a loaded CI machine is slow too). */
const SLOW_MS = 2_000;
/** The whole file stops sending new requests after this long (it reports how many it sent). */
const BUDGET_MS = Number(process.env['UPRATE_FUZZ_BUDGET_MS'] ?? 75_000);

let store: DuckDbStore;
let app: FastifyInstance;
const started = Date.now();

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await loadFixture(store);
  // A few hundred offers keep every query fast.
  await store.run(`DELETE FROM offers WHERE CAST(substr(offer_id, 2) AS INTEGER) >= 400`);
  ({ app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: fixtureClock }));
});
after(async () => {
  await app.close();
  await store.close();
});

interface Failure {
  readonly request: FuzzRequest;
  readonly problem: string;
}

/** The status of the answer to `request` (0 when inject threw), and what is wrong with it, if anything. */
async function probe(request: FuzzRequest): Promise<{ status: number; problem?: string }> {
  let res;
  try {
    res = await app.inject({ method: request.method, url: request.url, ...(request.payload === undefined ? {} : { payload: request.payload }), headers: request.headers ?? {} });
  } catch (e) {
    return { status: 0, problem: `inject threw ${(e as Error).name}: ${(e as Error).message}` };
  }
  const status = res.statusCode;
  return { status, ...(check(status, res.body) ?? {}) };
}

function check(status: number, text: string): { problem: string } | undefined {
  const problem = checkAnswer(status, text);
  return problem === undefined ? undefined : { problem };
}

/** The property, for one answer: a description of the breach, or undefined. */
function checkAnswer(status: number, text: string): string | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status < 400 || status >= 500) return `status ${status}: ${text.slice(0, 300)}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `status ${status} without a JSON body: ${text.slice(0, 200)}`;
  }
  const { error, code } = (body ?? {}) as { error?: unknown; code?: unknown };
  if (typeof error !== 'string' || typeof code !== 'string') return `status ${status} without a string error and code: ${text.slice(0, 200)}`;
  return undefined;
}

/** Failures with the same error are one bug: the key drops quoted text and numbers. */
function groupKey(problem: string): string {
  return problem.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, '…').replace(/\d+/g, 'N').slice(0, 160);
}

function describeRequest(r: FuzzRequest): string {
  let url = r.url;
  try {
    url = decodeURIComponent(r.url);
  } catch {
    // keep it encoded
  }
  return `${r.method} ${url}${r.payload === undefined ? '' : `\n      body: ${r.payload.slice(0, 600)}`}`;
}

/** Sends every request (until the time budget runs out) and fails listing each kind of failure once. */
async function fuzz(t: TestContext, family: string, requests: readonly FuzzRequest[]): Promise<void> {
  const failures: Failure[] = [];
  let sent = 0;
  let answered = 0;
  const t0 = Date.now();
  for (const request of requests) {
    if (Date.now() - started > BUDGET_MS) break;
    const t1 = Date.now();
    const { status, problem } = await probe(request);
    const took = Date.now() - t1;
    if (took > SLOW_MS) t.diagnostic(`slow (${took} ms): ${describeRequest(request).slice(0, 400)}`);
    sent++;
    if (status >= 200 && status < 300) answered++;
    if (problem) failures.push({ request, problem });
  }
  t.diagnostic(`${family}: ${sent}/${requests.length} requests (${answered} answered 2xx) in ${Date.now() - t0} ms, seed ${SEED}`);
  const groups = new Map<string, Failure>();
  for (const f of failures) {
    const key = groupKey(f.problem);
    const shortest = groups.get(key);
    if (!shortest || describeRequest(f.request).length < describeRequest(shortest.request).length) groups.set(key, f);
  }
  const report = [...groups.values()].map((f) => `  ${f.problem}\n    ${describeRequest(f.request)}`).join('\n');
  assert.equal(failures.length, 0, `${family}: ${failures.length} of ${sent} requests broke the property (seed ${SEED}); one per kind:\n${report}`);
}

describe(`fuzzing the HTTP API (seed ${SEED})`, () => {
  test('Cube API: /load (GET and POST), /sql and /dry-run answer 2xx or a 4xx with error and code', async (t) => {
    t.diagnostic(`fast-check seed ${SEED}`);
    await fuzz(t, 'cube', fc.sample(cubeRequest, { seed: SEED, numRuns: CUBE_RUNS }));
  });

  test('a filter nested thousands of levels deep is refused, not a stack overflow', async (t) => {
    const deep = [2_000, 20_000].flatMap((depth): FuzzRequest[] => {
      const query = `{"measures":["Offers.count"],"filters":${veryDeepFilters(depth)}}`;
      return [
        { method: 'POST', url: '/cubejs-api/v1/load', payload: `{"query":${query}}`, headers: { 'content-type': 'application/json' } },
        { method: 'POST', url: '/cubejs-api/v1/sql', payload: JSON.stringify({ query }), headers: { 'content-type': 'application/json' } },
        { method: 'GET', url: `/cubejs-api/v1/dry-run?query=${encodeURIComponent(query)}` },
      ];
    });
    const filters = encodeURIComponent(veryDeepFilters(2_000));
    deep.push({ method: 'GET', url: `/api/v1/kpi?filters=${filters}` }, { method: 'GET', url: `/api/v1/compare?a=${filters}&b=[]` });
    await fuzz(t, 'deep filters', deep);
  });

  for (const endpoint of API_ENDPOINTS) {
    test(`/api/v1/${endpoint}: random parameters answer 2xx or a 4xx with error and code`, async (t) => {
      const runs = Math.round((API_RUNS[endpoint] ?? DEFAULT_API_RUNS) * SCALE);
      await fuzz(t, endpoint, fc.sample(apiRequest(endpoint), { seed: SEED, numRuns: runs }));
    });
  }
});
