/**
 * The report loop: each configured report on its cron (croner, in its time zone) inside
 * `uprate serve`, and `uprate report send` by hand — both through `send`, which delivers each
 * recipient's copy of one month's report **once**, with the alerts' machinery: the key
 * `report:<name>:<YYYY-MM>:<recipient>` is claimed in `uprate_alert_notifications` (insert-wins,
 * a crashed sender's lease taken over after `leaseMs`), delivered with retries and backoff, then
 * marked delivered or dead-lettered. A restart, a second server or a manual send for a month
 * already sent sends nothing more.
 */
import { processOwner, Serial } from '../core/serial.js';
import { Cron } from 'croner';
import { ensureAlertTables } from '../alerts/alert-tables.js';
import { claimNotification, markDelivered, recordDeadLetter, type LeaseClaim } from '../alerts/notification-lease.js';
import { deliverWebhook, type DeliveryEffects, type DeliveryResult } from '../alerts/webhook.js';
import type { UprateConfig } from '../config/index.js';
import { errorMessage } from '../core/errors.js';
import type { KpiContext } from '../insights/index.js';
import { bindKpi } from '../kpi/index.js';
import type { Model } from '../model/index.js';
import { allAccess } from '../query/index.js';
import { collectMonthlyReport, type MonthlyReport } from '../report-html/monthly-report.js';
import { renderReportHtml } from '../report-html/report-html.js';
import { messagesFor } from '../report-html/messages.js';
import { formatter } from '../report-html/format.js';
import { DEFAULT_BAND_THRESHOLDS } from '../stats/index.js';
import type { Store } from '../store/index.js';
import { findReport, type ReportDeliverySetup, type ResolvedRecipient, type ScheduledReport } from './delivery-setup.js';
import { checkPeriod, lastCompleteMonth, monthIn } from './report-period.js';
import { reportSummary, summaryText, webhookBody, type ReportSummary } from './report-summary.js';
import { sendEmail } from './smtp-mailer.js';

/** The statistics settings of the config the report is computed with (the server's own). */
export type ReportKpiSettings = Partial<Pick<UprateConfig, 'bands' | 'target' | 'conversionWindowDays' | 'stats' | 'kpi' | 'currency'>>;

export interface ReportSchedulerOptions {
  readonly store: Store;
  /** The model compiled for `settings.conversionWindowDays`. */
  readonly model: Model;
  readonly setup: ReportDeliverySetup;
  readonly settings?: ReportKpiSettings;
  /** The clock that picks the month and judges pending offers (default: the real one). */
  readonly clock?: () => Date;
  /** Sleeping and jitter for retries (tests make them instant). */
  readonly delivery?: DeliveryEffects;
  /** This sender's name in lease rows (default host:pid:random). */
  readonly owner?: string;
  /** A lease left `sending` longer than this is taken over (default 10 minutes). */
  readonly leaseMs?: number;
  /**
   * At `start`, send each report whose run this month has already passed (a server that was down
   * at 08:00 on the 2nd sends when it comes back; once-only keeps it to one). Default true.
   */
  readonly catchUp?: boolean;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** After every send, scheduled or not (tests count them). */
  readonly onSent?: (result: SendResult) => void;
}

export interface RecipientDelivery {
  readonly recipient: string;
  readonly kind: ResolvedRecipient['kind'];
  readonly key: string;
  /** False when the copy was already delivered (or given up on), or another sender holds it. */
  readonly claimed: boolean;
  readonly delivered: boolean;
  readonly attempts: number;
  readonly error: string | null;
}

export interface SendResult {
  readonly report: string;
  /** `YYYY-MM`. */
  readonly period: string;
  readonly deliveries: readonly RecipientDelivery[];
  /** Why nothing was sent when no once-only record can be kept (a read-only store). */
  readonly notice?: string;
}

export interface SendOptions {
  /** The report's name (default: the only one configured). */
  readonly name?: string | undefined;
  /** `YYYY-MM`, a month that has ended (default: the last complete month at `at`). */
  readonly period?: string | undefined;
  /** Default: the clock. */
  readonly at?: Date | undefined;
}

/** `report:<name>:<YYYY-MM>:<recipient>`. */
export function reportKey(name: string, period: string, recipient: string): string {
  return `report:${name}:${period}:${recipient}`;
}

export class ReportScheduler {
  private readonly queue = new Serial();
  private jobs: Cron[] = [];
  private readonly queued = new Set<string>();
  private stopped = false;
  private readonly owner: string;

  constructor(private readonly options: ReportSchedulerOptions) {
    this.owner = options.owner ?? processOwner();
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }

  /** Runs `fn` after every earlier send of this scheduler (sends never overlap). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  /** Sends one month of one report to every recipient that has not had it. */
  send(options: SendOptions = {}): Promise<SendResult> {
    const report = findReport(this.options.setup, options.name, '--name');
    const at = options.at ?? this.now();
    const period = options.period ? checkPeriod(options.period, at, report.timezone) : lastCompleteMonth(at, report.timezone);
    return this.serial(async () => {
      const result = await this.sendNow(report, period, at);
      this.options.onSent?.(result);
      return result;
    });
  }

  private async sendNow(report: ScheduledReport, period: string, at: Date): Promise<SendResult> {
    const { store } = this.options;
    if (!(await ensureAlertTables(store))) {
      const notice = `report ${report.name} for ${period} not sent: this store keeps no once-only record (it is read-only, or ClickHouse)`;
      this.log('warn', notice);
      return { report: report.name, period, deliveries: [], notice };
    }
    const leaseMs = this.options.leaseMs ?? 600_000;
    const keyed = report.to.map((r) => ({ recipient: r, key: reportKey(report.name, period, r.label) }));
    const open = await openKeys(store, keyed.map((k) => k.key), new Date(Date.now() - leaseMs));
    const skipped = (k: (typeof keyed)[number]): RecipientDelivery => ({ recipient: k.recipient.label, kind: k.recipient.kind, key: k.key, claimed: false, delivered: false, attempts: 0, error: null });
    if (open.size === 0) return { report: report.name, period, deliveries: keyed.map(skipped) };
    // Only now the month is computed: a tick for a month already sent reads one small table.
    const monthly = await collectMonthlyReport(this.kpiContext(at), { month: period, offerType: report.offerType ?? null, currency: this.options.settings?.currency });
    const deliveries: RecipientDelivery[] = [];
    for (const k of keyed) {
      const claim: LeaseClaim = { key: k.key, rule: `report:${report.name}`, scope: period, episode: 0, kind: 'report', channel: k.recipient.label };
      if (!open.has(k.key) || !(await claimNotification(store, claim, this.owner, new Date(), leaseMs))) {
        deliveries.push(skipped(k));
        continue;
      }
      const summary = reportSummary(monthly, { name: report.name, key: k.key, locale: report.locale, publicUrl: report.publicUrl, sentAt: new Date() });
      // A failure while composing counts as an undelivered copy (dead letter), not a lease left hanging.
      const { result, url, payload } = await this.deliver(k.recipient, monthly, summary, report).catch((e: unknown) => ({
        result: { delivered: false, attempts: 0, status: null, error: `could not compose the report: ${errorMessage(e)}` },
        url: k.recipient.kind === 'email' ? `mailto:${k.recipient.address}` : k.recipient.url,
        payload: JSON.stringify(summary),
      }));
      if (result.delivered) {
        await markDelivered(store, k.key, result.attempts, new Date());
        this.log('info', `report ${report.name} for ${period} sent to ${k.recipient.label}`);
      } else {
        await recordDeadLetter(store, { claim, url, payload, error: result.error ?? 'not delivered', attempts: result.attempts }, new Date());
        this.log('error', `report ${report.name} for ${period} could not be sent to ${k.recipient.label} after ${result.attempts} attempts (${result.error}); kept as a dead letter`);
      }
      deliveries.push({ recipient: k.recipient.label, kind: k.recipient.kind, key: k.key, claimed: true, delivered: result.delivered, attempts: result.attempts, error: result.error });
    }
    return { report: report.name, period, deliveries };
  }

  private async deliver(recipient: ResolvedRecipient, monthly: MonthlyReport, summary: ReportSummary, report: ScheduledReport): Promise<{ result: DeliveryResult; url: string; payload: string }> {
    if (recipient.kind === 'webhook') {
      const body = webhookBody(recipient.format, summary);
      const result = await deliverWebhook(
        { url: recipient.url, secret: recipient.secret, timeoutMs: recipient.timeoutMs, retries: recipient.retries, backoffMs: recipient.backoffMs, headers: recipient.headers },
        body,
        summary.key,
        this.options.delivery,
      );
      return { result, url: recipient.url, payload: body };
    }
    const smtp = this.options.setup.smtp;
    const f = formatter(report.locale, { currency: monthly.currency });
    const subject = `${summary.title}: ${f.percent(summary.rate)}`;
    const text = summaryText(summary, messagesFor(report.locale));
    const payload = JSON.stringify({ to: recipient.address, subject, text });
    if (!smtp) return { result: { delivered: false, attempts: 0, status: null, error: 'no smtp: section in the config' }, url: `mailto:${recipient.address}`, payload };
    const html = renderReportHtml(monthly, { locale: report.locale, email: true });
    const result = await sendEmail(smtp, { to: recipient.address, subject, html, text }, summary.key, this.options.delivery);
    return { result, url: `mailto:${recipient.address}`, payload };
  }

  private kpiContext(at: Date): KpiContext {
    const s = this.options.settings ?? {};
    return {
      store: this.options.store,
      model: this.options.model,
      binding: bindKpi(this.options.model, s.kpi),
      asOf: at,
      // The server reporting to its owners: every row, as its alert evaluation reads them.
      access: allAccess('system'),
      windowDays: s.conversionWindowDays ?? 30,
      thresholds: s.bands ?? DEFAULT_BAND_THRESHOLDS,
      target: s.target ?? null,
      correction: s.stats?.correction ?? 'holm',
      level: 0.95,
      method: 'wilson',
    };
  }

  /** A scheduled send: skipped while one for the same report is queued or running. */
  private scheduled(name: string): void {
    if (this.stopped || this.queued.has(name)) return;
    this.queued.add(name);
    void this.send({ name })
      .catch((e: unknown) => this.log('error', `scheduled report ${name} failed: ${errorMessage(e)}`))
      .finally(() => this.queued.delete(name));
  }

  /** Schedules every enabled report on its cron, and (catchUp) sends those whose run this month has passed. */
  start(): void {
    for (const report of this.options.setup.reports) {
      if (!report.enabled) continue;
      this.jobs.push(new Cron(report.schedule, { timezone: report.timezone, unref: true }, () => this.scheduled(report.name)));
      if (this.options.catchUp !== false && this.dueThisMonth(report)) this.scheduled(report.name);
    }
  }

  /** Whether the report's first run in the current month (of its time zone) is already past. */
  private dueThisMonth(report: ScheduledReport): boolean {
    const now = this.now();
    const month = monthIn(now, report.timezone);
    const probe = new Cron(report.schedule, { timezone: report.timezone, paused: true });
    try {
      // From a day before the month starts in UTC, so that no zone offset hides its first run.
      let run = probe.nextRun(new Date(Date.parse(`${month}-01T00:00:00Z`) - 86_400_000));
      while (run && monthIn(run, report.timezone) < month) run = probe.nextRun(run);
      return run !== null && monthIn(run, report.timezone) === month && run.getTime() <= now.getTime();
    } finally {
      probe.stop();
    }
  }

  /** The next scheduled run of each report (for the startup banner). */
  nextRuns(): { report: string; next: Date | null }[] {
    return this.jobs.map((j, i) => ({ report: this.options.setup.reports.filter((r) => r.enabled)[i]?.name ?? '', next: j.nextRun() }));
  }

  /** Stops the schedules and waits for a running send to finish (before the store closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs) job.stop();
    this.jobs = [];
    await this.queue.idle();
  }
}

/**
 * The keys still to send: those with no row, or left `sending` by a sender whose lease ran out
 * (claimed before `staleBefore`). The claim decides; this only spares computing a month already sent.
 */
async function openKeys(store: Store, keys: readonly string[], staleBefore: Date): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const marks = keys.map((_, i) => `$${i + 2}`).join(', ');
  const rows = await store.query(`SELECT notification_key FROM uprate_alert_notifications WHERE notification_key IN (${marks}) AND (status <> 'sending' OR claimed_at >= $1)`, [staleBefore, ...keys]);
  const settled = new Set(rows.map((r) => String(r['notification_key'])));
  return new Set(keys.filter((k) => !settled.has(k)));
}

/**
 * `uprate serve`: the scheduler of the configured reports, started (null when none is configured).
 * Stop it before the store closes.
 */
export function startReportScheduler(options: ReportSchedulerOptions): ReportScheduler | null {
  if (!options.setup.reports.some((r) => r.enabled)) return null;
  const scheduler = new ReportScheduler(options);
  scheduler.start();
  return scheduler;
}
