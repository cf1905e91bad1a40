/**
 * One computation per question, shared by everyone who asks it: answers are kept in a
 * {@link ResultCache} (LRU within a byte budget, forgotten when the data changes), and identical
 * questions asked while one is being computed wait for that one instead of starting their own.
 * The Cube API's /load and the /api/v1 reads both go through it.
 *
 * Three things an answer may depend on beyond its key, and how each is handled:
 * - the data: the cache's version is read before the computation starts, so an answer computed
 *   across an ingest (or any invalidation) is handed to its askers but never kept;
 * - the server clock: a question asked without an explicit clock (`clocked`) is answered as of
 *   the clock when its computation started, and that answer is reused only while it is at most
 *   `maxAgeMs` old by the same clock (an explicit clock keys exactly and never ages);
 * - the askers: a computation runs until every asker that can go away (has a signal) went away;
 *   then it is cancelled, and an answer cut short that way is never kept.
 */
import { UprateError } from '../core/errors.js';
import { waitShared, type SharedWork } from '../core/shared-work.js';
import { ResultCache, type CachedAnswer } from './result-cache.js';

/** How old an answer computed as of the server clock may be when it is served (default). */
export const DEFAULT_CACHE_MAX_AGE_MS = 60_000;

/** Where an answer came from: the cache, a computation this asker started, or one it joined. */
export type AnswerSource = 'hit' | 'miss' | 'joined';

export interface Answered<T> {
  readonly answer: CachedAnswer<T>;
  readonly source: AnswerSource;
}

/** What a computation is given: its cancel signal and the server clock it runs as of. */
export interface Run {
  readonly signal: AbortSignal;
  readonly now: Date;
  /**
   * The version of the data (and of the cache) it runs against: computations with the same
   * generation see the same data, so what one reads another may reuse.
   */
  readonly generation: string;
}

/**
 * Computations started as of the server clock within this long of each other (and of the same
 * data) run as of the same instant — a dashboard's requests, the headline first and the rest
 * once it is drawn, then ask identical reads that are run once. Never longer than half the cache
 * max age, so an answer is kept for at least the other half.
 */
export const SHARED_CLOCK_MS = 30_000;

export interface Question<T> {
  /** Everything the answer depends on but the data and the clock: route, normalised parameters, security context. */
  readonly key: string;
  /** Computed as of the server clock (no explicit clock in the question): the answer ages. */
  readonly clocked?: boolean;
  /** The asker's: aborted when its client went away. Without one, the computation runs to its end. */
  readonly signal?: AbortSignal | undefined;
  /** Read the data version now instead of trusting a cached answer (Cube's `renewQuery`). */
  readonly renew?: boolean;
  /** Run without taking a query slot (a read too cheap to queue). Default false. */
  readonly ungated?: boolean;
  readonly compute: (run: Run) => Promise<T>;
}

export interface AnswerCacheOptions<T> {
  /** Approximate bytes of an answer, for the budget. */
  readonly size: (value: T) => number;
  /** Bytes of answers kept (default 64 MiB). */
  readonly maxBytes?: number | undefined;
  /** The server clock (default the real one). */
  readonly clock?: () => Date;
  /** How long, by `clock`, a clocked answer is served (default 60 s); 0: clocked answers are never reused. */
  readonly maxAgeMs?: number | undefined;
  /** Waits for a query slot (the server's QueryGate) before a computation; a cached answer never waits. */
  readonly admit?: () => Promise<() => void>;
  /** The store's data version, read before a computation and kept with its answer, for `renew`. */
  readonly dataVersion?: () => Promise<number>;
}

interface Flight<T> extends SharedWork<CachedAnswer<T>> {
  readonly key: string;
  readonly clockAt: Date;
}

const cancelled = () => new UprateError('QUERY_CANCELLED', 'the query was cancelled: the client went away');

export class AnswerCache<T> {
  readonly results: ResultCache<T>;
  readonly maxAgeMs: number;
  private readonly flights = new Map<string, Flight<T>>();
  private readonly clock: () => Date;
  /** The instant clocked computations of one generation started within {@link SHARED_CLOCK_MS} of run as of. */
  private shared: { readonly at: Date; readonly generation: string } | undefined;

  constructor(private readonly options: AnswerCacheOptions<T>) {
    this.results = new ResultCache<T>(options.maxBytes);
    this.clock = options.clock ?? (() => new Date());
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_CACHE_MAX_AGE_MS;
  }

  /** Forget every answer (the data changed); computations running now are not kept either. */
  invalidate(): void {
    this.results.invalidate();
  }

  /** The cached answer, else the running computation of the same question, else a new one. */
  async ask(question: Question<T>): Promise<Answered<T>> {
    const cached = this.results.get(question.key);
    if (cached && !question.renew && this.fresh(cached, question.clocked)) return { answer: cached, source: 'hit' };
    // Read before the computation: a load that commits while it runs makes the next renewal run it
    // again, never the reverse.
    const dataVersion = await this.options.dataVersion?.();
    if (cached && dataVersion !== undefined && cached.dataVersion === dataVersion && this.fresh(cached, question.clocked)) {
      return { answer: cached, source: 'hit' };
    }
    // Joining only within one version: a computation started before the data changed must not
    // answer a question asked after it.
    const version = this.results.currentVersion();
    const generation = `${version}|${dataVersion ?? ''}`;
    const flightKey = `${generation}|${question.key}`;
    const running = this.flights.get(flightKey);
    if (running && this.fresh(running, question.clocked)) return { answer: await this.wait(running, question.signal), source: 'joined' };
    const flight = this.start(flightKey, question, version, dataVersion, generation);
    return { answer: await this.wait(flight, question.signal), source: 'miss' };
  }

  /** Computations running now. */
  get running(): number {
    return this.flights.size;
  }

  /** Askers (with a signal) waiting for a running computation. */
  get waiting(): number {
    let n = 0;
    for (const f of this.flights.values()) n += f.askers;
    return n;
  }

  /** May this answer (or running computation) still be served? A clocked one ages; a negative age (the clock went back) is stale. */
  private fresh(entry: { readonly clockAt?: Date | undefined }, clocked: boolean | undefined): boolean {
    if (!clocked) return true;
    if (!entry.clockAt || this.maxAgeMs <= 0) return false;
    const age = this.clock().getTime() - entry.clockAt.getTime();
    return age >= 0 && age <= this.maxAgeMs;
  }

  /**
   * The clock a computation starts as of: for a clocked one, the instant an earlier one of the
   * same generation started as of when that is at most {@link SHARED_CLOCK_MS} (and the max age)
   * ago, else now.
   */
  private startClock(clocked: boolean | undefined, generation: string): Date {
    const now = this.clock();
    if (!clocked) return now;
    const shared = this.shared;
    const age = shared ? now.getTime() - shared.at.getTime() : -1;
    if (shared && shared.generation === generation && age >= 0 && age <= Math.min(SHARED_CLOCK_MS, this.maxAgeMs / 2)) return shared.at;
    this.shared = { at: now, generation };
    return now;
  }

  private start(key: string, question: Question<T>, version: number, dataVersion: number | undefined, generation: string): Flight<T> {
    const controller = new AbortController();
    const clockAt = this.startClock(question.clocked, generation);
    const done = this.compute(question, controller.signal, clockAt, version, dataVersion, generation);
    const flight: Flight<T> = { key, controller, clockAt, done, askers: 0, pinned: false };
    this.flights.set(key, flight);
    // Nobody may be waiting when it fails (every asker left): the failure is theirs, not the process's.
    void done.catch(() => undefined).finally(() => this.forget(flight));
    return flight;
  }

  private async compute(question: Question<T>, signal: AbortSignal, clockAt: Date, version: number, dataVersion: number | undefined, generation: string): Promise<CachedAnswer<T>> {
    const release = question.ungated || !this.options.admit ? undefined : await this.options.admit();
    try {
      // Every asker went away while it waited for a slot: nothing runs.
      if (signal.aborted) throw cancelled();
      const value = await question.compute({ signal, now: clockAt, generation });
      const answer: CachedAnswer<T> = { value, refreshedAt: new Date(), clockAt, ...(dataVersion === undefined ? {} : { dataVersion }) };
      // Cut short when its askers left, or too old by the time it finished: handed over, never kept.
      if (!signal.aborted && this.fresh(answer, question.clocked)) this.results.set(question.key, answer, version, this.options.size(value));
      return answer;
    } finally {
      release?.();
    }
  }

  /** The flight's answer for one asker; the asker leaving rejects its wait, and the last to leave cancels the flight. */
  private wait(flight: Flight<T>, signal: AbortSignal | undefined): Promise<CachedAnswer<T>> {
    return waitShared(flight, signal, () => this.cancel(flight), cancelled);
  }

  /** Nobody waits any more: stop the engine's work, and let the next asker start afresh. */
  private cancel(flight: Flight<T>): void {
    flight.controller.abort();
    this.forget(flight);
  }

  private forget(flight: Flight<T>): void {
    if (this.flights.get(flight.key) === flight) this.flights.delete(flight.key);
  }
}
