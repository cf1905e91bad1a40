/**
 * CSV of a panel's data, as the API returned it: rates stay fractions, numbers are written with a
 * dot and no grouping (machine-readable whatever the page's locale), null is an empty field, and
 * text that a spreadsheet would run as a formula is defused (the shared rule, {@link csvCell}).
 */
import { csvCell, type CsvValue } from '../../src/core/csv-cell.js';

export type { CsvValue };

export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly CsvValue[])[];
}

export function toCsv(table: CsvTable): string {
  const line = (values: readonly CsvValue[]) => values.map((v) => csvCell(v)).join(',');
  const lines = [line(table.columns), ...table.rows.map(line)];
  return `${lines.join('\r\n')}\r\n`;
}

/** Parses CSV written by {@link toCsv} (quoted fields, CRLF); used by tests and nothing else. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cur);
      cur = '';
    } else if (c === '\n') {
      row.push(cur.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cur = '';
    } else cur += c;
  }
  if (cur !== '' || row.length) rows.push([...row, cur]);
  return rows;
}
