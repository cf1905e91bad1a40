/**
 * Commands that go through a running `uprate serve` instead of opening the store: the server
 * holds the embedded DuckDB file (one process per file), so `report`, `query`, `alerts check` and
 * `ingest` send their request to it and print its JSON answer with the formatting the direct path
 * uses — the same document either way, so the same output.
 *
 * Which server: `--server URL`, else — for the embedded DuckDB file only — the server whose
 * sidecar (`FILE.server.json`) lies beside the file the command would open; said once on stderr.
 * The token: see {@link authHeader}. A refusal is an {@link UprateError} as the direct path would
 * throw it: the server's 4xx body carries `code`, `location` and `hint`, so the message, the place
 * and the `fix:` line read the same; a refused token says how to send one.
 *
 * @example
 * const client = serverClient({ flags, store: modelStoreOptions(flags, true), security: config.security, verb: 'reading' });
 * if (client) report = await client.request('GET', '/api/v1/report', { query: { grain: 'month' } });
 */
import type { z } from 'zod';
import { UprateError, errorMessage, type ErrorCode } from '../core/errors.js';
import { STATUS } from '../server/error-handler.js';
import { chooseStore, readServerSidecar, type StoreOptions } from '../store/index.js';
import { authHeader, ownerClaims, TOKEN_FIX } from './auth-header.js';

/** `--server URL` and `--token TOKEN` (store-options.ts adds them to a command). */
export interface ServerFlags {
  readonly server?: string | undefined;
  readonly token?: string | undefined;
}

/** A server to go through, and why: named by `--server`, or found beside the file it holds. */
export interface ServerTarget {
  readonly url: string;
  /** The DuckDB file whose sidecar names the server; undefined when `--server` named it. */
  readonly heldFile?: string;
}

/** A code the CLI knows as its own: one of the codes the server maps to a status (the rest are the server's failures). */
const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(STATUS, code);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `--server`'s value as a base URL without a trailing slash; anything but http(s) is refused. */
export function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UprateError('BAD_ARGUMENT', `'${text}' is not a URL`, { location: '--server', hint: 'give the address `uprate serve` prints, e.g. --server http://127.0.0.1:4000' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UprateError('BAD_ARGUMENT', `--server must be an http(s) URL, not '${text}'`, { location: '--server', hint: 'e.g. --server http://127.0.0.1:4000' });
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * The server a command goes through: `--server`, else — when the command would open the embedded
 * DuckDB file — the live `uprate serve` whose sidecar lies beside that file; else none (open the
 * store directly). `store` is what the direct path would open, so both name the same file.
 */
export function findServer(flags: ServerFlags, store: StoreOptions): ServerTarget | undefined {
  if (flags.server !== undefined) return { url: serverUrl(flags.server) };
  const choice = chooseStore(store);
  if (choice.engine !== 'duckdb') return undefined;
  const sidecar = readServerSidecar(choice.db);
  return sidecar ? { url: serverUrl(sidecar.url), heldFile: choice.db } : undefined;
}

/**
 * The message the server's body carries without the place and fix its `error` text appends
 * (`UprateError.apiMessage`: `message (at location)\n  fix: hint`), so the CLI can say them as
 * the direct path does.
 */
export function bareMessage(error: string, location: string | undefined, hint: string | undefined): string {
  let text = error;
  const fix = hint ? `\n  fix: ${hint}` : '';
  if (fix && text.endsWith(fix)) text = text.slice(0, -fix.length);
  const where = location ? ` (at ${location})` : '';
  if (where && text.endsWith(where)) text = text.slice(0, -where.length);
  return text;
}

/**
 * A server's refusal as the error the direct path would throw. `locations` maps the server's
 * parameter names to the command's options (`asOf` → `--as-of`).
 *
 * - a token refused or missing (401, AUTH_MISSING, AUTH_INVALID): the server's words and how to send a token;
 * - any other error with a code uprate knows: that code, message, place (mapped) and fix;
 * - anything else: the server's failure, named with its status.
 */
export function serverError(url: string, status: number, body: unknown, locations: Readonly<Record<string, string>> = {}): UprateError {
  const b = isRecord(body) ? body : {};
  const said = typeof b['error'] === 'string' ? b['error'] : typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : `HTTP ${status}`;
  const code = b['code'];
  const location = typeof b['location'] === 'string' ? b['location'] : undefined;
  const hint = typeof b['hint'] === 'string' ? b['hint'] : undefined;
  const message = bareMessage(said, location, hint);
  const details = b['details'] === undefined ? {} : { details: b['details'] };
  if (status === 401 || code === 'AUTH_MISSING' || code === 'AUTH_INVALID' || (status === 403 && !isErrorCode(code))) {
    return new UprateError(code === 'AUTH_INVALID' ? 'AUTH_INVALID' : 'AUTH_MISSING', `the uprate server at ${url} refused the request: ${message}${hint ? ` (${hint})` : ''}`, {
      hint: TOKEN_FIX,
    });
  }
  if (isErrorCode(code)) {
    return new UprateError(code, message, {
      ...(location ? { location: locations[location] ?? location } : {}),
      ...(hint ? { hint } : code === 'FORBIDDEN' ? { hint: TOKEN_FIX } : {}),
      ...details,
    });
  }
  if (status < 500) {
    return new UprateError('BAD_ARGUMENT', `the uprate server at ${url} refused the request (HTTP ${status}): ${message}`, {
      hint: 'check that the server runs the same version of uprate as this command',
      ...details,
    });
  }
  return new UprateError('ENGINE_UNAVAILABLE', `the uprate server at ${url} failed (HTTP ${status}): ${message}`, { hint: "see the server's log", ...details });
}

/** The server does not answer: nothing listens there, or the network is in the way. */
export function unreachable(target: ServerTarget, e: unknown): UprateError {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : errorMessage(e);
  return new UprateError('ENGINE_UNAVAILABLE', `cannot reach the uprate server at ${target.url}: ${why}`, {
    ...(target.heldFile ? { location: `${target.heldFile}.server.json` } : { location: '--server' }),
    hint: target.heldFile
      ? 'that file names a running `uprate serve` that does not answer: check it (or stop it and delete the file) and try again'
      : 'check that `uprate serve` is running there and the URL is right (`uprate serve` prints it), or drop --server to open the store directly',
  });
}

/** One request: query parameters (a list repeats the name), a JSON or raw body, extra headers. */
export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly json?: unknown;
  /** A raw body (a file stream); give its content-type in `headers`. */
  readonly body?: ReadableStream | Uint8Array | string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The answer's schema (src/insights/api-schema.ts): checked, never applied, so the answer is
   * printed as the server sent it; a mismatch means the server speaks another version.
   */
  readonly schema?: z.ZodType;
}

/** Requests to one server, with the command's token and its option names for error places. */
export class ServerClient {
  private auth: Promise<Record<string, string>> | undefined;

  constructor(
    readonly target: ServerTarget,
    private readonly authorization: () => Promise<Record<string, string>>,
    private readonly locations: Readonly<Record<string, string>> = {},
  ) {}

  get url(): string {
    return this.target.url;
  }

  /** The answer's JSON body; a refusal or an unreachable server is thrown as {@link serverError} / {@link unreachable}. */
  async request(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<unknown> {
    this.auth ??= this.authorization();
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(options.query ?? {})) {
      for (const v of typeof value === 'string' ? [value] : (value ?? [])) params.append(name, v);
    }
    const search = params.size > 0 ? `?${params.toString()}` : '';
    const stream = options.body !== undefined && typeof options.body !== 'string' && !(options.body instanceof Uint8Array);
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}${search}`, {
        method,
        headers: { accept: 'application/json', ...(options.json === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers, ...(await this.auth) },
        ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : options.body !== undefined ? { body: options.body } : {}),
        ...(stream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (e) {
      throw unreachable(this.target, e);
    }
    const text = await response.text().catch(() => '');
    let body: unknown = text;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // not JSON: kept as text for the message
    }
    if (!response.ok) throw serverError(this.url, response.status, body, this.locations);
    if (!isRecord(body)) {
      throw new UprateError('ENGINE_UNAVAILABLE', `the uprate server at ${this.url} answered ${method} ${path} with something that is not a JSON document`, {
        hint: 'check that --server names an uprate server (`uprate serve` prints its URL)',
      });
    }
    const issues = options.schema?.safeParse(body);
    if (issues && !issues.success) {
      const first = issues.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      throw new UprateError('ENGINE_UNAVAILABLE', `the uprate server at ${this.url} answered ${method} ${path} with a document this uprate does not read: ${first.join('; ')}`, {
        hint: 'run the same version of uprate as the server',
      });
    }
    return body;
  }
}

/** What a command needs to decide on, and talk to, a server. */
export interface ServerUse {
  readonly flags: ServerFlags;
  /** What the command would open directly: a server found beside its DuckDB file is used instead. */
  readonly store: StoreOptions;
  /** The config's `security` claims, which the signed token carries (the data's owner). */
  readonly security: { readonly ingestClaim?: string | undefined; readonly adminClaim?: string | undefined };
  /** What the command does through it, for the note on stderr: `reading`, `checking`, `sending the data`. */
  readonly verb: string;
  /** The server's parameter names → the command's options, for error places. */
  readonly locations?: Readonly<Record<string, string>>;
  /** Where the one-line note goes (default stderr). */
  readonly notice?: (line: string) => void;
}

/**
 * The client for the server the command goes through, or undefined to open the store directly.
 * A server found beside the file is announced once: `uprate: FILE is held by uprate serve at URL;
 * reading through it`.
 */
export function serverClient(use: ServerUse): ServerClient | undefined {
  const target = findServer(use.flags, use.store);
  if (!target) return undefined;
  if (target.heldFile) (use.notice ?? ((line) => process.stderr.write(line)))(`uprate: ${target.heldFile} is held by uprate serve at ${target.url}; ${use.verb} through it\n`);
  const claims = ownerClaims(use.security);
  return new ServerClient(target, () => authHeader(claims, use.flags.token), use.locations);
}
