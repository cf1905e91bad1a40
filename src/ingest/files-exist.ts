import { statSync } from 'node:fs';
import { UprateError } from '../core/errors.js';

/**
 * Refuses files that are not there (or are folders), all of them named in one error, before
 * anything else is asked of them — so a missing `2025-offers.csv` says "does not exist", not
 * "cannot tell which table".
 *
 * @example
 *   checkFilesExist(['customers.csv', 'offers.csv']); // FILE_NOT_FOUND: file offers.csv does not exist
 */
export function checkFilesExist(files: readonly string[]): void {
  const problems = files.flatMap((file) => {
    const kind = kindOf(file);
    return kind === 'file' ? [] : [{ file, kind }];
  });
  const first = problems[0];
  if (!first) return;
  const missing = problems.filter((p) => p.kind === 'missing').map((p) => p.file);
  const folders = problems.filter((p) => p.kind === 'folder').map((p) => p.file);
  const others = problems.filter((p) => p.kind === 'other').map((p) => p.file);
  const sentences = [
    ...(missing.length === 1 ? [`file ${missing[0]} does not exist`] : missing.length > 1 ? [`files ${listed(missing)} do not exist`] : []),
    ...(folders.length > 0 ? [`${listed(folders)} ${folders.length === 1 ? 'is a folder, not a file' : 'are folders, not files'}`] : []),
    ...(others.length > 0 ? [`${listed(others)} ${others.length === 1 ? 'is not a regular file' : 'are not regular files'}`] : []),
  ];
  throw new UprateError('FILE_NOT_FOUND', sentences.join('; '), {
    location: first.file,
    hint: `check the name and the folder (a relative path starts at ${process.cwd()})`,
    details: { missing, folders, others },
  });
}

function kindOf(file: string): 'file' | 'folder' | 'other' | 'missing' {
  try {
    const stat = statSync(file);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'other';
  } catch {
    return 'missing';
  }
}

/** `a`, `a and b`, `a, b and c`. */
export function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
