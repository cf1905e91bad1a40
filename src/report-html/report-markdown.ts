/** The monthly report in Markdown: the same numbers, formatted by the same code, as tables. */
import { NO_NUMBER } from '../core/display.js';
import { formatter, type Formatter } from './format.js';
import type { MonthlyReport } from './monthly-report.js';
import { reportHeading } from './coverage.js';
import { metaLine, monthTitle, reportInsights, segmentRows, type RenderOptions } from './report-html.js';
import { acceptedLine, bandWords, changeCell, changeSentence, clusteringNote, headlineTiles, industryName, leaderboardClusteringNote, periodChangeWords, previousMonthName, provisionalNote, trendSummary } from './wording.js';

function table(head: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const align = head.map((_, i) => (right.includes(i) ? '---:' : '---'));
  return [`| ${head.map(cell).join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function renderReportMarkdown(report: MonthlyReport, options: RenderOptions = {}): string {
  const f = formatter(options.locale ?? 'en-US');
  const k = report.kpi;
  const coverage = report.coverage;
  const band = bandWords(k);
  const change = changeSentence(k, f, previousMonthName(k, f));
  const benchmarks = k.benchmark ? [k.benchmark] : k.benchmarks;
  const clustered = k.offers > 0 ? clusteringNote([k.interval], f) : null;
  const out: string[] = [
    `# ${reportHeading(coverage)} — ${monthTitle(report, f)}`,
    '',
    metaLine(report, f),
    '',
    '## Headline',
    '',
    `**Conversion rate ${f.percent(k.rate)}** (${band.text}) — ${f.percent(k.query.level, 0)} interval ${f.interval(k.interval.lower, k.interval.upper)}; ${acceptedLine(k, f, coverage)}.`,
    '',
    ...(clustered ? [clustered, ''] : []),
    change.direction === 'none' ? change.rest : `Change: ${change.points ? `**${change.points}**` : ''}${change.rest}**${change.verdict}**.`,
    '',
    tilesTable(k, f, coverage),
  ];
  if (benchmarks.length) out.push('', `Benchmarks: ${benchmarks.map((b) => `${industryName(b.industry)} customers ${f.percent(b.rate)} vs ${f.percent(b.benchmark.rate, 0)} (${b.benchmark.source}): ${b.standing === 'consistent' ? 'in line' : b.standing ?? NO_NUMBER}`).join('; ')}.`);
  if (k.target) out.push('', `Target ${f.percent(k.target.rate)}: ${k.target.standing === 'consistent' ? 'within reach' : k.target.standing ?? NO_NUMBER} (${f.points(k.target.gapPoints)}).`);
  const provisional = provisionalNote(k, f, undefined, coverage.window);
  if (provisional) out.push('', `> ${provisional}`);

  const ts = report.trend;
  out.push(
    '',
    '## Trend',
    '',
    table(
      ['Month', 'Rate', 'Interval', 'Accepted / offers', 'Control limits', 'Signal', 'Projected final rate', `vs previous ${ts.grain}`, `vs same ${ts.grain} last year`],
      ts.points.map((p, i) => {
        const changes = periodChangeWords(ts, i, f);
        return [
          f.period(p.period, ts.grain),
          p.provisional && p.rate !== null ? `${f.percent(p.rate)} so far` : f.percent(p.rate),
          f.interval(p.lower, p.upper),
          `${f.count(p.accepted)} / ${f.count(p.offers)}`,
          p.ucl === null ? '' : f.interval(p.lcl, p.ucl),
          [p.outOfControl ? `out of control (${p.outOfControl})` : '', p.runFlags.length ? 'run of 8' : '', p.provisional ? `provisional (${f.percent(p.pendingShare, 0)} open)` : ''].filter(Boolean).join(', '),
          p.projected ? `${f.percent(p.projected.rate)} (${f.interval(p.projected.lower, p.projected.upper)}), ${f.count(p.projected.pending)} pending` : '',
          changeCell(changes.vsPrevious),
          changeCell(changes.vsLastYear),
        ];
      }),
      [1, 2, 3, 4, 6],
    ),
    '',
    trendSummary(ts, f),
  );
  if (report.breakdowns.length) out.push('', '## By segment');
  for (const s of segmentRows(report, f)) {
    out.push('', `### ${s.title}`, '', table(['Segment', 'Rate', 'Interval', 'Accepted / offers', 'vs rest'], s.rows, [1, 2, 3]), '', s.summary);
  }
  const lb = report.leaderboard;
  if (lb) {
    const lbNote = leaderboardClusteringNote(lb, f);
    out.push(
      '',
      '## Offer leaderboard',
      '',
      table(
        ['#', 'Offer', 'Shrunken rate', 'Interval', 'Raw rate', 'Accepted / offers', 'Beats overall'],
        lb.rows.map((r) => [String(r.rank), `${r.offer ?? 'not recorded'}${r.smallSample ? ' (small sample)' : ''}`, f.percent(r.shrunkenRate), f.interval(r.lower, r.upper), f.percent(r.rate), `${f.count(r.accepted)} / ${f.count(r.offers)}`, f.probability(r.probabilityToBeatOverall)]),
        [0, 2, 3, 4, 5, 6],
      ),
      ...(lbNote ? ['', lbNote] : []),
    );
  }
  out.push(
    '',
    '## What stands out',
    '',
  );
  const { shown: items, more } = reportInsights(report);
  if (items.length === 0) out.push('Nothing stands out: no segment, offer or period differs significantly this month.');
  for (const i of items) out.push(`- **${i.title}** (${i.severity}) — ${i.text}`);
  if (more) out.push('', `${more} more findings: \`uprate report --insights --from ${report.from} --to ${report.to}\``);
  out.push('');
  return out.join('\n');
}

/** The headline's tiles as a one-row table (only what the model holds). */
function tilesTable(k: MonthlyReport['kpi'], f: Formatter, coverage: MonthlyReport['coverage']): string {
  const tiles = headlineTiles(k, f, coverage);
  const value = (t: (typeof tiles)[number]) => (t.key === 'customers' ? `${t.value} (${f.count(k.customers.converted)} of ${f.count(k.customers.offered)})` : t.value);
  return table(tiles.map((t) => t.label), [tiles.map(value)], tiles.map((_, i) => i));
}
