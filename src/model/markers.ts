/**
 * Markers carry references and macro calls inside SQL strings from the sandbox to the compiler:
 * `\u0001Offers.count\u0002` is the reference `${Offers.count}`, `\u0003 7\u0004` the file's
 * macro call number 7. Control characters cannot be typed into a model by accident.
 */
export const REF_OPEN = '\u0001';
export const REF_CLOSE = '\u0002';
export const MACRO_OPEN = '\u0003';
export const MACRO_CLOSE = '\u0004';

export type RawPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'ref'; readonly path: readonly string[] }
  | { readonly kind: 'macro'; readonly index: number };

const MARKER = /\u0001([^\u0001-\u0004]*)\u0002|\u0003(\d+)\u0004/g;

/** Splits a marked string into text, references and macro calls. */
export function splitMarkers(s: string): RawPart[] {
  const parts: RawPart[] = [];
  let last = 0;
  for (const m of s.matchAll(MARKER)) {
    if (m.index > last) parts.push({ kind: 'text', text: s.slice(last, m.index) });
    if (m[1] !== undefined) parts.push({ kind: 'ref', path: m[1].split('.') });
    else parts.push({ kind: 'macro', index: Number(m[2]) });
    last = m.index + m[0].length;
  }
  if (last < s.length) parts.push({ kind: 'text', text: s.slice(last) });
  return parts;
}

/** True when a string still holds a stray control character after markers are removed. */
export function hasStrayMarker(s: string): boolean {
  return /[\u0001-\u0004]/.test(s.replace(MARKER, ''));
}

export function refMarker(path: string): string {
  return `${REF_OPEN}${path}${REF_CLOSE}`;
}

/** The string as the author wrote it in a JS file: `${Offers.count}` for a reference. */
export function showMarkers(s: string): string {
  return s.replace(MARKER, (_all, ref: string | undefined, macro: string | undefined) =>
    ref !== undefined ? `\${${ref}}` : `\${uprate.macro#${macro}}`,
  );
}

const YAML_REF = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}/g;

/** YAML's `{CUBE}.id` / `{Other.member}` references, turned into markers. */
export function markYamlRefs(s: string): string {
  return s.replace(YAML_REF, (_all, path: string) => refMarker(path));
}
