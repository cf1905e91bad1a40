/**
 * The OpenAPI 3.1 document of uprate's own JSON API (`GET /api/v1/openapi.json`, served without a
 * token). Response schemas mirror src/insights/api-types.ts; keep the two in step.
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, 'null'], ...extra });
const num = (description?: string): Schema => ({ type: 'number', ...(description ? { description } : {}) });
const int = (description?: string): Schema => ({ type: 'integer', minimum: 0, ...(description ? { description } : {}) });
const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const obj = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  ...(description ? { description } : {}),
});
const allOf = (...parts: Schema[]): Schema => ({ allOf: parts });
const arr = (items: Schema): Schema => ({ type: 'array', items });
const choice = (values: readonly string[], nullableToo = false): Schema => ({ enum: nullableToo ? [...values, null] : [...values] });

const BANDS = ['strong', 'moderate', 'poor'];

const schemas: Record<string, Schema> = {
  Error: {
    type: 'object',
    properties: { error: str('what went wrong, with the place and the fix'), code: str('e.g. BAD_ARGUMENT, QUERY_INVALID'), location: str('the parameter, e.g. filters[0].member'), hint: str(), details: {} },
    required: ['error', 'code'],
  },
  Filter: {
    type: 'object',
    description: 'A Cube filter: {member, operator, values}, or an {and: [...]} / {or: [...]} group.',
    properties: { member: str('Cube.member'), operator: str("one of Cube's 24 operators"), values: arr({ type: ['string', 'number', 'boolean', 'null'] }), and: arr(ref('Filter')), or: arr(ref('Filter')) },
  },
  Thresholds: obj({ strong: num('above this is strong'), poor: num('below this is poor') }),
  QueryEcho: obj({
    from: nullable('string', { format: 'date' }),
    to: nullable('string', { format: 'date' }),
    offerType: choice(['upsell', 'cross_sell'], true),
    filters: arr(ref('Filter')),
    level: num(),
    method: choice(['wilson', 'jeffreys', 'exact']),
    asOf: str('ISO instant the answer was computed as of'),
    windowDays: int('conversion window'),
    thresholds: ref('Thresholds'),
  }),
  Interval: obj(
    {
      lower: nullable('number'),
      upper: nullable('number'),
      method: choice(['wilson', 'jeffreys', 'exact']),
      level: num(),
      variance: choice(['customer-clustered', 'binomial']),
      designEffect: num('cluster-robust over binomial variance, floored at 1'),
      customers: nullable('integer'),
      effectiveOffers: num('offers / designEffect'),
    },
    'The method applied to the effective sample (offers / design effect): one customer’s offers are not independent.',
  ),
  Projection: obj(
    {
      rate: num('projected final rate'),
      lower: num(),
      upper: num(),
      level: num(),
      method: choice(['kaplan-meier']),
      expectedAdditional: num('acceptances still expected from pending offers'),
      pending: int(),
      basis: str('what the acceptance curve was learnt from'),
    },
    'Where a period still filling in is expected to end, from how earlier offers were accepted over the window.',
  ),
  Rate: obj(
    {
      offers: int(),
      accepted: int('accepted within the conversion window'),
      pending: int('window still open, neither accepted nor declined'),
      rate: nullable('number', { description: 'accepted / offers (fraction); null without offers' }),
      interval: ref('Interval'),
      provisional: { type: 'boolean' },
      pendingShare: num(),
    },
    'Counts, rate and interval of one population.',
  ),
  BandJudgement: obj({
    band: choice(BANDS, true),
    judgement: choice([...BANDS, 'indeterminate'], true),
    spans: arr(choice(BANDS)),
    reason: nullable('string'),
    thresholds: ref('Thresholds'),
  }),
  Difference: obj(
    {
      difference: nullable('number', { description: 'A − B (fraction)' }),
      differencePoints: nullable('number'),
      lower: nullable('number', { description: 'Newcombe interval' }),
      upper: nullable('number'),
      level: num(),
      test: choice(['z', 'fisher'], true),
      testName: nullable('string'),
      statistic: nullable('number'),
      pValue: nullable('number'),
      significant: { type: 'boolean' },
      reason: str(),
      variance: choice(['customer-clustered', 'binomial']),
      designEffects: arr(num()),
    },
    'A difference of two rates with its interval and two-sided test.',
  ),
  Benchmark: obj({ industry: str(), rate: num(), source: str('Forrester, Gartner or Nielsen'), citation: str() }),
  IndustryBenchmark: allOf(
    ref('Rate'),
    obj({ industry: str(), benchmark: ref('Benchmark'), standing: choice(['above', 'below', 'consistent'], true), gapPoints: nullable('number'), pValue: nullable('number') }),
  ),
  Target: obj({ rate: num(), standing: choice(['above', 'below', 'consistent'], true), gapPoints: nullable('number') }),
  KpiResponse: allOf(
    ref('Rate'),
    obj({
      query: ref('QueryEcho'),
      band: ref('BandJudgement'),
      benchmarks: arr(ref('IndustryBenchmark')),
      benchmark: { oneOf: [ref('IndustryBenchmark'), { type: 'null' }] },
      target: { oneOf: [ref('Target'), { type: 'null' }] },
      customers: obj({ offered: int(), converted: int(), rate: nullable('number') }),
      expansionRevenue: num(),
      previous: { oneOf: [allOf(ref('Rate'), obj({ from: str(), to: str() })), { type: 'null' }] },
      change: { oneOf: [allOf(ref('Difference'), obj({ relativeChange: nullable('number') })), { type: 'null' }] },
      projected: { oneOf: [ref('Projection'), { type: 'null' }] },
    }),
  ),
  TimeseriesPoint: allOf(
    ref('Rate'),
    obj({
      period: str('first day of the period'),
      periodEnd: str(),
      partial: { type: 'boolean' },
      lower: nullable('number'),
      upper: nullable('number'),
      band: choice(BANDS, true),
      centreLine: nullable('number'),
      lcl: nullable('number'),
      ucl: nullable('number'),
      outOfControl: choice(['above', 'below'], true),
      runFlags: arr(choice(['run_above', 'run_below'])),
      change: { oneOf: [allOf(ref('Difference'), obj({ adjustedPValue: nullable('number') })), { type: 'null' }] },
      yearOverYear: { oneOf: [allOf(ref('Difference'), obj({ adjustedPValue: nullable('number'), period: str('the period a year earlier') })), { type: 'null' }] },
      projected: { oneOf: [ref('Projection'), { type: 'null' }] },
      charted: { type: 'boolean' },
    }),
  ),
  TimeseriesResponse: obj({
    query: ref('QueryEcho'),
    grain: choice(['day', 'week', 'month', 'quarter', 'year']),
    points: arr(ref('TimeseriesPoint')),
    controlChart: obj({
      kind: choice(['p', 'laney']),
      choice: {
        oneOf: [obj({ test: str(), statistic: nullable('number'), df: nullable('integer'), pValue: nullable('number'), reason: str() }), { type: 'null' }],
      },
      centreLine: nullable('number'),
      sigmas: num(),
      sigmaZ: num(),
      includesProvisional: { type: 'boolean' },
      note: nullable('string'),
    }),
    trend: obj({
      periods: int(),
      from: nullable('string'),
      to: nullable('string'),
      z: nullable('number'),
      pValue: nullable('number'),
      slope: nullable('number'),
      slopePoints: nullable('number'),
      direction: choice(['rising', 'falling', 'flat'], true),
      note: nullable('string'),
      test: str('the model and test in words'),
      seasonal: { type: 'boolean' },
      dispersion: nullable('number'),
    }),
    changeFamily: obj({ method: choice(['holm', 'bh']), members: int(), description: str() }),
    latestChange: { oneOf: [allOf(ref('Difference'), obj({ adjustedPValue: nullable('number'), period: str(), previousPeriod: str() })), { type: 'null' }] },
  }),
  BreakdownRow: allOf(
    ref('Rate'),
    obj({
      segment: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
      label: str(),
      band: ref('BandJudgement'),
      smallSample: { type: 'boolean' },
      vsRest: allOf(
        ref('Difference'),
        obj({
          adjustedPValue: nullable('number'),
          adjustedLevel: nullable('number'),
          adjustedLower: nullable('number'),
          adjustedUpper: nullable('number'),
          direction: choice(['above', 'below'], true),
        }),
      ),
    }),
  ),
  BreakdownResponse: obj({
    query: ref('QueryEcho'),
    by: arr(str()),
    total: ref('Rate'),
    rows: arr(ref('BreakdownRow')),
    homogeneity: obj({ statistic: nullable('number'), df: nullable('integer'), pValue: nullable('number'), groups: int(), minExpected: nullable('number'), significant: { type: 'boolean' } }),
    correction: obj({ method: choice(['holm', 'bh', 'bonferroni']), alpha: num(), size: int(), members: arr(str()), excluded: arr(str()), description: str() }),
  }),
  LeaderboardRow: obj({
    rank: int(),
    offer: nullable('string'),
    offers: int(),
    accepted: int(),
    pending: int(),
    rate: nullable('number'),
    shrunkenRate: num('posterior mean: ranked on this'),
    lower: num(),
    upper: num(),
    probabilityToBeatOverall: nullable('number'),
    designEffect: num('the posterior counts accepted/d of offers/d'),
    smallSample: { type: 'boolean' },
    provisional: { type: 'boolean' },
    band: choice(BANDS, true),
  }),
  LeaderboardResponse: obj({
    query: ref('QueryEcho'),
    by: str(),
    sort: choice(['shrunken', 'raw', 'offers', 'probability']),
    overallRate: nullable('number'),
    prior: obj({ alpha: num(), beta: num(), mean: num(), strength: num(), method: str(), fallback: nullable('string') }),
    smallSampleThreshold: int(),
    rows: arr(ref('LeaderboardRow')),
  }),
  Population: allOf(ref('Rate'), obj({ filters: arr(ref('Filter')), from: nullable('string'), to: nullable('string'), band: ref('BandJudgement') })),
  CompareResponse: obj({
    query: ref('QueryEcho'),
    a: ref('Population'),
    b: ref('Population'),
    difference: allOf(ref('Difference'), obj({ relativeChange: nullable('number') })),
    summary: str(),
  }),
  Insight: obj({
    id: str(),
    kind: choice(['segment_above', 'segment_below', 'best_offer', 'worst_offer', 'channel_gap', 'out_of_control', 'period_drop', 'period_rise', 'trend', 'benchmark', 'target', 'band']),
    severity: choice(['critical', 'warning', 'info']),
    title: str(),
    text: str('plain language, with its numbers'),
    numbers: { type: 'object', additionalProperties: { type: ['number', 'string', 'null'] } },
    test: {
      oneOf: [
        obj({ name: str(), statistic: nullable('number'), pValue: nullable('number'), adjustedPValue: nullable('number'), correction: nullable('string') }),
        { type: 'null' },
      ],
    },
    link: nullable('string'),
  }),
  InsightsResponse: obj({ query: ref('QueryEcho'), insights: arr(ref('Insight')), scanned: arr(str()) }),
  SampleSizeResponse: obj({
    baseline: num(),
    mde: nullable('number'),
    mdePoints: nullable('number'),
    alpha: num(),
    power: num(),
    nPerArm: nullable('integer'),
    totalOffers: nullable('integer'),
    h: nullable('number'),
    independentPerArm: nullable('integer'),
    customersPerArm: nullable('integer'),
    designEffect: num('customer-clustered design effect the plan used'),
    offersPerCustomer: nullable('number'),
    clustering: nullable('string'),
    detectable: {
      oneOf: [
        obj({ nPerArm: int(), upperRate: nullable('number'), lowerRate: nullable('number'), upPoints: nullable('number'), downPoints: nullable('number'), h: num() }),
        { type: 'null' },
      ],
    },
    method: str(),
    summary: str(),
  }),
  Report: { type: 'object', description: 'The `uprate report --format json` document (see the README, "The JSON format").' },
  IngestSummary: { type: 'object', description: 'Rows read, inserted, updated and rejected, and the time taken.' },
  AlertView: obj(
    {
      rule: str('the rule name'),
      scope: str('all, or e.g. Customers.accountSize=smb'),
      state: choice(['firing', 'resolved']),
      firingSince: str('ISO instant the episode started'),
      resolvedAt: nullable('string'),
      lastNotifiedAt: nullable('string'),
      severity: choice(['warning', 'critical']),
      message: str('plain language, with the numbers'),
    },
    'One alert: a rule in one scope (see src/alerts/README.md).',
  ),
  AlertList: obj({ firing: arr(ref('AlertView')), recent: arr(ref('AlertView')) }, 'Firing alerts, and those resolved recently (alerts.recentDays, default 30).'),
  AlertCheck: { type: 'object', description: 'One evaluation: {at, firing, errors, rows: [{rule, scope, status, severity, period, message, numbers, test, state, firingSince, notification, deliveries}]}.' },
};

const query = (name: string, description: string, schema: Schema = { type: 'string' }, required = false): Schema => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});

const COMMON = [
  query('from', 'First day included (YYYY-MM-DD); default the first day with offers.', { type: 'string', format: 'date' }),
  query('to', 'Last day included (YYYY-MM-DD); default the last day with offers.', { type: 'string', format: 'date' }),
  query('offerType', 'Only upsell or only cross_sell offers.', choice(['upsell', 'cross_sell'])),
  query('filters', 'URL-encoded JSON array of Cube filters on model dimensions, e.g. [{"member":"Customers.accountSize","operator":"equals","values":["enterprise"]}].'),
  query('level', 'Confidence level of every interval (default 0.95).', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }),
  query('method', 'Interval method (default wilson); exact is used below 30 offers.', choice(['wilson', 'jeffreys', 'exact'])),
  query('asOf', 'Evaluate acceptance and pending status as of this date or instant (default: now).'),
];
const CORRECTION = query('correction', 'Multiple-comparison correction (default holm).', choice(['holm', 'bh', 'bonferroni']));

const ERRORS = {
  '400': { description: 'A bad parameter; `location` names it.', content: { 'application/json': { schema: ref('Error') } } },
  '403': { description: "Missing or invalid token (Cube's wording).", content: { 'application/json': { schema: ref('Error') } } },
};

function get(summary: string, description: string, parameters: Schema[], schema: string): Schema {
  return {
    get: {
      summary,
      description,
      parameters,
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref(schema) } } }, ...ERRORS },
    },
  };
}

/** The OpenAPI 3.1 document for every /api/v1 route. */
export function openApiDocument(): Schema {
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
          ['text/csv', 'application/x-ndjson', 'application/json', 'application/vnd.apache.parquet'].map((t) => [t, { schema: { type: 'string', format: t.includes('parquet') ? 'binary' : undefined } }]),
        ),
      },
      responses: {
        '200': { description: 'Loaded', content: { 'application/json': { schema: ref('IngestSummary') } } },
        ...ERRORS,
        '413': { description: 'Body too large', content: { 'application/json': { schema: ref('Error') } } },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'uprate API',
      version: '1',
      description:
        'Upsell / cross-sell conversion rate with honest statistics. Rates are fractions; every rate carries its counts and interval; `null` means "does not exist" (no offers). The Cube-compatible API lives under /cubejs-api/v1.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/kpi': get('Headline KPI', 'Rate with interval, band, benchmarks per industry, target, customers, revenue, and the change against the previous period of the same length.', COMMON, 'KpiResponse'),
      '/api/v1/timeseries': get(
        'KPI per period with control limits',
        'Every period of the range; control limits per period n (Laney p′ when over-dispersed); runs; change against the previous period and the same period a year earlier (Holm-corrected families); customer-clustered intervals; a seasonal quasi-binomial trend; a projected final rate for provisional periods, which stay off the chart and out of every test unless includeProvisional=true.',
        [
          ...COMMON,
          query('grain', 'Period length (default month).', choice(['day', 'week', 'month', 'quarter', 'year'])),
          query('chart', "auto (default: Laney's p′ when the periods vary more than chance, by a χ² test; else p), p, or laney.", choice(['auto', 'p', 'laney'])),
          query('includeProvisional', 'Chart provisional periods too (default false).', choice(['true', 'false'])),
        ],
        'TimeseriesResponse',
      ),
      '/api/v1/breakdown': get(
        'KPI by one or two dimensions, with tests',
        'Each segment against the rest (z or Fisher), corrected together; χ² test of homogeneity.',
        [...COMMON, query('by', 'One or two dimensions, comma-separated, e.g. Customers.accountSize,Offers.channel.', { type: 'string' }, true), CORRECTION],
        'BreakdownResponse',
      ),
      '/api/v1/leaderboard': get(
        'Offers ranked by shrunken rate',
        'Empirical-Bayes shrunken rate with credible interval, raw counts, probability to beat the overall rate; small samples (< 30 offers) flagged and ranked last.',
        [
          ...COMMON,
          query('by', 'Dimension to rank (default Offers.offerName).'),
          query('sort', 'Sort key (default shrunken).', choice(['shrunken', 'raw', 'offers', 'probability'])),
          query('limit', 'At most this many rows.', { type: 'integer', minimum: 1 }),
        ],
        'LeaderboardResponse',
      ),
      '/api/v1/compare': get(
        'Two populations compared',
        'A and B are the common selection narrowed by their own filters (and optionally date ranges); difference with Newcombe interval and test.',
        [
          ...COMMON,
          query('a', 'JSON array of Cube filters for population A ([] = all selected).', { type: 'string' }, true),
          query('b', 'JSON array of Cube filters for population B.', { type: 'string' }, true),
          query('aFrom', "A's own first day.", { type: 'string', format: 'date' }),
          query('aTo', "A's own last day.", { type: 'string', format: 'date' }),
          query('bFrom', "B's own first day.", { type: 'string', format: 'date' }),
          query('bTo', "B's own last day.", { type: 'string', format: 'date' }),
        ],
        'CompareResponse',
      ),
      '/api/v1/insights': get(
        'Plain-language findings',
        'Segments above/below the rest, best and worst offers, channel gap, control-chart signals, period-over-period change, trend, benchmarks, target, band.',
        [...COMMON, CORRECTION, query('dimensions', 'Dimensions to scan, comma-separated (default: account size, lifecycle stage, engagement tier, industry, region, plan, offer type, channel, campaign).')],
        'InsightsResponse',
      ),
      '/api/v1/sample-size': get(
        'Sample size / minimum detectable effect',
        'Offers and customers per arm to detect baseline → baseline + mde (two-sided), and/or the smallest change detectable with n offers per arm — counting that one customer’s offers are not independent (the design effect and offers per customer are measured on the selection).',
        [
          ...COMMON,
          query('baseline', 'Current rate as a fraction, e.g. 0.15 (default: the selection’s rate).', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }),
          query('designEffect', 'Use this design effect instead of the measured one (1 = independent offers).', { type: 'number', minimum: 1 }),
          query('mde', 'Absolute change to detect as a fraction (0.02 = 2 points).', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }),
          query('n', 'Offers per arm available.', { type: 'integer', minimum: 1 }),
          query('power', 'Default 0.8.', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }),
          query('alpha', 'Two-sided significance level, default 0.05.', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }),
        ],
        'SampleSizeResponse',
      ),
      '/api/v1/report': get(
        'The report document',
        'The `uprate report --format json` document: rows per period and/or segment.',
        [
          query('grain', 'day, week, month, quarter or year (default month without by).', choice(['day', 'week', 'month', 'quarter', 'year'])),
          query('by', 'Report dimensions, comma-separated (account_size, lifecycle_stage, engagement_tier, industry, region, plan, offer_type, offer_name, channel, campaign).'),
          query('from', 'First day included.', { type: 'string', format: 'date' }),
          query('to', 'Last day included.', { type: 'string', format: 'date' }),
          query('offerType', 'upsell or cross_sell.', choice(['upsell', 'cross_sell'])),
          query('window', 'Conversion window in days.', { type: 'integer', minimum: 0 }),
        ],
        'Report',
      ),
      '/api/v1/ingest/{table}': ingest,
      '/api/v1/alerts': get('Alerts', 'Firing alerts (critical first) and those resolved recently; the dashboard panel reads this.', [], 'AlertList'),
      '/api/v1/alerts/check': {
        post: {
          summary: 'Evaluate the alert rules now',
          description: 'What `uprate alerts check` does, through the running server: state moves and notifications are sent once (unless dryRun=true).',
          parameters: [query('at', 'Evaluate as of this date or instant (default: now).'), query('dryRun', 'Evaluate only: no state change, nothing sent.', choice(['true', 'false']))],
          responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref('AlertCheck') } } }, ...ERRORS, '404': { description: 'Alert monitoring is off in this server', content: { 'application/json': { schema: ref('Error') } } } },
        },
      },
      '/api/v1/openapi.json': {
        get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256, signed with UPRATE_API_SECRET (as Cube).' } },
      schemas,
    },
  };
}
