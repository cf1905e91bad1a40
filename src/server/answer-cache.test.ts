/**
 * The answer cache's mechanics on their own, with computations the test controls: one
 * computation per question however many ask at once, nothing kept that was computed across an
 * invalidation, failed or cut short, clocked answers served only while young enough, and query
 * slots taken only by computations. The HTTP behaviour is in answer-cache-http.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { AnswerCache, SHARED_CLOCK_MS, type Question, type Run } from './answer-cache.js';
import { canonicalJson, readKey } from './api-answers.js';

/** A computation that waits until the test releases it, counting its runs and keeping their signals. */
function controlled<T>(value: T) {
  const runs: Run[] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    runs,
    release: () => release(),
    compute: async (run: Run): Promise<T> => {
      runs.push(run);
      await released;
      // Finishes even when cancelled (a statement that completed as it was interrupted): what is kept must not depend on it failing.
      return value;
    },
  };
}

const cache = <T>(options: Partial<ConstructorParameters<typeof AnswerCache<T>>[0]> = {}) =>
  new AnswerCache<T>({ size: () => 10, ...options });

const ask = <T>(c: AnswerCache<T>, q: Partial<Question<T>> & Pick<Question<T>, 'compute'>) => c.ask({ key: 'k', ...q });

describe('AnswerCache', () => {
  test('five identical questions asked at once run one computation; the next is a hit', async () => {
    const c = cache<string>();
    const work = controlled('answer');
    const asked = Array.from({ length: 5 }, () => ask(c, { compute: work.compute, signal: new AbortController().signal }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(c.running, 1);
    assert.equal(c.waiting, 5);
    work.release();
    const answers = await Promise.all(asked);
    assert.equal(work.runs.length, 1);
    assert.deepEqual(answers.map((a) => a.source).sort(), ['joined', 'joined', 'joined', 'joined', 'miss']);
    assert.ok(answers.every((a) => a.answer.value === 'answer'));
    const again = await ask(c, { compute: work.compute });
    assert.equal(again.source, 'hit');
    assert.equal(work.runs.length, 1);
    assert.equal(c.running, 0);
  });

  test('an answer computed across an invalidation is handed over but not kept; a question asked after it does not join', async () => {
    const c = cache<string>();
    const before = controlled('old');
    const first = ask(c, { compute: before.compute });
    await new Promise((resolve) => setImmediate(resolve));
    c.invalidate();
    const after = controlled('new');
    const second = ask(c, { compute: after.compute });
    before.release();
    after.release();
    assert.equal((await first).answer.value, 'old');
    assert.equal((await second).source, 'miss', 'a computation started before the change answers no question asked after it');
    assert.equal((await second).answer.value, 'new');
    const third = await ask(c, { compute: controlled('unused').compute });
    assert.deepEqual([third.source, third.answer.value], ['hit', 'new']);
  });

  test('a failed computation is not kept: the next question computes again', async () => {
    const c = cache<string>();
    let runs = 0;
    const failing = async () => {
      runs += 1;
      throw new Error('engine down');
    };
    await assert.rejects(ask(c, { compute: failing }), /engine down/);
    await assert.rejects(ask(c, { compute: failing }), /engine down/);
    assert.equal(runs, 2);
  });

  test('when every asker went away the computation is cancelled and not kept; the next asker starts afresh', async () => {
    const c = cache<string>();
    const work = controlled('answer');
    const gone = [new AbortController(), new AbortController()];
    const asked = gone.map((g) => ask(c, { compute: work.compute, signal: g.signal }));
    await new Promise((resolve) => setImmediate(resolve));
    gone[0]?.abort();
    assert.equal(work.runs[0]?.signal.aborted, false, 'one asker still waits');
    gone[1]?.abort();
    assert.equal(work.runs[0]?.signal.aborted, true, 'the last asker left: the engine work is cancelled');
    for (const a of asked) await assert.rejects(a, (e) => isUprateError(e) && e.code === 'QUERY_CANCELLED');
    assert.equal(c.running, 0);
    work.release();
    await new Promise((resolve) => setImmediate(resolve));
    const fresh = controlled('fresh');
    fresh.release();
    const next = await ask(c, { compute: fresh.compute });
    assert.deepEqual([next.source, next.answer.value], ['miss', 'fresh']);
  });

  test('one asker leaving does not cancel the computation the others wait for', async () => {
    const c = cache<string>();
    const work = controlled('answer');
    const leaving = new AbortController();
    const staying = ask(c, { compute: work.compute, signal: new AbortController().signal });
    const left = ask(c, { compute: work.compute, signal: leaving.signal });
    await new Promise((resolve) => setImmediate(resolve));
    leaving.abort();
    await assert.rejects(left, (e) => isUprateError(e) && e.code === 'QUERY_CANCELLED');
    work.release();
    assert.equal((await staying).answer.value, 'answer');
    assert.equal(work.runs[0]?.signal.aborted, false);
    assert.equal((await ask(c, { compute: work.compute })).source, 'hit');
  });

  test('an asker without a signal (the Cube API) keeps the computation running whoever leaves', async () => {
    const c = cache<string>();
    const work = controlled('answer');
    const leaving = new AbortController();
    const pinned = ask(c, { compute: work.compute });
    const left = ask(c, { compute: work.compute, signal: leaving.signal });
    await new Promise((resolve) => setImmediate(resolve));
    leaving.abort();
    await assert.rejects(left);
    work.release();
    assert.equal((await pinned).answer.value, 'answer');
    assert.equal(work.runs[0]?.signal.aborted, false);
  });

  test('a clocked answer is served while at most maxAgeMs old by the server clock; an explicit clock never ages', async () => {
    let now = Date.parse('2025-07-15T00:00:00Z');
    const c = cache<string>({ clock: () => new Date(now), maxAgeMs: 60_000 });
    let runs = 0;
    const compute = async (run: Run) => {
      runs += 1;
      return run.now.toISOString();
    };
    const first = await ask(c, { key: 'clocked', clocked: true, compute });
    assert.deepEqual([first.source, first.answer.value], ['miss', '2025-07-15T00:00:00.000Z']);
    now += 60_000;
    const young = await ask(c, { key: 'clocked', clocked: true, compute });
    assert.deepEqual([young.source, young.answer.value, young.answer.clockAt?.toISOString()], ['hit', '2025-07-15T00:00:00.000Z', '2025-07-15T00:00:00.000Z']);
    now += 1;
    const old = await ask(c, { key: 'clocked', clocked: true, compute });
    assert.deepEqual([old.source, old.answer.value], ['miss', '2025-07-15T00:01:00.001Z']);
    await ask(c, { key: 'explicit', compute });
    now += 365 * 86_400_000;
    assert.equal((await ask(c, { key: 'explicit', compute })).source, 'hit');
    now -= 400 * 86_400_000;
    assert.equal((await ask(c, { key: 'clocked', clocked: true, compute })).source, 'miss', 'a clock that went back makes no answer young');
    assert.equal(runs, 4);
  });

  test('clocked computations started within SHARED_CLOCK_MS of one another, on the same data, run as of one instant', async () => {
    let now = Date.parse('2025-07-15T00:00:00Z');
    const c = cache<string>({ clock: () => new Date(now), maxAgeMs: 60_000 });
    const clockOf = async (key: string, clocked = true) => {
      let seen = '';
      await ask(c, { key, clocked, compute: async (run) => (seen = `${run.now.toISOString()} ${run.generation}`) });
      return seen;
    };
    const first = await clockOf('a');
    now += SHARED_CLOCK_MS;
    assert.equal(await clockOf('b'), first, 'another question within the window: the same instant and generation');
    now += 1;
    const later = await clockOf('c');
    assert.equal(later.split(' ')[0], new Date(now).toISOString(), 'past the window: a new instant');
    const pinned = later.split(' ')[0];
    assert.equal(later.split(' ')[1], first.split(' ')[1]);
    now += 1_000;
    assert.equal((await clockOf('d')).split(' ')[0], pinned);
    c.invalidate();
    now += 1;
    const afterChange = await clockOf('e');
    assert.equal(afterChange.split(' ')[0], new Date(now).toISOString(), 'new data: the clock is not shared across it');
    assert.notEqual(afterChange.split(' ')[1], later.split(' ')[1], 'nor the generation');
    assert.equal((await clockOf('f', false)).split(' ')[0], new Date(now).toISOString());
    // Never longer than half the max age: an answer is kept at least as long again.
    const short = cache<string>({ clock: () => new Date(now), maxAgeMs: 10_000 });
    const seenShort: string[] = [];
    for (const key of ['p', 'q']) {
      await ask(short, { key, clocked: true, compute: async (run) => String(seenShort.push(run.now.toISOString())) });
      now += 5_001;
    }
    assert.notEqual(seenShort[0], seenShort[1]);
    const unshared = cache<string>({ clock: () => new Date(now), maxAgeMs: 0 });
    const seen: string[] = [];
    for (const key of ['x', 'y']) {
      await ask(unshared, { key, clocked: true, compute: async (run) => String(seen.push(run.now.toISOString())) });
      now += 1;
    }
    assert.notEqual(seen[0], seen[1], 'maxAgeMs 0: every computation as of its own instant');
  });

  test('maxAgeMs 0: clocked answers are always computed afresh', async () => {
    const c = cache<string>({ clock: () => new Date(0), maxAgeMs: 0 });
    let runs = 0;
    const compute = async () => String((runs += 1));
    await ask(c, { clocked: true, compute });
    assert.equal((await ask(c, { clocked: true, compute })).source, 'miss');
    assert.equal(runs, 2);
  });

  test('a computation takes a query slot and gives it back; a hit takes none', async () => {
    const events: string[] = [];
    const c = cache<string>({
      admit: async () => {
        events.push('acquire');
        return () => events.push('release');
      },
    });
    await ask(c, {
      compute: async () => {
        events.push('compute');
        return 'x';
      },
    });
    await ask(c, { compute: async () => 'unused' });
    await ask(c, { key: 'cheap', ungated: true, compute: async () => 'y' });
    assert.deepEqual(events, ['acquire', 'compute', 'release']);
  });

  test('askers that all left while the computation waited for its slot run nothing', async () => {
    let grant: (release: () => void) => void = () => undefined;
    let released = 0;
    const c = cache<string>({ admit: () => new Promise((resolve) => (grant = resolve)) });
    let runs = 0;
    const gone = new AbortController();
    const asked = ask(c, {
      signal: gone.signal,
      compute: async () => {
        runs += 1;
        return 'x';
      },
    });
    gone.abort();
    await assert.rejects(asked);
    grant(() => (released += 1));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual([runs, released], [0, 1]);
  });

  test('with a data-version reader (the Cube API), a renewal keeps the answer while the version stands', async () => {
    let version = 1;
    let runs = 0;
    const c = cache<number>({ dataVersion: async () => version });
    const compute = async () => (runs += 1);
    await ask(c, { compute });
    assert.equal((await ask(c, { compute, renew: true })).source, 'hit');
    version = 2;
    const renewed = await ask(c, { compute, renew: true });
    assert.deepEqual([renewed.source, renewed.answer.value, renewed.answer.dataVersion], ['miss', 2, 2]);
  });
});

describe('read keys', () => {
  test('key order does not matter, array order does, undefined is absent, dates are instants', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } }), '{"a":{"d":[2,1]},"b":1}');
    assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
    assert.equal(canonicalJson({ at: new Date('2025-07-01T00:00:00Z') }), '{"at":"2025-07-01T00:00:00.000Z"}');
    assert.throws(() => canonicalJson({ m: new Map([[1, 2]]) }), /Map or Set/);
  });

  test('route, parameters, whose rows and clock each separate two reads', () => {
    const base = { route: 'GET /api/v1/kpi', params: { level: 0.95 }, whose: { kind: 'tenant', filters: ['europe'] }, asOf: null };
    const keys = [
      base,
      { ...base, route: 'GET /api/v1/insights' },
      { ...base, params: { level: 0.9 } },
      { ...base, whose: { kind: 'tenant', filters: ['apac'] } },
      { ...base, asOf: new Date('2025-07-01T00:00:00Z') },
    ].map(readKey);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(readKey({ ...base, params: { level: 0.95, method: undefined } }), keys[0]);
  });
});
