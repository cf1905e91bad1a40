export { buildReport, kpiCell, DEFAULT_THRESHOLDS, type KpiCell, type Report, type ReportOptions, type ReportRow } from './report.js';
export { formatReport, REPORT_FORMATS, type ReportFormat } from './format-report.js';
export { GRAINS, parseGrain, parseDate, periodStart, nextPeriod, periodsBetween, type Grain } from './grain.js';
export { REPORT_DIMENSIONS, parseDimension, type ReportDimension } from './segments.js';
export { countWithCustomerSums, type RateMembers, type RowWithCustomerSums } from './customer-sums.js';
