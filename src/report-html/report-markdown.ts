/** The monthly report in Markdown: the same numbers, formatted by the same code, as tables. */
import { NO_NUMBER } from '../core/display.js';
import type { Formatter } from './format.js';
import type { MonthlyReport } from './monthly-report.js';
import { reportHeading } from './coverage.js';
import { findingWords } from './finding-text.js';
import { segmentsOverTimeTable, timeToAcceptTable, type ReportTable } from './report-tables.js';
import { metaLine, monthTitle, reportFormatter, reportInsights, segmentRows, standingWord, type RenderOptions } from './report-html.js';
import { acceptedLine, bandWords, changeCell, changeSentence, clusteringNote, headlineTiles, industryName, leaderboardClusteringNote, periodChangeWords, previousMonthName, provisionalNote, trendSummary } from './wording.js';

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function table(head: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const align = head.map((_, i) => (right.includes(i) ? '---:' : '---'));
  return [`| ${head.map(cell).join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function renderReportMarkdown(report: MonthlyReport, options: RenderOptions = {}): string {
  const f = reportFormatter(report, options);
  const w = f.words;
  const k = report.kpi;
  const coverage = report.coverage;
  const band = bandWords(k, w);
  const change = changeSentence(k, f, previousMonthName(k, f));
  const benchmarks = k.benchmark ? [k.benchmark] : k.benchmarks;
  const clustered = k.offers > 0 ? clusteringNote([k.interval], f) : null;
  const out: string[] = [
    `# ${reportHeading(coverage, w)} — ${monthTitle(report, f)}`,
    '',
    metaLine(report, f),
    '',
    `## ${w.sections.headline}`,
    '',
    `**${w.conversionRate} ${f.percent(k.rate)}** (${band.text}) — ${f.percent(k.query.level, 0)} ${w.interval} ${f.interval(k.interval.lower, k.interval.upper)}; ${acceptedLine(k, f, coverage)}.`,
    '',
    ...(clustered ? [clustered, ''] : []),
    change.direction === 'none' ? change.rest : `${w.change.change}: ${change.points ? `**${change.points}**` : ''}${change.rest}**${change.verdict}**.`,
    '',
    tilesTable(k, f, coverage),
  ];
  if (benchmarks.length) out.push('', `${w.standing.benchmarks}: ${benchmarks.map((b) => `${w.standing.customers(industryName(b.industry))} ${f.percent(b.rate)} ${w.standing.versus} ${f.percent(b.benchmark.rate, 0)} (${b.benchmark.source}): ${standingWord(b.standing, w)}`).join('; ')}.`);
  if (k.target) out.push('', `${w.standing.target} ${f.percent(k.target.rate)}: ${k.target.standing === 'consistent' ? w.standing.withinReach : k.target.standing ? standingWord(k.target.standing, w) : NO_NUMBER} (${f.points(k.target.gapPoints)}).`);
  const provisional = provisionalNote(k, f, undefined, coverage.window);
  if (provisional) out.push('', `> ${provisional}`);

  const ts = report.trend;
  out.push(
    '',
    `## ${w.sections.trend}`,
    '',
    table(
      [w.trendTable.period, w.trendTable.rate, cap(w.interval), w.trendTable.accepted, w.trendTable.limits, w.trendTable.signal, w.trendTable.projected, w.trendTable.vsPrevious(ts.grain), w.trendTable.vsLastYear(ts.grain)],
      ts.points.map((p, i) => {
        const changes = periodChangeWords(ts, i, f);
        return [
          f.period(p.period, ts.grain),
          p.provisional && p.rate !== null ? w.trendTable.soFar(f.percent(p.rate)) : f.percent(p.rate),
          f.interval(p.lower, p.upper),
          `${f.count(p.accepted)} / ${f.count(p.offers)}`,
          p.ucl === null ? '' : f.interval(p.lcl, p.ucl),
          [p.outOfControl ? w.trendTable.outOfControl(p.outOfControl) : '', p.runFlags.length ? w.trendTable.runOf8 : '', p.provisional ? w.trendTable.provisional(f.percent(p.pendingShare, 0)) : ''].filter(Boolean).join(', '),
          p.projected ? `${f.percent(p.projected.rate)} (${f.interval(p.projected.lower, p.projected.upper)}), ${w.trendTable.pending(f.count(p.projected.pending))}` : '',
          changeCell(changes.vsPrevious),
          changeCell(changes.vsLastYear),
        ];
      }),
      [1, 2, 3, 4, 6],
    ),
    '',
    trendSummary(ts, f),
  );
  if (report.segmentsOverTime) out.push('', `## ${w.sections.segmentsOverTime}`, '', ...tableBlock(segmentsOverTimeTable(report.segmentsOverTime, f)));
  if (report.breakdowns.length) out.push('', `## ${w.sections.bySegment}`);
  for (const s of segmentRows(report, f)) {
    out.push('', `### ${s.title}`, '', table([w.segments.segment, w.trendTable.rate, cap(w.interval), w.trendTable.accepted, w.segments.vsRest], s.rows, [1, 2, 3]), '', s.summary);
  }
  if (report.timeToAccept) out.push('', `## ${w.sections.timeToAccept}`, '', ...tableBlock(timeToAcceptTable(report.timeToAccept, f)));
  const lb = report.leaderboard;
  if (lb) {
    const lbNote = leaderboardClusteringNote(lb, f);
    out.push(
      '',
      `## ${w.sections.leaderboard}`,
      '',
      table(
        [w.leaderboard.rank, w.leaderboard.offer, w.leaderboard.shrunken, cap(w.interval), w.leaderboard.raw, w.trendTable.accepted, w.leaderboard.beats],
        lb.rows.map((r) => [String(r.rank), `${r.offer ?? w.leaderboard.notRecorded}${r.smallSample ? ` (${w.segments.smallSample})` : ''}`, f.percent(r.shrunkenRate), f.interval(r.lower, r.upper), f.percent(r.rate), `${f.count(r.accepted)} / ${f.count(r.offers)}`, f.probability(r.probabilityToBeatOverall)]),
        [0, 2, 3, 4, 5, 6],
      ),
      ...(lbNote ? ['', lbNote] : []),
    );
  }
  out.push(
    '',
    `## ${w.sections.standsOut}`,
    '',
  );
  const { shown: items, more } = reportInsights(report);
  if (items.length === 0) out.push(w.insights.nothing);
  for (const i of items) {
    const words = findingWords(i, f);
    out.push(`- **${words.title}** (${w.insights.severity[i.severity]}) — ${words.text}`);
  }
  if (more) out.push('', `${w.insights.more(more)}: \`uprate report --insights --from ${report.from} --to ${report.to}\``);
  out.push('');
  return out.join('\n');
}

/** The headline's tiles as a one-row table (only what the model holds). */
function tilesTable(k: MonthlyReport['kpi'], f: Formatter, coverage: MonthlyReport['coverage']): string {
  const tiles = headlineTiles(k, f, coverage);
  const value = (t: (typeof tiles)[number]) => (t.key === 'customers' ? `${t.value} (${f.words.tiles.of(f.count(k.customers.converted), f.count(k.customers.offered))})` : t.value);
  return table(tiles.map((t) => t.label), [tiles.map(value)], tiles.map((_, i) => i));
}

/** A report table with its introduction and notes, as Markdown lines. */
function tableBlock(t: ReportTable): string[] {
  return [...(t.intro ? [t.intro, ''] : []), table(t.head, t.rows, t.right), ...t.notes.flatMap((n) => ['', n])];
}
