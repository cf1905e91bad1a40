import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { UprateError } from '../core/errors.js';
import { compileModel, type CompileOptions, type ModelSource } from './compile-model.js';
import { modelError, type ModelProblem } from './problems.js';
import type { Model } from './types.js';

const MODEL_FILE = /\.(js|cjs|mjs|ya?ml)$/i;

/** The model files under `dir` (recursively, skipping dot folders and node_modules), in path order. */
export function readModelSources(dir: string): ModelSource[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UprateError('FILE_NOT_FOUND', `model folder ${dir} does not exist`, { location: dir, hint: 'pass the folder holding your cube files' });
  }
  const out: ModelSource[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (MODEL_FILE.test(name)) out.push({ file: join(dir, relative(dir, path)), text: readFileSync(path, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

/**
 * Every problem of the model in `dir` at once (errors and warnings), each naming file, line
 * when known, cube, member and fix. An empty list means the model is valid.
 *
 * @example
 *   for (const p of await validateModel('model')) console.log(formatProblems([p]));
 */
export async function validateModel(dir: string, options: CompileOptions = {}): Promise<readonly ModelProblem[]> {
  return compileModel(readModelSources(dir), options).problems;
}

/**
 * The compiled model in `dir`; throws a MODEL_INVALID {@link UprateError} listing every error
 * (`details.problems`) when there is any.
 *
 * With `tolerant: true` it throws only when the folder is missing: what has errors — and what
 * uses it — is left out, listed in `model.broken` with its problems (also in `model.problems`),
 * as Cube serves the rest of a model and fails only the queries that use a broken member. The
 * problems then name files relative to `dir` (`offers.js:12 Offers.rate`), since they are shown
 * to API callers, who need not learn where the server keeps its model.
 *
 * @example
 *   const model = await loadModel(shippedModelDir(), { conversionWindowDays: 14 });
 *   const served = await loadModel('model', { tolerant: true });
 *   for (const [member, why] of served.broken) console.error(member, formatProblems(why));
 */
export async function loadModel(dir: string, options: CompileOptions = {}): Promise<Model> {
  const { model, problems } = compileModel(readModelSources(dir), options);
  if (!model) throw modelError(problems);
  return options.tolerant ? relativeTo(dir, model) : model;
}

/** The model with the files its problems name relative to `dir`. */
function relativeTo(dir: string, model: Model): Model {
  const rel = (file: string) => {
    const r = relative(dir, file);
    return r === '' || r.startsWith('..') || isAbsolute(r) ? file : r;
  };
  const moved = new Map<ModelProblem, ModelProblem>();
  const move = (p: ModelProblem): ModelProblem => {
    const known = moved.get(p);
    if (known) return known;
    const out = { ...p, file: rel(p.file) };
    moved.set(p, out);
    return out;
  };
  return {
    cubes: model.cubes,
    files: model.files.map(rel),
    problems: model.problems.map(move),
    broken: new Map([...model.broken].map(([key, list]) => [key, list.map(move)])),
  };
}
