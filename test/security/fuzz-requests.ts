/**
 * Random and mutated requests for the fuzz test (fuzz.test.ts): Cube queries built from the
 * shipped model's members and then broken in every way a client (or an attacker) might, and
 * query strings for uprate's own /api/v1 endpoints.
 */
import fc from 'fast-check';

export interface FuzzRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly payload?: string;
  readonly headers?: Record<string, string>;
}

// ---------- members of the shipped model (model/offers.js, model/customers.js) ----------

const MEASURES = [
  'Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.conversionRate', 'Offers.upsellConversionRate',
  'Offers.crossSellConversionRate', 'Offers.customersOffered', 'Offers.customersConverted', 'Offers.customerConversionRate',
  'Offers.expansionRevenue', 'Offers.revenuePerOffer', 'Offers.avgDaysToAccept', 'Customers.count',
];
const DIMENSIONS = [
  'Offers.offerType', 'Offers.offerName', 'Offers.channel', 'Offers.campaign', 'Offers.status', 'Offers.offerId',
  'Customers.accountSize', 'Customers.lifecycleStage', 'Customers.engagementScore', 'Customers.engagementTier',
  'Customers.industry', 'Customers.region', 'Customers.plan', 'Customers.mrr', 'Customers.customerId',
];
const TIME_DIMENSIONS = ['Offers.offeredAt', 'Offers.acceptedAt'];
const SEGMENTS = ['Offers.upsells', 'Offers.crossSells', 'Customers.enterprise'];
/** Hidden, misplaced, unknown, or names that are properties of every JavaScript object. */
const ODD_MEMBERS = [
  'Offers.upsellOffers', 'Offers.customerId', 'Offers.nope', 'Nope.count', 'offers.count', 'Offers', 'Offers.count.month',
  'Offers.offeredAt.fortnight', 'Offers.constructor', 'Offers.toString', 'Offers.__proto__', '__proto__.count',
  'constructor.prototype', 'Offers.hasOwnProperty', 'Offers.valueOf', 'Offers.count;DROP TABLE offers', '', '.', 'Offers.',
];
export const GRANULARITIES = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
const OPERATORS = [
  'equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'notStartsWith', 'endsWith', 'notEndsWith', 'gt', 'gte',
  'lt', 'lte', 'in', 'notIn', 'set', 'notSet', 'inDateRange', 'notInDateRange', 'onTheDate', 'beforeDate', 'beforeOrOnDate',
  'afterDate', 'afterOrOnDate', 'measureFilter',
];
const TIME_ZONES = [
  'UTC', 'Etc/UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Etc/GMT+12', 'Etc/GMT-14', 'Asia/Kathmandu',
  'America/St_Johns', 'Australia/Lord_Howe', 'EST5EDT', 'Nope/Zone', 'utc', '', '../../etc/passwd', "UTC'; DROP TABLE offers; --",
];

// ---------- strings, values, dates ----------

/** Text that has broken parsers before: NUL, lone surrogates, percent signs, SQL, very long. */
const NASTY = [
  '\u0000', 'a\u0000b', '%00', '%', '%25', '%E0%A4%A', '50%', '_', '\\', "'", '"', "x'); DROP TABLE offers; --", '😀', '\uD800',
  '\uFFFF', 'é', 'ﬁ', '\u202E', ' ', '\n', 'null', 'undefined', 'NaN', 'Infinity', '-0', '1e308', '-1e308', '9'.repeat(400),
  '0x10', '__proto__', 'constructor', '{}', '[]', 'a'.repeat(5000),
];
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY), weight: 3 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
);

const year = fc.oneof(
  fc.constantFrom(0, 1, 50, 99, 100, 1899, 1900, 1969, 1970, 2024, 2025, 9999),
  fc.integer({ min: 0, max: 9999 }),
);
const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** `YYYY-MM-DD`, mostly real days, sometimes not (month 13, day 32, year 10000). */
export const day: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.tuple(year, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`), weight: 4 },
  { arbitrary: fc.tuple(fc.integer({ min: 0, max: 10001 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`), weight: 1 },
  { arbitrary: fc.constantFrom('2025-01-01', '2025-06-30', '2024-02-29', '2025-02-29', '0000-01-01', '9999-12-31', '0050-12-31', '2025-1-1', '+002025-01-01', '-000001-01-01', '20250101'), weight: 2 },
);
const time = fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.nat(999_999_999))
  .map(([h, m, s, f]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${f}`);
const zone = fc.constantFrom('', 'Z', '+00:00', '+14:00', '-12:00', '+0530', '-23:59', '+99:99');
/** A date or date-time as ISO 8601 (or nearly). */
export const timestamp: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: day, weight: 3 },
  { arbitrary: fc.tuple(day, fc.constantFrom('T', ' '), time, zone).map(([d, sep, t, z]) => `${d}${sep}${t}${z}`), weight: 2 },
);

const UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
const count = fc.oneof(fc.nat(40), fc.constantFrom(0, 100000, 99999999999, 1e21), fc.bigInt({ min: 0n, max: 10n ** 30n }));
/** Cube's relative ranges, with counts from 0 to far beyond any calendar. */
export const relativeRange: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'today', 'yesterday', 'tomorrow', 'last 7 days', 'this month', 'last quarter', 'next year', 'from 2025-01-01 to today',
    'from 7 days ago to now', 'last 100000 years', 'last 1e308 days', 'next 99999999999 months', 'from 0000-01-01 to 9999-12-31',
    'from 10000 years ago to now', 'from now to 99999999999999999999 days from now', 'the other day', '', 'last', 'from  to ',
    'LAST 3 MONTHS', 'last -5 days', 'last 3.5 days', 'last 2 fortnights',
  ),
  fc.tuple(fc.constantFrom('last', 'next', 'this'), count, fc.constantFrom(...UNITS, 'fortnight'), fc.boolean())
    .map(([w, n, u, plural]) => `${w} ${String(n)} ${u}${plural ? 's' : ''}`),
  fc.tuple(count, fc.constantFrom(...UNITS), fc.constantFrom('ago', 'from now'), timestamp)
    .map(([n, u, dir, t]) => `from ${String(n)} ${u}s ${dir} to ${t}`),
);
export const dateRange: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: relativeRange, weight: 3 },
  { arbitrary: fc.array(timestamp, { minLength: 1, maxLength: 2 }), weight: 4 },
  { arbitrary: fc.array(fc.oneof(timestamp, nastyString), { minLength: 0, maxLength: 3 }), weight: 1 },
  { arbitrary: fc.oneof(nastyString, fc.integer(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })), weight: 1 },
);

/** Filter values: mostly strings as Cube sends them, sometimes numbers, booleans, nulls, nested junk. */
const filterValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom('upsell', 'email', 'enterprise', 'smb', '10', '0', '-1', '1.5', 'true', 'false'), weight: 3 },
  { arbitrary: timestamp, weight: 2 },
  { arbitrary: relativeRange, weight: 1 },
  { arbitrary: nastyString, weight: 2 },
  { arbitrary: fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.constant(null)), weight: 2 },
  { arbitrary: fc.oneof(fc.object({ maxDepth: 1 }), fc.array(fc.string(), { maxLength: 2 })), weight: 1 },
);

// ---------- odd members and filters ----------

const anyMember = (valid: readonly string[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 6 }, { arbitrary: fc.constantFrom(...ODD_MEMBERS), weight: 1 }, { arbitrary: nastyString, weight: 1 });
const memberList = (valid: readonly string[]) =>
  fc.oneof(
    { arbitrary: fc.uniqueArray(fc.constantFrom(...valid), { maxLength: 3 }), weight: 2 },
    { arbitrary: fc.array(anyMember(valid), { maxLength: 4 }), weight: 4 },
    { arbitrary: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object({ maxDepth: 1 })), weight: 1 },
  );

/** Any member, any operator (Cube's or not), any values. */
const leafFilter: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.record(
      {
        member: anyMember([...DIMENSIONS, ...TIME_DIMENSIONS, ...MEASURES]),
        operator: fc.oneof({ arbitrary: fc.constantFrom(...OPERATORS), weight: 8 }, { arbitrary: fc.oneof(nastyString, fc.constantFrom('like', 'EQUALS', 'between')), weight: 1 }),
        values: fc.oneof({ arbitrary: fc.array(filterValue, { maxLength: 3 }), weight: 8 }, { arbitrary: fc.oneof(nastyString, fc.constant(null), fc.integer()), weight: 1 }),
      },
      { requiredKeys: [] },
    ),
    weight: 8,
  },
  { arbitrary: fc.record({ dimension: anyMember(DIMENSIONS), operator: fc.constantFrom(...OPERATORS), values: fc.array(filterValue, { maxLength: 2 }) }), weight: 1 },
  { arbitrary: fc.record({ member: fc.constantFrom(...DIMENSIONS), dimension: fc.constantFrom(...DIMENSIONS), operator: fc.constant('set') }), weight: 1 },
  { arbitrary: fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.constant({}), fc.constant({ and: 'x' }), fc.constant({ and: [], or: [] })), weight: 1 },
);
const { filterTree } = fc.letrec<{ filterTree: unknown }>((tie) => ({
  filterTree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: leafFilter, weight: 4 },
    { arbitrary: fc.record({ and: fc.array(tie('filterTree'), { maxLength: 3 }) }), weight: 1 },
    { arbitrary: fc.record({ or: fc.array(tie('filterTree'), { maxLength: 3 }) }), weight: 1 },
  ),
}));
/** One filter wrapped in `depth` single-item and/or groups (up to 60 deep). */
const deepFilter = fc.tuple(fc.integer({ min: 1, max: 60 }), leafFilter, fc.boolean()).map(([depth, leaf, useOr]) => {
  let f: unknown = leaf;
  for (let i = 0; i < depth; i++) f = useOr ? { or: [f] } : { and: [f] };
  return f;
});

// ---------- Cube queries: a valid one, then a few mutations ----------

const STRING_DIMENSIONS = DIMENSIONS.filter((d) => !['Customers.engagementScore', 'Customers.mrr'].includes(d));
const SAMPLE_TEXT = ['upsell', 'cross_sell', 'email', 'sales', 'in_app', 'enterprise', 'smb', 'spring', 'Premium tier', 'saas', 'emea', 'pro'];
const numberText = fc.oneof(fc.integer({ min: -5, max: 500 }).map(String), fc.double({ min: 0, max: 1000, noNaN: true }).map(String));

/** A filter Cube would accept: operator and values fit the member's type. */
const validLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    member: fc.constantFrom(...STRING_DIMENSIONS),
    operator: fc.constantFrom('equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'notStartsWith', 'endsWith', 'notEndsWith', 'in', 'notIn'),
    values: fc.array(fc.oneof(fc.constantFrom(...SAMPLE_TEXT), fc.constantFrom(5, true, null)), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ member: fc.constantFrom(...DIMENSIONS, ...TIME_DIMENSIONS), operator: fc.constantFrom('set', 'notSet') }),
  fc.record({ member: fc.constantFrom('Customers.engagementScore', 'Customers.mrr'), operator: fc.constantFrom('equals', 'gt', 'gte', 'lt', 'lte'), values: fc.array(numberText, { minLength: 1, maxLength: 1 }) }),
  fc.record({ member: fc.constantFrom(...TIME_DIMENSIONS), operator: fc.constantFrom('inDateRange', 'notInDateRange'), values: fc.tuple(fc.constantFrom('2025-01-01', '2025-02-15'), fc.constantFrom('2025-03-31', '2025-06-30T12:00:00')) }),
  fc.record({ member: fc.constantFrom(...TIME_DIMENSIONS), operator: fc.constantFrom('beforeDate', 'beforeOrOnDate', 'afterDate', 'afterOrOnDate', 'onTheDate'), values: fc.array(fc.constantFrom('2025-03-01', '2025-04-15T08:30:00', 'last month'), { minLength: 1, maxLength: 1 }) }),
  fc.record({ member: fc.constantFrom('Offers.count', 'Offers.accepted', 'Offers.conversionRate'), operator: fc.constantFrom('gt', 'lt', 'gte'), values: fc.array(numberText, { minLength: 1, maxLength: 1 }) }),
);
const { validTree } = fc.letrec<{ validTree: unknown }>((tie) => ({
  validTree: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: validLeaf, weight: 5 },
    { arbitrary: fc.record({ and: fc.array(tie('validTree'), { minLength: 1, maxLength: 3 }) }), weight: 1 },
    { arbitrary: fc.record({ or: fc.array(tie('validTree'), { minLength: 1, maxLength: 3 }) }), weight: 1 },
  ),
}));
const validRange = fc.oneof(
  fc.constantFrom('today', 'yesterday', 'last 7 days', 'last 30 days', 'this month', 'last quarter', 'this year', 'last year', 'from 2025-01-01 to today', 'from 30 days ago to now'),
  fc.tuple(fc.constantFrom('2025-01-01', '2025-02-10', '2025-03-01T06:00:00'), fc.constantFrom('2025-03-31', '2025-06-30', '2025-07-01T00:00:00.000')),
);
const validTimeDimension = fc.oneof(
  fc.record(
    { dimension: fc.constantFrom(...TIME_DIMENSIONS), granularity: fc.constantFrom(...GRANULARITIES), dateRange: validRange },
    { requiredKeys: ['dimension', 'granularity'] },
  ),
  fc.record(
    { dimension: fc.constantFrom(...TIME_DIMENSIONS), granularity: fc.constantFrom('day', 'month'), compareDateRange: fc.array(validRange, { minLength: 1, maxLength: 3 }) },
    { requiredKeys: ['dimension', 'compareDateRange'] },
  ),
);

/** A query the API answers (or refuses for a reason of Cube's own, such as hidden members). */
const validQuery = fc
  .record(
    {
      measures: fc.uniqueArray(fc.constantFrom(...MEASURES), { minLength: 1, maxLength: 3 }),
      dimensions: fc.uniqueArray(fc.constantFrom(...STRING_DIMENSIONS.filter((d) => !d.endsWith('Id')), 'Customers.engagementScore', 'Offers.offeredAt.month'), { maxLength: 2 }),
      timeDimensions: fc.array(validTimeDimension, { maxLength: 1 }),
      filters: fc.array(validTree, { maxLength: 2 }),
      segments: fc.uniqueArray(fc.constantFrom(...SEGMENTS), { maxLength: 1 }),
      limit: fc.integer({ min: 1, max: 500 }),
      offset: fc.integer({ min: 0, max: 50 }),
      total: fc.boolean(),
      ungrouped: fc.boolean(),
      timezone: fc.constantFrom(...TIME_ZONES.slice(0, 10)),
      renewQuery: fc.boolean(),
    },
    { requiredKeys: ['measures'] },
  )
  .chain((q) => {
    const selected = [...q.measures, ...(q.dimensions ?? [])];
    const order = fc.oneof(
      fc.dictionary(fc.constantFrom(...selected), fc.constantFrom('asc', 'desc'), { maxKeys: 2 }),
      fc.array(fc.tuple(fc.constantFrom(...selected), fc.constantFrom('asc', 'desc')), { maxLength: 2 }),
    );
    return fc.record({ order }, { requiredKeys: [] }).map((o) => ({ ...q, ...o }));
  });

const granularity = fc.constantFrom('fortnight', 'MONTH', '', null, 1, 'month ', 'decade', 'minute');
const weirdTimeDimension = fc.oneof(
  fc.record(
    {
      dimension: anyMember([...TIME_DIMENSIONS, ...DIMENSIONS]),
      granularity: fc.oneof(fc.constantFrom(...GRANULARITIES), granularity),
      dateRange,
      compareDateRange: fc.oneof(fc.array(dateRange, { minLength: 0, maxLength: 3 }), nastyString),
    },
    { requiredKeys: ['dimension'] },
  ),
  fc.oneof(fc.string(), fc.constant(null), fc.object({ maxDepth: 1 })),
);
const weirdNumber = fc.oneof(
  fc.constantFrom(0, -1, 1.5, 50000, 50001, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER, -0),
  fc.integer(),
  fc.double(),
  fc.constantFrom('10', true, null, [], {}),
);
const direction = fc.oneof(fc.constantFrom('asc', 'desc'), nastyString, fc.constant(null), fc.integer());
const weirdOrder = fc.oneof(
  fc.dictionary(anyMember([...MEASURES, ...DIMENSIONS, ...TIME_DIMENSIONS, 'Offers.offeredAt.month']), direction, { maxKeys: 3 }),
  fc.array(fc.tuple(anyMember([...MEASURES, ...DIMENSIONS, ...TIME_DIMENSIONS]), direction), { maxLength: 3 }),
  fc.array(fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })), { maxLength: 2 }),
  fc.oneof(nastyString, fc.constant(null), fc.integer()),
);

/** What a mutation may put in place of each key (undefined drops the key). */
const MUTATIONS: Record<string, fc.Arbitrary<unknown>> = {
  measures: memberList(MEASURES),
  dimensions: memberList([...DIMENSIONS, ...TIME_DIMENSIONS.flatMap((d) => [...GRANULARITIES, 'fortnight'].map((g) => `${d}.${g}`))]),
  timeDimensions: fc.oneof(fc.array(weirdTimeDimension, { minLength: 1, maxLength: 2 }), fc.constant('Offers.offeredAt')),
  filters: fc.oneof(
    { arbitrary: fc.array(filterTree, { minLength: 1, maxLength: 3 }), weight: 4 },
    { arbitrary: fc.array(deepFilter, { minLength: 1, maxLength: 2 }), weight: 2 },
    { arbitrary: fc.oneof(fc.string(), fc.object({ maxDepth: 2 }), fc.constant(null)), weight: 1 },
  ),
  segments: memberList([...SEGMENTS, 'Offers.count']),
  order: weirdOrder,
  limit: weirdNumber,
  offset: weirdNumber,
  total: fc.constantFrom('yes', 1, null),
  ungrouped: fc.oneof(fc.boolean(), fc.constant(1)),
  timezone: fc.oneof(fc.constantFrom(...TIME_ZONES), nastyString, fc.integer()),
  responseFormat: fc.constantFrom('default', 'compact', 'columnar'),
  sql: fc.constant('SELECT 1'),
  __proto__: fc.constant({ measures: ['Offers.count'] }),
  dropped: fc.constant(undefined),
};

/** A valid query with up to three keys replaced by odd values (and, rarely, not a query at all). */
export const cubeQuery: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc
      .tuple(validQuery, fc.subarray(Object.keys(MUTATIONS), { maxLength: 3 }), fc.constantFrom(...Object.keys(MUTATIONS)))
      .chain(([q, keys, dropKey]) =>
        fc.tuple(...keys.map((k) => MUTATIONS[k] ?? fc.constant(undefined))).map((values) => {
          const out: Record<string, unknown> = { ...q };
          keys.forEach((k, i) => {
            if (k === 'dropped') delete out[dropKey ?? ''];
            else Object.defineProperty(out, k, { value: values[i], enumerable: true, configurable: true, writable: true });
          });
          return out;
        }),
      ),
    weight: 20,
  },
  { arbitrary: fc.oneof(fc.anything({ maxDepth: 2 }), fc.array(validQuery, { minLength: 1, maxLength: 3 })), weight: 1 },
);

/**
 * encodeURIComponent that also takes lone surrogates (it throws on them): each becomes the bytes
 * a careless encoder would send, `%ED%A0%80`, which is not UTF-8.
 */
export function encode(text: string): string {
  return text.split(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/).map(encodeURIComponent).join('%ED%A0%80');
}

type Send = (path: string, query: unknown, json: string, multi: boolean, junk: string) => FuzzRequest;
const JSON_TYPE = { 'content-type': 'application/json' };
/** How a query travels, with how often: as Cube clients send it, or malformed. */
const TRANSPORTS: readonly [number, Send][] = [
  [7, (path, _q, json, multi) => ({ method: 'GET', url: `${path}?query=${encode(json)}${multi ? '&queryType=multi' : ''}` })],
  [7, (path, query, _j, multi) => ({ method: 'POST', url: path, payload: JSON.stringify({ query, ...(multi ? { queryType: 'multi' } : {}) }), headers: JSON_TYPE })],
  [2, (path, _q, json) => ({ method: 'POST', url: path, payload: JSON.stringify({ query: json }), headers: JSON_TYPE })],
  // The JSON cut short, with percent signs that are not an encoding.
  [1, (path, _q, json, _m, junk) => ({ method: 'GET', url: `${path}?query=${encode(json.slice(0, Math.max(1, json.length >> 1)))}%${junk.length % 2 ? 'zz' : 'E0%A4%A'}` })],
  [1, (path, _q, json) => ({ method: 'POST', url: path, payload: `{"query": ${json.slice(0, -1)}`, headers: JSON_TYPE })],
  [1, (path, query) => ({ method: 'POST', url: path, payload: JSON.stringify({ query }), headers: { 'content-type': 'text/plain' } })],
  [1, (path, _q, json, _m, junk) => ({ method: 'GET', url: `${path}?query=${encode(junk)}&query=${encode(json)}` })],
];

/** A Cube query sent to /load (twice as often), /sql or /dry-run. */
export const cubeRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    cubeQuery,
    fc.constantFrom('load', 'load', 'sql', 'dry-run'),
    fc.oneof(...TRANSPORTS.map(([weight, send]) => ({ arbitrary: fc.constant(send), weight }))),
    fc.boolean(),
    nastyString,
  )
  .map(([query, endpoint, send, multi, junk]) => send(`/cubejs-api/v1/${endpoint}`, query, JSON.stringify(query) ?? 'undefined', multi, junk));

/**
 * The JSON text of a filter list holding one filter inside `depth` levels of `and`, built as text
 * (JSON.stringify itself overflows its stack at such depths).
 */
export function veryDeepFilters(depth: number): string {
  return `[${'{"and":['.repeat(depth)}{"member":"Offers.channel","operator":"equals","values":["email"]}${']}'.repeat(depth)}]`;
}

// ---------- /api/v1 query strings: valid parameters, then a few mutations ----------

const dimensionLeaf = validLeaf.filter((f) => !String((f as { member?: string }).member).match(/\.(count|accepted|conversionRate)$/));
const validFilterJson = fc.array(
  fc.letrec<{ t: unknown }>((tie) => ({
    t: fc.oneof({ depthSize: 'small' }, { arbitrary: dimensionLeaf, weight: 5 }, { arbitrary: fc.record({ or: fc.array(tie('t'), { minLength: 1, maxLength: 2 }) }), weight: 1 }),
  })).t,
  { maxLength: 2 },
).map((f) => JSON.stringify(f));
const weirdFilterJson = fc.oneof(
  { arbitrary: fc.array(filterTree, { minLength: 1, maxLength: 2 }).map((f) => JSON.stringify(f)), weight: 3 },
  { arbitrary: fc.array(deepFilter, { minLength: 1, maxLength: 1 }).map((f) => JSON.stringify(f)), weight: 1 },
  { arbitrary: fc.oneof(nastyString, fc.constantFrom('{', '[', 'null', '{}', '[1]', '[[]]', '[{"and":[{"or":[]}]}]', '[{"member":"constructor.prototype","operator":"set"}]')), weight: 2 },
);
const DAYS_2025 = ['2025-01-01', '2025-01-15', '2025-02-01', '2025-03-01', '2025-03-31', '2025-05-01', '2025-06-30', '2025-07-15'];
const weirdInstant = fc.oneof(timestamp, nastyString, fc.constantFrom('0050-01-01 10:00', '0050-01-01T10:00:00+01:00', '9999-12-31T23:59:59.999-12:00', '0000-01-01T00:00:00+14:00', '2025-07-01T25:00', 'now', '2025-07-01T10:00:00.1234567891Z'));
const weirdDecimal = fc.oneof(fc.constantFrom('0', '1', '-1', '0.5', '1e-320', '1e308', 'NaN', 'Infinity', '', ' ', '0x1', '.95', '1,5'), fc.double().map(String), nastyString);
const dimensionNames = fc.uniqueArray(fc.constantFrom(...STRING_DIMENSIONS.filter((d) => !d.endsWith('Id'))), { minLength: 1, maxLength: 2 }).map((d) => d.join(','));
const weirdDimensions = fc.oneof(
  fc.array(anyMember([...DIMENSIONS, ...MEASURES, ...TIME_DIMENSIONS]), { maxLength: 4 }).map((d) => d.join(',')),
  fc.uniqueArray(fc.constantFrom(...DIMENSIONS), { minLength: 1, maxLength: 60 }).map((d) => d.join(',')),
  fc.constantFrom(',', ',,,', ' ', 'constructor', '__proto__', 'toString', 'account_size,constructor'),
  nastyString,
);
const REPORT_BY = ['account_size', 'lifecycle_stage', 'engagement_tier', 'industry', 'region', 'plan', 'offer_type', 'offer_name', 'channel', 'campaign', 'accountSize', 'account-size'];

interface ParamSpec {
  readonly valid: fc.Arbitrary<string>;
  readonly weird: fc.Arbitrary<string>;
  /** Always sent in the valid request. */
  readonly required?: boolean;
}
const spec = (valid: fc.Arbitrary<string>, weird: fc.Arbitrary<string>, required = false): ParamSpec => ({ valid, weird, required });
const choice = (values: readonly string[]) => spec(fc.constantFrom(...values), fc.oneof(nastyString, fc.constantFrom(...values.map((v) => v.toUpperCase()), `${values[0]} `)));
const COMMON: Record<string, ParamSpec> = {
  from: spec(fc.constantFrom(...DAYS_2025.slice(0, 4)), fc.oneof(day, nastyString)),
  to: spec(fc.constantFrom(...DAYS_2025.slice(4)), fc.oneof(day, nastyString)),
  offerType: choice(['upsell', 'cross_sell']),
  filters: spec(validFilterJson, weirdFilterJson),
  level: spec(fc.constantFrom('0.8', '0.9', '0.95', '0.99'), weirdDecimal),
  method: choice(['wilson', 'jeffreys', 'exact']),
  asOf: spec(fc.constantFrom('2025-07-01', '2025-07-15T00:00:00Z', '2025-06-30T12:00:00+02:00'), weirdInstant),
};
const correction = choice(['holm', 'bh', 'bonferroni']);
const grain = choice(['day', 'week', 'month', 'quarter', 'year']);
/** An offer the fixture has, or a name it has not (odd text included). */
const offerName = spec(fc.constantFrom('Extra seats', 'Support plus', 'Premium tier', 'Analytics add-on'), fc.oneof(nastyString, fc.constantFrom('extra seats', 'Nope', '')));
/** Each endpoint's parameters (src/server/routes/kpi-api.ts, report.ts, propensity.ts). */
const ENDPOINTS: Record<string, Record<string, ParamSpec>> = {
  kpi: COMMON,
  timeseries: { ...COMMON, grain, chart: choice(['p', 'laney']), includeProvisional: choice(['true', 'false']) },
  breakdown: { ...COMMON, by: spec(dimensionNames, weirdDimensions, true), correction },
  leaderboard: { ...COMMON, by: spec(dimensionNames.map((d) => d.split(',')[0] ?? d), weirdDimensions), sort: choice(['shrunken', 'raw', 'offers', 'probability']), limit: spec(fc.integer({ min: 1, max: 50 }).map(String), weirdDecimal) },
  compare: {
    ...COMMON,
    a: spec(validFilterJson, weirdFilterJson, true),
    b: spec(validFilterJson, weirdFilterJson, true),
    aFrom: COMMON['from'] as ParamSpec,
    aTo: COMMON['to'] as ParamSpec,
    bFrom: COMMON['from'] as ParamSpec,
    bTo: COMMON['to'] as ParamSpec,
  },
  insights: { ...COMMON, correction, dimensions: spec(dimensionNames, weirdDimensions) },
  'sample-size': {
    ...COMMON,
    baseline: spec(fc.constantFrom('0.05', '0.15', '0.3'), weirdDecimal),
    designEffect: spec(fc.constantFrom('1', '2.5', '8'), weirdDecimal),
    mde: spec(fc.constantFrom('0.01', '0.02', '0.05'), weirdDecimal),
    n: spec(fc.constantFrom('100', '1000', '50000'), fc.oneof(weirdDecimal, fc.constantFrom('1e12', '1000000000001', '1'))),
    power: spec(fc.constantFrom('0.8', '0.9'), weirdDecimal),
    alpha: spec(fc.constantFrom('0.05', '0.01'), weirdDecimal),
  },
  'time-to-accept': { ...COMMON, by: spec(dimensionNames.map((d) => d.split(',')[0] ?? d), weirdDimensions) },
  propensity: { offer: offerName, filters: COMMON['filters'] as ParamSpec, asOf: COMMON['asOf'] as ParamSpec, level: COMMON['level'] as ParamSpec },
  opportunities: {
    offer: offerName,
    limit: spec(fc.integer({ min: 1, max: 50 }).map(String), fc.oneof(weirdDecimal, fc.constantFrom('0', '10001', '1e9'))),
    sort: choice(['probability', 'revenue']),
    format: choice(['json', 'csv']),
    filters: COMMON['filters'] as ParamSpec,
    asOf: COMMON['asOf'] as ParamSpec,
    level: COMMON['level'] as ParamSpec,
  },
  report: {
    grain,
    by: spec(fc.uniqueArray(fc.constantFrom(...REPORT_BY), { minLength: 1, maxLength: 2 }).map((d) => d.join(',')), weirdDimensions),
    from: COMMON['from'] as ParamSpec,
    to: COMMON['to'] as ParamSpec,
    offerType: COMMON['offerType'] as ParamSpec,
    window: spec(fc.constantFrom('7', '30', '90'), fc.oneof(fc.constantFrom('0', '-1', '1.5', 'NaN', '1e308', '', '99999999999'), nastyString)),
  },
};

/**
 * A GET to one /api/v1 endpoint: a valid set of parameters with up to three of them replaced by
 * odd values or dropped, sometimes with unknown or repeated parameters or a broken percent-encoding.
 */
export function apiRequest(endpoint: string): fc.Arbitrary<FuzzRequest> {
  const params = ENDPOINTS[endpoint] ?? {};
  const names = Object.keys(params);
  const valid = fc.record(
    Object.fromEntries(names.map((n) => [n, (params[n] as ParamSpec).valid])),
    { requiredKeys: names.filter((n) => params[n]?.required) },
  );
  const mutations = fc.subarray(names, { maxLength: 3 }).chain((keys) =>
    fc.tuple(...keys.map((k) => fc.oneof({ arbitrary: (params[k] as ParamSpec).weird, weight: 4 }, { arbitrary: fc.constant(undefined), weight: 1 }))).map((values) => keys.map((k, i) => [k, values[i]] as const)),
  );
  const extra = fc.oneof(
    { arbitrary: fc.constant<[string, string][]>([]), weight: 8 },
    { arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names, 'x', '__proto__', 'constructor'), nastyString), nastyString), { minLength: 1, maxLength: 2 }), weight: 1 },
  );
  return fc.tuple(valid, mutations, extra, fc.nat(15).map((n) => n === 0)).map(([base, changed, junk, rawPercent]) => {
    const values = new Map<string, string | undefined>(Object.entries(base));
    for (const [k, v] of changed) values.set(k, v);
    const q = new URLSearchParams();
    for (const [k, v] of values) if (v !== undefined) q.append(k, v);
    for (const [k, v] of junk) q.append(k, v);
    const text = q.toString();
    return { method: 'GET', url: `/api/v1/${endpoint}${text ? `?${text}` : ''}${rawPercent ? `${text ? '&' : '?'}x=%E0%A4%A` : ''}` };
  });
}
export const API_ENDPOINTS = Object.keys(ENDPOINTS);
