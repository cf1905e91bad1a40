import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UprateError } from '../../core/errors.js';
import { sqlString } from '../../store/sql-literal.js';

/**
 * DuckDB reading files in place: a model's `sql` may say `read_parquet('data/offers.parquet')`,
 * `read_csv('exports/*.csv')` or `FROM 'data/offers.parquet'`. Relative paths are the model
 * folder's (`base`), and only files under the configured roots (config `files.roots`, default the
 * model folder) may be read.
 *
 * Two locks, one inside the other:
 * 1. uprate finds every file argument written as a literal (the first argument of DuckDB's file
 *    functions, a list of them, `FROM '…'`, `ATTACH '…'`), resolves it against `base` and refuses
 *    one outside the roots with a MODEL_INVALID error naming the path and the roots; the SQL sent
 *    to DuckDB then carries the absolute path.
 * 2. DuckDB itself: `allowed_directories` = the roots (plus uprate's own ingest folders),
 *    then `enable_external_access = false`, which DuckDB cannot undo while the database is open:
 *    no other file, no URL, no ATTACH, no COPY … TO elsewhere, no extension loading, whatever
 *    the SQL computes. DuckDB adds the database file, its WAL and its temp folder by itself.
 *
 * DuckDB's `file_search_path` is deliberately not set: DuckDB checks a relative path against
 * `allowed_directories` resolved from the process's working directory, but would read it from
 * the search path — the check and the read would name different files. uprate resolves the paths
 * it can see; one it cannot (computed in SQL) is read from, and checked against, the working
 * directory, both the same file.
 */
export interface FileSandbox {
  /** Folder relative paths in SQL are resolved against (the model folder). */
  readonly base: string;
  /** The only folders files may be read from: absolute, or relative to `base`. */
  readonly roots: readonly string[];
  /**
   * Folders uprate's own ingest reads uploads from through this store (the server's spool
   * folder): allowed to DuckDB, never to a model's SQL (the first lock refuses them).
   */
  readonly ingestDirs?: readonly string[];
}

/** A sandbox with every folder absolute and normalised. */
export interface ResolvedSandbox {
  readonly base: string;
  readonly roots: readonly string[];
  /** The roots with symbolic links resolved (for files that exist). */
  readonly realRoots: readonly string[];
  readonly ingestDirs: readonly string[];
}

export function resolveSandbox(files: FileSandbox): ResolvedSandbox {
  const base = resolve(files.base);
  if (files.roots.length === 0) {
    throw new UprateError('CONFIG_INVALID', 'files.roots names no folder: no file could be read', { location: 'files.roots', hint: 'list at least one folder (default: the model folder)' });
  }
  const roots = files.roots.map((r) => resolve(base, r));
  const realRoots = roots.map((r) => (existsSync(r) ? realpathSync(r) : r));
  return { base, roots, realRoots, ingestDirs: (files.ingestDirs ?? []).map((d) => resolve(d)) };
}

/** The DuckDB statements that lock the sandbox (run once, at open; the last cannot be undone). */
export function sandboxSettings(sandbox: ResolvedSandbox): string[] {
  const dirs = [...new Set([...sandbox.roots, ...sandbox.realRoots, ...sandbox.ingestDirs])].map((d) => sqlString(d.endsWith(sep) ? d : `${d}${sep}`));
  return [`SET allowed_directories = [${dirs.join(', ')}]`, 'SET enable_external_access = false'];
}

/** DuckDB's functions whose first argument is a file (or a list of files, or a glob). */
const FILE_FUNCTIONS = new Set([
  'read_parquet', 'parquet_scan', 'parquet_metadata', 'parquet_schema', 'parquet_file_metadata', 'parquet_kv_metadata', 'parquet_bloom_probe',
  'read_csv', 'read_csv_auto', 'sniff_csv',
  'read_json', 'read_json_auto', 'read_json_objects', 'read_json_objects_auto', 'read_ndjson', 'read_ndjson_auto', 'read_ndjson_objects',
  'read_text', 'read_blob', 'glob',
]);

/** Words before `(` that open a subquery or a list, not a function call. */
const KEYWORDS = new Set(['select', 'from', 'join', 'in', 'exists', 'as', 'on', 'where', 'and', 'or', 'not', 'using', 'union', 'all', 'any', 'some', 'values', 'lateral', 'with', 'having', 'when', 'then', 'else', 'case', 'over', 'by', 'is', 'like', 'ilike', 'into', 'table']);

interface Frame {
  /** The function called (lower case), 'list' for `[`, undefined for a subquery or other bracket. */
  readonly fn: string | undefined;
  arg: number;
}

/** One file argument of a SQL text: where its literal is, and the path it names. */
export interface FileRead {
  readonly start: number;
  readonly end: number;
  readonly path: string;
}

/**
 * The literal file arguments of a DuckDB statement, in order (see {@link FileSandbox}). Quotes,
 * quoted identifiers, comments and dollar-quoted text are skipped as DuckDB's tokenizer does.
 */
export function fileReadsIn(sql: string): FileRead[] {
  const reads: FileRead[] = [];
  const frames: Frame[] = [];
  let word: string | undefined; // the last word, while nothing but blanks followed it
  let last: string | undefined; // the last significant token (words in lower case)
  let beforeLast: string | undefined;
  const token = (t: string) => {
    beforeLast = last;
    last = t;
  };
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
      continue;
    }
    if (ch === "'") {
      const escaped = i > 0 && /[eE]/.test(sql[i - 1] ?? '') && word === 'e';
      const end = escaped ? closingEscapedQuote(sql, i) : closingQuote(sql, i, "'");
      if (!escaped && isFileArgument(frames, last, beforeLast)) reads.push({ start: i, end, path: sql.slice(i + 1, end - 1).replaceAll("''", "'") });
      token('literal');
      word = undefined;
      i = end;
      continue;
    }
    if (ch === '"') {
      // A quoted name calls the function all the same (`"read_csv"('x')`): DuckDB matches names case-insensitively.
      const end = closingQuote(sql, i, '"');
      word = sql.slice(i + 1, end - 1).replaceAll('""', '"').toLowerCase();
      token(word);
      i = end;
      continue;
    }
    if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 130))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        i = close < 0 ? sql.length : close + tag.length;
        token('literal');
        word = undefined;
        continue;
      }
    }
    const w = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 128))?.[0];
    if (w) {
      word = w.toLowerCase();
      token(word);
      i += w.length;
      continue;
    }
    if (ch === '(') frames.push({ fn: word !== undefined && !KEYWORDS.has(word) ? word : undefined, arg: 0 });
    else if (ch === '[') frames.push({ fn: 'list', arg: 0 });
    else if (ch === '{') frames.push({ fn: 'struct', arg: 0 });
    else if (ch === ')' || ch === ']' || ch === '}') frames.pop();
    else if (ch === ',') {
      const top = frames[frames.length - 1];
      if (top) top.arg++;
    }
    token(ch);
    word = undefined;
    i++;
  }
  return reads;
}

/**
 * A literal names a file when it is the first argument of a file function (or in a list that
 * is), or follows FROM / JOIN / ATTACH outside a function's parentheses (`extract(year FROM '…')`
 * and `IS DISTINCT FROM '…'` compare values).
 */
function isFileArgument(frames: readonly Frame[], last: string | undefined, beforeLast: string | undefined): boolean {
  const top = frames[frames.length - 1];
  const parent = frames[frames.length - 2];
  const firstOfFileCall = (f: Frame | undefined) => f?.fn !== undefined && FILE_FUNCTIONS.has(f.fn) && f.arg === 0;
  if (firstOfFileCall(top) || (top?.fn === 'list' && firstOfFileCall(parent))) return true;
  if (isCall(top)) return false;
  return (last === 'from' && beforeLast !== 'distinct') || last === 'join' || last === 'attach';
}

/** Inside a function's parentheses (`extract(year FROM '…')`), FROM does not read a file. */
function isCall(frame: Frame | undefined): boolean {
  return frame?.fn !== undefined && frame.fn !== 'list';
}

/** The index after a quoted literal or identifier starting at `at` (a doubled quote is one inside it). */
function closingQuote(sql: string, at: number, quote: string): number {
  let j = at + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}

/** The same for E'…' text, where a backslash escapes the next character. */
function closingEscapedQuote(sql: string, at: number): number {
  let j = at + 1;
  while (j < sql.length) {
    if (sql[j] === '\\') j += 2;
    else if (sql[j] === "'") {
      if (sql[j + 1] === "'") j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}

const GLOB = /[*?[{]/;

/**
 * The absolute path a file argument names, when the sandbox allows it; otherwise a MODEL_INVALID
 * error naming the path and the roots.
 */
export function allowedPath(path: string, sandbox: ResolvedSandbox): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw outside(path, sandbox, 'remote files and URLs are not read in place');
  }
  const absolute = resolve(sandbox.base, path);
  if (!sandbox.roots.some((root) => within(absolute, root))) throw outside(path, sandbox);
  // A symbolic link under a root may point elsewhere: what exists is judged by where it leads.
  const existing = existingPrefix(absolute, sandbox.roots);
  if (existing !== undefined) {
    const real = realpathSync(existing);
    if (!sandbox.realRoots.some((root) => within(real, root)) && !sandbox.roots.some((root) => within(real, root))) {
      throw outside(path, sandbox, `it leads to ${real}`);
    }
  }
  return absolute;
}

/** The SQL with every literal file argument checked and made absolute. */
export function sandboxSql(sql: string, sandbox: ResolvedSandbox): string {
  const reads = fileReadsIn(sql);
  if (reads.length === 0) return sql;
  let out = '';
  let at = 0;
  for (const r of reads) {
    out += sql.slice(at, r.start) + sqlString(allowedPath(r.path, sandbox));
    at = r.end;
  }
  return out + sql.slice(at);
}

/** DuckDB's own refusal (the second lock), as the same error as the first. */
export function sandboxRefusal(message: string, sandbox: ResolvedSandbox): UprateError | undefined {
  const m = /Permission Error: Cannot access (?:file|directory) "([^"]*)" - file system operations are disabled by configuration/.exec(message);
  if (!m) return undefined;
  return outside(m[1] ?? '', sandbox);
}

function within(path: string, root: string): boolean {
  const r = relative(root, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/**
 * The longest part of `absolute`, before any glob character, that exists on disk and lies under
 * a root (undefined when nothing under the root exists along it: there is no link to follow).
 */
function existingPrefix(absolute: string, roots: readonly string[]): string | undefined {
  const parts = absolute.split(sep);
  const firstGlob = parts.findIndex((p) => GLOB.test(p));
  let candidate = (firstGlob < 0 ? parts : parts.slice(0, firstGlob)).join(sep) || sep;
  while (roots.some((root) => within(candidate, root))) {
    if (existsSync(candidate)) return candidate;
    candidate = resolve(candidate, '..');
  }
  return undefined;
}

function outside(path: string, sandbox: ResolvedSandbox, why?: string): UprateError {
  return new UprateError('MODEL_INVALID', `reading ${path} is not allowed: files are read only under ${sandbox.roots.join(', ')}${why ? ` (${why})` : ''}`, {
    location: path,
    hint: `move the file under one of those folders, or add its folder to files.roots in uprate.config.yaml (relative paths are the model folder's, ${sandbox.base})`,
    details: { path, roots: sandbox.roots, base: sandbox.base },
  });
}
