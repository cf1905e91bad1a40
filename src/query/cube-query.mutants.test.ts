/**
 * The query JSON validator (cube-query.ts), field by field: what each field accepts and what it
 * refuses, and the exact message, location and hint of a refusal. Expected texts are written out
 * by hand from the field rules (Cube's query format) and the messages in cube-query.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refused } from '../../test/uprate-error.js';
import { GRANULARITIES, parseCubeQuery } from './cube-query.js';

const HINT = /^see https:\/\/cube\.dev\/docs\/product\/apis-integrations\/rest-api\/query-format$/;
const NAME = 'is not a member name of the form Cube.member';
const base = { measures: ['Offers.count'] };

/** The refusal of `query`: QUERY_INVALID at `location` (under `query.`), with the whole message. */
function refuses(query: unknown, location: string, message: string, hint: RegExp = HINT): void {
  refused(() => parseCubeQuery(query), 'QUERY_INVALID', location, { message, hint });
}

test('member names: Cube.member only — no dot, a second dot, or text around the name is refused', () => {
  assert.deepEqual(parseCubeQuery({ measures: ['Offers.count', 'A_1.b_2'] }).measures, ['Offers.count', 'A_1.b_2']);
  refuses({ measures: ['Offerscount'] }, 'query.measures[0]', `Invalid query format: measures[0] "Offerscount" ${NAME}`);
  refuses({ measures: [';Offers.count'] }, 'query.measures[0]', `Invalid query format: measures[0] ";Offers.count" ${NAME}`);
  refuses({ measures: ['Offers.count.day'] }, 'query.measures[0]', `Invalid query format: measures[0] "Offers.count.day" ${NAME}`);
  refuses({ measures: ['Offers.'] }, 'query.measures[0]', `Invalid query format: measures[0] "Offers." ${NAME}`);
  refuses({ measures: ['.count'] }, 'query.measures[0]', `Invalid query format: measures[0] ".count" ${NAME}`);
  refuses({ ...base, segments: ['Offers.x y'] }, 'query.segments[0]', `Invalid query format: segments[0] "Offers.x y" ${NAME}`);
  refuses({ ...base, timeDimensions: [{ dimension: 'offeredAt' }] }, 'query.timeDimensions[0].dimension', `Invalid query format: timeDimensions[0].dimension "offeredAt" ${NAME}`);
  refuses({ ...base, filters: [{ member: 'Offers.a-b', operator: 'set' }] }, 'query.filters[0].member', `Invalid query format: filters[0].member "Offers.a-b" ${NAME}`);
  refuses({ ...base, filters: [{ dimension: 'x', operator: 'set' }] }, 'query.filters[0].dimension', `Invalid query format: filters[0].dimension "x" ${NAME}`);
});

test('dimensions: Cube.member with an optional known granularity, nothing else', () => {
  const withGrain = GRANULARITIES.map((g) => `Offers.offeredAt.${g}`);
  assert.deepEqual(parseCubeQuery({ dimensions: ['Offers.channel', ...withGrain] }).dimensions, ['Offers.channel', ...withGrain]);
  for (const bad of ['Offers', 'Offerschannel', 'Offers.offeredAt.fortnight', 'Offers.offeredAt.', 'Offers.offeredAt.month.day', 'x Offers.channel', 'Offers.channel x', 'Offers.offeredAt.monthly', 'Offers.offeredAt.xmonth', 'Offers.offeredAtmonth.']) {
    refuses({ dimensions: [bad] }, 'query.dimensions[0]', `Invalid query format: dimensions[0] ${JSON.stringify(bad)} ${NAME}`);
  }
});

test('granularities: exactly second to year, or null, on a time dimension', () => {
  assert.deepEqual([...GRANULARITIES], ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']);
  for (const g of [...GRANULARITIES, null]) {
    assert.deepEqual(parseCubeQuery({ ...base, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: g }] }).timeDimensions, [{ dimension: 'Offers.offeredAt', granularity: g }]);
  }
  refused(() => parseCubeQuery({ ...base, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'fortnight' }] }), 'QUERY_INVALID', 'query.timeDimensions[0].granularity', { hint: HINT });
  refused(() => parseCubeQuery({ ...base, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: '' }] }), 'QUERY_INVALID', 'query.timeDimensions[0].granularity', { hint: HINT });
});

test('date ranges: a text or one or two texts; compareDateRange at least one of them', () => {
  const td = (extra: Record<string, unknown>) => ({ ...base, timeDimensions: [{ dimension: 'Offers.offeredAt', ...extra }] });
  const RANGE = 'is not a date range: give a relative range such as "last 7 days" or one or two dates ["2025-01-01", "2025-01-31"]';
  assert.ok(parseCubeQuery(td({ dateRange: ['2025-01-01'] })));
  assert.ok(parseCubeQuery(td({ dateRange: ['2025-01-01', '2025-01-31'] })));
  assert.ok(parseCubeQuery(td({ dateRange: 'last week' })));
  // An empty or a three-date list is close to the list form: the validator says what the list lacks.
  refused(() => parseCubeQuery(td({ dateRange: [] })), 'QUERY_INVALID', 'query.timeDimensions[0].dateRange', { message: /^Invalid query format: timeDimensions\[0\]\.dateRange .*>=1/, hint: HINT });
  refuses(td({ dateRange: ['2025-01-01', '2025-01-02', '2025-01-03'] }), 'query.timeDimensions[0].dateRange', `Invalid query format: timeDimensions[0].dateRange ${RANGE}`);
  refuses(td({ dateRange: 7 }), 'query.timeDimensions[0].dateRange', `Invalid query format: timeDimensions[0].dateRange ${RANGE}`);
  assert.ok(parseCubeQuery(td({ compareDateRange: ['last week'] })));
  assert.ok(parseCubeQuery(td({ compareDateRange: ['last week', ['2025-01-01', '2025-01-31'], 'this month'] })));
  refused(() => parseCubeQuery(td({ compareDateRange: [] })), 'QUERY_INVALID', 'query.timeDimensions[0].compareDateRange', { hint: HINT });
  refuses(td({ compareDateRange: ['last week', 7] }), 'query.timeDimensions[0].compareDateRange[1]', `Invalid query format: timeDimensions[0].compareDateRange[1] ${RANGE}`);
});

test('order: an object or a list of pairs, asc or desc; limit from 1, offset from 0; responseFormat default only', () => {
  assert.deepEqual(parseCubeQuery({ ...base, order: { 'Offers.count': 'desc', 'Offers.channel': 'asc' } }).order, { 'Offers.count': 'desc', 'Offers.channel': 'asc' });
  assert.deepEqual(parseCubeQuery({ ...base, order: [['Offers.count', 'asc'], ['Offers.channel', 'desc']] }).order, [['Offers.count', 'asc'], ['Offers.channel', 'desc']]);
  const ORDER = 'is not an order: give {"Cube.member": "asc" | "desc"} or [["Cube.member", "asc" | "desc"], ...]';
  refuses({ ...base, order: { 'Offers.count': 'up' } }, 'query.order', `Invalid query format: order ${ORDER}`);
  refuses({ ...base, order: [['Offers.count', '']] }, 'query.order', `Invalid query format: order ${ORDER}`);
  assert.equal(parseCubeQuery({ ...base, limit: 1 }).limit, 1);
  assert.equal(parseCubeQuery({ ...base, limit: 50000 }).limit, 50000);
  refused(() => parseCubeQuery({ ...base, limit: 0 }), 'QUERY_INVALID', 'query.limit', { message: /^Invalid query format: limit /, hint: HINT });
  refused(() => parseCubeQuery({ ...base, limit: 1.5 }), 'QUERY_INVALID', 'query.limit', { message: /^Invalid query format: limit /, hint: HINT });
  assert.equal(parseCubeQuery({ ...base, offset: 0 }).offset, 0);
  assert.equal(parseCubeQuery({ ...base, offset: 7 }).offset, 7);
  refused(() => parseCubeQuery({ ...base, offset: -1 }), 'QUERY_INVALID', 'query.offset', { message: /^Invalid query format: offset /, hint: HINT });
  assert.equal(parseCubeQuery({ ...base, responseFormat: 'default' }).responseFormat, 'default');
  refused(() => parseCubeQuery({ ...base, responseFormat: 'compact' }), 'QUERY_INVALID', 'query.responseFormat', { hint: HINT });
});

test('filters: a filter, an and group or an or group, each with only its own keys; values are scalars or null', () => {
  const filters = [
    { member: 'Offers.channel', operator: 'equals', values: ['email', 3, true, null] },
    { dimension: 'Offers.channel', operator: 'set' },
    { and: [{ or: [{ member: 'Offers.channel', operator: 'set' }] }] },
  ];
  assert.deepEqual(parseCubeQuery({ ...base, filters }).filters, filters);
  const FILTER = 'is not a filter ({member, operator, values}) or a group ({and: [...]} / {or: [...]})';
  refuses({ ...base, filters: [{ and: [], or: [] }] }, 'query.filters[0]', `Invalid query format: filters[0] ${FILTER}`);
  refuses({ ...base, filters: [{ member: 'Offers.channel', operator: 'set', values: [[1]] }] }, 'query.filters[0]', `Invalid query format: filters[0] ${FILTER}`);
  refuses({ ...base, filters: [{ member: 'Offers.channel', operator: 'set', values: [{}] }] }, 'query.filters[0]', `Invalid query format: filters[0] ${FILTER}`);
  refuses({ ...base, filters: [null] }, 'query.filters[0]', `Invalid query format: filters[0] ${FILTER}`);
  refuses({ ...base, filters: [{ member: 'Offers.channel', operator: 'set', sql: '1=1', raw: 1 }] }, 'query.filters[0]', 'Invalid query format: filters[0] "sql", "raw" is not allowed');
});

test('a wrong top level: not an object, unknown keys (all named), a wrong type; location query, no value shown', () => {
  refuses(null, 'query', 'Invalid query format: Invalid input: expected object, received null');
  refuses(undefined, 'query', 'Invalid query format: Invalid input: expected object, received undefined');
  refuses(5, 'query', 'Invalid query format: Invalid input: expected object, received number');
  refuses({ ...base, sql: 'SELECT 1', having: 'x' }, 'query', 'Invalid query format: "sql", "having" is not allowed');
  refuses({ ...base, filters: 'x' }, 'query.filters', 'Invalid query format: filters Invalid input: expected array, received string');
  refuses({ ...base, filters: 5 }, 'query.filters', 'Invalid query format: filters Invalid input: expected array, received number');
  refuses({ ...base, total: 'yes' }, 'query.total', 'Invalid query format: total Invalid input: expected boolean, received string');
  // The place the caller gives prefixes the location.
  refused(() => parseCubeQuery({ ...base, sql: 'x' }, 'body.query'), 'QUERY_INVALID', 'body.query', { message: 'Invalid query format: "sql" is not allowed' });
  refused(() => parseCubeQuery({ measures: ['x'] }, 'body.query'), 'QUERY_INVALID', 'body.query.measures[0]', { message: `Invalid query format: measures[0] "x" ${NAME}` });
});

test('the offending value is shown whole up to 80 characters of JSON, cut to 77 and ... beyond', () => {
  // JSON of a string is its text and two quotes: 78 characters of name give exactly 80.
  const at80 = `Offers.${'x'.repeat(70)};`;
  assert.equal(JSON.stringify(at80).length, 80);
  refuses({ measures: [at80] }, 'query.measures[0]', `Invalid query format: measures[0] ${JSON.stringify(at80)} ${NAME}`);
  const at81 = `${at80}y`;
  refuses({ measures: [at81] }, 'query.measures[0]', `Invalid query format: measures[0] ${JSON.stringify(at81).slice(0, 77)}... ${NAME}`);
});

test('nesting: the too-deep check reads own and/or arrays only, and never trips on non-objects', () => {
  const deep = (n: number): unknown => (n === 0 ? { member: 'Offers.channel', operator: 'set' } : { and: [deep(n - 1)] });
  const err = refused(() => parseCubeQuery({ ...base, filters: [deep(101)] }, 'body'), 'QUERY_INVALID', `body.filters[0]${'.and[0]'.repeat(100)}.and`, {
    message: `Invalid query format: filters[0]${'.and[0]'.repeat(100)}.and nests and/or groups more than 100 levels deep`,
    hint: /^flatten the filter: an and inside an and \(or an or inside an or\) is one group$/,
  });
  assert.ok(err);
  // Groups an item only inherits (built with Object.create) are read by the validator as well, so they count too:
  // 101 levels are refused, and 100,000 are refused before the validator's recursion overflows the stack.
  const inherited = (n: number): unknown => {
    let item: unknown = { member: 'Offers.channel', operator: 'set' };
    for (let i = 0; i < n; i += 1) item = Object.create({ and: [item] }) as unknown;
    return item;
  };
  assert.deepEqual(parseCubeQuery({ ...base, filters: [inherited(2)] }).filters, [{ and: [{ and: [{ member: 'Offers.channel', operator: 'set' }] }] }]);
  refused(() => parseCubeQuery({ ...base, filters: [inherited(101)] }), 'QUERY_INVALID', `query.filters[0]${'.and[0]'.repeat(100)}.and`, { message: /more than 100 levels deep$/ });
  refused(() => parseCubeQuery({ ...base, filters: [inherited(100_000)] }), 'QUERY_INVALID', `query.filters[0]${'.and[0]'.repeat(100)}.and`, { message: /more than 100 levels deep$/ });
  // Filters that are not a list, and items that are not objects, are the validator's to refuse.
  refuses({ ...base, filters: 'and' }, 'query.filters', 'Invalid query format: filters Invalid input: expected array, received string');
  refuses({ ...base, filters: [null, 'and'] }, 'query.filters[0]', 'Invalid query format: filters[0] is not a filter ({member, operator, values}) or a group ({and: [...]} / {or: [...]})');
  // An and holding no list is not a group to descend into.
  refuses({ ...base, filters: [{ and: 'x' }] }, 'query.filters[0]', 'Invalid query format: filters[0] "and" is not allowed');
});

test('a value the query only inherits (built with Object.create) is checked, but not quoted in the message', () => {
  const inherited = Object.create({ measures: ['x'] }) as object;
  refuses(inherited, 'query.measures[0]', `Invalid query format: measures[0] ${NAME}`);
  // The same value as the query's own key is quoted.
  refuses({ measures: ['x'] }, 'query.measures[0]', `Invalid query format: measures[0] "x" ${NAME}`);
});
