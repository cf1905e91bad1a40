/** A CSV field: quoted when it holds a comma, quote or line break; null is empty. */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Rows of fields → CSV text with a trailing newline. */
export function csvText(rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`;
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
