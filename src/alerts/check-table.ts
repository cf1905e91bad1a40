/** `uprate alerts check` prints one line per rule and scope, from the check's JSON document (direct or through a server). */
import { alignedTable } from '../core/text-table.js';
import type { AlertCheck } from '../insights/api-schema.js';

const STATUS_ORDER = { firing: 0, ok: 1, skipped: 2 } as const;

/** One line per rule and scope, firing first, then the summary: the check as `uprate alerts check` prints it. */
export function checkText(check: AlertCheck): string {
  const rows = [...check.rows].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.rule.localeCompare(b.rule));
  const cells = rows.map((r) => {
    const sent = r.deliveries.filter((d) => d.delivered).map((d) => `${d.kind}→${d.channel}`);
    const failed = r.deliveries.filter((d) => d.claimed && !d.delivered).map((d) => `${d.kind}✗${d.channel}`);
    return [
      r.status.toUpperCase(),
      r.rule,
      r.scope,
      r.severity,
      r.period ?? '',
      r.state === 'firing' && r.firingSince ? r.firingSince.slice(0, 16).replace('T', ' ') : '',
      [...sent, ...failed].join(' '),
      r.message,
    ];
  });
  const lines = alignedTable(['status', 'rule', 'scope', 'severity', 'period', 'firing since', 'sent', 'message'], cells);
  const errors = check.errors.map((e) => `error: rule ${e.rule} could not be evaluated: ${e.error}`);
  const count = (status: string) => check.rows.filter((r) => r.status === status).length;
  const summary = `${check.firing} firing, ${count('ok')} ok, ${count('skipped')} skipped (as of ${check.at})`;
  return [...lines, ...errors, summary].join('\n') + '\n';
}
