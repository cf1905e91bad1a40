import type { MacroName } from './types.js';

/**
 * The portable macros, the only way a shipped model does time arithmetic or reads the clock:
 * each dialect expands them (`src/engines/<engine>/<engine>-dialect.ts`), so the same model runs
 * on every engine.
 *
 * | macro (JS model)                  | meaning                                                   |
 * |-----------------------------------|-----------------------------------------------------------|
 * | `uprate.now()`                    | the query's clock (`now` option), bound as a parameter    |
 * | `uprate.addDays(ts, n)`           | timestamp `ts` plus `n` whole days                        |
 * | `uprate.daysBetween(from, to)`    | fractional days from `from` to `to` (to − from)           |
 */
export const MACROS: Readonly<Record<MacroName, { readonly args: readonly ('sql' | 'number')[] }>> = {
  now: { args: [] },
  addDays: { args: ['sql', 'number'] },
  daysBetween: { args: ['sql', 'sql'] },
};

export function isMacroName(name: string): name is MacroName {
  return Object.hasOwn(MACROS, name);
}
