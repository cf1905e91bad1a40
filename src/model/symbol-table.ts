import type { ProblemList } from './problems.js';
import type { RawCube } from './raw-cube.js';
import type { SymbolTable } from './template.js';
import type { MemberType } from './types.js';

export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = ['CUBE', 'FILTER_PARAMS', 'SECURITY_CONTEXT', 'SQL_UTILS', 'COMPILE_CONTEXT', 'uprate'];

/**
 * Every cube and member name, checked (valid identifier, not reserved, not a duplicate) before
 * any SQL is compiled, so that references can be resolved across files. Returns the table and
 * the cubes that can be compiled (the first of duplicates wins).
 */
export function buildSymbolTable(raws: readonly RawCube[], problems: ProblemList): { symbols: SymbolTable; cubes: RawCube[] } {
  const symbols = new Map<string, Map<string, MemberType>>();
  const seen = new Map<string, RawCube>();
  const cubes: RawCube[] = [];
  for (const raw of raws) {
    const place = { file: raw.file, line: raw.line };
    if (typeof raw.name !== 'string' || !NAME.test(raw.name) || RESERVED.includes(raw.name)) {
      // Left out of the model; the file's other cubes are fine.
      problems.error(place, `bad cube name ${JSON.stringify(raw.name)}`, 'name a cube with letters, digits and _, e.g. Offers', { kind: 'nothing' });
      continue;
    }
    const first = seen.get(raw.name);
    if (first) {
      problems.error({ ...place, cube: raw.name }, `duplicate cube ${raw.name} (also defined in ${first.file}${first.line ? `:${first.line}` : ''})`, 'rename one of them or delete the copy');
      continue;
    }
    seen.set(raw.name, raw);
    cubes.push(raw);
    const members = new Map<string, MemberType>();
    const lists: [readonly { name: unknown; line: number | undefined }[], MemberType][] = [
      [raw.measures, 'measure'],
      [raw.dimensions, 'dimension'],
      [raw.segments, 'segment'],
    ];
    for (const [list, type] of lists) {
      for (const m of list) {
        const mplace = { file: raw.file, line: m.line ?? raw.line, cube: raw.name, member: String(m.name) };
        if (typeof m.name !== 'string' || !NAME.test(m.name) || RESERVED.includes(m.name)) {
          problems.error(mplace, `bad ${type} name ${JSON.stringify(m.name)}`, 'use letters, digits and _, e.g. conversionRate');
        } else if (members.has(m.name)) {
          problems.error(mplace, `duplicate name ${m.name}: already a ${members.get(m.name)} of ${raw.name}`, 'measures, dimensions and segments of one cube need distinct names');
        } else {
          members.set(m.name, type);
        }
      }
    }
    symbols.set(raw.name, members);
  }
  return { symbols, cubes };
}
