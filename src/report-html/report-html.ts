/**
 * The monthly report as one self-contained HTML file: inline CSS, charts as inline SVG rendered
 * on the server, no script and no external resource — it opens offline, prints, and mails.
 */
import type { KpiResponse, LeaderboardResponse } from '../insights/api-types.js';
import { breakdownHeight, breakdownOption, segmentLabel, significanceMarker, trendOption } from './chart-options.js';
import { reportHeading, type ModelCoverage } from './coverage.js';
import { NO_NUMBER } from '../core/display.js';
import { formatter, type Formatter } from './format.js';
import { ENGLISH, type Messages } from './messages.js';
import type { StatisticsWords } from './statistics-words.js';
import type { MonthlyReport } from './monthly-report.js';
import { rateBulletSvg, esc } from './rate-bullet.js';
import { renderSvg } from './render-svg.js';
import { findingWords } from './finding-text.js';
import { segmentsOverTimeTable, timeToAcceptTable, type ReportTable } from './report-tables.js';
import { acceptedLine, bandWords, breakdownSummary, changeArrow, changeSentence, clusteringNote, headlineTiles, industryName, leaderboardClusteringNote, previousMonthName, provisionalNote, trendKey, trendParagraphs } from './wording.js';

export interface RenderOptions {
  /** BCP 47 locale for numbers and dates (default en-US). */
  readonly locale?: string;
  /**
   * The report as an email body (src/reports-delivery): no CLI commands (the reader has no
   * terminal at hand), and a layout for phone screens down to 390 px (charts, the bullet and
   * tables shrink or scroll inside the page instead of widening it).
   */
  readonly email?: boolean;
  /** The dashboard-wide PDF (`uprate report --format pdf`): the same HTML, laid out for A4 pages. */
  readonly print?: boolean;
}

/** The formatter of a report: numbers and words in its locale, money in the report's currency. */
export function reportFormatter(report: Pick<MonthlyReport, 'currency'>, options: Pick<RenderOptions, 'locale'>): Formatter {
  return formatter(options.locale ?? 'en-US', { currency: report.currency ?? DEFAULT_REPORT_CURRENCY, translate: true });
}

/** The currency of a report from a server without `currency` in its answer. */
const DEFAULT_REPORT_CURRENCY = 'USD';

const STYLE = `
:root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--strong:#166534;--strong-bg:#dcfce7;--moderate:#92400e;--moderate-bg:#fef3c7;--poor:#991b1b;--poor-bg:#fee2e2;--up:#15803d;--down:#b91c1c}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
main{max-width:980px;margin:0 auto;padding:28px 24px 48px}h1{font-size:1.6rem;margin:0}h2{font-size:1.15rem;margin:32px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:.95rem;margin:0 0 4px}.muted,.meta{color:var(--muted)}.meta{font-size:.85rem;margin:4px 0 0}
.headline{display:grid;grid-template-columns:1.2fr 1fr;gap:24px;margin-top:18px}.big{font-size:3rem;font-weight:700;letter-spacing:-.02em;line-height:1.05}
.band-strong{color:var(--strong)}.band-moderate{color:var(--moderate)}.band-poor{color:var(--poor)}
.chip{display:inline-block;font-size:.75rem;font-weight:700;text-transform:uppercase;border-radius:999px;padding:2px 10px;margin-left:10px;vertical-align:middle;background:#f3f4f6;color:#374151}
.chip.band-strong{background:var(--strong-bg)}.chip.band-moderate{background:var(--moderate-bg)}.chip.band-poor{background:var(--poor-bg)}
.change-up{color:var(--up)}.change-down{color:var(--down)}.change-flat,.change-pending,.change-none{color:var(--muted)}
.tiles{display:grid;grid-template-columns:1fr 1fr;gap:10px;align-content:start}.tile{border:1px solid var(--line);border-radius:8px;padding:8px 12px}
.tile .label{font-size:.72rem;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}.tile .value{font-size:1.45rem;font-weight:700}.tile .detail{font-size:.78rem;color:var(--muted)}
.note{font-size:.82rem;color:var(--muted);border-left:3px solid #d1d5db;padding-left:8px}
figure{margin:0}.trend-words{font-size:.85rem;color:#374151;margin:6px 0 0}figure.chart svg{max-width:100%;height:auto;display:block}figcaption{font-size:.85rem;color:#374151;margin-top:4px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:22px 28px}
table{border-collapse:collapse;width:100%;font-size:.85rem;font-variant-numeric:tabular-nums}th{text-align:left;color:var(--muted);font-size:.72rem;text-transform:uppercase;border-bottom:1px solid var(--line);padding:4px 6px}
td{padding:4px 6px;border-bottom:1px solid #f3f4f6}td.num,th.num{text-align:right}tr.small td{color:var(--muted)}.flag{font-size:.68rem;border:1px solid var(--line);border-radius:4px;padding:0 4px;margin-left:6px}
ol.insights{padding-left:0;list-style:none;display:grid;gap:10px}ol.insights li{border-left:3px solid var(--line);padding-left:10px}
li.sev-critical{border-color:var(--down)}li.sev-warning{border-color:#d97706}li.sev-info{border-color:#60a5fa}
.sev{font-size:.68rem;font-weight:700;text-transform:uppercase;color:var(--muted)}.test{font-size:.78rem;color:var(--muted)}
.table-scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}.table-scroll table{width:auto;min-width:100%}.table-scroll td,.table-scroll th{white-space:nowrap}
footer{margin-top:36px;font-size:.78rem;color:var(--muted)}
@media (max-width:720px){.headline,.grid{grid-template-columns:1fr}}
@media print{main{padding:0}h2{break-after:avoid}figure,tr,li{break-inside:avoid}}
`;

/** Phones (390 px): narrower margins, a smaller headline, one column of tiles, svg within the page, wide tables scroll. */
const EMAIL_STYLE = `
svg{max-width:100%;height:auto}.table-scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
@media (max-width:480px){main{padding:16px 12px 32px}.big{font-size:2.4rem}.tiles{grid-template-columns:1fr}.chip{margin-left:6px}}
`;

/** The PDF (`--format pdf`): A4 pages with small margins, colours kept, charts within the page width. */
const PRINT_STYLE = `
@page{size:A4;margin:14mm 12mm}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
main{max-width:none;padding:0}svg{max-width:100%;height:auto}
.headline,.grid{grid-template-columns:1fr 1fr}
`;

export function monthTitle(report: MonthlyReport, f: Formatter): string {
  return f.period(report.from, 'month');
}

export function renderReportHtml(report: MonthlyReport, options: RenderOptions = {}): string {
  const f = reportFormatter(report, options);
  const w = f.words;
  const k = report.kpi;
  const coverage = report.coverage;
  const title = `${reportHeading(coverage, w)} — ${monthTitle(report, f)}`;
  const trendSvg = renderSvg(trendOption(report.trend, f, { interactive: false }), 920, 340);
  const sections = [
    headlineSection(k, f, coverage),
    `<h2>${esc(w.sections.trend)}</h2><figure class="chart" data-chart="trend">${trendSvg}<figcaption>${esc(trendKey(report.trend, f))}</figcaption></figure>${trendParagraphs(report.trend, f).map((t) => `<p class="trend-words">${esc(t)}</p>`).join('')}`,
    report.segmentsOverTime ? tableSection(w.sections.segmentsOverTime, 'segments-over-time', segmentsOverTimeTable(report.segmentsOverTime, f)) : '',
    report.breakdowns.length === 0 ? '' : `<h2>${esc(w.sections.bySegment)}</h2><div class="grid">${report.breakdowns
      .map((b) => {
        const height = breakdownHeight(b.data.rows.length);
        const svg = renderSvg(breakdownOption(b.data, f, { interactive: false }), 440, height);
        return `<figure class="chart" data-chart="${esc(b.member)}"><h3>${esc(b.title)}</h3>${svg}<figcaption>${esc(breakdownSummary(b.data, f))}</figcaption></figure>`;
      })
      .join('')}</div>`,
    report.timeToAccept ? tableSection(w.sections.timeToAccept, 'time-to-accept', timeToAcceptTable(report.timeToAccept, f)) : '',
    report.leaderboard ? leaderboardSection(report.leaderboard, f, options.email === true) : '',
    insightsSection(report, f, options.email === true),
  ].filter(Boolean);
  return `<!doctype html>
<html lang="${esc(f.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}${options.email ? EMAIL_STYLE : ''}${options.print ? PRINT_STYLE : ''}</style></head>
<body><main>
<h1>${esc(title)}</h1>
<p class="meta">${esc(metaLine(report, f))}</p>
${sections.join('\n')}
<footer>${w.madeBy(options.email ? 'uprate' : `<code>uprate report --format ${options.print ? 'pdf' : 'html'}</code>`, esc(report.generatedAt.slice(0, 10)))} <span>${esc(methodNote(report, f))}</span></footer>
</main></body></html>
`;
}

/** "Jun 1, 2025 – Jun 30, 2025 · upsell and cross-sell offers · as of 2025-07-01 12:00 UTC · conversion window 30 days". */
export function metaLine(report: MonthlyReport, f: Formatter): string {
  const k = report.kpi;
  const w = f.words.meta;
  const window = report.coverage.window ? ` · ${w.window(k.query.windowDays)}` : '';
  return `${f.day(report.from)} – ${f.day(report.to)} · ${scopeText(k, report.coverage, f.words)} · ${w.asOf(k.query.asOf.replace('T', ' ').slice(0, 16))}${window}`;
}

/** Interval methods by their authors' names, for the footer in another language. */
const METHOD_NAMES: Readonly<Record<string, string>> = { wilson: 'Wilson', exact: 'Clopper–Pearson', jeffreys: 'Jeffreys', 'agresti-coull': 'Agresti–Coull', wald: 'Wald' };

/** How the numbers were made, for the footer: only what this model's report holds. */
export function methodNote(report: MonthlyReport, f: Formatter): string {
  const k = report.kpi;
  const s = f.words.statistics;
  if (s) {
    return s.method({
      level: f.percent(k.query.level, 0),
      interval: METHOD_NAMES[k.query.method] ?? k.query.method,
      customers: report.coverage.customers,
      segments: report.breakdowns.length > 0,
      leaderboard: report.leaderboard !== null,
      benchmarks: report.coverage.industries ? benchmarkSources(k, s) : null,
    });
  }
  const clauses = [
    'Rates are accepted ÷ offers (a ratio of sums)',
    `intervals are ${f.percent(k.query.level, 0)} ${k.query.method} (exact below 30 effective offers)${report.coverage.customers ? ' and allow for repeat offers to the same customer' : ''}`,
    report.breakdowns.length ? 'segment differences are two-proportion tests against the rest, corrected for many comparisons' : '',
    report.leaderboard ? 'the leaderboard ranks empirical-Bayes shrunken rates' : '',
  ].filter(Boolean);
  return `${clauses.join('; ')}.${report.coverage.industries ? ` Benchmarks: ${benchmarkSources(k)}.` : ''}`;
}

export function scopeText(k: KpiResponse, coverage: Pick<ModelCoverage, 'offerTypes'>, words: Pick<Messages, 'meta'> = ENGLISH): string {
  const w = words.meta;
  const type = k.query.offerType ? w.offersOfType(k.query.offerType) : coverage.offerTypes ? w.upsellCrossSell : w.allOffers;
  const filters = k.query.filters.map((x) => `${x.member ?? ''} ${x.operator ?? ''} ${(x.values ?? []).join(', ')}`.trim());
  return [type, ...filters].join(' · ');
}

function benchmarkSources(k: KpiResponse, s: Pick<StatisticsWords, 'via' | 'noBenchmarks'> | null = null): string {
  const seen = new Map<string, string>();
  for (const b of k.benchmarks) seen.set(b.benchmark.industry, `${industryName(b.benchmark.industry)} ${b.benchmark.source}`);
  const citation = k.benchmarks[0]?.benchmark.citation;
  if (!seen.size) return s ? s.noBenchmarks : 'none for these customers';
  return `${[...seen.values()].join(', ')}${citation ? (s ? s.via(citation) : ` (via ${citation})`) : ''}`;
}

function headlineSection(k: KpiResponse, f: Formatter, coverage: ModelCoverage): string {
  const w = f.words;
  const band = bandWords(k, w);
  // The monthly report compares with the previous calendar month (collectMonthlyReport).
  const change = changeSentence(k, f, previousMonthName(k, f));
  const clustered = k.offers > 0 ? clusteringNote([k.interval], f) : null;
  const arrow = change.direction === 'none' ? '' : `${changeArrow(change.direction)} `;
  const provisional = provisionalNote(k, f, undefined, coverage.window);
  const benchmarks = k.benchmark ? [k.benchmark] : k.benchmarks;
  const bullet = rateBulletSvg(
    { rate: k.rate, lower: k.interval.lower, upper: k.interval.upper, thresholds: k.query.thresholds, benchmarks: benchmarks.map((b) => ({ label: industryName(b.industry), rate: b.benchmark.rate })), target: k.target?.rate ?? null, width: 440 },
    f,
  );
  const tile = (label: string, value: string, detail: string) => `<div class="tile"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div><div class="detail">${esc(detail)}</div></div>`;
  return `<section class="headline" data-section="headline"><div>
<div><span class="big ${band.cls}" data-rate="${k.rate ?? ''}">${esc(f.percent(k.rate))}</span><span class="chip ${band.cls}" title="${esc(band.title)}">${esc(band.text)}</span></div>
<p>${esc(f.percent(k.query.level, 0))} ${esc(w.interval)} ${esc(f.interval(k.interval.lower, k.interval.upper))} · ${esc(acceptedLine(k, f, coverage))}</p>
${clustered ? `<p class="meta" data-note="clustering"${w.language === 'en' || w.statistics ? '' : ' lang="en"'}>${esc(clustered)}</p>` : ''}
<p class="change-${change.direction}">${esc(arrow)}<strong>${esc(change.points)}</strong>${esc(change.rest)}<strong>${esc(change.verdict)}</strong></p>
<figure class="bullet" data-chart="bullet">${bullet}</figure>
${benchmarks.length ? `<p class="meta">${benchmarks.map((b) => `${esc(w.standing.customers(industryName(b.industry)))} ${esc(f.percent(b.rate))} ${esc(w.standing.versus)} ${esc(f.percent(b.benchmark.rate, 0))}: <strong>${esc(standingWord(b.standing, w))}</strong>`).join(' · ')}</p>` : ''}
${k.target ? `<p class="meta">${esc(w.standing.target)} ${esc(f.percent(k.target.rate))}: <strong>${esc(k.target.standing === 'consistent' ? w.standing.withinReach : standingWord(k.target.standing, w))}</strong> (${esc(f.points(k.target.gapPoints))})</p>` : ''}
${provisional ? `<p class="note" data-note="provisional">${esc(provisional)}</p>` : ''}
</div><div class="tiles">
${headlineTiles(k, f, coverage).map((t) => tile(t.label, t.value, t.detail)).join('\n')}
</div></section>`;
}

/** A benchmark's or the target's standing in the report's words. */
export function standingWord(standing: 'above' | 'below' | 'consistent' | null | undefined, w: Messages): string {
  return standing === 'consistent' ? w.standing.inLine : standing === 'above' ? w.standing.above : standing === 'below' ? w.standing.below : NO_NUMBER;
}

function leaderboardSection(lb: LeaderboardResponse, f: Formatter, email: boolean): string {
  const w = f.words.leaderboard;
  const note = leaderboardClusteringNote(lb, f);
  const rows = lb.rows
    .map(
      (r) =>
        `<tr class="${r.smallSample ? 'small' : ''}"><td class="num">${r.rank}</td><td>${esc(r.offer ?? w.notRecorded)}${r.smallSample ? `<span class="flag">${esc(f.words.segments.smallSample)}</span>` : ''}</td><td class="num"><strong>${esc(f.percent(r.shrunkenRate))}</strong></td><td class="num">${esc(f.interval(r.lower, r.upper))}</td><td class="num">${esc(f.percent(r.rate))}</td><td class="num">${esc(f.count(r.accepted))} / ${esc(f.count(r.offers))}</td><td class="num">${esc(f.probability(r.probabilityToBeatOverall))}</td></tr>`,
    )
    .join('');
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const table = `<table data-section="leaderboard"><thead><tr><th class="num">${esc(w.rank)}</th><th>${esc(w.offer)}</th><th class="num">${esc(w.shrunken)}</th><th class="num">${esc(cap(f.words.interval))}</th><th class="num">${esc(w.raw)}</th><th class="num">${esc(f.words.trendTable.accepted)}</th><th class="num">${esc(w.beats)}</th></tr></thead><tbody>${rows}</tbody></table>`;
  return `<h2>${esc(f.words.sections.leaderboard)}</h2>
${email ? `<div class="table-scroll">${table}</div>` : table}
<p class="meta">${esc(w.note(f.percent(lb.overallRate), f.count(lb.prior.strength), lb.smallSampleThreshold))}${note ? ` <span>${esc(note)}</span>` : ''}</p>`;
}

/** The report keeps the findings that matter most; the rest are one command away. */
export const REPORT_INSIGHTS = 12;

export function reportInsights(report: MonthlyReport): { shown: MonthlyReport['insights']['insights']; more: number } {
  const all = report.insights.insights;
  return { shown: all.slice(0, REPORT_INSIGHTS), more: Math.max(0, all.length - REPORT_INSIGHTS) };
}

function insightsSection(report: MonthlyReport, f: Formatter, email: boolean): string {
  const { shown: items, more } = reportInsights(report);
  const w = f.words;
  if (items.length === 0) return `<h2>${esc(w.sections.standsOut)}</h2><p class="muted">${esc(w.insights.nothing)}</p>`;
  return `<h2>${esc(w.sections.standsOut)}</h2><ol class="insights" data-section="insights">${items
    .map((i) => {
      const words = findingWords(i, f);
      return `<li class="sev-${i.severity}"><div class="sev">${esc(w.insights.severity[i.severity])}</div><strong>${esc(words.title)}</strong><div>${esc(words.text)}</div>${words.test ? `<div class="test">${esc(words.test)}</div>` : ''}</li>`;
    })
    .join('')}</ol>${more ? `<p class="meta">${esc(w.insights.more(more))}${email ? ` ${esc(w.insights.inDashboard)}` : `: <code>uprate report --insights --from ${esc(report.from)} --to ${esc(report.to)}</code>`}</p>` : ''}`;
}

/** A section holding one table, scrolling sideways inside the page on a narrow screen. */
function tableSection(heading: string, name: string, t: ReportTable): string {
  const head = t.head.map((h, i) => `<th${t.right.includes(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${t.right.includes(i) ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<h2>${esc(heading)}</h2><section data-section="${esc(name)}">${t.intro ? `<p class="meta">${esc(t.intro)}</p>` : ''}<div class="table-scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>${t.notes.map((n) => `<p class="meta">${esc(n)}</p>`).join('')}</section>`;
}

/** Segment rows for text formats: label, rate, interval, counts, marker. */
export function segmentRows(report: MonthlyReport, f: Formatter): { title: string; rows: string[][]; summary: string }[] {
  return report.breakdowns.map((b) => ({
    title: b.title,
    summary: breakdownSummary(b.data, f),
    rows: b.data.rows.map((r) => [segmentLabel(r, f.words.chart.notRecorded), f.percent(r.rate), f.interval(r.interval.lower, r.interval.upper), `${f.count(r.accepted)} / ${f.count(r.offers)}`, `${significanceMarker(r)}${r.smallSample ? ` ${f.words.segments.smallSample}` : ''}`.trim()]),
  }));
}
