/**
 * What a notification says, in uprate's JSON form and as a Slack-compatible message. Each carries
 * the numbers, the test, a link to the dashboard view and the rule.
 */
import type { Finding, Severity, TestSummary } from './finding.js';
import { pValue } from '../core/display.js';
import type { AlertRule } from './rules-schema.js';

export type NotificationKindOrTest = 'firing' | 'reminder' | 'resolved' | 'test';

export interface Notification {
  /** `uprate.alert/v1`: receivers can switch on it. */
  readonly schema: 'uprate.alert/v1';
  readonly kind: NotificationKindOrTest;
  /** The once-only key (also sent as X-Uprate-Delivery): a receiver may deduplicate on it. */
  readonly key: string;
  readonly rule: {
    readonly name: string;
    readonly description: string | null;
    readonly grain: string;
    readonly condition: AlertRule['condition'];
    readonly scope: AlertRule['scope'];
    readonly minOffers: number;
  };
  readonly scope: string;
  readonly severity: Severity;
  readonly message: string;
  readonly period: { readonly label: string; readonly from: string; readonly to: string } | null;
  readonly numbers: Finding['numbers'];
  readonly test: TestSummary | null;
  /** The dashboard showing the period and scope. */
  readonly link: string;
  readonly firingSince: string | null;
  readonly resolvedAt: string | null;
  readonly sentAt: string;
  /** True for `uprate alerts test`: made-up numbers. */
  readonly sample: boolean;
}

/**
 * The dashboard's own URL for the finding (web/src/state.ts reads it):
 * `${publicUrl}/?from=YYYY-MM-DD&to=YYYY-MM-DD&grain=month&filter=Member%3Dvalue…`, the period
 * (dates inclusive, UTC) and the scope's equality filters, one `filter` per value. The dashboard
 * filters by equality only, so other operators are left out of the link and the view is the
 * nearest one it can show: the whole period, narrowed by every equality in the scope.
 */
export function dashboardLink(publicUrl: string, finding: Pick<Finding, 'period' | 'grain' | 'filters'>): string {
  const params = new URLSearchParams();
  if (finding.period) {
    params.set('from', new Date(finding.period.start).toISOString().slice(0, 10));
    params.set('to', new Date(new Date(finding.period.end).getTime() - 1).toISOString().slice(0, 10));
  }
  params.set('grain', finding.grain);
  for (const f of finding.filters) {
    const member = f.member ?? f.dimension;
    if (f.operator !== 'equals' || !member) continue;
    for (const v of f.values ?? []) if (v !== null) params.append('filter', `${member}=${String(v)}`);
  }
  return `${publicUrl.replace(/\/+$/, '')}/?${params.toString()}`;
}

export interface NotificationInput {
  readonly kind: NotificationKindOrTest;
  readonly key: string;
  readonly rule: AlertRule;
  readonly finding: Finding;
  readonly publicUrl: string;
  readonly firingSince: Date | null;
  readonly resolvedAt: Date | null;
  readonly sentAt: Date;
  readonly sample?: boolean;
}

export function buildNotification(input: NotificationInput): Notification {
  const { finding, rule } = input;
  const prefix = { firing: '', reminder: 'Still firing: ', resolved: 'Resolved: ', test: 'Test (sample numbers): ' }[input.kind];
  return {
    schema: 'uprate.alert/v1',
    kind: input.kind,
    key: input.key,
    rule: { name: rule.name, description: rule.description ?? null, grain: rule.grain, condition: rule.condition, scope: rule.scope, minOffers: rule.minOffers },
    scope: finding.scope,
    severity: finding.severity,
    message: `${prefix}${finding.message}`,
    period: finding.period
      ? { label: finding.period.label, from: new Date(finding.period.start).toISOString(), to: new Date(finding.period.end).toISOString() }
      : null,
    numbers: finding.numbers,
    test: finding.test,
    link: dashboardLink(input.publicUrl, finding),
    firingSince: input.firingSince?.toISOString() ?? null,
    resolvedAt: input.resolvedAt?.toISOString() ?? null,
    sentAt: input.sentAt.toISOString(),
    sample: input.sample ?? false,
  };
}

const ICON: Record<NotificationKindOrTest, string> = { firing: ':rotating_light:', reminder: ':warning:', resolved: ':white_check_mark:', test: ':test_tube:' };

/** A Slack incoming-webhook message (`text` for notifications, `blocks` for the channel). */
export function slackMessage(n: Notification): Record<string, unknown> {
  const title = `${ICON[n.kind]} uprate ${n.kind === 'resolved' ? 'resolved' : n.severity}: ${n.rule.name}${n.scope === 'all' ? '' : ` (${n.scope})`}`;
  const test = n.test ? `${n.test.name}${n.test.pValue !== null ? `, ${pValue(n.test.adjustedPValue ?? n.test.pValue)}` : ''}${n.test.correction ? ` — ${n.test.correction}` : ''}` : '';
  return {
    text: `${title}: ${n.message}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${n.message}` } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: [test, n.period ? `period ${n.period.label}` : '', `<${n.link}|open in uprate>`].filter(Boolean).join(' · ') }],
      },
    ],
  };
}

/** The request body for a channel type. */
export function channelBody(type: 'webhook' | 'slack', n: Notification): string {
  return JSON.stringify(type === 'slack' ? slackMessage(n) : n);
}
