import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
 * @example
 *   const model = await loadModel(shippedModelDir(), { conversionWindowDays: 14 });
 */
export async function loadModel(dir: string, options: CompileOptions = {}): Promise<Model> {
  const { model, problems } = compileModel(readModelSources(dir), options);
  if (!model) throw modelError(problems);
  return model;
}
