import { UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS, raiseLimitHint } from '../core/limits.js';
import type { ColumnRule, TableSpec } from '../core/schema.js';

/**
 * The data-model rules of PRODUCT.md as SQL over raw text columns `r_<column>`. Each rule is one
 * bit of a row's error mask, so a 10-million-row file is checked in one pass inside the database
 * and only the failing rows are ever looked at in JavaScript.
 */
export interface RowRule {
  readonly field: string;
  /** What the value must be, as the user reads it. */
  readonly rule: string;
  /** SQL that is true when the row breaks the rule. */
  readonly broken: string;
}

export const raw = (column: string): string => `r_${column}`;

/** NULL for an absent or empty value, so optional columns may be left blank. */
const present = (column: string): string => `NULLIF(${raw(column)}, '')`;

/** The typed value of a column, NULL when absent or unparseable. */
export function typedExpression(c: ColumnRule): string {
  const v = present(c.name);
  switch (c.kind) {
    case 'text':
      return v;
    case 'timestamp':
      // An explicit offset (+02:00, -0500) goes through TIMESTAMPTZ so it is honoured; the plain
      // TIMESTAMP cast would drop it, but is three times faster for the usual `…Z` or zone-less
      // value, which means UTC. A '-' after the date part can only start an offset.
      return `CASE WHEN strpos(${v}, '+') > 0 OR strpos(substr(${v}, 11), '-') > 0 THEN TRY_CAST(${v} AS TIMESTAMPTZ)::TIMESTAMP ELSE TRY_CAST(${v} AS TIMESTAMP) END`;
    case 'decimal':
      return `TRY_CAST(${v} AS DECIMAL(18, 2))`;
    case 'number':
      return `TRY_CAST(${v} AS DOUBLE)`;
  }
}

export interface RuleOptions {
  /** Characters one text field may hold (config `limits.maxFieldLength`; default 10,000). */
  readonly maxFieldLength?: number;
}

/**
 * What any text value must keep: no NUL byte (U+0000, which other engines and tools refuse or
 * cut at), and no more than `maxFieldLength` characters. The other kinds need no such rule: a
 * value with a NUL never parses, and what parses is stored typed, not as text.
 */
function textRules(c: ColumnRule, maxFieldLength: number): RowRule[] {
  const r = raw(c.name);
  return [
    { field: c.name, rule: 'must not contain a NUL byte (U+0000)', broken: `contains(${r}, chr(0))` },
    {
      field: c.name,
      rule: `must be at most ${maxFieldLength} characters (${raiseLimitHint('maxFieldLength', 'shorten it')})`,
      // The byte length is free and never below the character count: count characters only past it.
      broken: `strlen(${r}) > ${maxFieldLength} AND length(${r}) > ${maxFieldLength}`,
    },
  ];
}

function columnRules(c: ColumnRule, maxFieldLength: number): RowRule[] {
  const v = present(c.name);
  const typed = typedExpression(c);
  const rules: RowRule[] = [];
  if (c.required) rules.push({ field: c.name, rule: 'is required', broken: `${v} IS NULL` });
  if (c.kind === 'text') rules.push(...textRules(c, maxFieldLength));
  if (c.kind === 'timestamp') {
    rules.push({
      field: c.name,
      rule: 'must be an ISO 8601 timestamp such as 2025-03-04T10:11:12Z (UTC when no zone is given)',
      broken: `${v} IS NOT NULL AND ${typed} IS NULL`,
    });
  }
  if (c.kind === 'decimal' || c.kind === 'number') {
    rules.push({
      field: c.name,
      rule: 'must be a number',
      broken: `${v} IS NOT NULL AND (TRY_CAST(${v} AS DOUBLE) IS NULL OR NOT isfinite(TRY_CAST(${v} AS DOUBLE)))`,
    });
    const parsed = `TRY_CAST(${v} AS DOUBLE)`;
    if (c.min !== undefined && c.max !== undefined) {
      rules.push({ field: c.name, rule: `must be between ${c.min} and ${c.max}`, broken: `${parsed} < ${c.min} OR ${parsed} > ${c.max}` });
    } else if (c.min !== undefined) {
      rules.push({ field: c.name, rule: `must be ${c.min} or more`, broken: `${parsed} < ${c.min}` });
    }
  }
  if (c.oneOf) {
    const list = c.oneOf.map((x) => `'${x}'`).join(', ');
    rules.push({ field: c.name, rule: `must be one of ${c.oneOf.join(', ')}`, broken: `${v} IS NOT NULL AND ${v} NOT IN (${list})` });
  }
  return rules;
}

/** Every rule a row of `spec` must keep, in a fixed order (bit i = rule i). */
export function rowRules(spec: TableSpec, options: RuleOptions = {}): RowRule[] {
  const maxFieldLength = options.maxFieldLength ?? DEFAULT_LIMITS.maxFieldLength;
  if (!Number.isSafeInteger(maxFieldLength) || maxFieldLength < 1) {
    throw new UprateError('BAD_ARGUMENT', `the longest text field allowed must be a whole number of characters, 1 or more, not ${maxFieldLength}`, {
      location: 'limits.maxFieldLength',
      hint: 'set limits.maxFieldLength in uprate.config.yaml to a whole number such as 10000',
    });
  }
  const rules = spec.columns.flatMap((c) => columnRules(c, maxFieldLength));
  if (spec.name === 'offers') {
    const column = (name: string) => spec.columns.find((c) => c.name === name);
    const offered = column('offered_at');
    const accepted = column('accepted_at');
    const declined = column('declined_at');
    if (offered && accepted) {
      rules.push({
        field: 'accepted_at',
        rule: 'must not be before offered_at',
        broken: `${typedExpression(accepted)} < ${typedExpression(offered)}`,
      });
    }
    if (offered && declined) {
      rules.push({
        field: 'declined_at',
        rule: 'must not be before offered_at',
        broken: `${typedExpression(declined)} < ${typedExpression(offered)}`,
      });
    }
  }
  if (rules.length > 62) throw new Error('too many rules for one error mask');
  return rules;
}

/** SQL for a row's error mask: 0 when the row keeps every rule. */
export function errorMaskExpression(rules: readonly RowRule[]): string {
  if (rules.length === 0) return '0::BIGINT';
  return rules.map((r, i) => `(CASE WHEN COALESCE(${r.broken}, FALSE) THEN ${2n ** BigInt(i)} ELSE 0 END)::BIGINT`).join(' + ');
}

/** SQL that spells out a row's broken rules from its mask, for reject files. */
export function reasonsExpression(rules: readonly RowRule[], mask = 'err'): string {
  const parts = rules.map(
    (r, i) => `CASE WHEN (${mask} & ${2n ** BigInt(i)}) <> 0 THEN '${`${r.field} ${r.rule}`.replaceAll("'", "''")}' END`,
  );
  return `concat_ws('; ', ${parts.join(', ')})`;
}

/** The rules a mask says were broken. */
export function brokenRules(rules: readonly RowRule[], mask: bigint): RowRule[] {
  return rules.filter((_, i) => (mask & (1n << BigInt(i))) !== 0n);
}
