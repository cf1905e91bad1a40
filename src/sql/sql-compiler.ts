import { InternalError } from '../core/errors.js';
import type { SqlValue } from '../store/store.js';
import type { Dialect } from './dialect.js';
import type { FromItem, JoinItem, SelectNode, SqlExpr } from './nodes.js';

/** SQL text and the values bound to its placeholders, in order. */
export interface CompiledSql {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

const AGGREGATE_NAMES = { count: 'count', sum: 'sum', avg: 'avg', min: 'min', max: 'max' } as const;

/**
 * Prints nodes as SQL for one dialect: one short visit method per node kind. Parameters are
 * numbered in order of appearance; `shared` parameters (the clock, the time zone) get one
 * placeholder however often they appear.
 */
export class SqlCompiler {
  private params: SqlValue[] = [];
  private shared = new Map<string, number>();

  constructor(private readonly dialect: Dialect) {}

  compile(node: SelectNode): CompiledSql {
    this.params = [];
    this.shared = new Map();
    const sql = this.visitSelect(node, '');
    return { sql, params: this.params };
  }

  private q(name: string): string {
    return this.dialect.quoteIdentifier(name);
  }

  private visitSelect(node: SelectNode, indent: string): string {
    const i = `${indent}  `;
    const lines = [
      `${indent}SELECT${node.distinct ? ' DISTINCT' : ''}`,
      node.columns.map((c) => `${i}${this.expr(c.expr)} ${this.q(c.alias)}`).join(',\n'),
      `${indent}FROM ${this.visitFrom(node.from, indent)}`,
      ...node.joins.map((j) => `${indent}${this.visitJoin(j, indent)}`),
    ];
    if (node.where) lines.push(`${indent}WHERE ${this.expr(node.where)}`);
    const ref = (position: number): string => this.columnRef(node, position);
    if (node.groupBy.length) lines.push(`${indent}GROUP BY ${node.groupBy.map(ref).join(', ')}`);
    if (node.having) lines.push(`${indent}HAVING ${this.expr(node.having)}`);
    if (node.orderBy.length) lines.push(`${indent}ORDER BY ${node.orderBy.map((o) => `${ref(o.position)} ${o.desc ? 'DESC' : 'ASC'} NULLS LAST`).join(', ')}`);
    if (node.limit !== null) lines.push(`${indent}LIMIT ${integer(node.limit)}`);
    if (node.offset) lines.push(`${indent}OFFSET ${integer(node.offset)}`);
    return lines.join('\n');
  }

  /** A select-list position, or its alias where the engine reads positions as constants. */
  private columnRef(node: SelectNode, position: number): string {
    if (this.dialect.positionalReferences ?? true) return String(position);
    const column = node.columns[position - 1];
    if (!column) throw new InternalError(`no select column at position ${position}`);
    return this.q(column.alias);
  }

  private visitFrom(item: FromItem, indent: string): string {
    switch (item.kind) {
      case 'table':
        return `${item.table} AS ${this.q(item.alias)}`;
      case 'sqlSource':
        return `(${this.expr(item.sql)}) AS ${this.q(item.alias)}`;
      case 'subquery':
        return `(\n${this.visitSelect(item.query, `${indent}  `)}\n${indent}) AS ${this.q(item.alias)}`;
      case 'unionAll':
        return `(\n${item.queries.map((q) => this.visitSelect(q, `${indent}  `)).join(`\n${indent}  UNION ALL\n`)}\n${indent}) AS ${this.q(item.alias)}`;
    }
  }

  private visitJoin(j: JoinItem, indent: string): string {
    const item = this.dialect.narrowsJoins && j.narrowing && (j.item.kind === 'table' || j.item.kind === 'sqlSource')
      ? `(SELECT * FROM ${this.visitFrom(j.item, indent)} WHERE ${this.expr(j.narrowing)}) AS ${this.q(j.item.alias)}`
      : this.visitFrom(j.item, indent);
    const on = j.on ? ` ON ${this.expr(j.on)}` : '';
    return `${j.type} JOIN ${item}${on}`;
  }

  private visitParam(e: Extract<SqlExpr, { kind: 'param' }>): string {
    // One placeholder per shared name and value: a statement reading two clocks (a rollup's open
    // window taken away as at its clock) binds each.
    const shared = e.shared === undefined ? undefined : `${e.shared}\u0000${JSON.stringify(e.value)}`;
    let index = shared === undefined ? undefined : this.shared.get(shared);
    if (index === undefined) {
      // An inclusive end `…59.999Z` covers the whole last millisecond on microsecond engines.
      const widen = e.rangeEnd && this.dialect.timestampPrecision === 6 && typeof e.value === 'string' && e.value.endsWith('.999Z');
      index = this.params.push(widen ? `${(e.value as string).slice(0, -1)}999Z` : e.value);
      if (shared !== undefined) this.shared.set(shared, index);
    }
    return this.dialect.castParam(this.dialect.placeholder(index), e.type);
  }

  private visitMacro(e: Extract<SqlExpr, { kind: 'macro' }>): string {
    const arg = (i: number): string => {
      const a = e.args[i];
      if (a === undefined || typeof a === 'number') throw new InternalError(`macro ${e.name} argument ${i} is not SQL`);
      return this.expr(a);
    };
    switch (e.name) {
      case 'now':
        throw new InternalError('uprate.now() is planned as a parameter');
      case 'addDays': {
        const days = e.args[1];
        if (typeof days !== 'number' || !Number.isInteger(days)) throw new InternalError('addDays needs a whole number of days');
        return this.dialect.addDays(arg(0), days);
      }
      case 'daysBetween':
        return this.dialect.daysBetween(arg(0), arg(1));
    }
  }

  private visitAggregate(e: Extract<SqlExpr, { kind: 'aggregate' }>): string {
    const arg = e.arg ? this.expr(e.arg) : '*';
    if (e.fn === 'countDistinct') return this.dialect.countDistinctCall ? this.dialect.countDistinctCall(arg) : `count(DISTINCT ${arg})`;
    if (e.fn === 'countDistinctApprox') return this.dialect.approxCountDistinct ? this.dialect.approxCountDistinctCall(arg) : `count(DISTINCT ${arg})`;
    return `${AGGREGATE_NAMES[e.fn]}(${arg})`;
  }

  private visitLike(e: Extract<SqlExpr, { kind: 'like' }>): string {
    if (this.dialect.ilike) {
      const pattern = [...(e.match === 'starts' ? [] : ["'%'"]), this.expr(e.value), ...(e.match === 'ends' ? [] : ["'%'"])];
      return this.dialect.ilike(this.expr(e.expr), `concat(${pattern.join(', ')})`, e.negated);
    }
    const before = e.match === 'starts' ? '' : "'%' || ";
    const after = e.match === 'ends' ? '' : " || '%'";
    const escape = this.dialect.likeNeedsEscapeClause ? " ESCAPE '\\'" : '';
    return `${this.expr(e.expr)}${e.negated ? ' NOT' : ''} ILIKE ${before}${this.expr(e.value)}${after}${escape}`;
  }

  expr(e: SqlExpr): string {
    switch (e.kind) {
      case 'raw':
        return e.text;
      case 'param':
        return this.visitParam(e);
      case 'identifier':
        return this.q(e.name);
      case 'column':
        return `${this.q(e.table)}.${this.q(e.name)}`;
      case 'concat':
        return e.parts.map((p) => this.expr(p)).join('');
      case 'paren':
        return `(${this.expr(e.expr)})`;
      case 'macro':
        return this.visitMacro(e);
      case 'localTime':
        return this.dialect.localTime(this.expr(e.expr), this.expr(e.timezone));
      case 'truncate':
        return this.dialect.truncate(e.unit, this.expr(e.expr));
      case 'aggregate':
        return this.visitAggregate(e);
      case 'caseWhen':
        return `CASE WHEN ${this.expr(e.when)} THEN ${this.expr(e.then)}${e.otherwise ? ` ELSE ${this.expr(e.otherwise)}` : ''} END`;
      case 'logical':
        return e.items.map((x) => `(${this.expr(x)})`).join(` ${e.op} `);
      case 'compare':
        return `${this.expr(e.left)} ${e.op} ${this.expr(e.right)}`;
      case 'nullSafeEquals':
        if (this.dialect.nullSafeEquals) return this.dialect.nullSafeEquals(this.expr(e.left), this.expr(e.right));
        return `${this.expr(e.left)} IS NOT DISTINCT FROM ${this.expr(e.right)}`;
      case 'isNull':
        return `${this.expr(e.expr)} IS ${e.negated ? 'NOT ' : ''}NULL`;
      case 'inList':
        return `${this.expr(e.expr)}${e.negated ? ' NOT' : ''} IN (${e.values.map((v) => this.expr(v)).join(', ')})`;
      case 'like':
        return this.visitLike(e);
    }
  }
}

function integer(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new InternalError(`not a row count: ${n}`);
  return String(n);
}

export function compileSql(dialect: Dialect, node: SelectNode): CompiledSql {
  return new SqlCompiler(dialect).compile(node);
}
