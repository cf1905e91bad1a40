/**
 * The monthly report (`uprate report --format html|md`) and the pieces the dashboard shares with
 * it: locale formatting, chart options, the headline bullet, and the sentences under the numbers.
 * See README.md.
 */
export { collectMonthlyReport, defaultMonth, monthRange, type MonthlyReport, type MonthlyReportOptions } from './monthly-report.js';
export { renderReportHtml, type RenderOptions } from './report-html.js';
export { renderReportMarkdown } from './report-markdown.js';
export { REPORT_BREAKDOWNS } from './breakdowns.js';
export { formatter, type Formatter } from './format.js';
