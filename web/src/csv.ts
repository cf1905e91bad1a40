/**
 * CSV of a panel's data, as the API returned it: rates stay fractions, numbers are written with a
 * dot and no grouping (machine-readable whatever the page's locale), null is an empty field.
 */
export type CsvValue = string | number | boolean | null | undefined;

export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly CsvValue[])[];
}

export function toCsv(table: CsvTable): string {
  const lines = [table.columns.map(field).join(','), ...table.rows.map((r) => r.map(field).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

function field(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
