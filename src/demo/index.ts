/**
 * Deterministic, realistic synthetic data (README.md lists the planted effects).
 */
export { generateDemo, type DemoSummary } from './generate-demo.js';
export { DEFAULT_ROWS, type DemoOptions } from './demo-options.js';
