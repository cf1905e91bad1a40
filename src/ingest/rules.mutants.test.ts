/**
 * The row rules as data and as SQL: every rule of both tables listed in its fixed order, and each
 * rule's SQL run on a real in-memory DuckDB over hand-written raw values, at each boundary (a
 * value at a min/max and one past it, empty, NULL, NUL bytes, 2-byte characters, time offsets).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ISO_RULE as ISO, memoryDuckDb } from '../../test/ingest-fixtures.js';
import { UprateError } from '../core/errors.js';
import { CUSTOMERS, OFFERS, type ColumnRule, type TableSpec } from '../core/schema.js';
import { brokenRules, errorMaskExpression, raw, reasonsExpression, rowRules, typedExpression, type RowRule } from './rules.js';

const { c } = await memoryDuckDb({ utc: true });

/** A SQL literal for a raw value (NUL bytes through chr(0)); NULL for null. */
function lit(v: string | null): string {
  if (v === null) return 'NULL::VARCHAR';
  return v
    .split('\0')
    .map((part) => `'${part.replaceAll("'", "''")}'`)
    .join(' || chr(0) || ');
}

/** One row of raw text columns `r_<name>` for the given columns. */
function rowOf(columns: readonly ColumnRule[], values: Readonly<Record<string, string | null>>): string {
  return `SELECT ${columns.map((col) => `(${lit(values[col.name] ?? null)})::VARCHAR AS ${raw(col.name)}`).join(', ')}`;
}

async function one(sql: string): Promise<Record<string, unknown>> {
  const rows = (await c.runAndReadAll(sql)).getRowObjectsJS();
  assert.equal(rows.length, 1);
  return rows[0] ?? {};
}

/** `field rule` of every rule the row breaks, each rule's SQL evaluated on its own. */
async function broken(spec: TableSpec, values: Readonly<Record<string, string | null>>, options?: { maxFieldLength?: number }): Promise<string[]> {
  const rules = rowRules(spec, options);
  const row = await one(`SELECT ${rules.map((r, i) => `COALESCE(${r.broken}, FALSE) AS b${i}`).join(', ')} FROM (${rowOf(spec.columns, values)})`);
  return rules.filter((_, i) => row[`b${i}`] === true).map((r) => `${r.field} ${r.rule}`);
}

/** The typed value of one column, as DuckDB spells it in text (null when NULL). */
async function typed(col: ColumnRule, value: string | null): Promise<unknown> {
  const row = await one(`SELECT CAST(${typedExpression(col)} AS VARCHAR) AS v FROM (${rowOf([col], { [col.name]: value })})`);
  return row['v'];
}

const LIMIT = (n: number) => `must be at most ${n} characters (shorten it, or raise limits.maxFieldLength in uprate.config.yaml)`;
const NUL = 'must not contain a NUL byte (U+0000)';

const spec = (name: 'offers' | 'customers', columns: ColumnRule[]): TableSpec => ({ name, key: columns[0]?.name ?? 'k', columns });

describe('rowRules: the rules in their fixed order', () => {
  test('offers: 25 rules, the ordering rules last', () => {
    assert.deepEqual(
      rowRules(OFFERS).map((r) => [r.field, r.rule]),
      [
        ['offer_id', 'is required'],
        ['offer_id', NUL],
        ['offer_id', LIMIT(10000)],
        ['customer_id', 'is required'],
        ['customer_id', NUL],
        ['customer_id', LIMIT(10000)],
        ['offered_at', 'is required'],
        ['offered_at', ISO],
        ['offer_type', 'is required'],
        ['offer_type', NUL],
        ['offer_type', LIMIT(10000)],
        ['offer_type', 'must be one of upsell, cross_sell'],
        ['offer_name', 'is required'],
        ['offer_name', NUL],
        ['offer_name', LIMIT(10000)],
        ['channel', NUL],
        ['channel', LIMIT(10000)],
        ['campaign', NUL],
        ['campaign', LIMIT(10000)],
        ['accepted_at', ISO],
        ['declined_at', ISO],
        ['revenue', 'must be a number'],
        ['revenue', 'must be 0 or more'],
        ['accepted_at', 'must not be before offered_at'],
        ['declined_at', 'must not be before offered_at'],
      ],
    );
  });

  test('customers: 19 rules, a range for engagement_score, no ordering rule', () => {
    assert.deepEqual(
      rowRules(CUSTOMERS).map((r) => [r.field, r.rule]),
      [
        ['customer_id', 'is required'],
        ['customer_id', NUL],
        ['customer_id', LIMIT(10000)],
        ['account_size', NUL],
        ['account_size', LIMIT(10000)],
        ['account_size', 'must be one of smb, mid_market, enterprise'],
        ['lifecycle_stage', NUL],
        ['lifecycle_stage', LIMIT(10000)],
        ['lifecycle_stage', 'must be one of onboarding, adoption, expansion, renewal, at_risk'],
        ['engagement_score', 'must be a number'],
        ['engagement_score', 'must be between 0 and 100'],
        ['industry', NUL],
        ['industry', LIMIT(10000)],
        ['region', NUL],
        ['region', LIMIT(10000)],
        ['plan', NUL],
        ['plan', LIMIT(10000)],
        ['mrr', 'must be a number'],
        ['mrr', 'must be 0 or more'],
      ],
    );
  });

  test('a max without a min adds no range rule; a number column gets the number rule', () => {
    const s = spec('customers', [{ name: 'score', kind: 'number', required: false, max: 5 }]);
    assert.deepEqual(rowRules(s).map((r) => [r.field, r.rule]), [['score', 'must be a number']]);
  });

  test('the ordering rules only for a table named offers, and only for the columns it has', () => {
    const offered: ColumnRule = { name: 'offered_at', kind: 'timestamp', required: false };
    const accepted: ColumnRule = { name: 'accepted_at', kind: 'timestamp', required: false };
    const declined: ColumnRule = { name: 'declined_at', kind: 'timestamp', required: false };
    assert.deepEqual(rowRules(spec('offers', [offered, accepted])).map((r) => [r.field, r.rule]), [
      ['offered_at', ISO],
      ['accepted_at', ISO],
      ['accepted_at', 'must not be before offered_at'],
    ]);
    assert.deepEqual(rowRules(spec('offers', [offered, declined])).map((r) => [r.field, r.rule]), [
      ['offered_at', ISO],
      ['declined_at', ISO],
      ['declined_at', 'must not be before offered_at'],
    ]);
    assert.deepEqual(rowRules(spec('offers', [accepted, declined])).map((r) => [r.field, r.rule]), [
      ['accepted_at', ISO],
      ['declined_at', ISO],
    ]);
    assert.deepEqual(rowRules(spec('customers', [offered, accepted, declined])).map((r) => [r.field, r.rule]), [
      ['offered_at', ISO],
      ['accepted_at', ISO],
      ['declined_at', ISO],
    ]);
  });

  test('62 rules fit in one mask; 63 are refused', () => {
    const texts: ColumnRule[] = Array.from({ length: 31 }, (_, i) => ({ name: `t${i}`, kind: 'text', required: false }));
    assert.equal(rowRules(spec('customers', texts)).length, 62); // 31 text columns × (NUL, length)
    assert.throws(() => rowRules(spec('customers', [...texts, { name: 'n', kind: 'number', required: false }])), { message: 'too many rules for one error mask' });
  });

  test('maxFieldLength: 1 is the smallest allowed; 0, -1, 1.5, NaN and an unsafe integer are refused', () => {
    const s = spec('customers', [{ name: 'k', kind: 'text', required: false }]);
    assert.deepEqual(rowRules(s, { maxFieldLength: 1 }).map((r) => r.rule), [NUL, LIMIT(1)]);
    assert.deepEqual(rowRules(s, {}).map((r) => r.rule), [NUL, LIMIT(10000)]);
    for (const [bad, shown] of [[0, '0'], [-1, '-1'], [1.5, '1.5'], [NaN, 'NaN'], [2 ** 53, '9007199254740992']] as const) {
      assert.throws(
        () => rowRules(s, { maxFieldLength: bad }),
        (e: unknown) => {
          assert.ok(e instanceof UprateError);
          assert.deepEqual(
            { code: e.code, message: e.message, location: e.location, hint: e.hint },
            {
              code: 'BAD_ARGUMENT',
              message: `the longest text field allowed must be a whole number of characters, 1 or more, not ${shown}`,
              location: 'limits.maxFieldLength',
              hint: 'set limits.maxFieldLength in uprate.config.yaml to a whole number such as 10000',
            },
          );
          return true;
        },
      );
    }
  });
});

describe('the rules as SQL on DuckDB', () => {
  const GOOD_OFFER = {
    offer_id: 'o1',
    customer_id: 'c1',
    offered_at: '2025-01-02T10:00:00Z',
    offer_type: 'upsell',
    offer_name: 'Premium',
    channel: null,
    campaign: '',
    accepted_at: null,
    declined_at: '',
    revenue: null,
  };

  test('a good offer breaks nothing; empty optional cells are fine', async () => {
    assert.deepEqual(await broken(OFFERS, GOOD_OFFER), []);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, revenue: '0', channel: 'email', offer_type: 'cross_sell' }), []);
  });

  test('required: empty and NULL are missing, a single space is present', async () => {
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, offer_id: '', customer_id: null, offer_name: ' ' }), ['offer_id is required', 'customer_id is required']);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, offered_at: '' }), ['offered_at is required']);
  });

  test('one of: case matters, empty is allowed when optional, required when not', async () => {
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, offer_type: 'UPSELL' }), ['offer_type must be one of upsell, cross_sell']);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, offer_type: 'upgrade' }), ['offer_type must be one of upsell, cross_sell']);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, offer_type: '' }), ['offer_type is required']);
    assert.deepEqual(await broken(CUSTOMERS, { customer_id: 'c1', account_size: '' }), []);
    assert.deepEqual(await broken(CUSTOMERS, { customer_id: 'c1', account_size: 'mid_market', lifecycle_stage: 'at_risk' }), []);
    assert.deepEqual(await broken(CUSTOMERS, { customer_id: 'c1', lifecycle_stage: 'churned' }), ['lifecycle_stage must be one of onboarding, adoption, expansion, renewal, at_risk']);
  });

  test('NUL byte in a text value is broken, anywhere in it', async () => {
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, campaign: 'spr\0ing', offer_name: '\0' }), [`offer_name ${NUL}`, `campaign ${NUL}`]);
  });

  test('field length: at the limit passes (also in 2-byte characters), one past it is broken', async () => {
    const s = spec('customers', [{ name: 'k', kind: 'text', required: false }]);
    assert.deepEqual(await broken(s, { k: 'abc' }, { maxFieldLength: 3 }), []);
    assert.deepEqual(await broken(s, { k: 'ééé' }, { maxFieldLength: 3 }), []); // 6 bytes, 3 characters
    assert.deepEqual(await broken(s, { k: 'abcd' }, { maxFieldLength: 3 }), [`k ${LIMIT(3)}`]);
    assert.deepEqual(await broken(s, { k: 'éééé' }, { maxFieldLength: 3 }), [`k ${LIMIT(3)}`]);
    assert.deepEqual(await broken(s, { k: 'x'.repeat(10_000) }), []);
    assert.deepEqual(await broken(s, { k: 'x'.repeat(10_001) }), [`k ${LIMIT(10000)}`]);
  });

  test('timestamps: ISO forms pass; an impossible date or text is broken', async () => {
    for (const ok of ['2025-03-04T10:11:12Z', '2025-01-05', '2025-01-05 10:00:00', '2025-01-05T00:30:00+02:00', '2025-01-05T00:30:00-05:00']) {
      assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, offered_at: '2024-01-01', accepted_at: ok }), [], ok);
    }
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, offered_at: '2025-02-30' }), [`offered_at ${ISO}`]);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, declined_at: 'yesterday' }), [`declined_at ${ISO}`]);
  });

  test('accepted/declined before offered is broken; equal is not; an offset is honoured', async () => {
    const at = { ...GOOD_OFFER, offered_at: '2025-01-02T10:00:00Z' };
    assert.deepEqual(await broken(OFFERS, { ...at, accepted_at: '2025-01-02T09:59:59Z' }), ['accepted_at must not be before offered_at']);
    assert.deepEqual(await broken(OFFERS, { ...at, declined_at: '2025-01-01' }), ['declined_at must not be before offered_at']);
    assert.deepEqual(await broken(OFFERS, { ...at, accepted_at: '2025-01-02T10:00:00Z', declined_at: '2025-01-02T10:00:00' }), []);
    // 00:30+02:00 is 22:30 UTC the day before: 23:00Z is after it.
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, offered_at: '2025-01-05T00:30:00+02:00', accepted_at: '2025-01-04T23:00:00Z' }), []);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, offered_at: '2025-01-05T00:30:00+02:00', accepted_at: '2025-01-04T22:00:00Z' }), ['accepted_at must not be before offered_at']);
    // 10:00-05:00 is 15:00 UTC: 14:00Z is before it.
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, offered_at: '2025-01-05T10:00:00-05:00', accepted_at: '2025-01-05T14:00:00Z' }), ['accepted_at must not be before offered_at']);
  });

  test('decimal with a min: 0 passes, -0.01 is below, text / inf / NaN are not numbers', async () => {
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, revenue: '0' }), []);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, revenue: '120.50' }), []);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, revenue: '-0.01' }), ['revenue must be 0 or more']);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, revenue: 'abc' }), ['revenue must be a number']);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, revenue: 'inf' }), ['revenue must be a number']);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, revenue: 'NaN' }), ['revenue must be a number']);
    assert.deepEqual(await broken(OFFERS, { ...GOOD_OFFER, revenue: '-inf' }), ['revenue must be a number', 'revenue must be 0 or more']);
  });

  test('number between: both ends pass, one past either end is broken', async () => {
    const customer = (score: string) => ({ customer_id: 'c1', engagement_score: score });
    assert.deepEqual(await broken(CUSTOMERS, customer('0')), []);
    assert.deepEqual(await broken(CUSTOMERS, customer('100')), []);
    assert.deepEqual(await broken(CUSTOMERS, customer('55.5')), []);
    assert.deepEqual(await broken(CUSTOMERS, customer('100.001')), ['engagement_score must be between 0 and 100']);
    assert.deepEqual(await broken(CUSTOMERS, customer('-0.001')), ['engagement_score must be between 0 and 100']);
    assert.deepEqual(await broken(CUSTOMERS, customer('1e3')), ['engagement_score must be between 0 and 100']);
    assert.deepEqual(await broken(CUSTOMERS, customer('high')), ['engagement_score must be a number']);
  });
});

describe('typedExpression', () => {
  const ts: ColumnRule = { name: 'at', kind: 'timestamp', required: false };
  test('timestamps: Z and zone-less are UTC; +hh:mm and -hh:mm offsets are converted', async () => {
    assert.equal(await typed(ts, '2025-03-04T10:11:12Z'), '2025-03-04 10:11:12');
    assert.equal(await typed(ts, '2025-03-04 10:11:12'), '2025-03-04 10:11:12');
    assert.equal(await typed(ts, '2025-01-05'), '2025-01-05 00:00:00');
    assert.equal(await typed(ts, '2025-01-05T00:30:00+02:00'), '2025-01-04 22:30:00');
    assert.equal(await typed(ts, '2025-01-05T00:30:00-05:00'), '2025-01-05 05:30:00');
    assert.equal(await typed(ts, '2025-02-30'), null);
    assert.equal(await typed(ts, ''), null);
    assert.equal(await typed(ts, null), null);
  });

  test('decimal, number and text', async () => {
    const dec: ColumnRule = { name: 'd', kind: 'decimal', required: false };
    const num: ColumnRule = { name: 'n', kind: 'number', required: false };
    const text: ColumnRule = { name: 't', kind: 'text', required: false };
    assert.equal(await typed(dec, '120.5'), '120.50');
    assert.equal(await typed(dec, 'x'), null);
    assert.equal(await typed(dec, ''), null);
    assert.equal(await typed(num, '1e3'), '1000.0');
    assert.equal(await typed(num, 'x'), null);
    assert.equal(await typed(text, ' a '), ' a ');
    assert.equal(await typed(text, ''), null);
    assert.equal(await typed(text, null), null);
  });
});

describe('error mask, reasons and broken rules', () => {
  test('raw names the text column', () => {
    assert.equal(raw('offer_id'), 'r_offer_id');
  });

  test('the mask of an offer with a bad type and a negative revenue is bits 11 and 22', async () => {
    const mask = errorMaskExpression(rowRules(OFFERS));
    const values = { offer_id: 'o1', customer_id: 'c1', offered_at: '2025-01-01', offer_type: 'upgrade', offer_name: 'P', revenue: '-5' };
    const row = await one(`SELECT ${mask} AS err FROM (${rowOf(OFFERS.columns, values)})`);
    assert.equal(row['err'], 2n ** 11n + 2n ** 22n); // 2048 + 4194304
    const good = await one(`SELECT ${mask} AS err FROM (${rowOf(OFFERS.columns, { ...values, offer_type: 'upsell', revenue: '5' })})`);
    assert.equal(good['err'], 0n);
    // A NULL accepted_at makes the ordering rule NULL: not broken.
    const nulls = await one(`SELECT ${mask} AS err FROM (${rowOf(OFFERS.columns, {})})`);
    // offer_id, customer_id, offered_at, offer_type, offer_name required: bits 0, 3, 6, 8, 12.
    assert.equal(nulls['err'], 1n + 8n + 64n + 256n + 4096n);
  });

  test('no rules: the mask is the BIGINT 0', async () => {
    assert.equal(errorMaskExpression([]), '0::BIGINT');
    const row = await one(`SELECT ${errorMaskExpression([])} AS err, typeof(${errorMaskExpression([])}) AS t`);
    assert.deepEqual(row, { err: 0n, t: 'BIGINT' });
  });

  const rules: RowRule[] = [
    { field: 'a', rule: 'is one', broken: 'TRUE' },
    { field: 'b', rule: "isn't two", broken: 'FALSE' },
    { field: 'c', rule: 'is three', broken: 'NULL' },
    { field: 'd', rule: 'is four', broken: 'TRUE' },
  ];

  test('mask: a NULL rule counts as kept; each broken rule is its own bit', async () => {
    const row = await one(`SELECT ${errorMaskExpression(rules)} AS err, typeof(${errorMaskExpression(rules)}) AS t`);
    assert.deepEqual(row, { err: 9n, t: 'BIGINT' }); // bits 0 and 3
  });

  test('reasons spell out the broken rules, quotes escaped, in rule order', async () => {
    const row = await one(`SELECT ${reasonsExpression(rules, 'm')} AS r, ${reasonsExpression(rules)} AS d FROM (SELECT 6::BIGINT AS m, 9::BIGINT AS err)`);
    assert.deepEqual(row, { r: "b isn't two; c is three", d: 'a is one; d is four' });
    const none = await one(`SELECT ${reasonsExpression(rules)} AS r FROM (SELECT 0::BIGINT AS err)`);
    assert.deepEqual(none, { r: '' });
  });

  test('brokenRules picks the rules of the set bits', () => {
    assert.deepEqual(brokenRules(rules, 9n).map((r) => r.field), ['a', 'd']);
    assert.deepEqual(brokenRules(rules, 6n).map((r) => r.field), ['b', 'c']);
    assert.deepEqual(brokenRules(rules, 0n), []);
    assert.deepEqual(brokenRules(rules, 16n), []);
  });
});
