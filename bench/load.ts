/**
 * The load line of `npm run bench` (`BENCH_ONLY=load` runs it alone): the real server, listening
 * on 127.0.0.1 in this process (dev mode, no token), under 50 autocannon connections from a child
 * process — first a cached /load and an uncached /api/v1/kpi, then the same two while 600,000 new
 * offers are posted to /api/v1/ingest/offers. Every answer during an ingest must show the offers
 * before it or after it, never a part, and every request made after the commit was answered must
 * show the new count. A half-loaded or stale answer fails the bench.
 *
 *   BENCH_ONLY=load BENCH_LOAD_SECONDS=5 npm run bench
 */
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp, type ServerContext } from '../src/server/index.js';
import { MONTHLY_BY_SIZE_QUERY } from './cube-load.js';
import { buildLoadData, type LoadData } from './load-data.js';
import type { LoadSpec } from './load-protocol.js';
import { runLoad, type LoadResult } from './load-run.js';
import { checkLine, loadLine } from './load-report.js';

const OFFERS = 200_000;
const MORE_OFFERS = 600_000;
const CONNECTIONS = 50;
/** A run during an ingest waits at most this long after the commit for answers to fresh requests. */
const FRESH_TIMEOUT_MS = 120_000;
/** A single answer outside the load comes within this, or the server is stuck. */
const ANSWER_TIMEOUT_MS = 30_000;

export interface LoadBenchOptions {
  /** Each run's length (BENCH_LOAD_SECONDS); a run during an ingest lasts at least until the commit is answered. */
  readonly seconds: number;
  /** The server's clock (fixed: the cached answers stay valid for the whole bench). */
  readonly asOf: Date;
  readonly print: (line: string) => void;
}

export async function benchLoad(options: LoadBenchOptions): Promise<void> {
  const { seconds, print } = options;
  print(`\nload: ${OFFERS.toLocaleString('en-US')} demo offers, the server on 127.0.0.1 in this process, ${CONNECTIONS} autocannon connections from a child process, ${seconds} s a run`);
  const data = await buildLoadData({ offers: OFFERS, moreOffers: MORE_OFFERS, end: options.asOf });
  const problems: string[] = [];
  try {
    const paths = {
      cached: { endpoint: 'load', path: `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(MONTHLY_BY_SIZE_QUERY))}` },
      // /api/v1 keeps no result cache; the clock still moves a second a request, so none could answer.
      uncached: { endpoint: 'kpi', path: `/api/v1/kpi?from=${data.from}&to=${data.to}`, vary: { param: 'asOf', from: options.asOf.toISOString() } },
    } as const;
    // A fresh server for every run: what one run leaves behind (a queue, a cache) does not reach the next.
    const serve = (run: (spec: (which: keyof typeof paths) => LoadSpec, context: ServerContext) => Promise<void>) =>
      withServer(data, options.asOf, { problems, print }, async (origin, context) => {
        const spec = (which: keyof typeof paths): LoadSpec => ({ origin, connections: CONNECTIONS, seconds, ...paths[which] });
        await expectOffers(spec('cached'), data.offers); // also warms the cache
        await expectOffers(spec('uncached'), data.offers);
        await run(spec, context);
      });

    await serve(async (spec) => print(loadLine('/load (cached)', await runLoad(spec('cached')))));
    await serve(async (spec) => print(loadLine('/api/v1/kpi (uncached: /api/v1 has no result cache, and asOf moves a second a request)', await runLoad(spec('uncached')))));
    for (const [name, which] of [['/load (cached)', 'cached'], ['/api/v1/kpi', 'uncached']] as const) {
      await serve(async (spec, context) => {
        const expect = { before: data.offers, after: data.offers + MORE_OFFERS };
        let ingestSeconds = NaN;
        const result: LoadResult = await runLoad({ ...spec(which), expect, seconds: 600 }, async (control) => {
          const started = performance.now();
          await sleep(1_000);
          const summary = await postOffers(spec(which).origin, data.moreCsv);
          control.committed();
          ingestSeconds = summary.seconds;
          if (summary.inserted !== MORE_OFFERS || summary.updated !== 0) problems.push(`the ingest inserted ${summary.inserted} and updated ${summary.updated} offers, not ${MORE_OFFERS} new ones`);
          // Long enough for fresh requests on every connection, and at least the run's length.
          await Promise.race([control.fresh, sleep(FRESH_TIMEOUT_MS)]);
          await sleep(Math.max(0, started + seconds * 1000 - performance.now()));
          control.stop();
        });
        const line = checkLine(`${name} during ingest of ${MORE_OFFERS.toLocaleString('en-US')} offers`, result, ingestSeconds);
        print(line.text);
        problems.push(...line.problems.map((p) => `${name}: ${p}`));
        await restore(data, context, expect);
      });
    }
  } finally {
    await data.cleanUp();
  }
  if (problems.length > 0) throw new Error(`load bench failed:\n  ${problems.join('\n  ')}`);
  print('');
}

/**
 * Builds the server on the store (dev mode, the clock fixed so cached answers stay valid), listens
 * on loopback, runs `fn`, then asks once more: a server that stops answering after a load is a
 * problem of its own.
 */
async function withServer(data: LoadData, asOf: Date, report: { problems: string[]; print: (line: string) => void }, fn: (origin: string, context: ServerContext) => Promise<void>): Promise<void> {
  const { problems, print } = report;
  const { app, context } = await buildApp({ store: data.store, dev: true, logLevel: 'silent', clock: () => asOf, continueWaitMs: 600_000 });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await fn(origin, context);
    const probe = { origin, endpoint: 'load', path: '/cubejs-api/v1/load?query=%7B%22measures%22%3A%5B%22Offers.count%22%5D%7D', connections: 1, seconds: 1 } as const;
    const offers = Number((await data.store.query<{ n: bigint }>('SELECT count(*) AS n FROM offers'))[0]?.n);
    await expectOffers(probe, offers).catch((e: unknown) => {
      const problem = `after the run the server answered no more reads: ${(e as Error).message}`;
      print(`  ${problem}`);
      problems.push(problem);
    });
  } finally {
    await app.close();
  }
}

/** One answer, read as the client reads them all: it must count every stored offer. */
async function expectOffers(spec: LoadSpec, offers: number): Promise<void> {
  const url = `${spec.origin}${spec.path}${spec.vary ? `&${spec.vary.param}=${encodeURIComponent(spec.vary.from)}` : ''}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) }).catch((e: unknown) => {
    throw new Error(`${spec.path.split('?')[0]} gave no answer in ${ANSWER_TIMEOUT_MS / 1000} s (${(e as Error).message})`);
  });
  const body = (await res.json()) as { data?: Record<string, unknown>[]; offers?: unknown };
  const counted = spec.endpoint === 'kpi' ? Number(body.offers) : (body.data ?? []).reduce((s, r) => s + Number(r['Offers.count'] ?? 0), 0);
  if (res.status !== 200 || counted !== offers) throw new Error(`${spec.path} answered ${res.status} with ${counted} offers, not ${offers}`);
}

/** POST /api/v1/ingest/offers with the file as the body, as a client would send it. */
function postOffers(origin: string, file: string): Promise<{ inserted: number; updated: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/api/v1/ingest/offers`,
      { method: 'POST', headers: { 'content-type': 'text/csv', 'content-length': statSync(file).size, 'x-uprate-source': 'load-bench-offers.csv' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as { inserted: number; updated: number; seconds: number }) : reject(new Error(`the ingest answered ${res.statusCode}: ${body}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    createReadStream(file).on('error', reject).pipe(req);
  });
}

/** Takes the posted offers out again (through the write queue, telling the caches), so the next run starts where this one did. */
async function restore(data: LoadData, context: ServerContext, expect: { before: number; after: number }): Promise<void> {
  const count = async () => Number((await data.store.query<{ n: bigint }>('SELECT count(*) AS n FROM offers'))[0]?.n);
  const stored = await count();
  if (stored !== expect.after) throw new Error(`after the ingest the store holds ${stored} offers, not ${expect.after}`);
  await context.writeLock.run(() => data.store.run("DELETE FROM offers WHERE offer_id LIKE 'n-%'"));
  context.dataChanged();
  const left = await count();
  if (left !== expect.before) throw new Error(`after taking the posted offers out the store holds ${left} offers, not ${expect.before}`);
}
