import type { Template, TemplatePart } from './types.js';

/**
 * A small SQL scanner for checks on model SQL: which columns and references a template uses
 * outside any aggregate function call. It skips string literals and knows SQL keywords and type
 * names; it is a linter's view of SQL, not a parser.
 */
export type UseOutsideAggregate =
  | { readonly kind: 'column'; readonly name: string }
  /** `suffix`: the `.column` written right after a `${CUBE}`-style reference. */
  | { readonly kind: 'ref'; readonly part: Extract<TemplatePart, { kind: 'cube' | 'member' | 'macro' }>; readonly suffix: string };

export const AGGREGATE_FUNCTIONS = new Set([
  'sum', 'count', 'avg', 'min', 'max', 'count_if', 'countif', 'sumif', 'avgif', 'stddev', 'stddev_samp', 'stddev_pop',
  'variance', 'var_samp', 'var_pop', 'median', 'percentile_cont', 'percentile_disc', 'quantile', 'approx_count_distinct',
  'string_agg', 'array_agg', 'bool_and', 'bool_or', 'any_value', 'arbitrary', 'first', 'last', 'mode', 'corr',
  'covar_pop', 'covar_samp', 'uniq', 'uniqexact', 'group_concat', 'listagg', 'every',
]);

const KEYWORDS = new Set([
  'case', 'when', 'then', 'else', 'end', 'and', 'or', 'not', 'null', 'is', 'true', 'false', 'as', 'in', 'between',
  'like', 'ilike', 'distinct', 'interval', 'day', 'days', 'hour', 'minute', 'second', 'month', 'year', 'filter',
  'where', 'over', 'partition', 'by', 'order', 'asc', 'desc', 'nulls', 'first', 'last', 'escape', 'from', 'for',
  'double', 'precision', 'float', 'real', 'numeric', 'decimal', 'integer', 'int', 'bigint', 'smallint', 'varchar',
  'text', 'date', 'timestamp', 'boolean', 'float8', 'float4', 'int8', 'int4', 'current_date', 'current_timestamp',
]);

interface Token {
  readonly kind: 'ident' | 'open' | 'close' | 'ref' | 'other';
  readonly text: string;
  readonly part?: Extract<TemplatePart, { kind: 'cube' | 'member' | 'macro' }>;
}

function* tokens(t: Template): Generator<Token> {
  for (const p of t) {
    if (p.kind !== 'text') {
      yield { kind: 'ref', text: '', part: p };
      continue;
    }
    const re = /'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d*)?|\.|\(|\)|\s+|./gs;
    for (const m of p.text.matchAll(re)) {
      const s = m[0];
      if (s === '(') yield { kind: 'open', text: s };
      else if (s === ')') yield { kind: 'close', text: s };
      else if (/^[A-Za-z_"]/.test(s)) yield { kind: 'ident', text: s };
      else if (!/^\s+$/.test(s)) yield { kind: 'other', text: s };
    }
  }
}

/** Columns and references used outside aggregate calls (`now()` and literals don't count). */
export function usesOutsideAggregates(t: Template): UseOutsideAggregate[] {
  const out: UseOutsideAggregate[] = [];
  const stack: boolean[] = []; // per open paren: is it an aggregate call?
  const all = [...tokens(t)];
  let prev: Token | undefined;
  for (let i = 0; i < all.length; i++) {
    const tok = all[i] as Token;
    const next = all[i + 1];
    const inAggregate = stack.includes(true);
    if (tok.kind === 'open') stack.push(prev?.kind === 'ident' && AGGREGATE_FUNCTIONS.has(prev.text.toLowerCase()));
    else if (tok.kind === 'close') stack.pop();
    else if (!inAggregate && tok.kind === 'ref' && tok.part && !(tok.part.kind === 'macro' && tok.part.name === 'now')) {
      const column = next?.text === '.' && all[i + 2]?.kind === 'ident' ? `.${all[i + 2]?.text ?? ''}` : '';
      if (!(tok.part.kind === 'member' && tok.part.memberType === 'measure')) out.push({ kind: 'ref', part: tok.part, suffix: column });
    } else if (!inAggregate && tok.kind === 'ident' && next?.kind !== 'open' && prev?.text !== '.' && !KEYWORDS.has(tok.text.toLowerCase())) {
      out.push({ kind: 'column', name: tok.text });
    }
    // `${CUBE}.column`: the column belongs to the reference already reported.
    if (tok.kind === 'ref' && next?.text === '.' && all[i + 2]?.kind === 'ident') i += 2;
    prev = tok;
  }
  return out;
}
