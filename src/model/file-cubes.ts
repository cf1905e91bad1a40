import type { RawCube } from './raw-cube.js';

const JS_CUBE = /\bcube\s*\(\s*(['"`])([A-Za-z_][A-Za-z0-9_]*)\1/g;
const YAML_NAME = /^(\s*)-\s+name\s*:\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2\s*(?:#.*)?$/;

/**
 * The cube names a model file's text declares, read without evaluating it (a best guess for a
 * file that cannot be parsed): `cube('Name'` in JavaScript, the least indented `- name: Name`
 * items in YAML (members are listed deeper).
 */
export function cubeNamesIn(file: string, text: string): string[] {
  if (!/\.ya?ml$/i.test(file)) return [...new Set([...text.matchAll(JS_CUBE)].map((m) => m[2] ?? ''))].filter(Boolean);
  const items = text.split('\n').flatMap((line) => {
    const m = YAML_NAME.exec(line);
    return m ? [{ indent: m[1]?.length ?? 0, name: m[3] ?? '' }] : [];
  });
  const top = Math.min(...items.map((i) => i.indent));
  return [...new Set(items.filter((i) => i.indent === top).map((i) => i.name))];
}

/**
 * Every cube a file declares, for an error that breaks the whole file: those its evaluation got
 * to, and those its text names that no other file defines.
 */
export function fileCubes(file: string, text: string, raws: readonly RawCube[]): string[] {
  const evaluated = raws.filter((r) => r.file === file && typeof r.name === 'string').map((r) => String(r.name));
  const elsewhere = new Set(raws.filter((r) => r.file !== file).map((r) => r.name));
  return [...new Set([...evaluated, ...cubeNamesIn(file, text).filter((n) => !elsewhere.has(n))])];
}
