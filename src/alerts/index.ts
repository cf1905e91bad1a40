/**
 * Alerts: rules in uprate.config.yaml (or the defaults), evaluated through the semantic layer with
 * uprate's statistics, state kept in the store, notifications delivered once by webhook.
 * See README.md.
 */
export { alertsSchema, ruleSchema, channelSchema, type AlertsConfig, type AlertRule, type AlertCondition, type ChannelConfig } from './rules-schema.js';
export { defaultRules, activeRules } from './default-rules.js';
export { alertSetup, checkRuleNames, deliverToChannel, type AlertSetup, type Channel } from './alert-setup.js';
export { sendTestNotification, type TestDelivery } from './test-notification.js';
export { evaluateRule, evaluateRules, type RuleResult, type EvaluateOptions } from './evaluate-rules.js';
export type { Finding, FindingStatus, Severity, TestSummary } from './finding.js';
export { AlertMonitor, DEFAULT_PUBLIC_URL, type MonitorOptions, type CheckOptions, type CheckResult, type CheckRow, type Delivery } from './alert-monitor.js';
export { listAlerts, alertView, type AlertView, type AlertList } from './alert-views.js';
export { readState, listStates, type AlertState, type AlertStatus } from './alert-state.js';
export { listDeadLetters, type DeadLetterRow } from './notification-lease.js';
export { ensureAlertTables, ALERT_TABLES_DDL } from './alert-tables.js';
export { buildNotification, dashboardLink, slackMessage, type Notification } from './notification.js';
export { deliverWebhook, signature, backoffDelay, SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER, type DeliveryEffects, type DeliveryResult } from './webhook.js';
export { checkText } from './check-table.js';
export { alertVisibleTo, scopeParts } from './alert-visibility.js';
