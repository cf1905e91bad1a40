/**
 * GET /api/v1/timeseries?by= (a series per segment) and GET /api/v1/time-to-accept (cumulative
 * acceptance by days since the offer, per segment) on demo data in DuckDB: every count against
 * plain SQL on the same tables, the shares against a product-limit estimate computed here from
 * per-offer rows, and the intervals against the endpoints they must agree with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { BreakdownResponse, TimeseriesResponse, TimeToAcceptResponse } from '../src/insights/index.js';
import { generateDemo } from '../src/demo/index.js';
import { buildApp } from '../src/server/index.js';
import { DuckDbStore } from '../src/store/index.js';

const END = new Date('2025-06-30T23:59:59Z');
const CLOCK = new Date('2025-07-01T12:00:00Z');
const AS_OF = "TIMESTAMP '2025-07-01 12:00:00'";
const W = 30;
/** Accepted within the window and by the clock, as the shipped model says. */
const ACCEPTED = `o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL ${W} DAY AND o.accepted_at <= ${AS_OF}`;

let store: DuckDbStore;
let app: FastifyInstance;

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 20_000, seed: 42, end: END });
  ({ app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: () => CLOCK }));
});
after(async () => {
  await app.close();
  await store.close();
});

async function get<T>(path: string, params: Record<string, string>, status = 200): Promise<T> {
  const res = await app.inject({ method: 'GET', url: `${path}?${new URLSearchParams(params)}` });
  assert.equal(res.statusCode, status, res.body);
  return res.json() as T;
}

const inRange = (from: string, to: string) => `o.offered_at >= TIMESTAMP '${from} 00:00:00' AND o.offered_at < TIMESTAMP '${to} 00:00:00' + INTERVAL 1 DAY AND o.offered_at <= ${AS_OF}`;
const num = (v: unknown) => Number(v);
const close = (a: number | null | undefined, b: number | null | undefined, what: string, tol = 1e-12) => assert.ok(a !== null && a !== undefined && b !== null && b !== undefined && Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe('GET /api/v1/timeseries?by=', () => {
  test('one series per offer name, the 8 with the most offers; every period\'s counts as SQL; each as the filtered series', async () => {
    const [from, to] = ['2024-07-01', '2025-06-30'];
    const ts = await get<TimeseriesResponse>('/api/v1/timeseries', { from, to, grain: 'month', by: 'Offers.offerName' });
    const groups = (await store.query(
      `SELECT o.offer_name AS v, count(*) AS n FROM offers o WHERE ${inRange(from, to)} GROUP BY 1 ORDER BY n DESC, v`,
      [],
    )) as { v: string | null; n: unknown }[];
    assert.ok(groups.length > 8, `the demo has more than 8 offer names (${groups.length})`);
    assert.equal(ts.by, 'Offers.offerName');
    assert.equal(ts.segments?.length, 8);
    assert.deepEqual(ts.segments?.map((s) => s.offers), groups.slice(0, 8).map((g) => num(g.n)));
    assert.deepEqual(ts.segmentsOmitted, { segments: groups.length - 8, offers: groups.slice(8).reduce((s, g) => s + num(g.n), 0) });
    assert.match(ts.segmentsNote ?? '', /8 segments with the most offers; \d+ more/);
    // The whole selection's series is still there.
    assert.equal(ts.points.length, 12);

    const monthly = (await store.query(
      `SELECT o.offer_name AS v, strftime(date_trunc('month', o.offered_at), '%Y-%m-%d') AS period, count(*) AS n, count(*) FILTER (WHERE ${ACCEPTED}) AS a
       FROM offers o WHERE ${inRange(from, to)} GROUP BY 1, 2`,
      [],
    )) as { v: string | null; period: string; n: unknown; a: unknown }[];
    for (const seg of ts.segments ?? []) {
      const value = seg.segment['Offers.offerName'] ?? null;
      assert.equal(seg.points.length, 12);
      for (const p of seg.points) {
        const row = monthly.find((m) => m.v === value && m.period === p.period);
        assert.equal(p.offers, row ? num(row.n) : 0, `${seg.label} ${p.period} offers`);
        assert.equal(p.accepted, row ? num(row.a) : 0, `${seg.label} ${p.period} accepted`);
      }
    }
    // A segment's series is the series of the page filtered to it: the same rates and clustered intervals.
    const first = ts.segments?.[0];
    assert.ok(first);
    const value = first.segment['Offers.offerName'];
    const filtered = await get<TimeseriesResponse>('/api/v1/timeseries', {
      from,
      to,
      grain: 'month',
      filters: JSON.stringify([value === null || value === undefined ? { member: 'Offers.offerName', operator: 'notSet' } : { member: 'Offers.offerName', operator: 'equals', values: [value] }]),
    });
    assert.deepEqual(first.points, filtered.points);
  });

  test('by takes one groupable dimension', async () => {
    const bad = await get<{ location: string }>('/api/v1/timeseries', { by: 'Customers.nope' }, 400);
    assert.equal(bad.location, 'by');
    const two = await get<{ location: string }>('/api/v1/timeseries', { by: 'Customers.region,Customers.plan' }, 400);
    assert.equal(two.location, 'by');
  });
});

describe('GET /api/v1/time-to-accept', () => {
  test('no offer still open: per offer type and day, accepted within d days ÷ offers as SQL; the last day\'s interval is the breakdown\'s', async () => {
    const [from, to] = ['2024-07-01', '2025-04-30'];
    const tta = await get<TimeToAcceptResponse>('/api/v1/time-to-accept', { from, to });
    assert.equal(tta.by, 'Offers.offerType');
    assert.equal(tta.windowDays, W);
    const rows = (await store.query(
      `SELECT o.offer_type AS v, count(*) AS n,
         list(CASE WHEN ${ACCEPTED} THEN LEAST(floor((epoch(o.accepted_at) - epoch(o.offered_at)) / 86400.0), ${W - 1}) END) AS days
       FROM offers o WHERE ${inRange(from, to)} GROUP BY 1 ORDER BY n DESC`,
      [],
    )) as { v: string; n: unknown; days: (number | null)[] }[];
    assert.deepEqual(tta.segments.map((s) => s.segment['Offers.offerType']), rows.map((r) => r.v));
    const bd = await get<BreakdownResponse>('/api/v1/breakdown', { from, to, by: 'Offers.offerType' });
    for (const seg of tta.segments) {
      const row = rows.find((r) => r.v === seg.segment['Offers.offerType']);
      assert.ok(row);
      const n = num(row.n);
      const days = row.days.filter((d): d is number => d !== null).map(Number);
      assert.equal(seg.offers, n);
      assert.equal(seg.open, 0);
      assert.equal(seg.points.length, W + 1);
      for (const p of seg.points) {
        const k = days.filter((d) => d < p.days).length;
        assert.equal(p.accepted, k, `${seg.label} within ${p.days} days`);
        assert.equal(p.observed, n);
        close(p.share, k / n, `${seg.label} share at ${p.days}`);
        assert.ok(p.lower <= p.share && p.share <= p.upper);
      }
      const last = seg.points.at(-1);
      const same = bd.rows.find((r) => r.segment['Offers.offerType'] === seg.segment['Offers.offerType']);
      assert.ok(last && same);
      assert.equal(last.accepted, same.accepted);
      close(last.lower, same.interval.lower, 'lower as the breakdown', 1e-9);
      close(last.upper, same.interval.upper, 'upper as the breakdown', 1e-9);
    }
  });

  test('offers still open are censored at their age: the shares are the product-limit estimate of per-offer SQL rows', async () => {
    const [from, to] = ['2025-03-01', '2025-06-30'];
    const tta = await get<TimeToAcceptResponse>('/api/v1/time-to-accept', { from, to, by: 'Customers.accountSize' });
    // Per offer: the day it was accepted on (capped at W − 1), or the whole days an open offer has been followed.
    const offers = (await store.query(
      `SELECT c.account_size AS v,
         CASE WHEN ${ACCEPTED} THEN LEAST(floor((epoch(o.accepted_at) - epoch(o.offered_at)) / 86400.0), ${W - 1}) END AS day,
         floor(greatest(0, (epoch(${AS_OF}) - epoch(date_trunc('day', o.offered_at)) - 86400) / 86400.0)) AS age,
         (epoch(${AS_OF}) - epoch(date_trunc('day', o.offered_at)) - 86400) / 86400.0 < ${W} AS open_day
       FROM offers o LEFT JOIN customers c ON c.customer_id = o.customer_id WHERE ${inRange(from, to)}`,
      [],
    )) as { v: string | null; day: number | null; age: unknown; open_day: boolean }[];
    let sawOpen = false;
    for (const seg of tta.segments) {
      const mine = offers.filter((o) => o.v === (seg.segment['Customers.accountSize'] ?? null));
      const events = new Array<number>(W).fill(0);
      const censored = new Array<number>(W).fill(0);
      for (const o of mine) {
        if (o.day !== null) events[Number(o.day)]! += 1;
        else if (o.open_day) censored[Math.min(W - 1, num(o.age))]! += 1;
      }
      const open = censored.reduce((s, c) => s + c, 0);
      assert.equal(seg.offers, mine.length);
      assert.equal(seg.open, open);
      sawOpen ||= open > 0;
      let survival = 1;
      let gone = 0;
      for (let d = 0; d < W; d++) {
        gone += censored[d]!;
        const atRisk = mine.length - gone;
        if (atRisk > 0) survival *= 1 - events[d]! / atRisk;
        gone += events[d]!;
        const p = seg.points[d + 1];
        assert.ok(p);
        close(p.share, 1 - survival, `${seg.label} share within ${d + 1} days`, 1e-12);
        assert.ok(p.lower <= p.share + 1e-12 && p.share <= p.upper + 1e-12);
      }
      assert.equal(seg.points[0]?.share, 0);
    }
    assert.ok(sawOpen, 'offers of June are still open at the clock');
  });

  test('at most 8 segments, the rest counted; documented; bad by is a 400', async () => {
    const tta = await get<TimeToAcceptResponse>('/api/v1/time-to-accept', { by: 'Offers.offerName', from: '2024-07-01', to: '2025-06-30' });
    assert.equal(tta.segments.length, 8);
    assert.ok(tta.segmentsOmitted.segments > 0);
    assert.ok(tta.segmentsNote);
    const bad = await get<{ location: string }>('/api/v1/time-to-accept', { by: 'Nope.nothing' }, 400);
    assert.equal(bad.location, 'by');
    const doc = await get<{ paths: Record<string, { get?: { parameters: { name: string }[] } }> }>('/api/v1/openapi.json', {});
    assert.ok(doc.paths['/api/v1/time-to-accept']?.get);
    assert.ok(doc.paths['/api/v1/timeseries']?.get?.parameters.some((p) => p.name === 'by'));
  });
});
