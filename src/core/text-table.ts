import { csvCell, type CsvValue } from './csv-cell.js';

/**
 * Rows of fields → CSV text with a trailing newline; each field by {@link csvCell} (formula-safe),
 * `kinds[i]` saying whether column i holds numbers written as text.
 */
export function csvText(rows: readonly (readonly CsvValue[])[], kinds: readonly ('text' | 'number')[] = []): string {
  return `${rows.map((row) => row.map((v, i) => csvCell(v, kinds[i])).join(',')).join('\n')}\n`;
}

/**
 * A plain-text table: a header line, a rule, then the cells, each column as wide as its widest
 * value; `right[i]` right-aligns column i (numbers).
 */
export function alignedTable(titles: readonly string[], cells: readonly (readonly string[])[], right: readonly boolean[] = []): string[] {
  const widths = titles.map((t, i) => Math.max(t.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    values.map((v, i) => (right[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(titles), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}
