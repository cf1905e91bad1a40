/**
 * The scale bench's lines: every figure beside the raw-scan figure measured in the same run, the
 * ratio, and the target with "met" or "MISSED", as the rest of `npm run bench` prints them.
 */
import { requestLabel, type DashboardTiming, type PageTiming } from './dashboard-timing.js';
import type { EndpointTiming } from './scale-endpoints.js';
import { median } from './measure.js';

export const count = (x: number) => Math.round(x).toLocaleString('en-US');

/** Seconds as people read them: `1.234 s`, `12.3 ms`. */
export function fmt(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  return seconds < 0.1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(3)} s`;
}

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** `name: 0.812 s · raw scan 4.100 s (ratio 0.20) · target < 1.5 s met` — `raw` null: `rawNote` instead. */
export function versus(name: string, ours: number, raw: number | null, options: { target?: number | undefined; rawNote?: string; failed?: string | undefined } = {}): string {
  const rawPart = raw === null ? ` · ${options.rawNote ?? 'no raw-scan figure'}` : ` · raw scan ${fmt(raw)} (ratio ${(ours / raw).toFixed(2)})`;
  const failed = options.failed ? ` · FAILED: ${options.failed}` : '';
  const target = options.target === undefined ? '' : ` · target < ${options.target} s ${verdict(!options.failed && ours < options.target)}`;
  return `${name}: ${fmt(ours)}${rawPart}${target}${failed}`;
}

/** The maintenance share of an ingest: (with − without) / with, against the ≤ 25 % target. */
export function maintenanceLines(name: string, rows: number, withRollups: readonly number[], without: readonly number[]): string[] {
  const a = median(withRollups);
  const b = median(without);
  const share = (a - b) / a;
  const rate = (s: number) => `${count(rows / s)} rows/s`;
  return [
    `${name}, with rollup maintenance: ${fmt(a)} (${rate(a)}, median of ${withRollups.length})`,
    `${name}, without rollups (no registry): ${fmt(b)} (${rate(b)}, median of ${without.length})`,
    `  rollup maintenance ${(share * 100).toFixed(1)} % of the ingest time (target ≤ 25 %) ${verdict(share <= 0.25)}`,
  ];
}

/**
 * What the last load spent on each rollup (the registry's refresh_seconds: `uprate rollups status`,
 * last load), the costliest first, beside the load's time: which rollups the maintenance is.
 */
export function maintenanceByRollup(spent: readonly { readonly name: string; readonly seconds: number }[], loadSeconds: number, shown = 8): string[] {
  if (spent.length === 0) return [];
  const sorted = [...spent].sort((a, b) => b.seconds - a.seconds);
  const total = sorted.reduce((s, r) => s + r.seconds, 0);
  return [
    `  the last load's time on its ${sorted.length} rollups: ${fmt(total)} of ${fmt(loadSeconds)} (the rest: reading and writing the rows, the commit)`,
    `  costliest: ${sorted.slice(0, shown).map((r) => `${r.name} ${fmt(r.seconds)}`).join(', ')}`,
  ];
}

export interface DashboardTargets {
  readonly cold?: number;
  readonly cached?: number;
  readonly control?: number;
}

const medianOf = (runs: readonly DashboardTiming[], pick: (t: DashboardTiming) => PageTiming | undefined, what: (p: PageTiming) => number) =>
  median(runs.map(pick).filter((p): p is PageTiming => p !== undefined).map(what));

const failures = (runs: readonly DashboardTiming[], pick: (t: DashboardTiming) => PageTiming | undefined): string | undefined => {
  const errors = runs.flatMap((t) => pick(t)?.errors ?? []);
  return errors.length ? `${errors.length} panel error${errors.length === 1 ? '' : 's'} (${errors[0]})` : undefined;
};

/** Median ms per API call of a page load, by label (the same call twice on a page keeps both, numbered). */
function callsByLabel(runs: readonly DashboardTiming[], pick: (t: DashboardTiming) => PageTiming): Map<string, number> {
  const per = new Map<string, number[]>();
  for (const run of runs) {
    const seen = new Map<string, number>();
    for (const r of [...pick(run).requests].sort((x, y) => x.startMs - y.startMs)) {
      const base = requestLabel(r.url);
      const k = (seen.get(base) ?? 0) + 1;
      seen.set(base, k);
      const label = k > 1 ? `${base} #${k}` : base;
      per.set(label, [...(per.get(label) ?? []), r.ms]);
    }
  }
  return new Map([...per].map(([label, ms]) => [label, median(ms)]));
}

const hits = (runs: readonly DashboardTiming[]) => {
  const calls = runs.flatMap((t) => t.cached.requests.filter((r) => r.cache !== null));
  return `${calls.filter((r) => r.cache === 'hit').length}/${calls.length}${runs.length > 1 ? ` over ${runs.length} runs` : ''}`;
};

/**
 * The dashboard's figures: cold, cached, each control — `on` the runs with rollups (or the engine's
 * only mode), `raw` the runs with UPRATE_ROLLUPS=off in the same bench run (null: `rawNote` says why
 * none). The figure held to the target is the page's request timings (its first API call's start to
 * its last answer); the time until every panel has drawn follows it (it adds the browser's own work).
 */
export function dashboardLines(on: readonly DashboardTiming[], raw: readonly DashboardTiming[] | null, targets: DashboardTargets, rawNote: string): string[] {
  const [first] = on;
  if (!first) return ['  dashboard: no run'];
  const s = (ms: number) => ms / 1000;
  const api = (p: PageTiming) => p.apiMs;
  const drawn = (p: PageTiming) => p.drawnMs;
  const line = (name: string, pick: (t: DashboardTiming) => PageTiming | undefined, target: number | undefined, from: string) => {
    const failed = failures(on, pick) ?? (raw ? failures(raw, pick) : undefined);
    const figure = versus(name, s(medianOf(on, pick, api)), raw ? s(medianOf(raw, pick, api)) : null, { target, rawNote, failed });
    const rawDrawn = raw ? ` (raw scan ${fmt(s(medianOf(raw, pick, drawn)))})` : '';
    return `  ${figure}; all drawn ${fmt(s(medianOf(on, pick, drawn)))}${rawDrawn} after ${from}`;
  };
  const cold = (t: DashboardTiming) => t.cold;
  const cached = (t: DashboardTiming) => t.cached;
  const lines = [line(`cold after an ingest (fresh server and browser), the answers of all ${first.cold.panels} panels`, cold, targets.cold, 'navigation start')];
  const onCalls = callsByLabel(on, cold);
  const rawCalls = raw ? callsByLabel(raw, cold) : null;
  const calls = [...onCalls].map(([label, ms]) => `${label} ${Math.round(ms)}${rawCalls ? `/${Math.round(rawCalls.get(label) ?? NaN)}` : ''}`);
  lines.push(`    the page's calls, cold (ms${rawCalls ? ', rollups/raw' : ''}; they overlap): ${calls.join(' · ')}`);
  lines.push(`${line('cached (reload), the answers of all panels', cached, targets.cached, 'navigation start')} · answers from the cache ${hits(on)}${raw ? ` (raw ${hits(raw)})` : ''}`);
  first.controls.forEach((c, i) => {
    const pick = (t: DashboardTiming) => t.controls[i]?.timing;
    lines.push(line(`control: ${c.name}, the answers of all panels`, pick, targets.control, 'the change'));
  });
  return lines;
}

/** One line per API call the dashboard makes: cold and cached, rollups beside raw. */
export function endpointLines(on: readonly EndpointTiming[][], raw: readonly EndpointTiming[][] | null, rawNote: string): string[] {
  const [first] = on;
  if (!first) return [];
  const pick = (runs: readonly EndpointTiming[][], i: number, what: (e: EndpointTiming) => number) => median(runs.map((r) => r[i]).filter((e): e is EndpointTiming => e !== undefined).map(what));
  const width = Math.max(...first.map((e) => requestLabel(e.path).length));
  return first.map((e, i) => {
    const label = requestLabel(e.path).padEnd(width);
    const cold = pick(on, i, (x) => x.coldSeconds);
    const cached = pick(on, i, (x) => x.cachedSeconds);
    const caching = on.some((r) => r[i]?.cachedCache && r[i]?.cachedCache !== 'hit') ? ' (repeats NOT from the cache)' : '';
    if (!raw) return `  ${label}  cold ${fmt(cold).padStart(9)} · cached ${fmt(cached).padStart(9)}${caching} · ${rawNote}`;
    const rawCold = pick(raw, i, (x) => x.coldSeconds);
    const rawCached = pick(raw, i, (x) => x.cachedSeconds);
    return `  ${label}  cold ${fmt(cold).padStart(9)} · raw scan ${fmt(rawCold).padStart(9)} (ratio ${(cold / rawCold).toFixed(2)}) | cached ${fmt(cached).padStart(9)} · raw ${fmt(rawCached).padStart(9)}${caching}`;
  });
}
