// Types for scripts/tap-summary.mjs (plain JavaScript: scripts/run-tests.mjs runs without tsx).

/** Skipped or todo tests that share one reason; a skipped suite counts once in `suites`. */
export interface ReasonGroup {
  reason: string;
  tests: number;
  suites: number;
}

export interface TapSummary {
  passed: number;
  failed: number;
  cancelled: number;
  /** Skipped tests plus skipped suites (node lists a skipped suite without its tests). */
  skipped: number;
  todo: number;
  skips: ReasonGroup[];
  todos: ReasonGroup[];
  /** False when node's final `# pass` / `# fail` counts are missing. */
  complete: boolean;
}

export function tapUnescape(text: string): string;
export function summarizeTap(tap: string): TapSummary;
export function formatTapSummary(summary: TapSummary, options?: { failed?: number; maxReasons?: number }): string[];
export function slowestTests(tap: string, count: number): { name: string; seconds: number }[];
