import { memberList } from './build-measure.js';
import { placeOf, snake, type BuildContext } from './build-members.js';
import { normalizeProperties, type PropertySpec } from './property-names.js';
import { ROLLUP_GRANULARITIES, ROLLUP_NESTS, type RollupDef, type RollupGranularity } from './types.js';

export const ROLLUP_PROPERTIES: PropertySpec = {
  supported: ['type', 'measures', 'dimensions', 'timeDimension', 'granularity', 'partitionGranularity', 'settledAfterDays', 'clusteredBy', 'moments', 'refreshKey'],
  // Cube's build and storage tuning: uprate builds in the store's own engine and maintains on ingest.
  ignored: ['external', 'scheduledRefresh', 'indexes', 'buildRangeStart', 'buildRangeEnd', 'updateWindow', 'incremental', 'allowNonStrictDateRangeMatch', 'readOnly', 'uniqueKeyColumns', 'outputColumnTypes'],
};

const EXAMPLE = "preAggregations: { daily: { type: 'rollup', measures: [count, accepted], dimensions: [channel], timeDimension: offeredAt, granularity: 'day' } }";

/** The named definitions: JavaScript writes an object keyed by name, YAML a list of `{ name, … }`. */
function namedDefinitions(ctx: BuildContext, value: unknown, lines: Readonly<Record<string, number>>): [string, Record<string, unknown>][] {
  const place = placeOf(ctx, 'preAggregations');
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(value)) {
    return value.flatMap((item, i): [string, Record<string, unknown>][] => {
      if (!isObject(item) || typeof item['name'] !== 'string') {
        ctx.problems.error(place, `pre-aggregation #${i + 1} has no name`, '- name: daily');
        return [];
      }
      const { name, ...rest } = item;
      return [[name, rest]];
    });
  }
  if (!isObject(value)) {
    ctx.problems.error(place, 'preAggregations must be an object keyed by name', EXAMPLE);
    return [];
  }
  return Object.entries(value).flatMap(([name, def]): [string, Record<string, unknown>][] => {
    if (isObject(def)) return [[name, def]];
    ctx.problems.error(placeOf(ctx, `preAggregations.${name}`, lines[name]), `pre-aggregation ${name} must be an object`, EXAMPLE);
    return [];
  });
}

function granularity(ctx: BuildContext, value: unknown, what: string, place: ReturnType<typeof placeOf>, byDefault: RollupGranularity | undefined): RollupGranularity | undefined {
  if (value === undefined && byDefault) return byDefault;
  if (typeof value === 'string' && (ROLLUP_GRANULARITIES as readonly string[]).includes(value)) return value as RollupGranularity;
  ctx.problems.error(place, value === undefined ? `${what} is missing` : `bad ${what} ${String(value)}`, `${what}: one of ${ROLLUP_GRANULARITIES.join(', ')}`);
  return undefined;
}

/**
 * A cube's rollups from its `preAggregations` (Cube's syntax, the documented subset): members
 * resolved to paths; whether they can be rolled up is checked with the whole model (check-rollups.ts).
 */
export function buildRollups(ctx: BuildContext, value: unknown, lines: Readonly<Record<string, number>> = {}): Map<string, RollupDef> {
  const out = new Map<string, RollupDef>();
  if (value === undefined) return out;
  for (const [name, def] of namedDefinitions(ctx, value, lines)) {
    const place = placeOf(ctx, `preAggregations.${name}`, lines[name]);
    // Another type has other properties: say the type is the problem, not each of them.
    const type = snake(String(def['type'] ?? 'rollup'));
    if (type !== 'rollup') {
      ctx.problems.error(place, `pre-aggregation type ${String(def['type'])} is not supported`, "type: 'rollup' (originalSql, rollupJoin and rollupLambda are not supported)");
      continue;
    }
    const props = normalizeProperties(def, ROLLUP_PROPERTIES, place, `pre-aggregation ${name}`, ctx.problems);
    const say = (list: string) => ({ what: `${list.replace(/s$/, '')} of a rollup`, list, example: EXAMPLE });
    const measures = memberList(ctx, props['measures'], place, say('measures'));
    const dimensions = memberList(ctx, props['dimensions'], place, say('dimensions'));
    const [time] = props['timeDimension'] === undefined ? [] : memberList(ctx, [props['timeDimension']], place, say('timeDimension'));
    if (measures.length === 0) ctx.problems.error(place, `pre-aggregation ${name} has no measures`, EXAMPLE);
    if (time === undefined) {
      ctx.problems.error(place, `pre-aggregation ${name} has no timeDimension`, 'timeDimension: offeredAt (uprate rolls up by period: maintained per partition on ingest)');
    }
    const grain = granularity(ctx, props['granularity'], 'granularity', place, undefined);
    // By month, unless the periods do not make up months (weeks): then by period.
    const partition = granularity(ctx, props['partitionGranularity'], 'partitionGranularity', place, grain && !ROLLUP_NESTS[grain].includes('month') ? grain : 'month');
    const settled = props['settledAfterDays'];
    if (settled !== undefined && !(typeof settled === 'number' && Number.isInteger(settled) && settled >= 0)) {
      ctx.problems.error(place, `settledAfterDays must be a whole number of days, not ${JSON.stringify(settled)}`, 'settledAfterDays: uprate.conversionWindowDays');
    }
    const [cluster] = props['clusteredBy'] === undefined ? [] : memberList(ctx, [props['clusteredBy']], place, say('clusteredBy'));
    const moments = props['moments'];
    if (moments !== undefined && typeof moments !== 'boolean' && moments !== 'perPeriod') {
      ctx.problems.error(place, `moments must be true, false or 'perPeriod', not ${JSON.stringify(moments)}`, "moments: true (with clusteredBy: customerId), or moments: 'perPeriod' for reads by granularity only");
    }
    if (measures.length === 0 || time === undefined || !grain || !partition) continue;
    out.set(name, {
      name,
      cube: ctx.cube,
      path: `${ctx.cube}.${name}`,
      measures,
      dimensions,
      timeDimension: time,
      granularity: grain,
      partitionGranularity: partition,
      settledAfterDays: typeof settled === 'number' ? settled : null,
      clusteredBy: cluster ?? null,
      moments: moments === true || moments === 'perPeriod',
      perPeriod: moments === 'perPeriod',
      line: place.line,
    });
  }
  return out;
}
