/**
 * Types (and their zod schemas) of uprate's own JSON API (`/api/v1/kpi`, `/timeseries`,
 * `/breakdown`, `/leaderboard`, `/compare`, `/insights`, `/sample-size`). They are defined once,
 * as zod schemas, in api-schema.ts — the conventions every endpoint follows are written there —
 * and the OpenAPI document is generated from the same schemas (src/server/openapi.ts).
 */
export * from './api-schema.js';
