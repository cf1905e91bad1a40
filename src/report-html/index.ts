/**
 * The monthly report (`uprate report --format html|md`) and the pieces the dashboard shares with
 * it: locale formatting, chart options, the headline bullet, and the sentences under the numbers.
 * See README.md.
 */
export { collectMonthlyReport, defaultMonth, monthRange, type MonthlyReport, type MonthlyReportOptions } from './monthly-report.js';
export { renderReportHtml, type RenderOptions } from './report-html.js';
export { renderReportMarkdown } from './report-markdown.js';
export { breakdownPanels, panelTitle, type BreakdownPanel } from './breakdown-panels.js';
export { coverageOf, FULL_COVERAGE, type ModelCoverage } from './coverage.js';
export { formatter, type Formatter } from './format.js';
