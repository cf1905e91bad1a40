/**
 * From the loaded config to the reports in force: each recipient with its once-only label and
 * secrets read from the environment, and the mail server. Problems name the file line and the
 * field, as the config loader's do (CONFIG_INVALID), all at once.
 */
import { createHash } from 'node:crypto';
import { configIssuesError, type ConfigIssue, type UprateConfig } from '../config/index.js';
import { UprateError } from '../core/errors.js';
import type { ReportSchedule, SmtpConfig } from './delivery-schema.js';

export type ResolvedRecipient =
  | { readonly kind: 'email'; readonly label: string; readonly address: string }
  | {
      readonly kind: 'webhook';
      readonly label: string;
      readonly url: string;
      readonly format: 'json' | 'slack';
      readonly secret: string | undefined;
      readonly timeoutMs: number;
      readonly retries: number;
      readonly backoffMs: number;
      readonly headers: Readonly<Record<string, string>>;
    };

export interface ScheduledReport extends Omit<ReportSchedule, 'to'> {
  readonly to: readonly ResolvedRecipient[];
}

export interface SmtpSetup extends SmtpConfig {
  readonly port: number;
  readonly auth: { readonly user: string; readonly pass: string } | undefined;
}

export interface ReportDeliverySetup {
  readonly reports: readonly ScheduledReport[];
  readonly smtp: SmtpSetup | undefined;
}

type Config = Pick<UprateConfig, 'reports' | 'smtp' | 'alerts'> & { readonly file?: string | undefined };

/**
 * The recipient's part of the once-only key. An email is its address; a webhook is its host and a
 * hash of its URL — stable while the URL is, and never the URL itself (a Slack URL is a secret,
 * and the key travels in the X-Uprate-Delivery header and the logs).
 */
export function recipientLabel(recipient: { email?: string | undefined; webhook?: string | undefined }): string {
  if (recipient.email !== undefined) return `email:${recipient.email.toLowerCase()}`;
  const url = recipient.webhook ?? '';
  const host = URL.canParse(url) ? new URL(url).host : 'webhook';
  return `webhook:${host}#${createHash('sha256').update(url).digest('hex').slice(0, 10)}`;
}

/** The reports and mail server in force; throws CONFIG_INVALID naming every problem. */
export function reportDeliverySetup(config: Config, env: NodeJS.ProcessEnv = process.env): ReportDeliverySetup {
  const issues: ConfigIssue[] = [];
  const publicUrl = config.alerts?.publicUrl;
  const reports = (config.reports ?? []).map((report, i): ScheduledReport => {
    const to = report.to.map((r, j): ResolvedRecipient => {
      if (r.email !== undefined) return { kind: 'email', label: recipientLabel(r), address: r.email };
      const fromEnv = r.secretEnv ? env[r.secretEnv] : undefined;
      if (r.secretEnv && !fromEnv) {
        issues.push({ path: ['reports', i, 'to', j, 'secretEnv'], message: `environment variable ${r.secretEnv} is not set (it holds the signing secret)` });
      }
      return {
        kind: 'webhook',
        label: recipientLabel(r),
        url: r.webhook ?? '',
        format: r.format ?? 'json',
        secret: r.secret ?? fromEnv,
        timeoutMs: r.timeoutMs,
        retries: r.retries,
        backoffMs: r.backoffMs,
        headers: r.headers,
      };
    });
    if (!config.smtp && to.some((r) => r.kind === 'email')) {
      issues.push({ path: ['reports', i, 'to'], message: 'email recipients need an smtp: section (host, port, from) to send through' });
    }
    return { ...report, to, ...(report.publicUrl ?? publicUrl ? { publicUrl: report.publicUrl ?? publicUrl } : {}) };
  });
  let smtp: SmtpSetup | undefined;
  if (config.smtp) {
    const s = config.smtp;
    const user = s.user ?? (s.userEnv ? env[s.userEnv] : undefined);
    const pass = s.passEnv ? env[s.passEnv] : undefined;
    if (s.userEnv && !user) issues.push({ path: ['smtp', 'userEnv'], message: `environment variable ${s.userEnv} is not set (it holds the SMTP user name)` });
    if (s.passEnv && !pass) issues.push({ path: ['smtp', 'passEnv'], message: `environment variable ${s.passEnv} is not set (it holds the SMTP password)` });
    if ((s.user ?? s.userEnv) && !s.passEnv) issues.push({ path: ['smtp', 'passEnv'], message: 'an SMTP user needs passEnv: the environment variable holding its password' });
    smtp = { ...s, port: s.port ?? (s.secure ? 465 : 587), auth: user && pass ? { user, pass } : undefined };
  }
  if (issues.length > 0) throw configIssuesError(config.file, issues);
  return { reports, smtp };
}

/** The report of that name, or BAD_ARGUMENT naming the reports in force. */
export function findReport(setup: ReportDeliverySetup, name: string | undefined, location: string): ScheduledReport {
  if (setup.reports.length === 0) {
    throw new UprateError('BAD_ARGUMENT', 'no reports are configured', { location, hint: 'add a reports: section to uprate.config.yaml (README, "Scheduled delivery")' });
  }
  const wanted = name ?? (setup.reports.length === 1 ? setup.reports[0]?.name : undefined);
  const found = setup.reports.find((r) => r.name === wanted);
  if (!found) {
    throw new UprateError('BAD_ARGUMENT', name ? `no report named '${name}'` : 'several reports are configured: name one', {
      location,
      hint: `reports in force: ${setup.reports.map((r) => r.name).join(', ')}`,
    });
  }
  return found;
}
