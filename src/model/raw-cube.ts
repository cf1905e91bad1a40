/**
 * What a model file says before it is checked: the same shape for JavaScript and YAML files.
 * SQL strings keep references and macro calls as markers (see markers.ts).
 */
export interface RawMember {
  readonly name: unknown;
  readonly line: number | undefined;
  readonly props: Readonly<Record<string, unknown>>;
}

export interface RawMacro {
  readonly name: string;
  /** Strings (which may hold markers) or numbers. */
  readonly args: readonly unknown[];
}

export interface RawCube {
  readonly file: string;
  readonly line: number | undefined;
  readonly name: unknown;
  /** Cube-level properties other than the member lists. */
  readonly props: Readonly<Record<string, unknown>>;
  readonly measures: readonly RawMember[];
  readonly dimensions: readonly RawMember[];
  readonly segments: readonly RawMember[];
  readonly joins: readonly RawMember[];
  /** The file's macro calls, indexed by their markers. */
  readonly macros: readonly RawMacro[];
  /** The line each pre-aggregation is written on, by name (for messages). */
  readonly rollupLines?: Readonly<Record<string, number>>;
}

export const MEMBER_LISTS = ['measures', 'dimensions', 'segments', 'joins'] as const;
export type MemberList = (typeof MEMBER_LISTS)[number];
