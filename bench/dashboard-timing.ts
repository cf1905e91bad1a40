/**
 * The dashboard in Debian's Chromium (playwright-core, launched as the e2e tests launch it), timed
 * by the page itself: an init script watches `<html data-ready>` (the page sets it to "false" when
 * it starts drawing a view and to "true" once every panel has its answer and has drawn it) and
 * notes `performance.now()` there and two animation frames later (the charts paint in a frame);
 * the API calls are the page's own Resource Timing entries for /api/v1 and /cubejs-api.
 *
 * One measurement: a fresh browser (no HTTP cache) opens the page — cold, when the server is
 * fresh — then reloads it (cached: the server's answer caches, the browser's assets), then
 * changes the controls one after another, each timed from the page's start of the new view (its
 * `uprate:view` performance mark, set before the view's first call goes out) to its last panel
 * drawn. `data-ready="false"` cannot date that start: its observer runs after the calls are out.
 */
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/harness.js';

/** One of the page's API calls, from its Resource Timing entry (ms from navigation start). */
export interface PageRequest {
  readonly url: string;
  readonly startMs: number;
  readonly ms: number;
  /** `x-uprate-cache` of the answer (hit, miss, joined), when the route sends one. */
  readonly cache: string | null;
}

export interface PageTiming {
  /**
   * The page's request timings: from the start of its first API call to the end of its last one's
   * answer (page loads: binding, data extent, every panel's call; a control change: its panels' calls).
   */
  readonly apiMs: number;
  /** From navigation start (page loads) or from the start of the new view (control changes) to every panel drawn. */
  readonly drawnMs: number;
  /** … to `data-ready` (every panel has its answer, before the frame that paints it). */
  readonly readyMs: number;
  readonly requests: readonly PageRequest[];
  /** Panels on the page (visible `section.panel`). */
  readonly panels: number;
  /** Panels showing an error, with its text. */
  readonly errors: readonly string[];
}

export interface DashboardTiming {
  readonly cold: PageTiming;
  readonly cached: PageTiming;
  readonly controls: readonly { readonly name: string; readonly timing: PageTiming }[];
}

interface Mark {
  readonly kind: 'ready' | 'drawn';
  readonly t: number;
}

/** Installed before the page's own scripts; runs in the page (plain JavaScript, no DOM types here). */
const INIT_SCRIPT = `(() => {
  const marks = [];
  window.__benchMarks = marks;
  let last;
  new MutationObserver(() => {
    const v = document.documentElement && document.documentElement.dataset.ready;
    if (v === last) return;
    last = v;
    if (v === 'true') {
      marks.push({ kind: 'ready', t: performance.now() });
      requestAnimationFrame(() => requestAnimationFrame(() => marks.push({ kind: 'drawn', t: performance.now() })));
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
})();`;

const API = /\/(api\/v1|cubejs-api\/v1)\//;

/** What the page knows once it has drawn: its marks, its API calls, its panels and their errors. */
const READ_PAGE = `(() => ({
  marks: window.__benchMarks || [],
  views: performance.getEntriesByName('uprate:view', 'mark').map((e) => e.startTime),
  resources: performance.getEntriesByType('resource').filter((e) => ${API.toString()}.test(e.name)).map((e) => ({ url: e.name, start: e.startTime, end: e.responseEnd })),
  panels: [...document.querySelectorAll('section.panel')].filter((p) => p.offsetParent !== null).length,
  errors: [...document.querySelectorAll('section.panel .state-error')].map((e) => (e.closest('section.panel').id + ': ' + e.textContent).slice(0, 200)),
}))()`;

interface PageState {
  readonly marks: readonly Mark[];
  /** When each view started (the page's \`uprate:view\` marks), in order. */
  readonly views: readonly number[];
  readonly resources: readonly { url: string; start: number; end: number }[];
  readonly panels: number;
  readonly errors: readonly string[];
}

export interface DashboardOptions {
  /** Longest wait for the page to draw (a raw scan at 100 M takes minutes). */
  readonly timeoutMs: number;
  /** The filter the last control adds (default: account size = enterprise). */
  readonly filter?: DashboardFilter;
}

/** Waits until `count` drawn marks exist (marks are per document: a reload starts again from 0). */
async function waitDrawn(page: Page, count: number, timeoutMs: number): Promise<void> {
  await page.waitForFunction(`(window.__benchMarks || []).filter((m) => m.kind === 'drawn').length >= ${count}`, null, { timeout: timeoutMs, polling: 50 });
}

/**
 * The timing of the view started by an action at `actedAt` (page time; the first view the page
 * started at or after it), or of the page load (`null`: from navigation start). `fromIndex`: the
 * first of the marks that can be this view's.
 */
async function timing(page: Page, fromIndex: number, caches: ReadonlyMap<string, string>, actedAt: number | null): Promise<PageTiming> {
  const state = await page.evaluate<PageState>(READ_PAGE);
  const marks = state.marks.slice(fromIndex);
  const start = actedAt === null ? 0 : (state.views.find((t) => t >= actedAt) ?? NaN);
  const ready = marks.find((m) => m.kind === 'ready' && m.t >= start)?.t ?? NaN;
  const drawn = marks.find((m) => m.kind === 'drawn' && m.t >= ready)?.t ?? NaN;
  const requests = state.resources
    .filter((r) => r.start >= start)
    .map((r) => ({ url: r.url, startMs: r.start - start, ms: r.end - r.start, cache: caches.get(r.url) ?? null }));
  const apiMs = requests.length ? Math.max(...requests.map((r) => r.startMs + r.ms)) - Math.min(...requests.map((r) => r.startMs)) : NaN;
  return { apiMs, drawnMs: drawn - start, readyMs: ready - start, requests, panels: state.panels, errors: state.errors };
}

/** The dashboard's filter the last control adds: a member and one of its values. */
export interface DashboardFilter {
  readonly member: string;
  readonly value: string;
}

/** `Customers.accountSize=enterprise` (BENCH_SCALE_FILTER): any dimension the page's filter lists. */
export function parseDashboardFilter(text: string): DashboardFilter {
  const at = text.indexOf('=');
  const member = text.slice(0, at).trim();
  const value = text.slice(at + 1).trim();
  if (at < 0 || !/^\w+\.\w+$/.test(member) || value === '') throw new Error(`BENCH_SCALE_FILTER must be Cube.member=value (Customers.accountSize=enterprise), not ${text}`);
  return { member, value };
}

export const DEFAULT_FILTER: DashboardFilter = { member: 'Customers.accountSize', value: 'enterprise' };

/** The controls changed one after another, as a user would: each a new view of the data (the filter last, on top of the others). */
function controlsOf(filter: DashboardFilter): readonly { readonly name: string; readonly act: (page: Page) => Promise<void> }[] {
  return [
    { name: 'date range → last 3 months', act: (page) => page.getByTestId('range').selectOption('3m').then(() => undefined) },
    { name: 'grain → week', act: (page) => page.getByTestId('grain').selectOption('week').then(() => undefined) },
    { name: 'offer type → upsell only', act: (page) => page.getByTestId('offer-type').selectOption('upsell').then(() => undefined) },
    {
      name: `filter ${filter.member} = ${filter.value}`,
      act: async (page) => {
        // A member or value the page does not offer (a mistyped BENCH_SCALE_FILTER) fails at once, naming those it does.
        const offered = (testId: string) => page.evaluate<string[]>(`[...document.querySelectorAll('[data-testid=${testId}] option')].map((o) => o.value).filter(Boolean)`);
        const members = await offered('filter-dimension');
        if (!members.includes(filter.member)) throw new Error(`BENCH_SCALE_FILTER: the dashboard's filter offers no ${filter.member}; it offers ${members.join(', ')}`);
        await page.getByTestId('filter-dimension').selectOption(filter.member);
        // The values are counted in the page's selection (minutes for a raw scan at 100 M): wait until they are listed.
        await page.locator('[data-testid=filter-value]:not([aria-busy])').waitFor({ state: 'attached', timeout: 600_000 });
        const values = await offered('filter-value');
        if (!values.includes(filter.value)) throw new Error(`BENCH_SCALE_FILTER: ${filter.member} has no value ${filter.value} in the page's selection; it lists ${values.join(', ') || 'none'}`);
        await page.getByTestId('filter-value').selectOption(filter.value);
        await page.getByTestId('filter-add').click();
      },
    },
  ];
}

/** Opens the dashboard at `url` in a fresh Chromium and times it: cold, cached (reload), each control change. */
export async function timeDashboard(url: string, options: DashboardOptions): Promise<DashboardTiming> {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const caches = new Map<string, string>();
    page.on('response', (response) => {
      const cache = response.headers()['x-uprate-cache'];
      if (API.test(response.url()) && cache) caches.set(response.url(), cache);
    });
    await page.addInitScript(INIT_SCRIPT);
    await page.goto(`${url}/`, { waitUntil: 'commit' });
    await waitDrawn(page, 1, options.timeoutMs);
    const cold = await timing(page, 0, caches, null);
    caches.clear();
    await page.reload({ waitUntil: 'commit' });
    await waitDrawn(page, 1, options.timeoutMs);
    const cached = await timing(page, 0, caches, null);
    const controls: { name: string; timing: PageTiming }[] = [];
    for (const control of controlsOf(options.filter ?? DEFAULT_FILTER)) {
      const before = await page.evaluate<number>('window.__benchMarks.length');
      const drawnBefore = await page.evaluate<number>("window.__benchMarks.filter((m) => m.kind === 'drawn').length");
      caches.clear();
      const actedAt = await page.evaluate<number>('performance.now()');
      await control.act(page);
      await waitDrawn(page, drawnBefore + 1, options.timeoutMs);
      controls.push({ name: control.name, timing: await timing(page, before, caches, actedAt) });
    }
    return { cold, cached, controls };
  } finally {
    await browser.close();
  }
}

/** The API calls a page load made, as paths to ask again (`/api/v1/kpi?from=…`), in the page's order. */
export function apiPaths(t: PageTiming): string[] {
  const seen = new Set<string>();
  const paths: string[] = [];
  for (const r of [...t.requests].sort((a, b) => a.startMs - b.startMs)) {
    const u = new URL(r.url);
    const path = `${u.pathname}${u.search}`;
    if (!seen.has(path)) paths.push(path);
    seen.add(path);
  }
  return paths;
}

/** A short name for an API call: `kpi`, `breakdown by Customers.accountSize`, `cube load: last day with offers`. */
export function requestLabel(url: string): string {
  const u = new URL(url, 'http://x');
  const q = u.searchParams;
  if (u.pathname.includes('/cubejs-api/')) {
    try {
      const query = JSON.parse(q.get('query') ?? '{}') as { measures?: string[]; dimensions?: string[]; order?: Record<string, string> | [string, string][]; limit?: number };
      const order = Array.isArray(query.order) ? query.order[0]?.[1] : Object.values(query.order ?? {})[0];
      if (query.limit === 1 && order) return `cube load: ${order === 'asc' ? 'first' : 'last'} day with offers`;
      return `cube load: ${(query.measures ?? []).join(', ')}${query.dimensions?.length ? ` by ${query.dimensions.join(', ')}` : ''}`;
    } catch {
      return `cube ${u.pathname.split('/').pop() ?? ''}`;
    }
  }
  const name = u.pathname.replace(/^.*\/api\/v1\//, '');
  const extra = [q.get('by') ? `by ${q.get('by')}` : '', q.get('grain') ? `per ${q.get('grain')}` : ''].filter(Boolean).join(' ');
  return extra ? `${name} ${extra}` : name;
}
