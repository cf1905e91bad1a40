// src/ingest's surviving mutants, explained (see scripts/mutation-report.mjs): one file per folder so
// work on one folder's tests never edits another's notes.

/**
 * Equivalent mutants: the changed code gives the same result for every input, so no test can
 * tell them apart. Matched on file, line, mutator and replacement.
 * @type {{ file: string, line: number, mutator: string, replacement: string, reason: string }[]}
 */
export const EQUIVALENT = [
];

/**
 * Survivors a test added after the folder's last run kills (checked with a run on those lines);
 * the next `npm run mutate` of the folder records them as killed.
 * @type {{ file: string, line: number, mutator: string, replacement: string, test: string }[]}
 */
export const KILLED_SINCE = [
];
