/**
 * Saved views (named dashboard states) and annotations (a note on a day, drawn on the trend),
 * kept in the store on every engine and scoped to a tenant. The server's /api/v1/views and
 * /api/v1/annotations, `uprate annotate` and the dashboard go through here.
 */
export { ensureSavedTables, SAVED_TABLES_DDL, clickhouseSavedDdl } from './saved-tables.js';
export { addAnnotation, deleteView, listAnnotations, listViews, removeAnnotation, saveView, type Annotation, type SavedView, type Writer } from './saved-store.js';
export { SHARED_TENANT, tenantKey } from './tenant.js';
export { MAX_STATE_LENGTH, viewState } from './view-state.js';
