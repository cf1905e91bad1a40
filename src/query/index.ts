/**
 * Cube query JSON → validated, normalised request → immutable plan → (src/sql) SQL → Cube's
 * response shapes. The functions the server calls: answerQuery, compileToSql, dryRun, meta.
 */
export { answerQuery, dialectOf, prepareQuery, rollupsFor, type AnswerOptions, type LoadAnswer, type LoadResult, type PreparedQuery, type PreparedRequest } from './answer-query.js';
export { compileToSql, dryRun, queryKey, type SqlResponse } from './sql-response.js';
export { meta } from './meta.js';
export { accessFilters, allAccess, tenantAccess, type Access, type AllAccessReason } from './access.js';
export { guardCells, guardQuery } from './cost-guard.js';
export { buildAnnotation, memberAnnotation, type Annotation, type MemberAnnotation } from './annotation.js';
export { formatRows, type DataRow } from './format-result.js';
export { buildPlan, type PlanOptions } from './build-plan.js';
export { normalizeRequest, normalizeFilters, DEFAULT_LIMIT, MAX_LIMIT, type NormalizedQuery, type NormalizedRequest, type QueryType } from './normalize-query.js';
export { parseCubeQuery, FILTER_OPERATORS, GRANULARITIES, type CubeQuery, type CubeFilterItem, type FilterOperator, type Granularity } from './cube-query.js';
export { parseRelativeRange } from './date-range.js';
export { deepFreeze, type QueryPlan, type Predicate, type Selection, type MemberRef, type OrderItem } from './plan.js';
export { answerClustered, type ClusteredRow, type ClusterRequest } from './cluster-moments.js';
export { answerRows, inSample, sampleBucket, sampleBuckets, sampledShare, summarizeRows, SAMPLE_BUCKETS, type CustomerSample, type RowCondition, type RowsOptions, type RowsSummary, type SummaryColumn, type SummaryRow } from './answer-rows.js';
