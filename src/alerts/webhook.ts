/**
 * Sending one notification to one webhook: POST with a timeout, an HMAC-SHA256 signature, and
 * retries with exponential backoff and jitter on network errors, timeouts, 408, 429 and 5xx.
 * Other 4xx answers are final (the request itself is wrong; sending it again will not help).
 */
import { createHmac } from 'node:crypto';
import { errorMessage } from '../core/errors.js';

export interface WebhookTarget {
  readonly url: string;
  /** HMAC key; without it no signature header is sent. */
  readonly secret: string | undefined;
  readonly timeoutMs: number;
  /** Attempts after the first. */
  readonly retries: number;
  /** Delay before the first retry; doubled each time, with jitter. */
  readonly backoffMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** Effects the caller may replace (tests: no real sleeping; a fixed jitter). */
export interface DeliveryEffects {
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter (default Math.random). */
  readonly random?: () => number;
  readonly now?: () => Date;
}

export interface DeliveryResult {
  readonly delivered: boolean;
  readonly attempts: number;
  /** The last HTTP status (null when no answer came). */
  readonly status: number | null;
  readonly error: string | null;
}

export const SIGNATURE_HEADER = 'x-uprate-signature';
export const TIMESTAMP_HEADER = 'x-uprate-timestamp';
export const DELIVERY_HEADER = 'x-uprate-delivery';

/**
 * `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`). Receivers recompute it and
 * compare in constant time; the timestamp (seconds, also a header) lets them refuse replays.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Backoff before retry `n` (1-based): base · 2^(n−1), scaled by a jitter factor in [0.5, 1). */
export function backoffDelay(baseMs: number, retry: number, random: number): number {
  return Math.round(baseMs * 2 ** (retry - 1) * (0.5 + random / 2));
}

function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function deliverWebhook(target: WebhookTarget, body: string, key: string, effects: DeliveryEffects = {}): Promise<DeliveryResult> {
  const sleep = effects.sleep ?? sleeper;
  const random = effects.random ?? Math.random;
  const now = effects.now ?? (() => new Date());
  let status: number | null = null;
  let error: string | null = null;
  for (let attempt = 1; attempt <= target.retries + 1; attempt++) {
    if (attempt > 1) await sleep(backoffDelay(target.backoffMs, attempt - 1, random()));
    const timestamp = String(Math.floor(now().getTime() / 1000));
    const headers: Record<string, string> = {
      ...target.headers,
      'content-type': 'application/json',
      'user-agent': 'uprate-alerts/1',
      [DELIVERY_HEADER]: key,
      [TIMESTAMP_HEADER]: timestamp,
      ...(target.secret ? { [SIGNATURE_HEADER]: signature(target.secret, timestamp, body) } : {}),
    };
    try {
      const response = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(target.timeoutMs), redirect: 'manual' });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (status >= 200 && status < 300) return { delivered: true, attempts: attempt, status, error: null };
      error = `HTTP ${status}`;
      if (!retryable(status)) return { delivered: false, attempts: attempt, status, error: `${error} (not retried: the receiver refused the request)` };
    } catch (e) {
      status = null;
      const cause = (e as { cause?: unknown }).cause;
      error = e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${target.timeoutMs} ms` : `${errorMessage(e)}${cause ? `: ${errorMessage(cause)}` : ''}`;
    }
  }
  return { delivered: false, attempts: target.retries + 1, status, error };
}
