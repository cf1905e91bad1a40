/**
 * The alert loop: evaluate rules, move their state, and deliver what changed — once. `check` is
 * what `uprate alerts check` runs; `start` schedules each rule on its cron (croner) inside
 * `uprate serve`, and `dataChanged` queues a check after an ingest. Runs in one monitor never
 * overlap; runs in different monitors (two servers) are made safe by the store's leases.
 */
import { processOwner, Serial } from '../core/serial.js';
import { Cron } from 'croner';
import { errorMessage } from '../core/errors.js';
import type { Model } from '../model/index.js';
import type { Store } from '../store/index.js';
import { deliverToChannel, type AlertSetup } from './alert-setup.js';
import { applyFinding, markNotified, readState, type AlertState, type Transition } from './alert-state.js';
import { ensureAlertTables } from './alert-tables.js';
import { listAlerts, type AlertList } from './alert-views.js';
import { evaluateRules, type RuleResult } from './evaluate-rules.js';
import type { Finding } from './finding.js';
import { claimNotification, markDelivered, recordDeadLetter } from './notification-lease.js';
import { buildNotification, channelBody, type Notification } from './notification.js';
import type { AlertRule } from './rules-schema.js';
import type { DeliveryEffects } from './webhook.js';

export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:4000';

export interface MonitorOptions {
  readonly store: Store;
  readonly model: Model;
  readonly setup: AlertSetup;
  /** Base of dashboard links when the config sets no `alerts.publicUrl` (the server passes its own URL). */
  readonly publicUrl?: () => string | undefined;
  /** The evaluation clock (default: the real one). */
  readonly clock?: () => Date;
  /** Sleeping and jitter for retries (tests make them instant). */
  readonly delivery?: DeliveryEffects;
  /** This evaluator's name in lease rows (default host:pid:random). */
  readonly owner?: string;
  /** A lease left `sending` longer than this is taken over (default 10 minutes). */
  readonly leaseMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Called after every check that may have written alert state (not dry runs), failed ones too: the server forgets its cached alert lists. */
  readonly onChecked?: () => void;
}

export interface Delivery {
  readonly channel: string;
  readonly kind: Notification['kind'];
  readonly key: string;
  /** False when another evaluator holds this notification (it sends it). */
  readonly claimed: boolean;
  readonly delivered: boolean;
  readonly attempts: number;
  readonly error: string | null;
}

export interface CheckRow {
  readonly rule: AlertRule;
  readonly finding: Finding;
  /** The stored state after this check (undefined: never fired; dry runs read without writing). */
  readonly state: AlertState | undefined;
  readonly transition: Transition | null;
  readonly deliveries: readonly Delivery[];
}

export interface CheckResult {
  readonly at: Date;
  readonly rows: readonly CheckRow[];
  /** Rules that could not be evaluated (their alerts keep their state). */
  readonly errors: readonly { readonly rule: string; readonly error: string }[];
  /** Findings firing now. */
  readonly firing: number;
}

export interface CheckOptions {
  readonly at?: Date;
  /** Only these rules (default all). */
  readonly rules?: readonly string[];
  /** Evaluate only: no state change, nothing sent. */
  readonly dryRun?: boolean;
}

export class AlertMonitor {
  private readonly queue = new Serial();
  private jobs: Cron[] = [];
  private stopped = false;
  private dataCheckQueued = false;
  private readonly owner: string;

  constructor(private readonly options: MonitorOptions) {
    this.owner = options.owner ?? processOwner();
  }

  get setup(): AlertSetup {
    return this.options.setup;
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }

  /** Runs `fn` after every earlier run of this monitor (cron ticks and ingests never overlap). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  /** Evaluates the rules once, moves their state and sends what changed. */
  check(options: CheckOptions = {}): Promise<CheckResult> {
    return this.serial(() => this.checkNow(options));
  }

  private async checkNow(options: CheckOptions): Promise<CheckResult> {
    if (options.dryRun) return this.evaluate(options);
    try {
      return await this.evaluate(options);
    } finally {
      this.options.onChecked?.();
    }
  }

  private async evaluate(options: CheckOptions): Promise<CheckResult> {
    const at = options.at ?? this.now();
    const { store, model, setup } = this.options;
    if (!options.dryRun) await ensureAlertTables(store);
    const rules = setup.rules.filter((r) => !options.rules || options.rules.includes(r.name));
    const results: RuleResult[] = await evaluateRules(store, model, rules, { at, bands: setup.bands, binding: setup.binding });
    const rows: CheckRow[] = [];
    for (const result of results) {
      if (result.error) this.log('error', `alert rule ${result.rule.name} could not be evaluated: ${result.error}`);
      for (const finding of result.findings) {
        if (options.dryRun) {
          rows.push({ rule: result.rule, finding, state: await this.peek(finding), transition: null, deliveries: [] });
          continue;
        }
        const transition = await applyFinding(store, result.rule, finding, at);
        const deliveries = transition ? await this.deliver(result.rule, transition, at) : [];
        rows.push({ rule: result.rule, finding, state: await readState(store, finding.rule, finding.scope), transition, deliveries });
      }
    }
    return {
      at,
      rows,
      errors: results.filter((r) => r.error).map((r) => ({ rule: r.rule.name, error: r.error ?? '' })),
      firing: rows.filter((r) => r.finding.status === 'firing').length,
    };
  }

  private async peek(finding: Finding): Promise<AlertState | undefined> {
    try {
      return await readState(this.options.store, finding.rule, finding.scope);
    } catch {
      return undefined; // no alert tables yet
    }
  }

  private publicUrl(): string {
    return this.options.setup.publicUrl ?? this.options.publicUrl?.() ?? DEFAULT_PUBLIC_URL;
  }

  private async deliver(rule: AlertRule, transition: Transition, at: Date): Promise<Delivery[]> {
    const { store } = this.options;
    const { state } = transition;
    const notification = buildNotification({
      kind: transition.kind,
      key: transition.key,
      rule,
      finding: state.finding,
      publicUrl: this.publicUrl(),
      firingSince: state.firingSince,
      resolvedAt: state.resolvedAt,
      sentAt: this.now(),
    });
    const out: Delivery[] = [];
    for (const name of rule.channels) {
      const channel = this.options.setup.channels.get(name);
      if (!channel) continue;
      const key = `${transition.key}|${name}`;
      const claim = { key, rule: state.rule, scope: state.scope, episode: state.episode, kind: transition.kind, channel: name };
      const claimed = await claimNotification(store, claim, this.owner, new Date(), this.options.leaseMs ?? 600_000);
      if (!claimed) {
        out.push({ channel: name, kind: transition.kind, key, claimed: false, delivered: false, attempts: 0, error: null });
        continue;
      }
      const body = channelBody(channel.type, { ...notification, key });
      const result = await deliverToChannel(channel, body, key, this.options.delivery);
      if (result.delivered) {
        await markDelivered(store, key, result.attempts, new Date());
        this.log('info', `alert ${transition.kind}: ${state.rule} (${state.scope}) sent to ${name}`);
      } else {
        await recordDeadLetter(store, { claim, url: channel.url, payload: body, error: result.error ?? 'not delivered', attempts: result.attempts }, new Date());
        this.log('error', `alert ${transition.kind}: ${state.rule} (${state.scope}) could not be sent to ${name} after ${result.attempts} attempts (${result.error}); kept as a dead letter`);
      }
      out.push({ channel: name, kind: transition.kind, key, claimed: true, delivered: result.delivered, attempts: result.attempts, error: result.error });
    }
    if (out.some((d) => d.delivered)) await markNotified(store, state, at);
    return out;
  }

  /** Schedules every enabled rule on its cron (rules sharing a schedule run together). */
  start(): void {
    const bySchedule = new Map<string, string[]>();
    for (const rule of this.options.setup.rules) {
      if (!rule.enabled) continue;
      bySchedule.set(rule.schedule, [...(bySchedule.get(rule.schedule) ?? []), rule.name]);
    }
    for (const [schedule, names] of bySchedule) {
      this.jobs.push(
        new Cron(schedule, { timezone: 'UTC', unref: true }, () => {
          if (!this.stopped) void this.check({ rules: names }).catch((e: unknown) => this.log('error', `scheduled alert check failed: ${errorMessage(e)}`));
        }),
      );
    }
  }

  /** After an ingest: one check of every rule, queued behind any running one (several ingests in a row: one check). */
  dataChanged(): void {
    if (this.stopped || this.dataCheckQueued) return;
    this.dataCheckQueued = true;
    void this.serial(async () => {
      this.dataCheckQueued = false;
      if (this.stopped) return;
      await this.checkNow({}).catch((e: unknown) => this.log('error', `alert check after ingest failed: ${errorMessage(e)}`));
    });
  }

  /** The next scheduled run of each schedule (for `uprate alerts list` and the startup banner). */
  nextRuns(): { schedule: string; next: Date | null }[] {
    return this.jobs.map((j) => ({ schedule: j.getPattern() ?? '', next: j.nextRun() }));
  }

  alerts(now = this.now()): Promise<AlertList> {
    return listAlerts(this.options.store, now, this.options.setup.recentDays);
  }

  /** Stops the schedules and waits for a running check to finish (before the store closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs) job.stop();
    this.jobs = [];
    await this.queue.idle();
  }
}
