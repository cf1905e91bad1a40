/** Insights (GET /api/v1/insights) and firing alerts (GET /api/v1/alerts). */
import type { Insight, InsightsResponse } from '../../../src/insights/api-types.js';
import type { Formatter } from '../../../src/report-html/format.js';
import type { AlertsResponse } from '../alerts.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';
import { alertsTable, insightsTable } from '../panel-tables.js';

const SEVERITY_LABEL = { critical: 'Act now', warning: 'Watch', info: 'Good to know' } as const;

/** How many findings the panel leads with; the rest are one click away. */
export const LEAD_FINDINGS = 5;

export function showInsights(panel: Panel, ins: InsightsResponse, f: Formatter, open: (link: string) => void): void {
  if (ins.insights.length === 0) {
    panel.empty('Nothing stands out: no segment, offer or period differs significantly in this selection.');
    return;
  }
  const item = (i: Insight, n: number) =>
    h(
      'li',
      { class: `insight sev-${i.severity}` },
      h('span', { class: 'sev', title: i.severity }, SEVERITY_LABEL[i.severity]),
      h('div', {},
        h('p', { class: 'insight-title' }, i.title),
        h('p', { class: 'insight-text' }, i.text),
        i.test ? h('p', { class: 'insight-test' }, `${i.test.name}${i.test.adjustedPValue !== null ? `, adjusted ${f.pValue(i.test.adjustedPValue)}` : i.test.pValue !== null ? `, ${f.pValue(i.test.pValue)}` : ''}${i.test.correction ? ` · ${i.test.correction}` : ''}`) : null,
        i.link ? h('button', { type: 'button', class: 'link', 'aria-label': `Show this view: finding ${n}, ${i.title}`, onclick: () => open(i.link ?? '') }, 'Show this view') : null),
    );
  // The API orders findings by what matters most (severity, then acceptances at stake): the first
  // few lead; the rest, and the context, are behind "all findings".
  const lead = ins.insights.slice(0, LEAD_FINDINGS);
  const rest = ins.insights.slice(LEAD_FINDINGS);
  panel.ready(
    () => insightsTable(ins),
    h('ol', { class: 'insights', 'data-testid': 'insights' }, ...lead.map((i, k) => item(i, k + 1))),
    rest.length
      ? h('details', { class: 'more-findings', 'data-testid': 'more-findings' },
          h('summary', {}, `All ${ins.insights.length} findings`),
          h('ol', { class: 'insights', start: LEAD_FINDINGS + 1 }, ...rest.map((i, k) => item(i, LEAD_FINDINGS + k + 1))))
      : null,
  );
}

export function showAlerts(panel: Panel, alerts: AlertsResponse | null, f: Formatter): void {
  if (alerts === null) {
    panel.empty('Alerts are not set up on this server: add alert rules to uprate.config.yaml to be warned when the rate slips.');
    return;
  }
  if (alerts.firing.length === 0) {
    const resolved = alerts.recent.filter((a) => a.state === 'resolved').length;
    panel.ready(() => alertsTable(alerts.recent), h('div', { class: 'state state-ok' }, `No alerts firing.${resolved ? ` ${resolved} resolved recently.` : ''}`));
    return;
  }
  panel.ready(
    () => alertsTable([...alerts.firing, ...alerts.recent]),
    h(
      'ul',
      { class: 'alerts', 'data-testid': 'alerts' },
      ...alerts.firing.map((a) =>
        h('li', { class: `alert sev-${a.severity}` },
          h('span', { class: 'sev' }, a.severity === 'critical' ? 'Critical' : 'Warning'),
          h('div', {},
            h('p', { class: 'insight-title' }, a.message),
            h('p', { class: 'insight-test' }, `${a.rule} · ${a.scope} · firing since ${f.day(a.firingSince.slice(0, 10))}`))),
      ),
    ),
  );
}
