/**
 * The OpenAPI 3.1 document of uprate's own JSON API (`GET /api/v1/openapi.json`, served without a
 * token). Its component schemas are generated from the zod schemas of src/insights/api-schema.ts
 * (the same schemas give the TypeScript types, and the tests check every response against them);
 * the paths and parameters are written here, and name each route's body by its schema
 * ({@link API_ROUTES}).
 *
 * The members the document names (breakdown dimensions, the leaderboard's default, examples) are
 * those of the KPI binding: pass them as {@link OpenApiOptions}; the default is the shipped model's.
 *
 * @example
 * openApiDocument({ dimensions: ['UpsellOffers.segment', 'UpsellOffers.channel'], offerName: null })
 */
import { z } from 'zod';
import {
  alertCheckSchema,
  alertListSchema,
  alertRulesSchema,
  addAnnotationRequestSchema,
  annotationListSchema,
  annotationWriteSchema,
  deletedSchema,
  saveViewRequestSchema,
  savedViewListSchema,
  savedViewWriteSchema,
  rollupBuildSchema,
  rollupDropSchema,
  rollupListSchema,
  apiComponents,
  apiCorrectionSchema,
  apiErrorSchema,
  apiFilterSchema,
  apiGrainSchema,
  apiIntervalMethodSchema,
  apiOfferTypeSchema,
  bindingDocumentSchema,
  breakdownResponseSchema,
  compareResponseSchema,
  ingestSummarySchema,
  insightsResponseSchema,
  kpiResponseSchema,
  leaderboardResponseSchema,
  monthlyReportSchema,
  opportunitiesResponseSchema,
  propensityReportSchema,
  reportSchema,
  sampleSizeResponseSchema,
  timeseriesResponseSchema,
  timeToAcceptResponseSchema,
} from '../insights/api-schema.js';

type Schema = Record<string, unknown>;

/** The members the document names; each defaults to the shipped model's. */
export interface OpenApiOptions {
  /** Model members offered for breakdowns (`by`, `dimensions`, the report's `by` as snake-case keys). */
  readonly dimensions?: readonly string[];
  /** The member the leaderboard ranks by default (null: the binding has none, `by` is then required). */
  readonly offerName?: string | null;
}

/** The shipped model's breakdown dimensions and offer name (what the document said before the binding). */
const SHIPPED: Required<OpenApiOptions> = {
  dimensions: [
    'Customers.accountSize',
    'Customers.lifecycleStage',
    'Customers.engagementTier',
    'Customers.industry',
    'Customers.region',
    'Customers.plan',
    'Offers.offerType',
    'Offers.offerName',
    'Offers.channel',
    'Offers.campaign',
  ],
  offerName: 'Offers.offerName',
};

/** The body of `GET /api/v1/openapi.json` as the response check reads it. */
const openApiBodySchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.looseObject({ schemas: z.record(z.string(), z.unknown()) }),
});

/**
 * Every /api/v1 route, by `METHOD path` (OpenAPI path templates: `{table}`), with the schema of
 * its 2xx body. The document's responses and the response check both read this table; errors
 * (4xx) are {@link apiErrorSchema} on every route.
 */
export const API_ROUTES: Readonly<Record<string, z.ZodType>> = {
  'GET /api/v1/kpi': kpiResponseSchema,
  'GET /api/v1/timeseries': timeseriesResponseSchema,
  'GET /api/v1/breakdown': breakdownResponseSchema,
  'GET /api/v1/time-to-accept': timeToAcceptResponseSchema,
  'GET /api/v1/leaderboard': leaderboardResponseSchema,
  'GET /api/v1/compare': compareResponseSchema,
  'GET /api/v1/insights': insightsResponseSchema,
  'GET /api/v1/sample-size': sampleSizeResponseSchema,
  'GET /api/v1/report': reportSchema,
  'GET /api/v1/report/monthly': monthlyReportSchema,
  'GET /api/v1/propensity': propensityReportSchema,
  'GET /api/v1/opportunities': opportunitiesResponseSchema,
  'POST /api/v1/ingest/{table}': ingestSummarySchema,
  'GET /api/v1/alerts': alertListSchema,
  'GET /api/v1/alerts/rules': alertRulesSchema,
  'POST /api/v1/alerts/check': alertCheckSchema,
  'GET /api/v1/binding': bindingDocumentSchema,
  'GET /api/v1/rollups': rollupListSchema,
  'POST /api/v1/rollups/build': rollupBuildSchema,
  'POST /api/v1/rollups/drop': rollupDropSchema,
  'GET /api/v1/openapi.json': openApiBodySchema,
  'GET /api/v1/views': savedViewListSchema,
  'POST /api/v1/views': savedViewWriteSchema,
  'DELETE /api/v1/views/{name}': deletedSchema,
  'GET /api/v1/annotations': annotationListSchema,
  'POST /api/v1/annotations': annotationWriteSchema,
  'DELETE /api/v1/annotations/{id}': deletedSchema,
};

const COMPONENTS = '#/components/schemas/';

/** `$ref` to the component a schema of api-schema.ts is registered as; a schema without one is a bug here. */
function ref(schema: z.ZodType): Schema {
  const id = apiComponents.get(schema)?.id;
  if (!id) throw new Error('openapi: a response schema is not registered as a component of api-schema.ts');
  return { $ref: `${COMPONENTS}${id}` };
}

let generated: Record<string, Schema> | undefined;

/** The component schemas, generated once from api-schema.ts. */
export function componentSchemas(): Record<string, Schema> {
  generated ??= generateComponents();
  return structuredClone(generated);
}

function generateComponents(): Record<string, Schema> {
  const { schemas } = z.toJSONSchema(apiComponents, {
    target: 'draft-2020-12', // OpenAPI 3.1's dialect
    // A client reads what the server sends; "input" leaves objects open (fields are only ever added).
    io: 'input',
    unrepresentable: 'throw',
    uri: (id) => `${COMPONENTS}${id}`,
    override: ({ jsonSchema }) => {
      // `.readonly()` is a TypeScript matter, not OpenAPI's readOnly (sent only in responses).
      delete jsonSchema.readOnly;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      // `format` says it; the generated regex would be repeated at every date.
      if (jsonSchema.format === 'date' || jsonSchema.format === 'date-time') delete jsonSchema.pattern;
    },
  });
  const out: Record<string, Schema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    if (id === '__shared') throw new Error('openapi: a schema shared between components has no id: register it in api-schema.ts');
    const { $schema: _dialect, $id: _id, ...rest } = schema as Schema;
    out[id] = rest;
  }
  return out;
}

const query = (name: string, description: string, schema: Schema = { type: 'string' }, required = false): Schema => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});
/** A query parameter holding JSON (Cube filters). */
const jsonQuery = (name: string, description: string, schema: Schema, required = false): Schema => ({
  name,
  in: 'query',
  required,
  description,
  content: { 'application/json': { schema } },
});
/** A comma-separated list of members: `by=A,B`. */
/** One member of `names` (any string when the binding names none). */
const members = (names: readonly string[]): Schema => (names.length > 0 ? { type: 'string', enum: [...names] } : { type: 'string' });
const memberList = (name: string, description: string, names: readonly string[], maxItems: number, required = false): Schema => ({
  ...query(name, description, { type: 'array', items: members(names), minItems: 1, maxItems }, required),
  style: 'form',
  explode: false,
});
const choice = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] });
const fraction = { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 };
const day = { type: 'string', format: 'date' };

/** Without it an answer is as of the server's clock, and a cached one may be as old as the cache's max age (x-uprate-as-of says when). */
const AS_OF = query('asOf', 'Evaluate acceptance and pending status as of this date or instant (default: the server clock; an answer from the cache may be up to the server’s cache max age old, see x-uprate-as-of). An explicit asOf is cached until the data changes.');

const errorContent = { 'application/json': { schema: ref(apiErrorSchema) } };
const ERRORS = {
  '400': { description: 'A bad parameter; `location` names it.', content: errorContent },
  '403': { description: "Missing or invalid token (Cube's wording).", content: errorContent },
};

function ok(route: string): Schema {
  const schema = API_ROUTES[route];
  if (!schema) throw new Error(`openapi: ${route} is not in API_ROUTES`);
  return { description: 'OK', content: { 'application/json': { schema: apiComponents.has(schema) ? ref(schema) : { type: 'object' } } } };
}

/** The headers of an answer that went through the answer cache (src/server/api-answers.ts). */
const CACHE_HEADERS: Schema = {
  'x-uprate-cache': {
    description: 'hit: from the cache; miss: computed for this request; joined: computed once for this and identical requests that came while it ran.',
    schema: choice(['hit', 'miss', 'joined']),
  },
  'x-uprate-computed-at': { description: 'When the answer was computed (ISO instant).', schema: { type: 'string', format: 'date-time' } },
  'x-uprate-as-of': {
    description: "The clock the answer was computed as of: the request's asOf, else the server's clock when it was computed — at most the server's cache max age (`uprate serve --cache-max-age`, default 60 s) ago.",
    schema: { type: 'string', format: 'date-time' },
  },
};

/** A GET; `cached`: answered through the answer cache, with its headers. */
function get(path: string, summary: string, description: string, parameters: Schema[], cached = true): Schema {
  const body = ok(`GET ${path}`);
  return { get: { summary, description, parameters, responses: { '200': cached ? { ...body, headers: CACHE_HEADERS } : body, ...ERRORS } } };
}

/** The snake-case key the report's `by` takes for a member (`Customers.accountSize` → `account_size`). */
function reportKey(member: string): string {
  const name = member.slice(member.lastIndexOf('.') + 1);
  return name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`).replace(/^_/, '');
}

/** The OpenAPI 3.1 document for every /api/v1 route. */
export function openApiDocument(options: OpenApiOptions = {}): Schema {
  const dimensions = options.dimensions ?? SHIPPED.dimensions;
  const offerName = options.offerName === undefined ? SHIPPED.offerName : options.offerName;
  const scanned = dimensions.filter((d) => d !== offerName);
  const [first = 'Cube.dimension', second] = scanned;
  const filterExample = `[{"member":"${first}","operator":"equals","values":["…"]}]`;
  const filters = { type: 'array', items: ref(apiFilterSchema) };

  const COMMON = [
    query('from', 'First day included (YYYY-MM-DD); default the first day with offers.', day),
    query('to', 'Last day included (YYYY-MM-DD); default the last day with offers.', day),
    query('offerType', 'Only upsell or only cross_sell offers.', ref(apiOfferTypeSchema)),
    jsonQuery('filters', `URL-encoded JSON array of Cube filters on model dimensions, e.g. ${filterExample}.`, filters),
    query('level', 'Confidence level of every interval (default 0.95).', fraction),
    query('method', 'Interval method (default wilson); exact is used below 30 offers.', ref(apiIntervalMethodSchema)),
    AS_OF,
  ];
  const CORRECTION = query('correction', 'Multiple-comparison correction (default holm).', ref(apiCorrectionSchema));

  const ingest = {
    post: {
      summary: 'Load offers or customers',
      description: 'The body (CSV, NDJSON, JSON array or Parquet) is checked row by row and loaded all-or-nothing; re-loading a row replaces it.',
      parameters: [
        { name: 'table', in: 'path', required: true, schema: choice(['offers', 'customers']) },
        { name: 'x-uprate-source', in: 'header', required: false, description: 'A file name for error locations.', schema: { type: 'string' } },
      ],
      requestBody: {
        required: true,
        content: Object.fromEntries(
          ['text/csv', 'application/x-ndjson', 'application/json', 'application/vnd.apache.parquet'].map((t) => [
            t,
            { schema: t.includes('parquet') ? { type: 'string', format: 'binary' } : { type: 'string' } },
          ]),
        ),
      },
      responses: {
        '200': { ...ok('POST /api/v1/ingest/{table}'), description: 'Loaded' },
        ...ERRORS,
        '413': { description: 'Body too large', content: errorContent },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'uprate API',
      version: '1',
      description:
        'Upsell / cross-sell conversion rate with honest statistics. Rates are fractions; every rate carries its counts and interval; `null` means "does not exist" (no offers). Reads are cached per normalised request and caller until the data changes (an ingest); one asked without asOf is reused for at most the server’s cache max age — the x-uprate-cache, x-uprate-computed-at and x-uprate-as-of headers say where an answer came from and when it is from. The Cube-compatible API lives under /cubejs-api/v1.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/kpi': get(
        '/api/v1/kpi',
        'Headline KPI',
        'Rate with interval, band, benchmarks per industry, target, customers, revenue, and the change against the previous period: as many calendar months before for a range of whole months, else as many days.',
        COMMON,
      ),
      '/api/v1/timeseries': get(
        '/api/v1/timeseries',
        'KPI per period with control limits',
        'Every period of the range; control limits per period n (Laney p′ when over-dispersed); runs; change against the previous period and the same period a year earlier (Holm-corrected families); customer-clustered intervals; a seasonal quasi-binomial trend; a projected final rate for provisional periods, which stay off the chart and out of every test unless includeProvisional=true.',
        [
          ...COMMON,
          query('grain', 'Period length (default month).', ref(apiGrainSchema)),
          query('chart', "auto (default: Laney's p′ when the periods vary more than chance, by a χ² test; else p), p, or laney.", choice(['auto', 'p', 'laney'])),
          query('includeProvisional', 'Chart provisional periods too (default false).', choice(['true', 'false'])),
          query(
            'by',
            'One dimension: the answer adds `segments`, one series per segment over the same periods (each computed as the whole selection’s, on its own offers), for the 8 segments with the most offers in the range; `segmentsNote` says what was left out.',
            members(dimensions),
          ),
        ],
      ),
      '/api/v1/breakdown': get(
        '/api/v1/breakdown',
        'KPI by one or two dimensions, with tests',
        'Each segment against the rest (z or Fisher), corrected together; χ² test of homogeneity.',
        [...COMMON, memberList('by', `One or two dimensions, comma-separated, e.g. ${[first, second].filter(Boolean).join(',')}.`, dimensions, 2, true), CORRECTION],
      ),
      '/api/v1/time-to-accept': get(
        '/api/v1/time-to-accept',
        'Cumulative acceptance by days since the offer, per segment',
        'For each of the 8 segments of `by` with the most offers: per day d = 0 … the conversion window, the offers followed, those accepted within d days and the share accepted within d days with its interval. Offers still open at the as-of instant are censored at their age (Kaplan–Meier); the interval is Greenwood’s variance as an effective sample, divided by the segment’s customer design effect (Wilson; exact below 30). Needs kpi.daysToAccept in the binding.',
        [...COMMON, query('by', `One dimension (default: the binding’s offer type), e.g. ${first}.`, members(dimensions))],
      ),
      '/api/v1/leaderboard': get(
        '/api/v1/leaderboard',
        'Offers ranked by shrunken rate',
        'Empirical-Bayes shrunken rate with credible interval, raw counts, probability to beat the overall rate; small samples (< 30 offers) flagged and ranked last.',
        [
          ...COMMON,
          query('by', offerName ? `Dimension to rank (default ${offerName}).` : 'Dimension to rank.', members(dimensions)),
          query('sort', 'Sort key (default shrunken).', choice(['shrunken', 'raw', 'offers', 'probability'])),
          query('limit', 'At most this many rows.', { type: 'integer', minimum: 1 }),
        ],
      ),
      '/api/v1/compare': get(
        '/api/v1/compare',
        'Two populations compared',
        'A and B are the common selection narrowed by their own filters (and optionally date ranges); difference with Newcombe interval and test.',
        [
          ...COMMON,
          jsonQuery('a', 'JSON array of Cube filters for population A ([] = all selected).', filters, true),
          jsonQuery('b', 'JSON array of Cube filters for population B.', filters, true),
          query('aFrom', "A's own first day.", day),
          query('aTo', "A's own last day.", day),
          query('bFrom', "B's own first day.", day),
          query('bTo', "B's own last day.", day),
        ],
      ),
      '/api/v1/insights': get(
        '/api/v1/insights',
        'Plain-language findings',
        'Segments above/below the rest, best and worst offers, channel gap, control-chart signals, period-over-period change, trend, benchmarks, target, band.',
        [...COMMON, CORRECTION, memberList('dimensions', `Dimensions to scan, comma-separated (default: ${scanned.join(', ')}).`, dimensions, 50)],
      ),
      '/api/v1/sample-size': get(
        '/api/v1/sample-size',
        'Sample size / minimum detectable effect',
        'Offers and customers per arm to detect baseline → baseline + mde (two-sided), and/or the smallest change detectable with n offers per arm — counting that one customer’s offers are not independent (the design effect and offers per customer are measured on the selection).',
        [
          ...COMMON,
          query('baseline', 'Current rate as a fraction, e.g. 0.15 (default: the selection’s rate).', fraction),
          query('designEffect', 'Use this design effect instead of the measured one (1 = independent offers).', { type: 'number', minimum: 1 }),
          query('mde', 'Absolute change to detect as a fraction (0.02 = 2 points).', fraction),
          query('n', 'Offers per arm available.', { type: 'integer', minimum: 1 }),
          query('power', 'Default 0.8.', fraction),
          query('alpha', 'Two-sided significance level, default 0.05.', fraction),
        ],
      ),
      '/api/v1/report': get('/api/v1/report', 'The report document', 'The `uprate report --format json` document: rows per period and/or segment.', [
        query('grain', 'day, week, month, quarter or year (default month without by); none: one row per segment.', { anyOf: [ref(apiGrainSchema), choice(['none'])] }),
        memberList('by', 'Report dimensions, comma-separated.', dimensions.map(reportKey), dimensions.length),
        query('from', 'First day included (or an ISO 8601 instant).', day),
        query('to', 'Last day included (or an ISO 8601 instant: the report ends there).', day),
        query('offerType', 'upsell or cross_sell.', ref(apiOfferTypeSchema)),
        query('window', 'Conversion window in days (the shipped model only).', { type: 'integer', minimum: 0 }),
        AS_OF,
      ]),
      '/api/v1/report/monthly': get(
        '/api/v1/report/monthly',
        'The monthly report',
        'The numbers of the monthly report (`uprate report --format html|md`): the month’s headline, a 13-month trend, breakdowns by the binding’s panel dimensions, the offer leaderboard and the findings, with the server’s bands, target and conversion window.',
        [
          query('month', 'YYYY-MM (default: the last month that ended before asOf, or the month of the last offer).', { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }),
          query('offerType', 'Only upsell or only cross_sell offers.', ref(apiOfferTypeSchema)),
          jsonQuery('filters', `URL-encoded JSON array of Cube filters on model dimensions, e.g. ${filterExample}.`, filters),
          AS_OF,
        ],
      ),
      ...propensityPaths(filters, filterExample, AS_OF),
      '/api/v1/ingest/{table}': ingest,
      '/api/v1/alerts': get(
        '/api/v1/alerts',
        'Alerts',
        'Firing alerts (critical first) and those resolved recently; the dashboard panel reads this. Cached until this server runs an alert check (or the data changes); a check another process ran shows within the cache max age.',
        [],
      ),
      '/api/v1/alerts/rules': get(
        '/api/v1/alerts/rules',
        'Alert rules in force',
        'The rules this server runs and the channels they send to (what `uprate alerts list --server` prints); an admin token on a server with security filters. A channel shows its scheme, host and port only.',
        [],
        false,
      ),
      '/api/v1/alerts/check': {
        post: {
          summary: 'Evaluate the alert rules now',
          description: 'What `uprate alerts check` does, through the running server: state moves and notifications are sent once (unless dryRun=true).',
          parameters: [
            query('at', 'Evaluate as of this date or instant (default: now).'),
            query('dryRun', 'Evaluate only: no state change, nothing sent.', choice(['true', 'false'])),
            { ...query('rule', 'Only these rules (repeat the parameter, or comma-separated; default all).', { type: 'array', items: { type: 'string' } }), style: 'form', explode: true },
          ],
          responses: {
            '200': ok('POST /api/v1/alerts/check'),
            ...ERRORS,
            '404': { description: 'Alert monitoring is off in this server', content: errorContent },
          },
        },
      },
      '/api/v1/rollups': get(
        '/api/v1/rollups',
        'Rollups',
        'The served model’s rollups (pre-aggregations): fresh, stale (and why) or missing, with rows and build time (what `uprate rollups status` prints); an admin token on a server with security filters.',
        [],
        false,
      ),
      '/api/v1/rollups/build': {
        post: {
          summary: 'Build rollups',
          description: 'Builds the named rollups (default: all of the model’s) from the rows, each in one commit (what `uprate rollups build` does through the server); an admin token on a server with security filters.',
          parameters: [query('name', 'Comma-separated rollup names (`Offers.daily`); default all.')],
          responses: { '200': ok('POST /api/v1/rollups/build'), ...ERRORS },
        },
      },
      '/api/v1/rollups/drop': {
        post: {
          summary: 'Drop rollups',
          description: 'Drops the named rollups (default: every built one); queries then read the rows. An admin token on a server with security filters.',
          parameters: [query('name', 'Comma-separated rollup names; default all.')],
          responses: { '200': ok('POST /api/v1/rollups/drop'), ...ERRORS },
        },
      },
      '/api/v1/binding': get(
        '/api/v1/binding',
        'The KPI binding',
        'Which model members are the KPI’s inputs, the breakdown dimensions with their titles, and what the bound model can and cannot support (the dashboard builds its controls from it).',
        [],
        false,
      ),
      ...savedPaths(),
      '/api/v1/openapi.json': {
        get: { summary: 'This document', security: [], responses: { '200': { ...ok('GET /api/v1/openapi.json'), description: 'OpenAPI 3.1' } } },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256, signed with UPRATE_API_SECRET (as Cube).' } },
      schemas: componentSchemas(),
    },
  };
}

/** The caveat both propensity endpoints carry, in the document's words. */
const NOT_UPLIFT =
  'Propensity is not uplift: a high probability says a customer resembles those who accepted, not that the offer causes the acceptance; the answer carries the sample size of a randomized holdout that would measure the offer’s real effect.';

/** /api/v1/propensity and /api/v1/opportunities (src/server/routes/propensity.ts). */
function propensityPaths(filters: Schema, filterExample: string, asOf: Schema): Record<string, Schema> {
  const offer = query('offer', 'One offer (its name); default: every offer with enough history.');
  const shared = [
    offer,
    jsonQuery('filters', `URL-encoded JSON array of Cube filters on model dimensions, e.g. ${filterExample}: only these customers’ offers train and are scored.`, filters),
    asOf,
    query('level', 'Confidence level of every interval (default 0.95).', fraction),
  ];
  const opportunities = get(
    '/api/v1/opportunities',
    'Customers ready to grow',
    `Customers not holding an open (pending) offer, ranked for an offer by expected conversion (probability) or expected revenue (probability × the offer’s mean accepted revenue), each with the probability’s interval and the two or three attributes that push it most; the validation report comes along. format=csv writes the rows for a CRM: rank, customer, offer, probability, lower, upper, expected_revenue, driver_1..3, predictor, then the attributes. Restricted to the caller’s rows. ${NOT_UPLIFT}`,
    [
      ...shared,
      query('limit', 'At most this many rows (default 100).', { type: 'integer', minimum: 1, maximum: 10_000 }),
      query('sort', 'Rank by probability (default) or expected revenue.', choice(['probability', 'revenue'])),
      query('format', 'json (default) or csv (text/csv, one row per customer).', choice(['json', 'csv'])),
    ],
  );
  const csv = { 'text/csv': { schema: { type: 'string' } } };
  const ok200 = opportunities['get'] as { responses: Record<string, { content: Record<string, unknown> }> };
  const first = ok200.responses['200'];
  if (first) first.content = { ...first.content, ...csv };
  return {
    '/api/v1/propensity': get(
      '/api/v1/propensity',
      'Propensity model validation',
      `Per offer, the logistic propensity model and the segment-rate baseline on a time-based holdout (the last months of offers): AUC with a customer-clustered bootstrap interval, Brier score, calibration by decile (predicted against observed with Wilson intervals) and top-decile lift, with a verdict; an offer whose model does not beat the baseline is ranked by the baseline. Training may sample customers (the sample note says so). Restricted to the caller’s rows. ${NOT_UPLIFT}`,
      shared,
    ),
    '/api/v1/opportunities': opportunities,
  };
}

/** A JSON request body of one of api-schema.ts's components. */
const jsonBody = (schema: z.ZodType): Schema => ({ required: true, content: { 'application/json': { schema: ref(schema) } } });
const NOT_FOUND = { description: 'No such view or annotation (of the caller’s tenant)', content: errorContent };
const READ_ONLY = { description: 'The store is open read-only: nothing can be saved', content: errorContent };

/** /api/v1/views and /api/v1/annotations (src/server/routes/saved.ts). */
function savedPaths(): Record<string, Schema> {
  const tenancy = 'On a server with security filters a caller sees and changes only its own tenant’s rows.';
  return {
    '/api/v1/views': {
      ...get('/api/v1/views', 'Saved views', `The saved dashboard views, by name. ${tenancy}`, [], false),
      post: {
        summary: 'Save a view',
        description: `Saves the dashboard's query string under a name; a view of the same name is replaced (the answer's replaced says so). ${tenancy}`,
        requestBody: jsonBody(saveViewRequestSchema),
        responses: { '200': ok('POST /api/v1/views'), ...ERRORS, '409': READ_ONLY },
      },
    },
    '/api/v1/views/{name}': {
      delete: {
        summary: 'Delete a saved view',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': ok('DELETE /api/v1/views/{name}'), ...ERRORS, '404': NOT_FOUND, '409': READ_ONLY },
      },
    },
    '/api/v1/annotations': {
      ...get(
        '/api/v1/annotations',
        'Annotations',
        `Notes on days (e.g. "pricing change"), drawn on the dashboard's trend, by day. ${tenancy}`,
        [query('from', 'First day included (YYYY-MM-DD).', day), query('to', 'Last day included (YYYY-MM-DD).', day)],
        false,
      ),
      post: {
        summary: 'Add an annotation',
        description: `A note on a day (what \`uprate annotate add\` does). ${tenancy}`,
        requestBody: jsonBody(addAnnotationRequestSchema),
        responses: { '200': ok('POST /api/v1/annotations'), ...ERRORS, '409': READ_ONLY },
      },
    },
    '/api/v1/annotations/{id}': {
      delete: {
        summary: 'Remove an annotation',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': ok('DELETE /api/v1/annotations/{id}'), ...ERRORS, '404': NOT_FOUND, '409': READ_ONLY },
      },
    },
  };
}
