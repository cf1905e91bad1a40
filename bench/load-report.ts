import type { LoadResult } from './load-run.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const mib = (bytes: number) => `${n(bytes / 1024 ** 2)} MiB`;

function measured({ report, peakRss }: LoadResult): string {
  const failed = report.errors > 0 ? `, ${n(report.errors)} errors (${n(report.timeouts)} timeouts)` : '';
  return `${n(report.perSecond)} req/s p50 ${n(report.p50Ms)} ms p99 ${n(report.p99Ms)} ms, ${n(report.non2xx)} non-2xx${failed}, peak RSS ${mib(peakRss)}`;
}

/** `load /load (cached) 50 conns: 12,345 req/s p50 3 ms p99 11 ms, 0 non-2xx, peak RSS 612 MiB` */
export function loadLine(name: string, result: LoadResult): string {
  return `load ${name} ${result.report.connections} conns: ${measured(result)}`;
}

/** The line of a run during an ingest, and what was wrong with its answers (nothing, or the reasons to fail). */
export function checkLine(name: string, result: LoadResult, ingestSeconds: number): { text: string; problems: string[] } {
  const check = result.report.check;
  const problems: string[] = [];
  if (!check) return { text: `load ${name} ${result.report.connections} conns: ${measured(result)} (answers not checked)`, problems: ['the answers were not checked'] };
  if (check.halfLoaded > 0) problems.push(`answers with neither the count before nor the count after the ingest: ${n(check.halfLoaded)} (e.g. ${check.odd.join(', ')})`);
  if (check.stale > 0) problems.push(`requests made after the commit was answered that still showed the old count: ${n(check.stale)}`);
  if (check.sentAfterCommit === 0) problems.push('no request was answered after the commit: the run ended first, nothing shows the new count');
  const verdict = problems.length === 0 ? 'answers consistent' : 'answers INCONSISTENT';
  const first = check.firstNewMs === null ? 'no new count after the commit' : `first new count ${n(check.firstNewMs)} ms after the commit was answered`;
  const waits = check.continueWait > 0 ? `, ${n(check.continueWait)} Continue wait` : '';
  return {
    text:
      `load ${name} ${result.report.connections} conns: ${measured(result)}; ingest ${ingestSeconds.toFixed(1)} s ` +
      `(${verdict}: ${n(check.halfLoaded)} half-loaded, ${n(check.stale)} stale; ${n(check.before)} before, ${n(check.after)} after${waits}; ${first})`,
    problems,
  };
}
