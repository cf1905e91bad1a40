export { loadConfig, findConfig, CONFIG_FILES } from './load-config.js';
export { configSchema, type UprateConfig, type SecurityFilter } from './config-schema.js';
