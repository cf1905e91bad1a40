/**
 * The page's only ways to the data: uprate's JSON API (/api/v1/*) with fetch, and the
 * Cube-compatible API (/cubejs-api/v1) through @cubejs-client/core, as any front end would.
 * A token, when the server asks for one (403), is kept in sessionStorage for the tab's life.
 */
import cube, { type CubeApi, type Query } from '@cubejs-client/core';

const TOKEN_KEY = 'uprate.token';

/** An API answer that is not a success, with the API's own message and fix. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly hint: string | null,
  ) {
    super(message);
  }

  /** The server wants a (valid) token. */
  get needsToken(): boolean {
    return this.status === 403;
  }
}

export function storedToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function storeToken(token: string): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the token lives until the page is left */
  }
  memoryToken = token;
}

let memoryToken = '';
const token = () => memoryToken || storedToken();

/** Resolves an API path against the page's own address, so a proxy prefix keeps working. */
function apiUrl(path: string): string {
  return new URL(path.replace(/^\//, ''), new URL('.', location.href)).toString();
}

/** GET an /api/v1 endpoint; 404 with `absent` resolves to null (an optional endpoint). */
export async function getJson<T>(path: string, params: URLSearchParams | null, signal: AbortSignal): Promise<T> {
  const url = apiUrl(params && params.toString() ? `${path}?${params}` : path);
  const headers: Record<string, string> = { accept: 'application/json' };
  const t = token();
  if (t) headers['authorization'] = `Bearer ${t}`;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new ApiError('the server did not answer; is uprate serve still running?', 0, 'NETWORK', null);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const b = (body ?? {}) as { error?: string; code?: string; hint?: string };
    throw new ApiError(b.error ?? `HTTP ${res.status}`, res.status, b.code ?? `HTTP_${res.status}`, b.hint ?? null);
  }
  return body as T;
}

/** POST or DELETE to an /api/v1 endpoint with the page's token; an error carries the API's message. */
export async function sendJson(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const t = token();
  if (t) headers['authorization'] = `Bearer ${t}`;
  const res = await fetch(apiUrl(path), { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const answer = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status}`);
  return answer;
}

let cubeApi: CubeApi | null = null;

/** The Cube client, sending the current token (or none in dev mode). */
export function cubeClient(): CubeApi {
  cubeApi ??= cube(async () => token(), { apiUrl: apiUrl('cubejs-api/v1') });
  return cubeApi;
}

/** Runs a Cube query and returns its rows; a 403 becomes an ApiError asking for a token. */
export async function cubeRows(query: Query): Promise<Record<string, unknown>[]> {
  try {
    const rs = await cubeClient().load(query);
    return rs.rawData() as Record<string, unknown>[];
  } catch (e) {
    throw asApiError(e);
  }
}

export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  // fetch's own failure (no answer at all), as the Cube client passes it on.
  if (e instanceof TypeError && /fetch|network/i.test(e.message)) return new ApiError('the server did not answer; is uprate serve still running?', 0, 'NETWORK', null);
  const err = e as { message?: string; status?: number; response?: { error?: string; code?: string; hint?: string } };
  const status = err.status ?? 500;
  return new ApiError(err.response?.error ?? err.message ?? String(e), status, err.response?.code ?? `HTTP_${status}`, err.response?.hint ?? null);
}
