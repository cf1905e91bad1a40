// Types for scripts/check-engines.mjs (plain JavaScript: CI runs it right after `npm ci`).

export interface EngineOffender {
  name: string;
  version: string;
  /** Folder relative to the project, e.g. `node_modules/a/node_modules/b`. */
  path: string;
  /** The package's `engines.node`. */
  range: string;
}

export interface EngineReport {
  /** How many package.json files were read (the project's own included). */
  checked: number;
  offenders: EngineOffender[];
}

export function nodeSatisfies(version: string, range: string): boolean;
export function checkEngines(root: string, nodeVersion?: string): EngineReport;
export function formatEngineReport(report: EngineReport, nodeVersion: string): string[];
