/**
 * "Data as of … · last load …" under the page's title: the server's clock (what pending offers
 * and provisional periods are judged against; each headline answer refreshes it) and when the
 * newest load was committed, both from GET /api/v1/binding (`data`).
 */
import type { BindingDocument } from '../../src/insights/api-schema.js';
import { h } from './dom.js';

export const freshnessLine = h('p', { class: 'freshness', 'data-testid': 'freshness' });

let known: { asOf: string; lastLoad: string | null } | null = null;

/** "Jul 1, 2025, 12:00 PM UTC" in the reader's locale. */
function instant(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d)} UTC`;
}

function draw(locale: string): void {
  if (!known) {
    freshnessLine.textContent = '';
    return;
  }
  const last = known.lastLoad ? `last load ${instant(known.lastLoad, locale)}` : 'no load recorded by uprate (the model reads your own tables)';
  freshnessLine.textContent = `Data as of ${instant(known.asOf, locale)} · ${last}`;
  freshnessLine.dataset['asOf'] = known.asOf;
  freshnessLine.dataset['lastLoad'] = known.lastLoad ?? '';
}

/** The binding's `data` (absent from servers before it existed: the line stays empty). */
export function showFreshness(data: BindingDocument['data'] | undefined, locale: string): void {
  known = data ? { asOf: data.asOf, lastLoad: data.lastLoad } : null;
  draw(locale);
}

/** A newer clock from an answer (its `query.asOf`): the numbers on the page are as of it. */
export function noteAsOf(asOf: string, locale: string): void {
  if (!known || asOf <= known.asOf) return;
  known = { ...known, asOf };
  draw(locale);
}
