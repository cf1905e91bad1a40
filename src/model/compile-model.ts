import { UprateError } from '../core/errors.js';
import { DEFAULT_WINDOW_DAYS } from '../core/schema.js';
import { buildCube } from './build-cube.js';
import { setAsideBroken } from './broken-members.js';
import { checkCycles } from './check-cycles.js';
import { checkJoins } from './check-joins.js';
import { checkNumberMeasures } from './check-number-measures.js';
import { checkReferences } from './check-references.js';
import { checkRollups } from './check-rollups.js';
import { evaluateJsModel } from './evaluate-js.js';
import { fileCubes } from './file-cubes.js';
import { ProblemList, type ModelProblem } from './problems.js';
import type { RawCube } from './raw-cube.js';
import { readYamlModel } from './read-yaml.js';
import { buildSymbolTable } from './symbol-table.js';
import type { CubeDef, Model } from './types.js';

export interface ModelSource {
  /** Shown in problems: `model/offers.js`. */
  readonly file: string;
  readonly text: string;
}

export interface CompileOptions {
  /** `COMPILE_CONTEXT` as JavaScript model files see it. */
  readonly compileContext?: Readonly<Record<string, unknown>>;
  /** `uprate.conversionWindowDays`; default `COMPILE_CONTEXT.uprate.conversionWindowDays`, else 30. */
  readonly conversionWindowDays?: number;
  /** Time limit per JavaScript evaluation step (default 1000 ms). */
  readonly timeoutMs?: number;
  /**
   * Serve what compiles, as Cube does: members, joins and cubes with errors (and what uses them)
   * are left out of the model and listed in `model.broken`, and the model is always returned.
   * Default false: any error means no model.
   */
  readonly tolerant?: boolean;
}

export interface CompileResult {
  /** Present when there is no error (warnings allowed), or always when compiled tolerantly. */
  readonly model: Model | undefined;
  /** Every problem (in a tolerant compile, with those of members broken through others: `model.problems`). */
  readonly problems: readonly ModelProblem[];
}

function windowDays(options: CompileOptions): number {
  const fromContext = (options.compileContext?.['uprate'] as { conversionWindowDays?: unknown } | undefined)?.conversionWindowDays;
  const days = options.conversionWindowDays ?? fromContext ?? DEFAULT_WINDOW_DAYS;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 3650) {
    throw new UprateError('CONFIG_INVALID', `conversion window must be a whole number of days from 0 to 3650, not ${String(days)}`, {
      location: 'uprate.conversionWindowDays',
    });
  }
  return days;
}

/**
 * Model files → compiled model: evaluate each file (JS in a sandbox, YAML parsed), collect every
 * name, build the cubes with resolved references, then check references, cycles, number
 * measures and joins. All problems are collected; none is thrown. With `tolerant`, what the
 * errors break is set aside (see setAsideBroken) and the rest is the model.
 */
export function compileModel(sources: readonly ModelSource[], options: CompileOptions = {}): CompileResult {
  const days = windowDays(options);
  const compileContext = { ...options.compileContext, uprate: { ...(options.compileContext?.['uprate'] as object | undefined), conversionWindowDays: days } };
  const problems = new ProblemList();
  const raws: RawCube[] = [];
  for (const src of [...sources].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    if (/\.ya?ml$/i.test(src.file)) raws.push(...readYamlModel(src.file, src.text, problems));
    else raws.push(...evaluateJsModel(src.file, src.text, { compileContext, conversionWindowDays: days, timeoutMs: options.timeoutMs ?? 1000 }, problems));
  }
  if (sources.length === 0) problems.error({ file: '.' }, 'the model folder holds no .js, .yml or .yaml files', 'add a cube file, or point to the right folder');
  const { symbols, cubes: valid } = buildSymbolTable(raws, problems);
  const cubes = new Map<string, CubeDef>();
  for (const raw of valid) cubes.set(String(raw.name), buildCube(raw, symbols, problems));
  checkReferences(cubes, problems);
  checkCycles(cubes, problems);
  checkNumberMeasures(cubes, problems);
  checkJoins(cubes, problems);
  checkRollups(cubes, problems);
  const files = sources.map((s) => s.file);
  if (options.tolerant) {
    const texts = new Map(sources.map((s) => [s.file, s.text]));
    const aside = setAsideBroken(cubes, problems.errors, (file) => fileCubes(file, texts.get(file) ?? '', raws));
    const all = [...problems.all, ...aside.derived];
    return { model: { cubes: aside.cubes, files, problems: all, broken: aside.broken }, problems: all };
  }
  const model: Model | undefined = problems.hasErrors ? undefined : { cubes, files, problems: problems.all, broken: new Map() };
  return { model, problems: problems.all };
}
