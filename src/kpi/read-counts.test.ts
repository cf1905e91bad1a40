/**
 * The memo of one request's count reads (CountReads): a read asked again — at once or later — is
 * answered by the first, and answers equal the reads made without it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InternalError, isUprateError } from '../core/errors.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { allAccess, tenantAccess, type CubeFilterItem } from '../query/index.js';
import type { DuckDbStore, Row } from '../store/index.js';
import { NOW, offersStore } from '../../test/fixtures/models/offers-data.js';
import { bindKpi, type KpiBinding } from './binding.js';
import { CountReads, offerEdge, readCounts, readCountsTogether, type CountRequest, type KpiSource } from './read-counts.js';

let model: Model;
let binding: KpiBinding;
let store: DuckDbStore;
before(async () => {
  model = await loadModel(shippedModelDir());
  binding = bindKpi(model, undefined);
  store = await offersStore();
});
after(() => store.close());

/** The store with its statements on the offers counted (not lookups of other tables). */
function counted(inner: DuckDbStore, fail = 0): { store: DuckDbStore; reads: () => number } {
  let n = 0;
  let failures = fail;
  const query = inner.query.bind(inner);
  const spied = Object.create(inner) as DuckDbStore;
  spied.query = (async (sql: string, ...rest: unknown[]) => {
    const read = /\bFROM offers\b/.test(sql);
    if (read) n++;
    // The first reads of the data fail (not the look for built rollups before them).
    if (read && failures > 0) {
      failures--;
      throw new Error('the engine went away');
    }
    return (query as (...a: unknown[]) => Promise<Row[]>)(sql, ...rest);
  }) as DuckDbStore['query'];
  return { store: spied, reads: () => n };
}

const asOf: CubeFilterItem = { member: 'Offers.offeredAt', operator: 'beforeOrOnDate', values: ['2025-03-20T10:00:00.000'] };
const email: CubeFilterItem = { member: 'Offers.channel', operator: 'equals', values: ['email'] };
const source = (s: DuckDbStore, reads?: CountReads, now = NOW): KpiSource => ({ store: s, model, binding, read: { now, access: allAccess('local') }, ...(reads ? { reads } : {}) });

describe('CountReads', () => {
  test('the same read twice, at once and later, asks the engine once and answers as a read without memo', async () => {
    const spy = counted(store);
    const reads = new CountReads();
    const request: CountRequest = { dimensions: ['Customers.accountSize'], filters: [asOf, email] };
    const [a, b] = await Promise.all([readCounts(source(spy.store, reads), request), readCounts(source(spy.store, reads), request)]);
    const c = await readCounts(source(spy.store, reads), { ...request, filters: [email, asOf] });
    assert.equal(spy.reads(), 1, 'filters in another order are the same read');
    assert.deepEqual(reads.stats, { run: 1, reused: 2 });
    const alone = await readCounts(source(store), request);
    assert.deepEqual(a, alone);
    assert.deepEqual(b, alone);
    assert.deepEqual(c, alone);
  });

  test('a read with revenue answers the same read without it: no revenue, as its own read has none', async () => {
    const spy = counted(store);
    const reads = new CountReads();
    const request: CountRequest = { filters: [asOf] };
    await readCounts(source(spy.store, reads), { ...request, extended: true });
    const narrow = await readCounts(source(spy.store, reads), request);
    assert.equal(spy.reads(), 1);
    assert.deepEqual(narrow, await readCounts(source(store), request));
    assert.equal(narrow[0]?.revenue, 0);
    assert.equal('Offers.expansionRevenue' in (narrow[0]?.data ?? {}), false);
  });

  test('another clock or another caller is another read', async () => {
    const spy = counted(store);
    const reads = new CountReads();
    const request: CountRequest = { dimensions: ['Offers.channel'] };
    await readCounts(source(spy.store, reads), request);
    await readCounts(source(spy.store, reads, new Date('2025-02-01T00:00:00Z')), request);
    const tenant: KpiSource = { ...source(spy.store, reads), read: { now: NOW, access: tenantAccess([{ member: 'Customers.region', operator: 'equals', values: ['eu'] }]) } };
    await readCounts(tenant, request);
    assert.equal(spy.reads(), 3);
  });

  test('a failed read is not kept: asked again, it is read again', async () => {
    const spy = counted(store, 1);
    const reads = new CountReads();
    await assert.rejects(readCounts(source(spy.store, reads), { filters: [asOf] }), /went away/);
    const rows = await readCounts(source(spy.store, reads), { filters: [asOf] });
    assert.equal(rows[0]?.offers, 8);
    assert.equal(spy.reads(), 2);
  });

  test('a read shared by several askers is cancelled only when every asker left; one leaving gets its own cancellation', async () => {
    const reads = new CountReads();
    const signals: AbortSignal[] = [];
    let release: (rows: string) => void = () => undefined;
    const read = (shared: KpiSource) => {
      signals.push(shared.read.signal as AbortSignal);
      return new Promise<string>((resolve, reject) => {
        release = resolve;
        shared.read.signal?.addEventListener('abort', () => reject(new Error('interrupted')), { once: true });
      });
    };
    const asker = (signal?: AbortSignal): KpiSource => ({ ...source(store, reads), read: { now: NOW, access: allAccess('local'), ...(signal ? { signal } : {}) } });
    const [a, b] = [new AbortController(), new AbortController()];
    const first = reads.once(asker(a.signal), 'k', read);
    const second = reads.once(asker(b.signal), 'k', read);
    a.abort();
    await assert.rejects(first, (e: unknown) => isUprateError(e) && e.code === 'QUERY_CANCELLED');
    assert.equal(signals[0]?.aborted, false, 'the other asker still waits: the read goes on');
    release('rows');
    assert.equal(await second, 'rows');
    assert.deepEqual(reads.stats, { run: 1, reused: 1 });

    // Every asker leaves: the read is cancelled and forgotten; the next asker reads again.
    const [c, d] = [new AbortController(), new AbortController()];
    const third = reads.once(asker(c.signal), 'j', read);
    const fourth = reads.once(asker(d.signal), 'j', read);
    c.abort();
    d.abort();
    await Promise.allSettled([third, fourth]);
    assert.equal(signals[1]?.aborted, true);
    assert.equal(reads.has(source(store, reads), 'j'), false);
    const again = reads.once(asker(), 'j', read);
    assert.equal(signals.length, 3, 'asked again, it is read again');
    // An asker without a signal keeps it running whoever else leaves.
    const e = new AbortController();
    const leaving = reads.once(asker(e.signal), 'j', read);
    e.abort();
    await assert.rejects(leaving);
    assert.equal(signals[2]?.aborted, false);
    release('later');
    assert.equal(await again, 'later');
  });

  test('one memo belongs to one store and model', async () => {
    const reads = new CountReads();
    await readCounts(source(store, reads), { filters: [asOf] });
    const other = await offersStore();
    try {
      await assert.rejects(async () => readCounts(source(other, reads), { filters: [asOf] }), InternalError);
    } finally {
      await other.close();
    }
  });

  test('edges of the data are remembered too', async () => {
    const spy = counted(store);
    const reads = new CountReads();
    const first = await offerEdge(source(spy.store, reads), [asOf], 'asc');
    assert.equal(await offerEdge(source(spy.store, reads), [asOf], 'asc'), first);
    assert.equal(first, '2025-01-05T09:00:00.000');
    assert.equal(spy.reads(), 1);
  });
});

describe('readCountsTogether', () => {
  const requests: CountRequest[] = [
    { filters: [asOf], extended: true },
    { dimensions: ['Customers.accountSize'], filters: [asOf], limit: 5001 },
    { dimensions: ['Customers.industry'], filters: [asOf], limit: 5001 },
    { dimensions: ['Offers.channel'], filters: [asOf], limit: 5001 },
  ];

  test('answers each read as readCounts alone does, customer attributes and the total in one statement', async () => {
    const spy = counted(store);
    const together = await readCountsTogether(source(spy.store), requests);
    assert.equal(spy.reads(), 2, 'total and attributes together; the channel (an offer dimension) on its own');
    const alone = [];
    for (const r of requests) alone.push(await readCounts(source(store), r));
    assert.deepEqual(together, alone);
  });

  test('with a memo: reads already made are not asked again, and the new ones are kept for later', async () => {
    const spy = counted(store);
    const reads = new CountReads();
    await readCounts(source(spy.store, reads), requests[1] as CountRequest);
    await readCountsTogether(source(spy.store, reads), requests);
    const before = spy.reads();
    for (const r of requests) await readCounts(source(spy.store, reads), r);
    await readCounts(source(spy.store, reads), { filters: [asOf] });
    assert.equal(spy.reads(), before, 'every later read found in the memo (the total without revenue too)');
    assert.equal(before, 3, 'the account sizes read first, then the total with the industries, then the channel');
  });
});
