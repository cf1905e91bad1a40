/**
 * The rules active when the config has none, so a new user is warned without writing anything:
 * the headline rate fell into the poor band, a significant drop from the same month a year earlier
 * (month-over-month turns are mostly the season: December → January falls every year), a fall below the
 * lower control limit (Laney's p′ when months vary more than chance, as they do when offers
 * cluster by customer or follow a season; else the p-chart).
 */
import { ruleSchema, type AlertRule, type AlertsConfig } from './rules-schema.js';

const DEFAULTS: readonly unknown[] = [
  {
    name: 'headline-poor-band',
    description: 'The monthly conversion rate is in the poor band (its whole 95% interval below the poor threshold).',
    condition: { type: 'below', band: 'poor' },
    severity: 'critical',
  },
  {
    name: 'headline-monthly-drop',
    description:
      'The monthly conversion rate dropped significantly (α = 0.01: about one false alarm in 100 months) from the same month a year earlier — not from the month before: month-to-month turns are mostly the season.',
    condition: { type: 'drop', versus: 'last-year', alpha: 0.01 },
  },
  {
    name: 'headline-control-limit',
    description:
      "The monthly conversion rate fell below the lower control limit of the last 12 months: Laney's p′-chart when the months vary more than chance (χ² test), else the p-chart.",
    condition: { type: 'control-limit', chart: 'auto', periods: 12 },
  },
];

/** The default rules, notifying every configured channel. */
export function defaultRules(channels: readonly string[] = []): AlertRule[] {
  return DEFAULTS.map((d) => ruleSchema.parse({ ...(d as object), channels: [...channels] }));
}

/** The rules in force: yours, plus the defaults when you have none (or ask for them). */
export function activeRules(alerts: AlertsConfig | undefined): AlertRule[] {
  const own = alerts?.rules ?? [];
  const withDefaults = alerts?.defaultRules ?? own.length === 0;
  const defaults = withDefaults ? defaultRules(Object.keys(alerts?.channels ?? {})).filter((d) => !own.some((r) => r.name === d.name)) : [];
  return [...own, ...defaults];
}
