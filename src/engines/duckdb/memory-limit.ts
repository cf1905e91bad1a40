import { totalmem } from 'node:os';
import { UprateError } from '../../core/errors.js';

/** The variable that sets how much memory the embedded DuckDB may use. */
export const MEMORY_LIMIT_VARIABLE = 'UPRATE_DUCKDB_MEMORY_LIMIT';

/** The share of the machine's memory DuckDB may use when the variable is unset. */
export const DEFAULT_MEMORY_SHARE = 0.6;

const SIZE = /^\d+(?:\.\d+)?\s*(?:B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;
const SHARE = /^(\d+(?:\.\d+)?)\s*%$/;

/**
 * DuckDB's `memory_limit` for the embedded store: UPRATE_DUCKDB_MEMORY_LIMIT as a size DuckDB reads
 * ("12GB", "800MiB") or a share of the machine's memory ("50%"); unset, 60 % of it. DuckDB's own
 * default, 80 %, bounds its buffer manager only, and the process holds more beside it: building
 * the rollups of 100 M offers on a 23.4 GiB machine, one family of moments alone took the process
 * to 20.5 GB, and within the bench's process (its other work beside it) to 24.3 GB, where the
 * kernel killed it. Above the limit DuckDB spills to `<file>.tmp`.
 */
export function duckDbMemoryLimit(env: NodeJS.ProcessEnv = process.env, machineBytes: number = totalmem()): string {
  const raw = env[MEMORY_LIMIT_VARIABLE]?.trim();
  if (!raw) return mebibytes(machineBytes * DEFAULT_MEMORY_SHARE);
  if (SIZE.test(raw)) return raw.replace(/\s+/g, '');
  const share = SHARE.exec(raw);
  const percent = share ? Number(share[1]) : Number.NaN;
  if (percent > 0 && percent <= 100) return mebibytes((machineBytes * percent) / 100);
  throw new UprateError('CONFIG_INVALID', `"${raw}" is not a size or a share of memory`, {
    location: MEMORY_LIMIT_VARIABLE,
    hint: `a size DuckDB reads ("12GB", "800MiB") or a share of this machine's memory above 0 % and at most 100 % ("50%"); unset, ${DEFAULT_MEMORY_SHARE * 100} %`,
  });
}

/** At least 64 MiB: below it DuckDB cannot run the smallest statement of a load. */
const mebibytes = (bytes: number): string => `${Math.max(64, Math.floor(bytes / 2 ** 20))}MiB`;
