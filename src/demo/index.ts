/**
 * Deterministic, realistic synthetic data: the same seed, end date and row count give the same
 * offers and customers, byte for byte. README.md lists the effects planted in them.
 */
export { generateDemo, type DemoSummary } from './generate-demo.js';
export { writeDemoFiles, type DemoFileFormat, type DemoFileOptions, type DemoFiles } from './write-demo-files.js';
export { DEFAULT_ROWS, type DemoOptions } from './demo-options.js';
/** The planted structure, for tests that check the product finds it. */
export { OFFER_CATALOG, TINY_OFFERS, TWIN_REGIONS } from './planted-effects.js';
