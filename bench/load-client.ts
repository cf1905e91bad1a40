/**
 * The load bench's client, run as a child process (bench/load-run.ts forks it): one autocannon
 * run as the parent asks, reading every answer's offer count when asked to check them.
 */
import autocannon from 'autocannon';
import type { AnswerCheck, FromClient, LoadReport, LoadSpec, ToClient } from './load-protocol.js';

/** Per request: when it was built, which is just before autocannon writes it. */
interface RequestContext {
  sentAt?: number;
}

/** The offers an answer counts: every row's Offers.count for /load, `offers` for /api/v1/kpi. */
function offersIn(endpoint: LoadSpec['endpoint'], body: string): number | 'continue' {
  let answer: { error?: string; data?: Record<string, unknown>[]; offers?: unknown };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    return NaN; // not an answer at all: counted with the half-loaded ones
  }
  if (answer.error === 'Continue wait') return 'continue';
  if (endpoint === 'kpi') return Number(answer.offers);
  if (!answer.data) return NaN;
  return answer.data.reduce((sum, row) => sum + Number(row['Offers.count'] ?? 0), 0);
}

function send(message: FromClient, then?: () => void): void {
  process.send?.(message, undefined, undefined, () => then?.());
}

function run(spec: LoadSpec): void {
  let committedAt: number | undefined;
  let counter = 0;
  const tally = { before: 0, after: 0, halfLoaded: 0, stale: 0, sentAfterCommit: 0, continueWait: 0 };
  let firstNewMs: number | null = null;
  const odd: number[] = [];
  const from = spec.vary ? Date.parse(spec.vary.from) : 0;

  const setupRequest = (request: autocannon.Request, context: object): autocannon.Request => {
    (context as RequestContext).sentAt = performance.now();
    if (!spec.vary) return request;
    const at = new Date(from + 1000 * counter++).toISOString();
    return { ...request, path: `${spec.path}&${spec.vary.param}=${encodeURIComponent(at)}` };
  };
  const onResponse = (status: number, body: string, context: object): void => {
    const expect = spec.expect;
    if (!expect || status !== 200) return;
    const offers = offersIn(spec.endpoint, body);
    if (offers === 'continue') {
      tally.continueWait++;
      return;
    }
    const sentAt = (context as RequestContext).sentAt ?? 0;
    const afterCommit = committedAt !== undefined && sentAt > committedAt;
    if (afterCommit && ++tally.sentAfterCommit === spec.connections) send({ kind: 'fresh' });
    if (offers === expect.before) {
      tally.before++;
      if (afterCommit) tally.stale++;
    } else if (offers === expect.after) {
      tally.after++;
      if (afterCommit && committedAt !== undefined) firstNewMs ??= performance.now() - committedAt;
    } else {
      tally.halfLoaded++;
      if (odd.length < 5) odd.push(offers);
    }
  };

  const instance = autocannon(
    {
      url: spec.origin,
      connections: spec.connections,
      duration: spec.seconds,
      // An uncached answer under load may take seconds; a timeout would only hide it.
      timeout: 120,
      requests: [{ method: 'GET', path: spec.path, setupRequest, onResponse }],
    },
    (error: unknown, result: autocannon.Result) => {
      if (error) {
        send({ kind: 'failed', message: String(error) }, () => process.disconnect());
        return;
      }
      const check: AnswerCheck | undefined = spec.expect ? { ...tally, firstNewMs, odd } : undefined;
      const report: LoadReport = {
        connections: result.connections,
        requests: result.requests.total,
        seconds: result.duration,
        perSecond: result.requests.total / result.duration,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        ...(check ? { check } : {}),
      };
      send({ kind: 'done', report }, () => process.disconnect());
    },
  );
  instance.on('start', () => send({ kind: 'started' }));
  process.on('message', (message: ToClient) => {
    if (message.kind === 'committed') committedAt = performance.now();
    if (message.kind === 'stop') instance.stop();
  });
}

process.once('message', (message: ToClient) => {
  if (message.kind === 'run') run(message.spec);
});
