export { loadConfig, findConfig, configIssuesError, CONFIG_FILES, type ConfigIssue } from './load-config.js';
export { configSchema, currencySchema, DEFAULT_CURRENCY, DEFAULT_LIMITS, limitsSchema, type Limits, type UprateConfig, type SecurityFilter } from './config-schema.js';
