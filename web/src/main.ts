/**
 * The dashboard: reads the view from the URL, asks uprate's public APIs for each panel, and draws
 * them. Panels load independently (one slow or failing panel does not hold the others).
 */
import type { BreakdownResponse, InsightsResponse, KpiResponse, LeaderboardResponse, TimeseriesResponse } from '../../src/insights/api-types.js';
import { formatter } from '../../src/report-html/format.js';
import type { AlertsResponse } from './alerts.js';
import { ApiError, asApiError, cubeClient, cubeRows, getJson, storeToken, storedToken } from './api.js';
import { renderControls, type Dimension } from './controls.js';
import { fill, h } from './dom.js';
import { Panel } from './panel.js';
import { preloadCharts } from './charts-loader.js';
import { headlineContent } from './panels/headline.js';
import { kpiTable } from './panel-tables.js';
import { BREAKDOWNS, showBreakdown } from './panels/breakdown.js';
import { showAlerts, showInsights } from './panels/findings.js';
import { showLeaderboard } from './panels/leaderboard.js';
import { showTrend } from './panels/trend.js';
import { RANGE_LABELS, apiParams, readState, resolveRange, stateFromApiLink, writeState, type ViewState } from './state.js';
import './styles.css';

const f = formatter(navigator.language || 'en-US');

const headline = new Panel({ id: 'headline', title: 'Conversion rate', className: 'panel-headline' });
const trend = new Panel({ id: 'trend', title: 'Trend', subtitle: 'Rate per period with its 95% interval (shaded) and control limits (grey dashes); a period still filling in: rate so far (hollow) and projected final rate (blue dashes)', className: 'panel-trend' });
const insights = new Panel({ id: 'insights', title: 'What stands out', subtitle: 'Findings backed by a test, most urgent first', className: 'panel-insights' });
const alerts = new Panel({ id: 'alerts', title: 'Alerts', subtitle: 'Alert rules firing now', className: 'panel-alerts' });
const breakdowns = BREAKDOWNS.map((b) => ({ ...b, panel: new Panel({ id: `by-${b.member.split('.')[1] ?? b.member}`, title: b.title, subtitle: 'Rate and interval per segment; ▲▼ differ significantly from the rest', className: 'panel-breakdown' }) }));
const leaderboardPanel = new Panel({ id: 'leaderboard', title: 'Offer leaderboard', subtitle: 'Which offers convert best, ranked honestly: small samples are flagged and ranked last', className: 'panel-leaderboard' });

const controlsSlot = h('div', { class: 'controls-slot' });
const scopeLine = h('p', { class: 'scope', 'data-testid': 'scope' });
const banner = h('div', { class: 'banner', role: 'status' });

let extent: { first: string; last: string } | null = null;
let dimensions: Dimension[] = [];
let current: AbortController | null = null;
let started = false;
let controlsOpen = window.matchMedia('(min-width: 641px)').matches;

function layout(): void {
  const app = document.getElementById('app');
  if (!app) return;
  fill(
    app,
    h('a', { class: 'skip', href: '#headline' }, 'Skip to the numbers'),
    h('header', { class: 'top' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '▲'), h('h1', {}, 'Upsell & cross-sell conversion'), h('span', { class: 'product' }, 'uprate')),
      scopeLine),
    controlsSlot,
    banner,
    h('main', {},
      headline.root,
      h('div', { class: 'grid grid-mid' }, trend.root, h('div', { class: 'side' }, alerts.root, insights.root)),
      h('h2', { class: 'section-title' }, 'By segment'),
      h('div', { class: 'grid grid-breakdowns' }, ...breakdowns.map((b) => b.panel.root)),
      leaderboardPanel.root),
    h('footer', {}, 'Rates are accepted ÷ offers (ratio of sums). Intervals are 95% Wilson (exact below 30 effective offers) and allow for repeat offers to the same customer. Data from uprate\'s /api/v1 and Cube-compatible /cubejs-api/v1.'),
  );
}

function navigate(next: ViewState, push = true): void {
  const url = `${location.pathname}${writeState(next)}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
  void render(next);
}

function askForToken(reason: string): void {
  const existing = document.getElementById('token-dialog');
  if (existing) return;
  const input = h('input', { id: 'token-input', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'token-why' });
  const dialog = h(
    'dialog',
    { id: 'token-dialog', 'aria-labelledby': 'token-title' },
    h('form', { method: 'dialog', class: 'token-form', onsubmit: () => { storeToken(input.value.trim()); dialog.remove(); void start(); } },
      h('h2', { id: 'token-title' }, 'This uprate server needs an API token'),
      h('p', { id: 'token-why' }, `${reason}. Paste a JWT signed with the server's UPRATE_API_SECRET (HS256). It is kept for this browser tab only.`),
      h('label', { for: 'token-input' }, 'API token'),
      input,
      h('div', { class: 'dialog-buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Use this token'))),
  );
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
}

function handleAuth(e: unknown): boolean {
  const err = asApiError(e);
  if (!err.needsToken) return false;
  if (storedToken()) storeToken('');
  askForToken(err.message === 'Invalid token' ? 'The token was refused' : 'The server asked for a token');
  return true;
}

async function loadMeta(): Promise<void> {
  const [meta, first, last] = await Promise.all([
    cubeClient().meta().catch((e: unknown) => { throw asApiError(e); }),
    cubeRows({ measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day' }], order: { 'Offers.offeredAt': 'asc' }, limit: 1 }),
    cubeRows({ measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day' }], order: { 'Offers.offeredAt': 'desc' }, limit: 1 }),
  ]);
  const day = (rows: Record<string, unknown>[]) => String(rows[0]?.['Offers.offeredAt.day'] ?? rows[0]?.['Offers.offeredAt'] ?? '').slice(0, 10);
  extent = first.length && last.length ? { first: day(first), last: day(last) } : null;
  const hidden = /(Id|At|Score|mrr)$/;
  dimensions = meta.cubes.flatMap((c) =>
    c.dimensions
      .filter((d) => d.type === 'string' && !hidden.test(d.name.split('.')[1] ?? ''))
      .map((d) => ({ member: d.name, title: `${d.shortTitle ?? d.title}${c.name === 'Offers' ? '' : ` (${c.title})`}` })),
  );
}

async function start(): Promise<void> {
  banner.textContent = '';
  performance.mark('uprate:start');
  try {
    await loadMeta();
    performance.mark('uprate:meta');
  } catch (e) {
    if (handleAuth(e)) return;
    banner.textContent = `Could not reach the API: ${asApiError(e).message}`;
    banner.className = 'banner banner-error';
  }
  started = true;
  await render(readState(location.search));
}

async function render(state: ViewState): Promise<void> {
  current?.abort();
  const control = new AbortController();
  current = control;
  const signal = control.signal;
  const range = resolveRange(state, extent);
  const periodText = range ? `${f.day(range.from)} – ${f.day(range.to)}` : 'no data yet';
  // On a phone the controls fold into one line, so the headline is on the first screen.
  const box = h(
    'details',
    { class: 'controls-box', open: controlsOpen },
    h('summary', {}, `Range & filters · ${RANGE_LABELS[state.range]} · ${state.grain}${state.offerType ? ` · ${state.offerType.replace('_', '-')}` : ''}${state.filters.length ? ` · ${state.filters.length} filter${state.filters.length > 1 ? 's' : ''}` : ''}`),
    renderControls({ state, range, extent, dimensions, onChange: (next) => navigate(next), formatCount: (n) => f.count(n) }),
  );
  box.addEventListener('toggle', () => {
    controlsOpen = box.open;
  });
  fill(controlsSlot, box);
  scopeLine.textContent = `${periodText} · ${state.offerType ? state.offerType.replace('_', '-') + ' offers' : 'all offers'}${state.filters.length ? ` · ${state.filters.length} filter${state.filters.length > 1 ? 's' : ''}` : ''}`;
  document.title = `uprate · ${periodText}`;
  headline.setTitle(`Conversion rate · ${periodText}`);
  if (!extent && started) {
    const message = 'No offers yet. Load some with `uprate ingest offers.csv`, or run `uprate demo`.';
    for (const p of [headline, trend, insights, leaderboardPanel, ...breakdowns.map((b) => b.panel)]) p.empty(message);
  }
  const params = apiParams(state, range);
  const withParams = (extra: Record<string, string>) => {
    const q = new URLSearchParams(params);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q;
  };
  const load = async <T>(panel: Panel, path: string, q: URLSearchParams, show: (data: T) => void | Promise<void>) => {
    panel.loading();
    try {
      const data = await getJson<T>(path, q, signal);
      if (!signal.aborted) await show(data);
    } catch (e) {
      if (signal.aborted) return;
      if (!handleAuth(e)) panel.error(e);
    }
  };
  document.documentElement.dataset['ready'] = 'false';
  if (!extent) {
    document.documentElement.dataset['ready'] = 'true';
    return;
  }
  // The headline first: the other panels ask once it is answered, so the number people look
  // for first is not queued behind the heavier queries (insights scans every dimension).
  for (const p of [trend, insights, leaderboardPanel, ...breakdowns.map((b) => b.panel)]) p.loading();
  const first = load<KpiResponse>(headline, '/api/v1/kpi', params, (k) => {
    if (k.offers === 0) headline.empty('No offers in this selection. Widen the date range or remove a filter.');
    else headline.ready(() => kpiTable(k), ...headlineContent(k, f));
    performance.mark('uprate:headline');
  });
  await first;
  if (signal.aborted) return;
  const jobs: Promise<void>[] = [
    load<TimeseriesResponse>(trend, '/api/v1/timeseries', withParams({ grain: state.grain }), (ts) => showTrend(trend, ts, f)),
    ...breakdowns.map((b) => load<BreakdownResponse>(b.panel, '/api/v1/breakdown', withParams({ by: b.member }), (bd) => showBreakdown(b.panel, bd, f))),
    load<LeaderboardResponse>(leaderboardPanel, '/api/v1/leaderboard', params, (lb) => showLeaderboard(leaderboardPanel, lb, f)),
    load<InsightsResponse>(insights, '/api/v1/insights', params, (ins) => showInsights(insights, ins, f, (link) => navigate(stateFromApiLink(link, state)))),
    loadAlerts(signal),
  ];
  await Promise.all(jobs);
  if (!signal.aborted) document.documentElement.dataset['ready'] = 'true';
}

async function loadAlerts(signal: AbortSignal): Promise<void> {
  alerts.loading();
  try {
    const data = await getJson<AlertsResponse>('/api/v1/alerts', null, signal);
    if (!signal.aborted) showAlerts(alerts, data, f);
  } catch (e) {
    if (signal.aborted) return;
    // An older server, or one without alert rules: the panel says so instead of failing.
    if (e instanceof ApiError && e.status === 404) showAlerts(alerts, null, f);
    else if (!handleAuth(e)) alerts.error(e);
  }
}

window.addEventListener('popstate', () => void render(readState(location.search)));
preloadCharts();
layout();
void start();
