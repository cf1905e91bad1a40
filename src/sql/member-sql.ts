import { InternalError } from '../core/errors.js';
import { cubeAlias, type CubeDef, type Model, type Template } from '../model/index.js';
import { concat, identifier, paren, param, raw, type FromItem, type SqlExpr } from './nodes.js';

/** How a template is rendered in one place of a query. */
export interface RenderScope {
  readonly model: Model;
  /** The query's clock (ISO), bound once for every `uprate.now()`. */
  readonly now: string;
  /** A measure referenced from a `number` measure. */
  readonly measure: (path: string) => SqlExpr;
}

export function cubeOf(model: Model, name: string): CubeDef {
  const cube = model.cubes.get(name);
  if (!cube) throw new InternalError(`cube ${name} is not in the model`);
  return cube;
}

/** A model template as SQL nodes: references become aliases, dimension SQL, measures or macros. */
export function templateExpr(t: Template, scope: RenderScope): SqlExpr {
  return concat(
    t.map((p): SqlExpr => {
      switch (p.kind) {
        case 'text':
          return raw(p.text);
        case 'cube':
          return identifier(cubeAlias(p.cube));
        case 'member':
          if (p.memberType === 'measure') return scope.measure(`${p.cube}.${p.member}`);
          if (p.memberType === 'dimension') return dimensionExpr(scope, p.cube, p.member);
          throw new InternalError(`segment ${p.cube}.${p.member} referenced inside SQL`);
        case 'macro':
          if (p.name === 'now') return param(scope.now, 'timestamp', 'now');
          return { kind: 'macro', name: p.name, args: p.args.map((a) => (a.kind === 'number' ? a.value : templateExpr(a.template, scope))) };
      }
    }),
  );
}

/** A dimension's SQL (UTC for time dimensions), parenthesised. */
export function dimensionExpr(scope: RenderScope, cube: string, name: string): SqlExpr {
  const dim = cubeOf(scope.model, cube).dimensions.get(name);
  if (!dim) throw new InternalError(`dimension ${cube}.${name} is not in the model`);
  return paren(templateExpr(dim.sql, scope));
}

export function segmentExpr(scope: RenderScope, cube: string, name: string): SqlExpr {
  const seg = cubeOf(scope.model, cube).segments.get(name);
  if (!seg) throw new InternalError(`segment ${cube}.${name} is not in the model`);
  return paren(templateExpr(seg.sql, scope));
}

/** The cube's table or query, under its alias. */
export function cubeSource(scope: RenderScope, name: string): FromItem {
  const cube = cubeOf(scope.model, name);
  const alias = cubeAlias(name);
  return cube.source.kind === 'table'
    ? { kind: 'table', table: cube.source.table, alias }
    : { kind: 'sqlSource', sql: templateExpr(cube.source.sql, scope), alias };
}

/** Every cube a member's SQL touches, its own included (through referenced members too). */
export function memberCubes(model: Model, path: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(path)) return out;
  seen.add(path);
  const [cubeName = '', name = ''] = path.split('.');
  const cube = model.cubes.get(cubeName);
  if (!cube) return out;
  out.add(cubeName);
  const m = cube.measures.get(name) ?? cube.dimensions.get(name) ?? cube.segments.get(name);
  const templates: Template[] = !m ? [] : m.kind === 'measure' ? [...(m.sql ? [m.sql] : []), ...m.filters] : [m.sql];
  const visit = (t: Template): void => {
    for (const p of t) {
      if (p.kind === 'cube') out.add(p.cube);
      else if (p.kind === 'member') memberCubes(model, `${p.cube}.${p.member}`, seen).forEach((c) => out.add(c));
      else if (p.kind === 'macro') p.args.forEach((a) => a.kind === 'sql' && visit(a.template));
    }
  };
  templates.forEach(visit);
  return out;
}
