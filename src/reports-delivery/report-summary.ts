/**
 * What a webhook (and the email's text part) says about a monthly report: the headline rate, its
 * change against the previous calendar month and against the same month last year, and a link to
 * the dashboard when a public URL is configured. The words are the report's own (wording.ts), so
 * the summary and the HTML report agree.
 */
import { formatter } from '../report-html/format.js';
import { ENGLISH, type Messages } from '../report-html/messages.js';
import type { MonthlyReport } from '../report-html/monthly-report.js';
import { reportHeading } from '../report-html/coverage.js';
import { changeSentence, changeText, periodChangeWords, previousMonthName } from '../report-html/wording.js';

export interface ComparedMonth {
  /** `YYYY-MM`. */
  readonly period: string;
  readonly rate: number | null;
  /** This month's rate minus that one's, in percentage points. */
  readonly differencePoints: number | null;
  readonly significant: boolean;
  /** "+0.4 points vs Oct 2026: not significant (p = 0.41)". */
  readonly text: string;
}

export interface ReportSummary {
  /** `uprate.report/v1`: receivers can switch on it. */
  readonly schema: 'uprate.report/v1';
  /** The once-only key (also the X-Uprate-Delivery header): a receiver may deduplicate on it. */
  readonly key: string;
  readonly report: string;
  /** `YYYY-MM`, and its first and last day. */
  readonly period: string;
  readonly from: string;
  readonly to: string;
  /** "Upsell & cross-sell conversion — Nov 2026". */
  readonly title: string;
  /** "18.3% (95% interval 17.9%–18.7%), moderate: 3,661 of 20,000 offers accepted". */
  readonly headline: string;
  readonly rate: number | null;
  readonly interval: { readonly lower: number | null; readonly upper: number | null };
  readonly band: string | null;
  readonly offers: number;
  readonly accepted: number;
  readonly provisional: boolean;
  readonly vsPreviousMonth: ComparedMonth | null;
  readonly vsLastYear: ComparedMonth | null;
  readonly link: string | null;
  readonly sentAt: string;
}

/** The dashboard showing the month (`from`/`to` inclusive, monthly grain), as the alerts link it. */
export function reportLink(publicUrl: string | undefined, report: Pick<MonthlyReport, 'from' | 'to'>): string | null {
  if (!publicUrl) return null;
  const params = new URLSearchParams({ from: report.from, to: report.to, grain: 'month' });
  return `${publicUrl.replace(/\/+$/, '')}/?${params.toString()}`;
}

export function reportSummary(report: MonthlyReport, input: { readonly name: string; readonly key: string; readonly locale: string; readonly publicUrl: string | undefined; readonly sentAt: Date }): ReportSummary {
  const f = formatter(input.locale, { currency: report.currency, translate: true });
  const w = f.words;
  const k = report.kpi;
  const title = `${reportHeading(report.coverage, w)} — ${f.period(report.from, 'month')}`;
  const band = k.band.band;
  const headline =
    k.offers === 0
      ? w.summary.noOffers
      : `${f.percent(k.rate)} (${f.percent(k.query.level, 0)} ${w.interval} ${f.interval(k.interval.lower, k.interval.upper)})${band ? `, ${w.band[band]}` : ''}: ${w.acceptedLine(f.count(k.accepted), f.count(k.offers), null)}${k.provisional ? ` (${w.summary.stillPending(f.count(k.pending))})` : ''}`;
  let vsPreviousMonth: ComparedMonth | null = null;
  if (k.previous) {
    const c = changeSentence(k, f, previousMonthName(k, f));
    vsPreviousMonth = {
      period: k.previous.from.slice(0, 7),
      rate: k.previous.rate,
      differencePoints: k.change?.differencePoints ?? null,
      significant: k.change?.significant ?? false,
      text: `${c.points}${c.rest}${c.verdict}`.trim(),
    };
  }
  const index = report.trend.points.findIndex((p) => p.period === report.from);
  const point = report.trend.points[index];
  const year = point?.yearOverYear ?? null;
  const words = index >= 0 ? periodChangeWords(report.trend, index, f).vsLastYear : null;
  const vsLastYear: ComparedMonth | null =
    year && words
      ? {
          period: year.period.slice(0, 7),
          rate: report.trend.points.find((p) => p.period === year.period)?.rate ?? null,
          differencePoints: year.differencePoints,
          significant: year.significant,
          text: changeText(words, w),
        }
      : null;
  return {
    schema: 'uprate.report/v1',
    key: input.key,
    report: input.name,
    period: report.month,
    from: report.from,
    to: report.to,
    title,
    headline,
    rate: k.rate,
    interval: { lower: k.interval.lower, upper: k.interval.upper },
    band,
    offers: k.offers,
    accepted: k.accepted,
    provisional: k.provisional,
    vsPreviousMonth,
    vsLastYear,
    link: reportLink(input.publicUrl, report),
    sentAt: input.sentAt.toISOString(),
  };
}

/** The summary as plain text: the email's text part, in the report's words (`messagesFor(locale)`). */
export function summaryText(s: ReportSummary, words: Messages = ENGLISH): string {
  const w = words.summary;
  return [
    s.title,
    '',
    `${words.conversionRate}: ${s.headline}`,
    `${w.previousMonth}: ${s.vsPreviousMonth ? s.vsPreviousMonth.text : w.nothingToCompare}`,
    `${w.sameMonthLastYear}: ${s.vsLastYear ? s.vsLastYear.text : w.nothingToCompare}`,
    ...(s.link ? ['', `${w.open}: ${s.link}`] : []),
    '',
    w.fullReport,
    '',
  ].join('\n');
}

/** A Slack incoming-webhook message: `text` for notifications, `blocks` for the channel. */
export function slackReportMessage(s: ReportSummary): Record<string, unknown> {
  const lines = [`*${s.headline}*`, s.vsPreviousMonth ? `• ${s.vsPreviousMonth.text}` : '', s.vsLastYear ? `• ${s.vsLastYear.text}` : ''].filter(Boolean);
  return {
    text: `:bar_chart: ${s.title}: ${s.headline}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:bar_chart: *${s.title}*\n${lines.join('\n')}` } },
      ...(s.link ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `<${s.link}|open in uprate>` }] }] : []),
    ],
  };
}

/** The request body for a webhook recipient's format. */
export function webhookBody(format: 'json' | 'slack', s: ReportSummary): string {
  return JSON.stringify(format === 'slack' ? slackReportMessage(s) : s);
}
