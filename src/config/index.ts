export { loadConfig, findConfig, configIssuesError, CONFIG_FILES, type ConfigIssue } from './load-config.js';
export { configSchema, DEFAULT_LIMITS, limitsSchema, type Limits, type UprateConfig, type SecurityFilter } from './config-schema.js';
