import { UprateError, errorMessage } from '../core/errors.js';

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
  readonly body?: string;
  /** What is being done, for messages: `query`, `insert into offers_write`, … */
  readonly what?: string;
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

  /** Runs a statement and returns the response text. */
  async request(sql: string, options: RequestOptions = {}): Promise<string> {
    const search = new URLSearchParams({
      database: this.database,
      max_execution_time: String(Math.ceil(this.timeoutSeconds)),
      ...Object.fromEntries(Object.entries(options.settings ?? {}).map(([k, v]) => [k, String(v)])),
      ...(options.params ?? {}),
    });
    if (options.body !== undefined) search.set('query', sql);
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}/?${search.toString()}`, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'text/plain; charset=utf-8' },
        body: options.body ?? sql,
        signal: AbortSignal.timeout(Math.ceil(this.timeoutSeconds * 1000) + 5000),
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

  /** A SELECT answered as `FORMAT JSON` (columns with their types, then rows). */
  async select(sql: string, options: RequestOptions = {}): Promise<ClickHouseAnswer> {
    const text = await this.request(sql, { ...options, settings: { default_format: 'JSON', ...(options.settings ?? {}) } });
    if (text.trim() === '') return { meta: [], data: [] };
    try {
      const parsed = JSON.parse(text) as Partial<ClickHouseAnswer>;
      return { meta: parsed.meta ?? [], data: parsed.data ?? [] };
    } catch (e) {
      // A server that fails after it started streaming rows appends its error to the body.
      const failure = /Code: \d+[\s\S]*$/.exec(text)?.[0];
      if (failure) throw this.serverError(failure, sql);
      throw new UprateError('DB_ERROR', `ClickHouse ${this.label} sent an answer that is not JSON: ${errorMessage(e)}`, { details: { sql }, cause: e });
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
