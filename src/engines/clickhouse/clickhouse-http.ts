import { randomUUID } from 'node:crypto';
import { UprateError, errorMessage } from '../../core/errors.js';
import { queryCancelled, queryTimeout } from '../../store/query-stopped.js';

/** A column of a `FORMAT JSON` answer. */
export interface ClickHouseColumn {
  readonly name: string;
  readonly type: string;
}

export interface ClickHouseAnswer {
  readonly meta: readonly ClickHouseColumn[];
  readonly data: readonly Record<string, unknown>[];
}

export interface RequestOptions {
  /** Settings sent with this request (`max_execution_time`, `join_use_nulls`, …). */
  readonly settings?: Readonly<Record<string, string | number>>;
  /** `param_*` values for servers with query parameters. */
  readonly params?: Readonly<Record<string, string>>;
  /** For INSERT … FORMAT: the statement goes in the URL and this is the body. */
  readonly body?: string | Uint8Array<ArrayBuffer>;
  /** What is being done, for messages: `query`, `insert into offers_write`, … */
  readonly what?: string;
  /** Stop the statement after this many ms (QUERY_TIMEOUT); see {@link ClickHouseHttp.request}. */
  readonly timeoutMs?: number;
  /** Aborting stops the statement in the server (QUERY_CANCELLED). */
  readonly signal?: AbortSignal;
}

/**
 * ClickHouse server error codes that mean "a server or shard is down, unreachable or too slow" —
 * answered as ENGINE_UNAVAILABLE (HTTP 503), never as a partial result.
 */
const UNAVAILABLE_CODES = new Set([
  159, // TIMEOUT_EXCEEDED (max_execution_time)
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  279, // ALL_CONNECTION_TRIES_FAILED
  394, // QUERY_WAS_CANCELLED
  32, // ATTEMPT_TO_READ_AFTER_EOF (a shard went away mid-answer)
]);

/** How many times a listing of tables is asked before its UNKNOWN_TABLE is believed (see `listingRetried`). */
const LISTING_ATTEMPTS = 5;

/**
 * One server's HTTP interface, spoken with fetch (18.16 predates the features @clickhouse/client
 * leans on, and the statements here are plain text anyway). Every request carries the timeout
 * both as ClickHouse's own `max_execution_time` and as a client-side abort a few seconds later,
 * so neither a slow shard nor a dead TCP peer can hang a caller.
 */
export class ClickHouseHttp {
  private readonly authorization: string;

  constructor(
    readonly endpoint: string,
    user: string,
    password: string,
    private readonly database: string,
    readonly timeoutSeconds: number,
    /** How the engine is named in messages (URL without password, or a shard's address). */
    readonly label: string,
  ) {
    this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  /**
   * Runs a statement and returns the response text. With `timeoutMs` or `signal` the statement
   * gets a query_id of its own; the deadline (also sent as `max_execution_time`, whole seconds,
   * so the server stops by itself if this process dies) or the signal aborts the HTTP request
   * and sends `KILL QUERY WHERE query_id = …` — closing the socket alone does not stop an
   * aggregation on 18.16 — which the server passes on to the statement's parts on other shards.
   */
  async request(sql: string, options: RequestOptions = {}): Promise<string> {
    if (options.timeoutMs === undefined && !options.signal) return this.send(sql, options);
    return this.sendWithin(sql, options);
  }

  private async sendWithin(sql: string, options: RequestOptions): Promise<string> {
    const { timeoutMs, signal } = options;
    if (signal?.aborted) throw queryCancelled('clickhouse', sql);
    const queryId = `uprate-${randomUUID()}`;
    const controller = new AbortController();
    let stopped: 'timeout' | 'cancel' | undefined;
    const stop = (why: 'timeout' | 'cancel') => {
      if (stopped) return;
      stopped = why;
      controller.abort();
    };
    const onAbort = () => stop('cancel');
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), Math.max(0, timeoutMs));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settings = timeoutMs === undefined ? options.settings : { ...options.settings, max_execution_time: Math.max(1, Math.ceil(timeoutMs / 1000)) };
    try {
      // The client's own deadline follows the statement's (a longer one than the connection's default too).
      return await this.send(sql, { ...options, settings }, queryId, controller.signal, timeoutMs === undefined ? undefined : timeoutMs + 5000);
    } catch (e) {
      if (stopped === 'timeout') throw queryTimeout('clickhouse', timeoutMs ?? 0, sql, e, queryId);
      if (stopped === 'cancel') throw queryCancelled('clickhouse', sql, e, queryId);
      // The server's own max_execution_time (Code 159) ran out first.
      const code = e instanceof UprateError ? (e.details as { clickhouseCode?: number } | undefined)?.clickhouseCode : undefined;
      if (timeoutMs !== undefined && code === 159) throw queryTimeout('clickhouse', timeoutMs, sql, e, queryId);
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (stopped) await this.kill(queryId);
    }
  }

  /** Stops a statement by its query_id and waits (at most a few seconds) until it has stopped. */
  private async kill(queryId: string): Promise<void> {
    try {
      await this.send(`KILL QUERY WHERE query_id = '${queryId}' SYNC`, { what: 'cancelling a query' }, undefined, AbortSignal.timeout(5_000));
    } catch {
      // Not reachable: the statement still stops at its max_execution_time.
    }
  }

  private async send(sql: string, options: RequestOptions, queryId?: string, stop?: AbortSignal, deadlineMs?: number): Promise<string> {
    const search = new URLSearchParams({
      database: this.database,
      max_execution_time: String(Math.ceil(this.timeoutSeconds)),
      ...Object.fromEntries(Object.entries(options.settings ?? {}).map(([k, v]) => [k, String(v)])),
      ...(options.params ?? {}),
    });
    if (options.body !== undefined) search.set('query', sql);
    if (queryId !== undefined) search.set('query_id', queryId);
    const deadline = AbortSignal.timeout(deadlineMs ?? Math.ceil(this.timeoutSeconds * 1000) + 5000);
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}/?${search.toString()}`, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'text/plain; charset=utf-8' },
        body: options.body ?? sql,
        signal: stop ? AbortSignal.any([deadline, stop]) : deadline,
      });
    } catch (e) {
      throw this.unreachable(e, sql);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (e) {
      throw this.unreachable(e, sql);
    }
    if (!response.ok) throw this.serverError(text, sql, options.what);
    return text;
  }

  /** A SELECT answered as `FORMAT JSON` (columns with their types, then rows), read with `parse`. */
  async select(sql: string, options: RequestOptions = {}, parse: (text: string) => unknown = JSON.parse): Promise<ClickHouseAnswer> {
    const text = await this.listingRetried(sql, () => this.request(sql, { ...options, settings: { default_format: 'JSON', ...(options.settings ?? {}) } }));
    if (text.trim() === '') return { meta: [], data: [] };
    try {
      const parsed = parse(text) as Partial<ClickHouseAnswer>;
      return { meta: parsed.meta ?? [], data: parsed.data ?? [] };
    } catch (e) {
      // A server that fails after it started streaming rows appends its error to the body.
      const failure = /Code: \d+[\s\S]*$/.exec(text)?.[0];
      if (failure) throw this.serverError(failure, sql);
      throw new UprateError('DB_ERROR', `ClickHouse ${this.label} sent an answer that is not JSON: ${errorMessage(e)}`, { details: { sql }, cause: e });
    }
  }

  /**
   * 18.16 lists `system.tables` (and `system.columns`, `system.parts`) by opening each table it holds: a table
   * dropped meanwhile — a rollup's old generation, a copy of the rows, dropped by another request
   * of the same refresh or by another process — fails the whole listing with UNKNOWN_TABLE (60) or
   * UNKNOWN_DATABASE (81), though the table asked about is not that one. Listed again a moment later
   * it is gone from the list: a listing is asked again a few times before the error is believed.
   */
  private async listingRetried(sql: string, ask: () => Promise<string>): Promise<string> {
    if (!/\bsystem\.(tables|columns|parts)\b/.test(sql)) return ask();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await ask();
      } catch (e) {
        const code = e instanceof UprateError ? (e.details as { clickhouseCode?: number } | undefined)?.clickhouseCode : undefined;
        if (attempt >= LISTING_ATTEMPTS || (code !== 60 && code !== 81)) throw e;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }

  private unreachable(e: unknown, sql: string): UprateError {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : errorMessage(e);
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    const why = timedOut ? `did not answer within ${this.timeoutSeconds} s` : `is not reachable (${cause})`;
    return new UprateError('ENGINE_UNAVAILABLE', `ClickHouse ${this.label} ${why}`, {
      location: 'clickhouse',
      hint: 'check that the server is running (scripts/services/clickhouse.sh start) and the --url; uprate retries by itself on the next request',
      details: { engine: 'clickhouse', sql },
      cause: e,
    });
  }

  private serverError(text: string, sql: string, what?: string): UprateError {
    const code = Number(/Code: (\d+)/.exec(text)?.[1] ?? 0);
    const message = (/e\.displayText\(\) = (?:DB::Exception: )?([\s\S]*?)(?:, e\.what\(\) = |$)/.exec(text)?.[1] ?? text).trim().slice(0, 600);
    if (UNAVAILABLE_CODES.has(code)) {
      const slow = code === 159 || code === 209;
      return new UprateError(
        'ENGINE_UNAVAILABLE',
        `ClickHouse cluster behind ${this.label}: ${slow ? `a shard did not answer within ${this.timeoutSeconds} s` : 'a shard is down or unreachable'} (${message})`,
        {
          location: 'clickhouse',
          hint: 'no partial answer is given; bring the shard back (scripts/services/clickhouse.sh start-shard N) and ask again — uprate reconnects by itself',
          details: { engine: 'clickhouse', clickhouseCode: code, sql },
        },
      );
    }
    return new UprateError('DB_ERROR', `ClickHouse${what ? ` (${what})` : ''}: ${message}`, {
      location: 'clickhouse',
      details: { engine: 'clickhouse', clickhouseCode: code, sql },
    });
  }
}

