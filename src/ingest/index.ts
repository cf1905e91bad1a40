export { ingestFiles, type CheckedRows, type IngestOptions, type IngestProgress, type IngestSummary, type RowError } from './ingest.js';
export { formatFromName, SUPPORTED_EXTENSIONS, type SourceFormat } from './source-format.js';
export { rowRules, type RowRule } from './rules.js';
