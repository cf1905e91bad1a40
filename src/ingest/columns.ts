import { UprateError } from '../core/errors.js';
import type { TableSpec } from '../core/schema.js';

/** How the columns of one source file map onto a table's columns. */
export interface ColumnMapping {
  /** Table column → the name as the source spells it (absent: the source lacks it). */
  readonly sourceName: ReadonlyMap<string, string>;
}

/**
 * Matches a source's column names to the table's, case-insensitively and ignoring surrounding
 * spaces. Unknown, duplicated or missing required columns are errors listing what is expected.
 */
export function mapColumns(spec: TableSpec, names: readonly string[], file: string): ColumnMapping {
  const expected = spec.columns.map((c) => c.name);
  const expectedList = `expected columns: ${spec.columns.map((c) => (c.required ? `${c.name} (required)` : c.name)).join(', ')}`;
  const sourceName = new Map<string, string>();
  const unknown: string[] = [];
  const duplicated: string[] = [];
  for (const name of names) {
    const key = name.trim().toLowerCase();
    if (!expected.includes(key)) unknown.push(name);
    else if (sourceName.has(key)) duplicated.push(name);
    else sourceName.set(key, name);
  }
  const missing = spec.columns.filter((c) => c.required && !sourceName.has(c.name)).map((c) => c.name);
  const problems: string[] = [];
  if (unknown.length) problems.push(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}`);
  if (duplicated.length) problems.push(`duplicated column${duplicated.length > 1 ? 's' : ''} ${duplicated.map((n) => `'${n}'`).join(', ')}`);
  if (missing.length) problems.push(`missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (problems.length) {
    throw new UprateError('BAD_HEADER', `${problems.join('; ')} for table ${spec.name}`, {
      location: file,
      hint: expectedList,
      details: { unknown, duplicated, missing, expected },
    });
  }
  return { sourceName };
}
