export { buildApp, type AppOptions } from './app.js';
export type { ServerContext } from './context.js';
