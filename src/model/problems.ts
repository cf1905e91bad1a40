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

/** Collects problems; `error()` and `warn()` never throw. */
export class ProblemList {
  private readonly items: ModelProblem[] = [];

  error(place: ProblemPlace, message: string, fix?: string): void {
    this.add('error', place, message, fix);
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
