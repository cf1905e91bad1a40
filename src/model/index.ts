/**
 * Cube-syntax model files → compiled {@link Model}. See README.md for the supported syntax.
 */
export type {
  CubeDef,
  CubeSource,
  DimensionDef,
  DimensionType,
  JoinDef,
  MacroArg,
  MacroName,
  MeasureDef,
  MeasureType,
  MemberDef,
  MemberType,
  Model,
  Relationship,
  RollupDef,
  RollupGranularity,
  SegmentDef,
  Template,
  TemplatePart,
} from './types.js';
export { DIMENSION_TYPES, MEASURE_TYPES, RELATIONSHIPS, ROLLUP_GRANULARITIES, ROLLUP_NESTS } from './types.js';
export { clockColumns, clockUses, memberReadsClock } from './check-rollups.js';
export { compileModel, type CompileOptions, type CompileResult, type ModelSource } from './compile-model.js';
export { loadModel, readModelSources, validateModel } from './load-model.js';
export { formatProblems, modelError, problemLocation, type ModelProblem } from './problems.js';
export { findBroken } from './find-broken.js';
export { shippedModelDir } from './shipped-model.js';
export { MACROS } from './macros.js';
export { templateRefs, templateSource } from './template.js';
export { joinColumns, plainColumn } from './column-refs.js';
export { cubeAlias, cubeTitle, memberAlias, memberTitle, shortTitle, titleize, underscore } from './titles.js';
export { findMember, type FoundMember } from './find-member.js';
