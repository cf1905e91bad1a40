/**
 * What the load bench (the server's process) and its load client (a child process, so that
 * autocannon's own work neither shares the server's event loop nor counts in its RSS) say to
 * each other over the IPC channel.
 */

/** One autocannon run. */
export interface LoadSpec {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Which answer the offer count is read from: /load (sum of Offers.count) or /api/v1/kpi (`offers`). */
  readonly endpoint: 'load' | 'kpi';
  readonly path: string;
  /** A query parameter set anew for every request (an instant one second later each time), so no cache can answer. */
  readonly vary?: { readonly param: string; readonly from: string };
  readonly connections: number;
  /** The run ends by itself after this long; the bench may stop it earlier. */
  readonly seconds: number;
  /** Read every answer's offer count: it must be one of these (before and after the ingest). */
  readonly expect?: { readonly before: number; readonly after: number };
}

/** How the answers' offer counts fell, when {@link LoadSpec.expect} was given. */
export interface AnswerCheck {
  readonly before: number;
  readonly after: number;
  /** Neither the before nor the after count: a half-loaded (or mixed) answer. */
  readonly halfLoaded: number;
  /** Requests sent after the commit's answer arrived that still showed the before count. */
  readonly stale: number;
  /** Answers to requests sent after the commit's answer arrived. */
  readonly sentAfterCommit: number;
  /** From the commit's answer to the first answer showing the new count, in ms. */
  readonly firstNewMs: number | null;
  /** `Continue wait` answers (the query outlived the long-poll): no count in them. */
  readonly continueWait: number;
  /** Up to five of the counts that were neither. */
  readonly odd: readonly number[];
}

export interface LoadReport {
  readonly connections: number;
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly check?: AnswerCheck;
}

export type ToClient = { readonly kind: 'run'; readonly spec: LoadSpec } | { readonly kind: 'committed' } | { readonly kind: 'stop' };
/** `fresh`: as many answers to requests sent after the commit as there are connections have come back. */
export type FromClient =
  | { readonly kind: 'started' }
  | { readonly kind: 'fresh' }
  | { readonly kind: 'done'; readonly report: LoadReport }
  | { readonly kind: 'failed'; readonly message: string };
