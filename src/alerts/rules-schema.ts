/**
 * The `alerts` section of uprate.config.yaml: channels and rules. The config loader validates the
 * section with this schema, so every problem carries its line; checks that need the model (does
 * the dimension exist?) are in check-rules.ts. This file imports nothing from uprate but the grain
 * list, so that src/config can use it without a cycle.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { GRAINS } from '../kpi/grain.js';

const MEMBER = /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/;
const member = z.string().regex(MEMBER, 'must be Cube.member, e.g. Customers.accountSize');
const fraction = (what: string) =>
  z.number({ error: `${what} must be a number` }).min(0, `${what} must be a fraction from 0 to 1 (0.12 is 12 %)`).max(1, `${what} must be a fraction from 0 to 1 (0.12 is 12 %)`);
const alpha = z
  .number({ error: 'alpha must be a number' })
  .gt(0, 'alpha must be above 0 (0.05 is the usual significance level)')
  .lt(1, 'alpha must be below 1 (0.05 is the usual significance level)')
  .default(0.05);
const versus = z.enum(['previous', 'last-year'], { error: "versus must be 'previous' (the period before) or 'last-year' (the same period a year earlier)" });

/** A cron expression croner accepts (5 or 6 fields, or a nickname such as @daily). */
export const cronExpression = z.string().superRefine((value, ctx) => {
  // croner also reads an ISO date-time as a one-off run: a schedule here repeats, so only fields or a nickname.
  const fields = value.trim().split(/\s+/).length;
  if (!/^@\w+$/.test(value.trim()) && fields !== 5 && fields !== 6) {
    ctx.addIssue({ code: 'custom', message: `bad cron expression '${value}': 5 or 6 fields (minute hour day month weekday, seconds first when 6) or a nickname such as @daily (e.g. '0 7 * * *' is 07:00 UTC every day)` });
    return;
  }
  try {
    new Cron(value, { paused: true, timezone: 'UTC' }).stop();
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `bad cron expression '${value}': ${(e instanceof Error ? e.message : String(e)).replace(/^CronPattern: /, '')} (e.g. '0 7 * * *' is 07:00 UTC every day)` });
  }
});

export const belowCondition = z
  .object({
    type: z.literal('below'),
    /** `poor`: the rate is in the poor band; `moderate`: it is moderate or poor (not strong). */
    band: z.enum(['poor', 'moderate'], { error: "band must be 'poor' (rate in the poor band) or 'moderate' (moderate or worse)" }).optional(),
    /** A rate of your own, as a fraction. */
    threshold: fraction('threshold').optional(),
    /** `interval` (default): the whole 95 % interval is below; `rate`: the rate itself is. */
    basis: z.enum(['interval', 'rate']).default('interval'),
  })
  .strict()
  .refine((c) => (c.band === undefined) !== (c.threshold === undefined), { message: 'give either band or threshold (one of them)' });

export const dropCondition = z
  .object({
    type: z.literal('drop'),
    versus: versus.default('previous'),
    alpha,
    /** Ignore significant drops smaller than this many percentage points. */
    minPoints: z.number().min(0, 'minPoints must be 0 or more').max(100).default(0),
  })
  .strict();

export const controlLimitCondition = z
  .object({
    type: z.literal('control-limit'),
    /** `auto` (default): Laney's p′ when the periods vary more than chance (χ² test), else p. */
    chart: z.enum(['auto', 'p', 'laney'], { error: "chart must be 'auto' (Laney p′ when periods vary more than chance, else p), 'p' or 'laney'" }).default('auto'),
    /** Periods on the chart, the evaluated one included. */
    periods: z.number().int().min(3, 'periods must be at least 3').max(120, 'periods must be at most 120').default(12),
    sigmas: z.number().gt(0, 'sigmas must be above 0').max(10).default(3),
    /** `below` (default): only a fall below the lower limit; `both`: either limit. */
    side: z.enum(['below', 'both']).default('below'),
  })
  .strict();

export const segmentBelowCondition = z
  .object({
    type: z.literal('segment-below'),
    /** The dimension whose values are compared, each against the rest. */
    by: member,
    alpha,
    method: z.enum(['holm', 'bh', 'bonferroni']).default('holm'),
    minPoints: z.number().min(0).max(100).default(0),
  })
  .strict();

export const volumeDropCondition = z
  .object({
    type: z.literal('volume-drop'),
    versus: versus.default('previous'),
    /** Fires when offers fall below this share of the comparison period's (default 0.5). */
    floor: z.number().gt(0, 'floor must be above 0').lt(1, 'floor must be below 1 (0.5 fires below half)').default(0.5),
  })
  .strict();

export const conditionSchema = z.discriminatedUnion(
  'type',
  [belowCondition, dropCondition, controlLimitCondition, segmentBelowCondition, volumeDropCondition],
  { error: "condition.type must be one of below, drop, control-limit, segment-below, volume-drop" },
);

export const ruleFilterSchema = z
  .object({
    member,
    operator: z.string().min(1),
    values: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

export const ruleSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'a rule name is letters, digits, -, _ or . (it names the alert)'),
    description: z.string().optional(),
    /** The whole population (default), or one alert per value of `by`; filters narrow either. */
    scope: z
      .object({ by: member.optional(), filters: z.array(ruleFilterSchema).default([]) })
      .strict()
      .default({ filters: [] }),
    grain: z.enum(GRAINS, { error: `grain must be one of ${GRAINS.join(', ')}` }).default('month'),
    condition: conditionSchema,
    /** Fewer offers than this in a period compared: the rule says nothing (no fire, no resolve). */
    minOffers: z.number().int('minOffers must be a whole number').min(0, 'minOffers must be 0 or more').default(100),
    channels: z.array(z.string()).default([]),
    schedule: cronExpression.default('0 7 * * *'),
    /** Judge periods whose conversion window is still open (default false: they are skipped). */
    includeProvisional: z.boolean().default(false),
    /** `never` (default): notify at the start and at the end; `daily`: also once a day while firing. */
    repeat: z.enum(['never', 'daily']).default('never'),
    severity: z.enum(['warning', 'critical']).default('warning'),
    enabled: z.boolean().default(true),
  })
  .strict();

export const channelSchema = z
  .object({
    /** `webhook`: uprate's JSON document; `slack`: a Slack-compatible incoming-webhook message. */
    type: z.enum(['webhook', 'slack'], { error: "type must be 'webhook' or 'slack'" }),
    url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
    /** HMAC-SHA256 key for the X-Uprate-Signature header; `secretEnv` names an environment variable instead. */
    secret: z.string().min(1).optional(),
    secretEnv: z.string().regex(/^[A-Za-z_]\w*$/, 'secretEnv must be an environment variable name').optional(),
    timeoutMs: z.number().int().min(1).max(120_000).default(5000),
    /** Attempts after the first (default 4). */
    retries: z.number().int().min(0).max(10).default(4),
    /** First backoff; doubled each retry, with jitter (default 1000 ms). */
    backoffMs: z.number().int().min(0).max(600_000).default(1000),
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export const alertsSchema = z
  .object({
    /** Base of the dashboard links in notifications (default: the server's own URL). */
    publicUrl: z.url({ protocol: /^https?$/, error: 'publicUrl must be an http(s) URL' }).optional(),
    channels: z.record(z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'a channel name is letters, digits, -, _ or .'), channelSchema).default({}),
    /** Your rules; without any, the default rules are active. */
    rules: z.array(ruleSchema).optional(),
    /** Keep the default rules beside your own (default: only when you have none). */
    defaultRules: z.boolean().optional(),
    /** How long resolved alerts stay in GET /api/v1/alerts `recent` (default 30 days). */
    recentDays: z.number().int().min(1).max(3650).default(30),
  })
  .strict()
  .superRefine((alerts, ctx) => {
    const names = Object.keys(alerts.channels);
    const seen = new Set<string>();
    (alerts.rules ?? []).forEach((rule, i) => {
      if (seen.has(rule.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `a second rule named '${rule.name}': rule names must be unique` });
      seen.add(rule.name);
      rule.channels.forEach((channel, j) => {
        if (!names.includes(channel)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'channels', j],
            message: `unknown channel '${channel}' (${names.length > 0 ? `channels: ${names.join(', ')}` : 'no channels are defined under alerts.channels'})`,
          });
        }
      });
    });
  });

export type AlertsConfig = z.infer<typeof alertsSchema>;
export type AlertRule = z.infer<typeof ruleSchema>;
export type AlertCondition = z.infer<typeof conditionSchema>;
export type ChannelConfig = z.infer<typeof channelSchema>;
export type RuleFilter = z.infer<typeof ruleFilterSchema>;
