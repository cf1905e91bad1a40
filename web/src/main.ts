/**
 * The dashboard: reads the view from the URL, asks uprate's public APIs for each panel, and draws
 * them. Panels load independently (one slow or failing panel does not hold the others). Which
 * model members it reads, which breakdown panels it shows and what it leaves out come from the
 * KPI binding (GET /api/v1/binding), so the page works on any model the KPI is bound to.
 */
import type { BreakdownResponse, InsightsResponse, KpiResponse, LeaderboardResponse, TimeseriesResponse, TimeToAcceptResponse } from '../../src/insights/api-types.js';
import { FULL_COVERAGE, reportHeading, type ModelCoverage } from '../../src/report-html/coverage.js';
import { formatter } from '../../src/report-html/format.js';
import type { AlertsResponse } from './alerts.js';
import { ApiError, asApiError, cubeRows, getJson, storeToken, storedToken } from './api.js';
import { coverageOfDocument, unavailableCapabilities, type BindingDocument, type BindingMembers } from './binding.js';
import { renderControls, type Dimension } from './controls.js';
import { fill, h } from './dom.js';
import { Panel } from './panel.js';
import { preloadCharts } from './charts-loader.js';
import { headlineContent } from './panels/headline.js';
import { kpiTable } from './panel-tables.js';
import { showBreakdown } from './panels/breakdown.js';
import { rateScale, type RateScale } from './panels/rate-scale.js';
import { PanelChoice, type ShownBreakdown } from './panels/choose-panels.js';
import { showSegmentsOverTime } from './panels/segments-over-time.js';
import { showTimeToAccept } from './panels/time-to-accept.js';
import { showAlerts, showInsights } from './panels/findings.js';
import { showLeaderboard } from './panels/leaderboard.js';
import { showPropensity, TOP_CUSTOMERS } from './panels/propensity.js';
import type { OpportunitiesResponse } from '../../src/propensity/types.js';
import { showTrend, type TrendPoint } from './panels/trend.js';
import { askForToken as showTokenPrompt } from './token-dialog.js';
import { savedViewsControl } from './saved-views.js';
import { annotationsControl, annotationsFor } from './annotations.js';
import { dimensionTitle } from './controls.js';
import { NOT_RECORDED, RANGE_LABELS, apiParams, drillTo, readState, removeFilter, resolveRange, stateFromApiLink, writeState, type ViewGrain, type ViewState } from './state.js';
import { followColorScheme } from './color-scheme.js';
import { freshnessLine, noteAsOf, showFreshness } from './freshness.js';
import { printButton } from './print-button.js';
import './styles.css';

/** Numbers in the reader's locale; money in the server's currency once the binding says which (config `currency`). */
let f = formatter(navigator.language || 'en-US');

const headline = new Panel({ id: 'headline', title: 'Conversion rate', className: 'panel-headline' });
const TREND_SUBTITLE = 'Rate per period with its 95% interval (shaded) and control limits (grey dashes)';
const trend = new Panel({ id: 'trend', title: 'Trend', subtitle: `${TREND_SUBTITLE}; a period still filling in: rate so far (hollow) and projected final rate (blue dashes)`, className: 'panel-trend' });
const insights = new Panel({ id: 'insights', title: 'What stands out', subtitle: 'Findings backed by a test, most urgent first', className: 'panel-insights' });
const alerts = new Panel({ id: 'alerts', title: 'Alerts', subtitle: 'Alert rules firing now', className: 'panel-alerts' });
const leaderboardPanel = new Panel({ id: 'leaderboard', title: 'Offer leaderboard', subtitle: 'Which offers convert best, ranked honestly: small samples are flagged and ranked last', className: 'panel-leaderboard' });
const readyToGrow = new Panel({ id: 'ready-to-grow', title: 'Ready to grow', subtitle: 'Customers without an open offer who are most likely to accept one, checked on the last months of offers before it is trusted', className: 'panel-propensity' });

const controlsSlot = h('div', { class: 'controls-slot' });
const scopeLine = h('p', { class: 'scope', 'data-testid': 'scope' });
/** Saved views and notes on days (saved-views.ts, annotations.ts), beside the scope line. */
const savedControls = h('div', { class: 'saved-controls' },
  savedViewsControl({ current: () => location.search, open: (search) => navigate(readState(search)) }),
  annotationsControl({ changed: () => void render(readState(location.search)) }));
const headerTools = h('div', { class: 'header-tools' }, savedControls, printButton());
/** The active filters, always in view (also when the controls are folded), each removable in one click. */
const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Active filters', 'data-testid': 'crumbs' });
const banner = h('div', { class: 'banner', role: 'status' });
const heading = h('h1', {}, reportHeading(FULL_COVERAGE));
const capabilitiesSlot = h('div', { class: 'capabilities-slot' });
/** Shown instead of the panels while the store has no offers. */
const onboarding = h(
  'section',
  { class: 'panel onboarding', 'data-testid': 'onboarding', 'aria-labelledby': 'onboarding-title', hidden: true },
  h('h2', { id: 'onboarding-title' }, 'No offers yet'),
  h('p', {}, 'Load your offers (and, for segments by customer, your customers), then reload this page:'),
  h('pre', {}, h('code', {}, 'uprate ingest customers.csv offers.csv')),
  h('p', {}, 'Or try uprate on generated data first: ', h('code', {}, 'uprate demo'), '. The README lists the columns each file needs.'),
);
const segmentsSlot = h('div', { class: 'segments-slot' });
const mainArea = h('main', {});
const footer = h('footer', {});

/** The breakdown panels shown: those chosen in the URL, else the binding's default ones (choose-panels.ts). */
let breakdowns: ShownBreakdown[] = [];
const panelChoice = new PanelChoice(segmentsSlot, (next) => navigate(next));
/** The KPI binding's members; null until GET /api/v1/binding answered (or when the KPI is not bound). */
let members: BindingMembers | null = null;
let coverage: ModelCoverage = FULL_COVERAGE;
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
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '▲'), heading, h('span', { class: 'product' }, 'uprate')),
      scopeLine,
      freshnessLine,
      headerTools),
    controlsSlot,
    crumbs,
    banner,
    mainArea,
    footer,
  );
  fill(
    mainArea,
    onboarding,
    headline.root,
    capabilitiesSlot,
    h('div', { class: 'grid grid-mid' }, trend.root, h('div', { class: 'side' }, alerts.root, insights.root)),
    segmentsSlot,
    leaderboardPanel.root,
    readyToGrow.root,
  );
  footer.textContent = footerText();
}

function footerText(): string {
  const clustered = coverage.customers ? ' and allow for repeat offers to the same customer' : '';
  return `Rates are accepted ÷ offers (ratio of sums). Intervals are 95% Wilson (exact below 30 effective offers)${clustered}. Data from uprate's /api/v1 and Cube-compatible /cubejs-api/v1.`;
}

/** Lays the page out for a binding: its breakdown panels, the leaderboard when it names the offer, what it cannot do. */
function applyBinding(doc: BindingDocument): void {
  f = formatter(navigator.language || 'en-US', { currency: doc.currency });
  showFreshness(doc.data, f.locale);
  coverage = coverageOfDocument(doc);
  heading.textContent = reportHeading(coverage);
  footer.textContent = footerText();
  dimensions = doc.dimensions.map((d) => ({ member: d.member, title: d.title }));
  panelChoice.bind(doc, members?.offers ?? '');
  leaderboardPanel.root.hidden = !coverage.offerNames;
  readyToGrow.root.hidden = !propensityAvailable();
  // Without a pending measure no period is still filling in.
  if (!coverage.pending) trend.setSubtitle(TREND_SUBTITLE);
  const missing = unavailableCapabilities(doc);
  fill(
    capabilitiesSlot,
    missing.length
      ? h('details', { class: 'capabilities', 'data-testid': 'capabilities-unavailable' },
          h('summary', {}, `Not available with this model: ${missing.map((c) => c.name).join('; ')}`),
          h('ul', {}, ...missing.map((c) => h('li', {}, h('strong', {}, c.name), c.reason ? ` — ${c.reason}` : ''))))
      : null,
  );
}

/** The KPI cannot be read on this model: say why, and how to bind it, instead of the panels. */
function showUnbound(doc: BindingDocument): void {
  fill(
    mainArea,
    h('section', { class: 'panel binding-problems', 'data-testid': 'binding-problems', role: 'alert', 'aria-labelledby': 'binding-problems-title' },
      h('h2', { id: 'binding-problems-title' }, 'The KPI is not bound to this model'),
      h('p', {}, 'uprate reads the conversion rate through a KPI binding: which of your model\'s measures count the offers made and accepted, and which time dimension dates them. Name them under kpi: in uprate.config.yaml (offers, accepted, time; see README "Use your own data"); `uprate model validate --binding` checks them.'),
      doc.problems.length ? h('ul', { class: 'problems' }, ...doc.problems.map((p) => h('li', {}, p))) : null,
      doc.cubes.length ? h('p', { class: 'panel-sub' }, `Cubes in this model: ${doc.cubes.join(', ')}.`) : null),
  );
}

function navigate(next: ViewState, push = true): void {
  const url = `${location.pathname}${writeState(next)}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
  void render(next);
}

/**
 * The server wants a token: the panels give way to one card saying how to get one (its button
 * reopens the dialog after Esc), and a token entered lays the page out again and starts over.
 */
function askForToken(reason: string): void {
  current?.abort();
  // Saved views, notes and the PDF need the data: out of the way (and the Tab order) until a token is in.
  headerTools.hidden = true;
  showTokenPrompt({
    reason,
    place: mainArea,
    onToken: (token) => {
      headerTools.hidden = false;
      storeToken(token);
      layout();
      void start();
    },
  });
}

function handleAuth(e: unknown): boolean {
  const err = asApiError(e);
  if (!err.needsToken) return false;
  if (storedToken()) storeToken('');
  askForToken(err.message === 'Invalid token' ? 'The token was refused' : 'The server asked for a token');
  return true;
}

/** The binding, then the first and last day with offers (through the bound offers measure and time dimension). */
async function loadMeta(): Promise<void> {
  const doc = await getJson<BindingDocument>('/api/v1/binding', null, new AbortController().signal);
  members = doc.bound ? doc.members : null;
  if (!members) {
    showUnbound(doc);
    return;
  }
  applyBinding(doc);
  const { offers, time } = members;
  const edge = (order: 'asc' | 'desc') => cubeRows({ measures: [offers], timeDimensions: [{ dimension: time, granularity: 'day' }], order: { [time]: order }, limit: 1 });
  const [first, last] = await Promise.all([edge('asc'), edge('desc')]);
  const day = (rows: Record<string, unknown>[]) => String(rows[0]?.[`${time}.day`] ?? rows[0]?.[time] ?? '').slice(0, 10);
  extent = first.length && last.length ? { first: day(first), last: day(last) } : null;
}

async function start(): Promise<void> {
  banner.textContent = '';
  performance.mark('uprate:start');
  try {
    await loadMeta();
    performance.mark('uprate:meta');
  } catch (e) {
    if (handleAuth(e)) return;
    const err = asApiError(e);
    if (err.code === 'NETWORK') {
      // Nothing to show yet: one message, and the page starts by itself once the server answers.
      serverLost(() => void start());
      return;
    }
    showBanner(`Could not read the API: ${err.message}`);
  }
  started = true;
  await render(readState(location.search));
}

function showBanner(text: string, ...extra: (HTMLElement | string)[]): void {
  fill(banner, h('span', {}, text), ...extra);
  banner.className = 'banner banner-error';
}

function clearBanner(): void {
  fill(banner);
  banner.className = 'banner';
}

/** Retries after a lost server: 1 s, 2 s, 4 s … at most 30 s apart. */
const RETRY_MS = { first: 1_000, max: 30_000 } as const;
let retry: { timer: ReturnType<typeof setTimeout> | null; delay: number; resume: () => void } | null = null;

/**
 * The server stopped answering: one banner (not an error per panel), and a check with growing
 * pauses until it answers again; then the page resumes (`resume`) by itself. "Retry now" checks at once.
 */
function serverLost(resume: () => void): void {
  if (retry) {
    retry.resume = resume;
    return;
  }
  retry = { timer: null, delay: RETRY_MS.first, resume };
  void waitForServer();
}

async function waitForServer(): Promise<void> {
  if (!retry) return;
  const state = retry;
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
  try {
    await getJson('/api/v1/binding', null, new AbortController().signal);
  } catch (e) {
    if (asApiError(e).code !== 'NETWORK') {
      // It answers (even with an error): the panels say what it answered.
    } else {
      const seconds = Math.round(state.delay / 1000);
      showBanner(
        `Lost contact with the uprate server (is uprate serve still running?). Trying again in ${seconds} s.`,
        h('button', { type: 'button', class: 'link', 'data-testid': 'retry-now', onclick: () => void waitForServer() }, 'Retry now'),
      );
      banner.dataset['state'] = 'lost';
      state.timer = setTimeout(() => void waitForServer(), state.delay);
      state.delay = Math.min(state.delay * 2, RETRY_MS.max);
      return;
    }
  }
  retry = null;
  clearBanner();
  delete banner.dataset['state'];
  state.resume();
}

/** The grain one step finer, for a period opened from the trend. */
const FINER: Readonly<Record<ViewGrain, ViewGrain>> = { quarter: 'month', month: 'week', week: 'week' };

/** A click on a segment or an offer: the whole page filtered to it (the offer type through its own control). */
function drillDown(state: ViewState, member: string, value: string): void {
  if (members && member === members.offerType && coverage.offerTypes && (value === 'upsell' || value === 'cross_sell')) {
    navigate({ ...state, offerType: value, filters: state.filters.filter((f) => f.member !== member) });
    return;
  }
  navigate(drillTo(state, member, value));
}

/** A click on a trend period: the page's range becomes that period, one grain finer. */
function openPeriod(state: ViewState, p: TrendPoint): void {
  navigate({ ...state, range: 'custom', from: p.period, to: p.periodEnd, grain: FINER[state.grain] });
}

/** The breadcrumbs of the active filters: each removable, and all at once. */
function renderCrumbs(state: ViewState): void {
  const items = state.filters.flatMap((flt) =>
    flt.values.map((v) => {
      const text = `${dimensionTitle(dimensions, flt.member)} ${flt.exclude ? '≠' : '='} ${v === NOT_RECORDED ? 'not recorded' : v.replace(/_/g, ' ')}`;
      return h('li', { class: 'chip' }, h('span', {}, text), h('button', { type: 'button', 'aria-label': `Remove filter ${text}`, title: 'Remove this filter', onclick: () => navigate(removeFilter(state, flt.member, v)) }, '×'));
    }),
  );
  if (state.offerType) {
    const text = `Offer type = ${state.offerType.replace('_', '-')}`;
    items.unshift(h('li', { class: 'chip' }, h('span', {}, text), h('button', { type: 'button', 'aria-label': `Remove filter ${text}`, title: 'Remove this filter', onclick: () => navigate({ ...state, offerType: null }) }, '×')));
  }
  fill(
    crumbs,
    ...(items.length
      ? [
          h('span', { class: 'crumbs-label' }, 'Filtered to'),
          h('ul', { class: 'chips' }, ...items),
          items.length > 1 ? h('button', { type: 'button', class: 'link', onclick: () => navigate({ ...state, offerType: null, filters: [] }) }, 'Clear all filters') : null,
        ]
      : []),
  );
}

/** One rate axis for every breakdown panel (segments' intervals and the overall rate; small samples left to overflow it). */
function sharedScale(all: readonly BreakdownResponse[]): RateScale | null {
  return rateScale(all.flatMap((bd) => [bd.total.rate, ...bd.rows.filter((r) => !r.smallSample).flatMap((r) => [r.interval.lower, r.interval.upper])]));
}

async function render(view: ViewState): Promise<void> {
  // Where a view starts, for timings (bench/dashboard-timing.ts): before any of its calls go out.
  performance.mark('uprate:view');
  current?.abort();
  const control = new AbortController();
  current = control;
  const signal = control.signal;
  if (!members) {
    // Not bound (the page says why), or the binding could not be read (the banner says why).
    fill(controlsSlot);
    scopeLine.textContent = '';
    if (started && mainArea.contains(headline.root)) for (const p of [headline, trend, insights, alerts, leaderboardPanel, readyToGrow]) p.empty('Not loaded: see the message above.');
    document.documentElement.dataset['ready'] = 'true';
    return;
  }
  const offersMeasure = members.offers;
  // A shared link may ask for an offer type the model does not have: the page shows all offers.
  const typed = coverage.offerTypes ? view : { ...view, offerType: null };
  // A link may filter on a member the model does not have (edited by hand, an older model): that
  // filter is dropped, said once, with a link to the view without it.
  const unknown = typed.filters.filter((flt) => !dimensions.some((d) => d.member === flt.member));
  const state = unknown.length ? { ...typed, filters: typed.filters.filter((flt) => !unknown.includes(flt)) } : typed;
  if (unknown.length) {
    const names = unknown.map((flt) => flt.member).join(', ');
    showBanner(
      `This link filters on ${names}, which ${unknown.length > 1 ? 'are not dimensions' : 'is not a dimension'} of the model: ${unknown.length > 1 ? 'those filters were' : 'that filter was'} left out. `,
      h('a', { href: `${location.pathname}${writeState(state)}`, 'data-testid': 'valid-view', onclick: (e: Event) => { e.preventDefault(); clearBanner(); navigate(state, false); } }, 'Open the view without it'),
    );
    banner.dataset['state'] = 'bad-filter';
  } else if (banner.dataset['state'] === 'bad-filter') {
    clearBanner();
    delete banner.dataset['state'];
  }
  const range = resolveRange(state, extent);
  const chosen = panelChoice.layout(state);
  breakdowns = [...chosen.breakdowns];
  const segmentPanels = [...breakdowns.map((b) => b.panel), ...(chosen.timeToAccept ? [chosen.timeToAccept.panel] : [])];
  // The downloads are named after the view, and a chart's PNG heads itself with it (issue 15).
  const viewFilters = [...(state.offerType ? [`Offer type = ${state.offerType.replace('_', '-')}`] : []), ...state.filters.flatMap((flt) => flt.values.map((v) => `${dimensionTitle(dimensions, flt.member)} ${flt.exclude ? '≠' : '='} ${v === NOT_RECORDED ? 'not recorded' : v.replace(/_/g, ' ')}`))];
  for (const p of [headline, trend, insights, alerts, leaderboardPanel, readyToGrow, ...segmentPanels]) p.setView({ from: range?.from ?? '', to: range?.to ?? '', filters: viewFilters, title: heading.textContent ?? 'uprate' });
  const periodText = range ? `${f.day(range.from)} – ${f.day(range.to)}` : 'no data yet';
  // On a phone the controls fold into one line, so the headline is on the first screen.
  const box = h(
    'details',
    { class: 'controls-box', open: controlsOpen },
    h('summary', {}, `Range & filters · ${RANGE_LABELS[state.range]} · ${state.grain}${state.offerType ? ` · ${state.offerType.replace('_', '-')}` : ''}${state.filters.length ? ` · ${state.filters.length} filter${state.filters.length > 1 ? 's' : ''}` : ''}`),
    renderControls({ state, range, extent, dimensions, offersMeasure, offerTypes: coverage.offerTypes, timeMember: members.time, offerTypeMember: members.offerType, onChange: (next) => navigate(next), formatCount: (n) => f.count(n) }),
  );
  box.addEventListener('toggle', () => {
    controlsOpen = box.open;
  });
  fill(controlsSlot, box);
  renderCrumbs(state);
  scopeLine.textContent = `${periodText} · ${state.offerType ? state.offerType.replace('_', '-') + ' offers' : 'all offers'}${state.filters.length ? ` · ${state.filters.length} filter${state.filters.length > 1 ? 's' : ''}` : ''}`;
  document.title = `uprate · ${periodText}`;
  headline.setTitle(`Conversion rate · ${periodText}`);
  // No offers at all: one card saying how to load some, instead of an empty panel each.
  const empty = !extent && started;
  for (const p of [headline, trend, insights, alerts, leaderboardPanel, ...segmentPanels]) p.root.hidden = empty || (p === leaderboardPanel && !coverage.offerNames);
  readyToGrow.root.hidden = empty || !propensityAvailable();
  segmentsSlot.hidden = empty;
  onboarding.hidden = !empty;
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
      if (asApiError(e).code === 'NETWORK') {
        panel.empty('Waiting for the server…');
        serverLost(() => void render(readState(location.search)));
      } else if (!handleAuth(e)) panel.error(e);
    }
  };
  document.documentElement.dataset['ready'] = 'false';
  if (!extent) {
    document.documentElement.dataset['ready'] = 'true';
    return;
  }
  // The headline is asked first — the server's query slots serve requests in the order they
  // come, so the number people look for first is never queued behind the heavier reads — and the
  // other panels right after it: they share the server's reads, and none waits for another.
  for (const p of [trend, insights, ...rankedPanels(), ...segmentPanels]) p.loading();
  // The trend's notes, asked now rather than once its answer has come (the page is busy drawing by then).
  const notes = annotationsFor();
  const first = load<KpiResponse>(headline, '/api/v1/kpi', params, (k) => {
    if (k.offers === 0) headline.empty('No offers in this selection. Widen the date range or remove a filter.');
    else headline.ready(() => kpiTable(k), ...headlineContent(k, f, coverage));
    noteAsOf(k.query.asOf, f.locale);
    performance.mark('uprate:headline');
  });
  const drill = (member: string, value: string) => drillDown(state, member, value);
  const offerName = members.offerName;
  // Each breakdown is drawn as it comes, then all again on one scale once every one has come.
  const answered = new Map<Panel, BreakdownResponse>();
  const breakdownJobs = breakdowns.filter((b) => !b.overTime).map((b) =>
    load<BreakdownResponse>(b.panel, '/api/v1/breakdown', withParams({ by: b.member }), (bd) => {
      answered.set(b.panel, bd);
      return showBreakdown(b.panel, bd, f, drill);
    }),
  );
  const sameScale = Promise.all(breakdownJobs).then(async () => {
    const scale = answered.size > 1 && !signal.aborted ? sharedScale([...answered.values()]) : null;
    if (scale) await Promise.all([...answered].map(([panel, bd]) => showBreakdown(panel, bd, f, drill, scale)));
  });
  const jobs: Promise<void>[] = [
    first,
    load<TimeseriesResponse>(trend, '/api/v1/timeseries', withParams({ grain: state.grain }), async (ts) => showTrend(trend, ts, f, (p) => openPeriod(state, p), state.compare, await notes)),
    sameScale,
    // Chosen panels (choose-panels.ts): segments over time, and time to accept.
    ...breakdowns.filter((b) => b.overTime).map((b) => load<TimeseriesResponse>(b.panel, '/api/v1/timeseries', withParams({ grain: state.grain, by: b.member }), (ts) => showSegmentsOverTime(b.panel, ts, f, drill))),
    ...(chosen.timeToAccept ? [chosen.timeToAccept].map((t) => load<TimeToAcceptResponse>(t.panel, '/api/v1/time-to-accept', withParams({ by: t.member }), (d) => showTimeToAccept(t.panel, d, f, drill, dimensionTitle(dimensions, t.member)))) : []),
    ...rankedPanels().map((p) => load<LeaderboardResponse>(p, '/api/v1/leaderboard', params, (lb) => showLeaderboard(p, lb, f, offerName ? (v) => drill(offerName, v) : null))),
    load<InsightsResponse>(insights, '/api/v1/insights', params, (ins) => showInsights(insights, ins, f, (link) => navigate(stateFromApiLink(link, state)))),
    loadAlerts(signal),
  ];
  // ECharts is parsed and run only now that every call is out: at boot it held up the calls'
  // chain (binding, then the data's extent, then the panels) by the time it took.
  preloadCharts();
  readyToGrow.empty('Loads after the other panels, once in view: training the model takes a few seconds.');
  await Promise.all(jobs);
  if (!signal.aborted) document.documentElement.dataset['ready'] = 'true';
  // Training takes seconds: "Ready to grow" asks only once the rest is drawn and it is in view.
  if (!signal.aborted && !readyToGrow.root.hidden && (await inView(readyToGrow.root, signal))) await loadPropensity(params, signal);
}

/** "Ready to grow" needs a customer and an offer name in the binding (it ranks customers for offers). */
function propensityAvailable(): boolean {
  return coverage.customers && coverage.offerNames;
}

/** The offer picked in "Ready to grow" (null: each customer's best offer); kept while the view changes. */
let propensityOffer: string | null = null;
let propensityRequest: AbortController | null = null;

/** Resolves true once `el` is (nearly) on screen, false if the view changed first. */
function inView(el: Element, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      resolve(!signal.aborted);
    }, { rootMargin: '200px' });
    observer.observe(el);
    signal.addEventListener('abort', () => {
      observer.disconnect();
      resolve(false);
    }, { once: true });
  });
}

/** GET /api/v1/opportunities for the page's filters and the picked offer, drawn in "Ready to grow"; `refocus`: back to the picker after a pick. */
async function loadPropensity(params: URLSearchParams, signal: AbortSignal, refocus = false): Promise<void> {
  propensityRequest?.abort();
  const own = new AbortController();
  propensityRequest = own;
  signal.addEventListener('abort', () => own.abort(), { once: true });
  const q = new URLSearchParams({ limit: String(TOP_CUSTOMERS) });
  const filters = params.get('filters');
  if (filters) q.set('filters', filters);
  if (propensityOffer) q.set('offer', propensityOffer);
  readyToGrow.root.dataset['state'] = 'loading';
  readyToGrow.loading();
  try {
    const data = await getJson<OpportunitiesResponse>('/api/v1/opportunities', q, own.signal);
    if (own.signal.aborted) return;
    const pick = (offer: string | null) => {
      propensityOffer = offer;
      void loadPropensity(params, signal, true);
    };
    await showPropensity(readyToGrow, data, f, propensityOffer, pick);
    readyToGrow.root.dataset['state'] = 'ready';
    if (refocus) (document.getElementById('ready-to-grow-offer') as HTMLSelectElement | null)?.focus();
  } catch (e) {
    if (own.signal.aborted) return;
    const err = asApiError(e);
    if (err.status === 400 && propensityOffer !== null && /offer/i.test(err.message)) {
      // The picked offer is not in this selection (another filter): each customer's best offer instead.
      propensityOffer = null;
      await loadPropensity(params, signal, refocus);
      return;
    }
    readyToGrow.root.dataset['state'] = 'error';
    if (err.code === 'NETWORK') {
      readyToGrow.empty('Waiting for the server…');
      serverLost(() => void render(readState(location.search)));
    } else if (!handleAuth(e)) readyToGrow.error(e);
  }
}

/** The leaderboard, when the binding names the offer (else it is hidden). */
function rankedPanels(): Panel[] {
  return coverage.offerNames ? [leaderboardPanel] : [];
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
    else if (asApiError(e).code === 'NETWORK') {
      alerts.empty('Waiting for the server…');
      serverLost(() => void render(readState(location.search)));
    } else if (!handleAuth(e)) alerts.error(e);
  }
}

window.addEventListener('popstate', () => void render(readState(location.search)));
followColorScheme(() => void render(readState(location.search)));
layout();
void start();
