/**
 * The `reports` and `smtp` sections of uprate.config.yaml: which reports are sent, when, to whom,
 * and through which mail server. The config loader validates them with these schemas, so every
 * problem carries its line and field; checks that need the environment (are the secrets set? is
 * there an `smtp` section for the email recipients?) are in delivery-setup.ts. Imports nothing
 * from uprate but the alerts' cron check, so that src/config can use it without a cycle.
 */
import { z } from 'zod';
import { cronExpression } from '../alerts/rules-schema.js';

const envName = (field: string) => z.string().regex(/^[A-Za-z_]\w*$/, `${field} must be an environment variable name, e.g. UPRATE_SMTP_PASS`);

/** A time zone the runtime knows (IANA name such as Europe/Berlin, or UTC). */
export const timeZone = z.string().superRefine((value, ctx) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    ctx.addIssue({ code: 'custom', message: `unknown time zone '${value}' (an IANA name such as UTC or Europe/Berlin)` });
  }
});

/**
 * One recipient: `{ email: ops@example.com }` or `{ webhook: https://…, format: slack | json }`.
 * Webhooks are signed and retried as the alerts' channels are (src/alerts/webhook.ts).
 */
export const recipientSchema = z
  .object({
    email: z.email({ error: 'email must be an email address, e.g. ops@example.com' }).optional(),
    webhook: z.url({ protocol: /^https?$/, error: 'webhook must be an http(s) URL' }).optional(),
    /** `json` (default): uprate's summary document; `slack`: a Slack incoming-webhook message. */
    format: z.enum(['json', 'slack'], { error: "format must be 'json' (uprate's summary) or 'slack' (a Slack incoming-webhook message)" }).optional(),
    /** HMAC-SHA256 key of the X-Uprate-Signature header (webhooks); `secretEnv` names an environment variable instead. */
    secret: z.string().min(1).optional(),
    secretEnv: envName('secretEnv').optional(),
    timeoutMs: z.number().int().min(1).max(120_000).default(5000),
    /** Attempts after the first (default 4). */
    retries: z.number().int().min(0).max(10).default(4),
    /** First backoff; doubled each retry, with jitter (default 1000 ms). */
    backoffMs: z.number().int().min(0).max(600_000).default(1000),
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.email === undefined) === (r.webhook === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a recipient is either { email: ADDRESS } or { webhook: URL, format: slack|json } (one of them)' });
    }
    if (r.email !== undefined) {
      for (const field of ['format', 'secret', 'secretEnv'] as const) {
        if (r[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is for webhook recipients, not email` });
      }
    }
  });

export const reportScheduleSchema = z
  .object({
    /** Names the report in once-only keys, logs and `uprate report send --name`. */
    name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'a report name is letters, digits, -, _ or .'),
    /** Only `monthly` for now: the monthly report (src/report-html) of the last complete month. */
    report: z.enum(['monthly'], { error: "report must be 'monthly'" }).default('monthly'),
    /** croner, in `timezone` (default 08:00 on the 2nd of each month). */
    schedule: cronExpression.default('0 8 2 * *'),
    /** Time zone of the schedule, and of "the last complete month" at the moment it fires. */
    timezone: timeZone.default('UTC'),
    to: z.array(recipientSchema).min(1, 'to must list at least one recipient ({ email: … } or { webhook: … })'),
    /** Number and date format (default en-US). */
    locale: z.string().min(2).default('en-US'),
    offerType: z.enum(['upsell', 'cross_sell'], { error: "offerType must be 'upsell' or 'cross_sell'" }).optional(),
    /** Base of the dashboard link in the summary (default: alerts.publicUrl; without either, no link). */
    publicUrl: z.url({ protocol: /^https?$/, error: 'publicUrl must be an http(s) URL' }).optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

export const reportsSchema = z.array(reportScheduleSchema).superRefine((reports, ctx) => {
  const seen = new Set<string>();
  reports.forEach((r, i) => {
    if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `a second report named '${r.name}': report names must be unique` });
    seen.add(r.name);
  });
});

/** The mail server reports are sent through (nodemailer's SMTP transport). */
export const smtpSchema = z
  .object({
    host: z.string().min(1, 'host must name the mail server'),
    /** Default 587 (465 with `secure: true`). */
    port: z.number().int().min(1).max(65535).optional(),
    /** TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    /** Sender, e.g. `uprate <reports@example.com>`. */
    from: z.string().min(3, 'from must be an address, e.g. "uprate <reports@example.com>"'),
    user: z.string().min(1).optional(),
    userEnv: envName('userEnv').optional(),
    /** The password is only ever read from the environment. */
    passEnv: envName('passEnv').optional(),
    timeoutMs: z.number().int().min(1).max(300_000).default(10_000),
    /** Attempts after the first on connection failures and 4xx answers (default 4). */
    retries: z.number().int().min(0).max(10).default(4),
    backoffMs: z.number().int().min(0).max(600_000).default(1000),
  })
  .strict()
  .refine((s) => !(s.user !== undefined && s.userEnv !== undefined), { message: 'give user or userEnv, not both' });

export type ReportSchedule = z.infer<typeof reportScheduleSchema>;
export type Recipient = z.infer<typeof recipientSchema>;
export type SmtpConfig = z.infer<typeof smtpSchema>;
