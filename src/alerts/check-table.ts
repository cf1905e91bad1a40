/** `uprate alerts check` prints one line per rule and scope. */
import { alignedTable } from '../core/text-table.js';
import type { CheckResult } from './alert-monitor.js';

const STATUS_ORDER = { firing: 0, ok: 1, skipped: 2 } as const;

export function checkTable(result: CheckResult): string {
  const rows = [...result.rows].sort((a, b) => STATUS_ORDER[a.finding.status] - STATUS_ORDER[b.finding.status] || a.rule.name.localeCompare(b.rule.name));
  const cells = rows.map((r) => {
    const sent = r.deliveries.filter((d) => d.delivered).map((d) => `${d.kind}→${d.channel}`);
    const failed = r.deliveries.filter((d) => d.claimed && !d.delivered).map((d) => `${d.kind}✗${d.channel}`);
    return [
      r.finding.status.toUpperCase(),
      r.rule.name,
      r.finding.scope,
      r.finding.severity,
      r.finding.period?.label ?? '',
      r.state?.state === 'firing' ? r.state.firingSince.toISOString().slice(0, 16).replace('T', ' ') : '',
      [...sent, ...failed].join(' ') || '',
      r.finding.message,
    ];
  });
  const lines = alignedTable(['status', 'rule', 'scope', 'severity', 'period', 'firing since', 'sent', 'message'], cells);
  const errors = result.errors.map((e) => `error: rule ${e.rule} could not be evaluated: ${e.error}`);
  const summary = `${result.firing} firing, ${result.rows.filter((r) => r.finding.status === 'ok').length} ok, ${result.rows.filter((r) => r.finding.status === 'skipped').length} skipped (as of ${result.at.toISOString()})`;
  return [...lines, ...errors, summary].join('\n') + '\n';
}
