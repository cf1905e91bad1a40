export { buildReport, kpiCell, DEFAULT_THRESHOLDS, type KpiCell, type Report, type ReportOptions, type ReportRow } from './report.js';
export { formatReport, REPORT_FORMATS, type ReportFormat } from './format-report.js';
export { GRAINS, isPartial, parseGrain, parseDate, reportEnd, periodStart, nextPeriod, periodsBetween, type Grain } from './grain.js';
export { bindKpi, offerTypeFilter, servedBinding, boundDimension, dimensionKey, panelDimensions, BREAKDOWN_PANELS, capabilitiesOf, checkBinding, SHIPPED_BINDING_CONFIG, type BindingCheck, type BoundDimension, type Capability, type KpiBinding } from './binding.js';
export { countQuery, CountReads, offerEdge, readCounts, readCountsTogether, type CountRequest, type CountRow, type KpiSource } from './read-counts.js';
