import { UprateError } from '../core/errors.js';

/**
 * A model problem names the file (and line when known), the cube, the member, what is wrong and
 * how to fix it. Problems are collected through every stage and reported together.
 */
export interface ModelProblem {
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line?: number;
  readonly cube?: string;
  readonly member?: string;
  readonly message: string;
  readonly fix?: string;
}

export interface ProblemPlace {
  readonly file: string;
  readonly line?: number | undefined;
  readonly cube?: string | undefined;
  readonly member?: string | undefined;
}

/**
 * What an error makes unusable when a model is loaded tolerantly (`{ tolerant: true }`): every
 * cube of its file (it could not be read), one cube, one member, some joins, or nothing beyond
 * itself (an unsupported `view()`, a badly named cube that is left out anyway).
 */
export type Breaks =
  | { readonly kind: 'file' }
  | { readonly kind: 'cube'; readonly cube: string }
  | { readonly kind: 'member'; readonly cube: string; readonly member: string }
  | { readonly kind: 'joins'; readonly joins: readonly { readonly cube: string; readonly target: string }[] }
  | { readonly kind: 'nothing' };

/** An error with what it breaks. */
export interface BreakingError {
  readonly problem: ModelProblem;
  readonly breaks: Breaks;
}

/** By default an error breaks what its place names: a join (`joins.Other`), a member, a cube, or its whole file. */
function breaksOf(place: ProblemPlace): Breaks {
  const { cube, member } = place;
  if (cube === undefined) return { kind: 'file' };
  if (member === undefined) return { kind: 'cube', cube };
  if (member.startsWith('joins.')) return { kind: 'joins', joins: [{ cube, target: member.slice('joins.'.length) }] };
  return { kind: 'member', cube, member };
}

/** Collects problems; `error()` and `warn()` never throw. */
export class ProblemList {
  private readonly items: ModelProblem[] = [];
  private readonly breaking: BreakingError[] = [];

  /** An error; `breaks` says what it makes unusable when it is not what `place` names. */
  error(place: ProblemPlace, message: string, fix?: string, breaks: Breaks = breaksOf(place)): void {
    this.add('error', place, message, fix);
    const problem = this.items[this.items.length - 1];
    if (problem) this.breaking.push({ problem, breaks });
  }

  warn(place: ProblemPlace, message: string, fix?: string): void {
    this.add('warning', place, message, fix);
  }

  private add(severity: ModelProblem['severity'], place: ProblemPlace, message: string, fix: string | undefined): void {
    this.items.push({
      severity,
      file: place.file,
      ...(place.line === undefined ? {} : { line: place.line }),
      ...(place.cube === undefined ? {} : { cube: place.cube }),
      ...(place.member === undefined ? {} : { member: place.member }),
      message,
      ...(fix === undefined ? {} : { fix }),
    });
  }

  get all(): readonly ModelProblem[] {
    return this.items;
  }

  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === 'error');
  }

  /** The errors, each with what it breaks. */
  get errors(): readonly BreakingError[] {
    return this.breaking;
  }
}

/** `offers.js:12 Offers.conversionRate` — where a problem is. */
export function problemLocation(p: ModelProblem): string {
  const file = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  const member = p.cube === undefined ? '' : ` ${p.cube}${p.member === undefined ? '' : `.${p.member}`}`;
  return `${file}${member}`;
}

/** One problem per paragraph: place, severity and message, then the fix. */
export function formatProblems(problems: readonly ModelProblem[]): string {
  return problems
    .map((p) => `${problemLocation(p)}: ${p.severity}: ${p.message}${p.fix ? `\n  fix: ${p.fix}` : ''}`)
    .join('\n');
}

/** The error `loadModel` throws: every problem in `details`, the first one's place as location. */
export function modelError(problems: readonly ModelProblem[]): UprateError {
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  const summary = errors.length === 1 && first ? first.message : `the model has ${errors.length} errors`;
  return new UprateError('MODEL_INVALID', `${summary}\n${formatProblems(errors)}`, {
    ...(first ? { location: problemLocation(first) } : {}),
    ...(first?.fix ? { hint: first.fix } : {}),
    details: { problems },
  });
}
