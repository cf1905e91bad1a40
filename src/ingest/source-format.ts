import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { UprateError } from '../core/errors.js';
import { checkFilesExist } from './files-exist.js';

export type SourceFormat = 'csv' | 'ndjson' | 'json' | 'parquet';

export const SUPPORTED_EXTENSIONS: Readonly<Record<string, SourceFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'json',
  '.parquet': 'parquet',
};

/** The format a file's name promises. */
export function formatFromName(file: string): SourceFormat {
  const name = basename(file).toLowerCase();
  for (const [ext, format] of Object.entries(SUPPORTED_EXTENSIONS)) if (name.endsWith(ext)) return format;
  throw new UprateError('FILE_FORMAT', `cannot tell the format of ${file} from its name`, {
    location: file,
    hint: `name it with one of ${Object.keys(SUPPORTED_EXTENSIONS).join(', ')}, or pass --format csv|ndjson|json|parquet`,
  });
}

/** What the first bytes of a file look like, independent of its name. */
export function sniffContent(head: Buffer): SourceFormat | 'binary' | 'empty' {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  if (head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  // A NUL in the first line (a header, or a binary format's magic bytes) means binary data; one
  // further on is a bad value in a row, which the row rules name by line and field.
  const firstLineEnd = head.indexOf(10);
  if (head.subarray(0, firstLineEnd < 0 ? head.length : firstLineEnd).includes(0)) return 'binary';
  const trimmed = text.trimStart();
  if (trimmed === '') return 'empty';
  if (trimmed.startsWith('[')) return 'json';
  if (trimmed.startsWith('{')) return 'ndjson';
  return 'csv';
}

const DESCRIBE: Readonly<Record<SourceFormat | 'binary' | 'empty', string>> = {
  csv: 'CSV text',
  ndjson: 'newline-delimited JSON',
  json: 'a JSON array',
  parquet: 'a Parquet file',
  binary: 'binary data',
  empty: 'empty',
};

/**
 * Checks that a file exists, is not empty and holds what its name (or --format) says, so a
 * mislabelled export fails with a sentence instead of a parser's error from deep inside DuckDB.
 */
export function checkSource(file: string, format: SourceFormat): void {
  checkFilesExist([file]);
  const stat = statSync(file);
  if (stat.size === 0) {
    throw new UprateError('FILE_EMPTY', `file ${file} is empty (0 bytes): there is no header and no row to load`, {
      location: file,
      hint: 'check the export that produced it',
    });
  }
  const head = Buffer.alloc(Math.min(stat.size, 4096));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const seen = sniffContent(head);
  if (seen === 'empty') {
    throw new UprateError('FILE_EMPTY', `file ${file} holds only white space: there is no header and no row to load`, {
      location: file,
    });
  }
  // NDJSON whose first record is an object is a superset of "starts with {": a JSON object file
  // is reported by the JSON reader. A .json file may hold NDJSON too: accept it.
  const compatible = seen === format || (format === 'json' && seen === 'ndjson');
  if (!compatible) {
    throw new UprateError('FILE_FORMAT', `file ${file} is named as ${DESCRIBE[format]} but its content looks like ${DESCRIBE[seen]}`, {
      location: file,
      hint: 'rename the file to match its content, or pass --format',
    });
  }
}

/** Reads the first line of a text file (for CSV headers), without reading the rest. */
export function readFirstLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(65536);
    let position = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, position);
      if (n === 0) break;
      const slice = buf.subarray(0, n);
      const nl = slice.indexOf(10);
      if (nl >= 0) {
        chunks.push(Buffer.from(slice.subarray(0, nl)));
        break;
      }
      chunks.push(Buffer.from(slice));
      position += n;
      if (position > 1 << 20) break; // a header over 1 MiB is not a header
    }
    return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '').replace(/\r$/, '');
  } finally {
    closeSync(fd);
  }
}

/** Splits one CSV line (RFC 4180 quoting) with the given delimiter. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** Comma unless the header clearly uses semicolons or tabs (common in spreadsheet exports). */
export function guessDelimiter(header: string): string {
  const count = (c: string) => header.split(c).length - 1;
  const candidates = [',', ';', '\t', '|'].map((c) => ({ c, n: count(c) }));
  candidates.sort((a, b) => b.n - a.n);
  return candidates[0] && candidates[0].n > 0 ? candidates[0].c : ',';
}
