import type { CompareResponse, InsightsResponse } from './api-types.js';
import { differenceText, rateText } from './wording.js';

const LABEL = { critical: 'CRITICAL', warning: 'WARNING', info: 'info' } as const;

/** Findings as text to append to a report: `table` (terminal) or `md`. */
export function formatInsights(result: InsightsResponse, format: 'table' | 'md'): string {
  const out: string[] = [];
  if (format === 'md') {
    out.push('## Findings', '');
    if (result.insights.length === 0) out.push('No findings: nothing differs significantly.');
    for (const i of result.insights) out.push(`- **${i.title}** (${i.severity}) — ${i.text}`);
  } else {
    out.push('Findings');
    if (result.insights.length === 0) out.push('  no findings: nothing differs significantly');
    for (const i of result.insights) out.push(`  ${LABEL[i.severity].padEnd(8)} ${i.title}`, `           ${i.text}`);
  }
  return `${out.join('\n')}\n`;
}

/** A comparison of two populations as text (`table`) or Markdown (`md`). */
export function formatComparison(result: CompareResponse, format: 'table' | 'md', names: readonly [string, string] = ['A', 'B']): string {
  const [a, b] = names;
  const lines = [
    `${a}: ${rateText(result.a)}`,
    `${b}: ${rateText(result.b)}`,
    `difference ${a} − ${b}: ${differenceText(result.difference)}`,
    result.difference.significant ? 'significant' : 'not significant',
  ];
  if (format === 'md') return `## Comparison\n\n${lines.map((l) => `- ${l}`).join('\n')}\n\n${result.summary}\n`;
  return `Comparison (${result.query.from ?? '—'} to ${result.query.to ?? '—'})\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}
