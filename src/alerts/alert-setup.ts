/**
 * From the loaded config to the rules and channels in force, checked against the model: every
 * member a rule names must exist (and be a dimension where a dimension is meant), every rule's
 * query must be one the semantic layer accepts. Problems name the file line, the rule and the field.
 */
import { configIssuesError, type ConfigIssue, type UprateConfig } from '../config/index.js';
import { isUprateError, UprateError } from '../core/errors.js';
import { findMember, type Model } from '../model/index.js';
import { prepareQuery } from '../query/index.js';
import { dialectFor } from '../sql/index.js';
import type { BandThresholds } from '../stats/index.js';
import { activeRules } from './default-rules.js';
import { ruleRequest } from './evaluate-rules.js';
import { countQuery } from './offer-counts.js';
import { checkBinding, type KpiBinding } from '../kpi/index.js';
import type { AlertRule, ChannelConfig } from './rules-schema.js';
import { deliverWebhook, type DeliveryEffects, type DeliveryResult } from './webhook.js';
import { allAccess } from '../query/index.js';

export interface Channel extends ChannelConfig {
  readonly name: string;
  /** `secret`, or the value of the `secretEnv` variable. */
  readonly signingSecret: string | undefined;
}

export interface AlertSetup {
  readonly rules: readonly AlertRule[];
  readonly channels: ReadonlyMap<string, Channel>;
  readonly publicUrl: string | undefined;
  readonly recentDays: number;
  readonly bands: BandThresholds;
  /** The members rules count with (config `kpi`, default the shipped model's); null when the model has none and no rule runs. */
  readonly binding: KpiBinding | null;
  /** Why the default rules are off (a model without the KPI's inputs and no `kpi:` binding), to say once at start. */
  readonly notice?: string;
}

type Config = Pick<UprateConfig, 'alerts' | 'bands'> & { readonly kpi?: UprateConfig['kpi'] } & { readonly file?: string | undefined };

function dimensionProblem(model: Model, name: string): string | null {
  const found = findMember(model, name);
  if (found?.member.kind === 'dimension') return null;
  const dims = [...model.cubes.values()].flatMap((c) => [...c.dimensions.keys()].map((d) => `${c.name}.${d}`));
  if (found) return `'${name}' is a ${found.member.kind}, not a dimension`;
  return `unknown dimension '${name}' (dimensions: ${dims.join(', ')})`;
}

/** The rules and channels in force; throws CONFIG_INVALID naming every problem. */
export function alertSetup(config: Config, model: Model, env: NodeJS.ProcessEnv = process.env): AlertSetup {
  const alerts = config.alerts;
  const issues: ConfigIssue[] = [];
  // Rules count with the KPI binding; without one the KPI (and every rule) cannot be read.
  const checked = checkBinding(model, config.kpi);
  const binding = checked.binding;
  const unbound = !checked.usable;
  // A user's model served without a binding: the default rules cannot count, so they are off (said
  // once); rules the user wrote still need the binding.
  const defaultsOff = unbound && !config.kpi && (alerts?.rules ?? []).length === 0;
  const rules = defaultsOff ? [] : activeRules(alerts);
  if (rules.length > 0 && unbound) {
    for (const problem of checked.problems) issues.push({ path: ['kpi'], message: `alert rules count with the KPI binding: ${problem}` });
  }
  const own = alerts?.rules ?? [];
  if (issues.length === 0 && binding) {
    rules.forEach((rule) => {
      const i = own.indexOf(rule);
      const at = (...rest: PropertyKey[]): PropertyKey[] => (i >= 0 ? ['alerts', 'rules', i, ...rest] : ['alerts']);
      const named = (message: string) => (i >= 0 ? message : `default rule ${rule.name}: ${message}`);
      const problems: ConfigIssue[] = [];
      if (rule.scope.by) {
        const p = dimensionProblem(model, rule.scope.by);
        if (p) problems.push({ path: at('scope', 'by'), message: named(p) });
      }
      if (rule.condition.type === 'segment-below') {
        const p = dimensionProblem(model, rule.condition.by);
        if (p) problems.push({ path: at('condition', 'by'), message: named(p) });
      }
      rule.scope.filters.forEach((f, j) => {
        const p = dimensionProblem(model, f.member);
        if (p) problems.push({ path: at('scope', 'filters', j, 'member'), message: named(p) });
      });
      if (problems.length === 0) {
        // The query the rule will run: operators, values and joins are checked by the semantic layer.
        try {
          const now = new Date();
          prepareQuery(model, countQuery(binding, ruleRequest(rule, now)), { now, access: allAccess('system') }, dialectFor('duckdb'));
        } catch (e) {
          if (!isUprateError(e)) throw e;
          problems.push({ path: at('scope', 'filters'), message: named(e.message) });
        }
      }
      issues.push(...problems);
    });
  }
  const channels = new Map<string, Channel>();
  for (const [name, channel] of Object.entries(alerts?.channels ?? {})) {
    const fromEnv = channel.secretEnv ? env[channel.secretEnv] : undefined;
    if (channel.secretEnv && !fromEnv) {
      issues.push({ path: ['alerts', 'channels', name, 'secretEnv'], message: `environment variable ${channel.secretEnv} is not set (it holds the signing secret)` });
    }
    channels.set(name, { ...channel, name, signingSecret: channel.secret ?? fromEnv });
  }
  if (issues.length > 0) throw configIssuesError(config.file, issues);
  return {
    rules,
    channels,
    publicUrl: alerts?.publicUrl,
    recentDays: alerts?.recentDays ?? 30,
    bands: config.bands,
    binding,
    ...(defaultsOff && activeRules(alerts).length > 0
      ? { notice: `alerts: the default rules are off: the model has no KPI binding (${checked.problems.join('; ')}); bind kpi: in uprate.config.yaml to turn them on` }
      : {}),
  };
}

/** Sends a body to a channel with its timeout, retries and signing secret. */
export function deliverToChannel(channel: Channel, body: string, key: string, effects?: DeliveryEffects): Promise<DeliveryResult> {
  return deliverWebhook(
    { url: channel.url, secret: channel.signingSecret, timeoutMs: channel.timeoutMs, retries: channel.retries, backoffMs: channel.backoffMs, headers: channel.headers },
    body,
    key,
    effects,
  );
}

/** Refuses a rule name the setup lacks, naming it and the rules in force; `location` is the option or parameter that named it. */
export function checkRuleNames(setup: AlertSetup, names: readonly string[], location: string): void {
  for (const name of names) {
    if (!setup.rules.some((r) => r.name === name)) {
      throw new UprateError('BAD_ARGUMENT', `no alert rule named '${name}'`, { location, hint: `rules in force: ${setup.rules.map((r) => r.name).join(', ')}` });
    }
  }
}
