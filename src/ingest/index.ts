export { LOAD_ORDER, ingestFiles, ingestTables } from './ingest.js';
export type { CheckedRows, IngestOptions, IngestProgress, IngestSummary, IngestTablesOptions, RowError, TableFiles } from './ingest-options.js';
export { checkFilesExist } from './files-exist.js';
export { formatFromName, SUPPORTED_EXTENSIONS, type SourceFormat } from './source-format.js';
export { rowRules, type RowRule } from './rules.js';
