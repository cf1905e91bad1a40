/**
 * Offer leaderboard from GET /api/v1/leaderboard: ranked by the shrunken (empirical-Bayes) rate,
 * with its interval, the raw counts and a small-sample flag. Sortable by any column, by keyboard.
 */
import type { LeaderboardResponse, LeaderboardRow } from '../../../src/insights/api-types.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { PALETTE } from '../../../src/report-html/palette.js';
import { leaderboardClusteringNote } from '../../../src/report-html/wording.js';
import { h, svgFragment } from '../dom.js';
import type { Panel } from '../panel.js';
import { leaderboardTable } from '../panel-tables.js';
import { NOT_RECORDED } from '../state.js';

type SortKey = 'rank' | 'offer' | 'shrunkenRate' | 'rate' | 'offers' | 'probabilityToBeatOverall';

interface Column {
  readonly key: SortKey;
  readonly label: string;
  /** Shorter header on narrow screens. */
  readonly short?: string;
  readonly numeric: boolean;
  readonly hideNarrow?: boolean;
}

const COLUMNS: readonly Column[] = [
  { key: 'rank', label: '#', numeric: true },
  { key: 'offer', label: 'Offer', numeric: false },
  { key: 'shrunkenRate', label: 'Rate (shrunken) and interval', short: 'Rate', numeric: true },
  { key: 'rate', label: 'Raw rate', numeric: true, hideNarrow: true },
  { key: 'offers', label: 'Accepted / offers', short: 'Acc. / offers', numeric: true },
  { key: 'probabilityToBeatOverall', label: 'Beats overall', numeric: true, hideNarrow: true },
];

/** Sorts rows by a column; nulls last whatever the direction. */
export function sortRows(rows: readonly LeaderboardRow[], key: SortKey, descending: boolean): LeaderboardRow[] {
  const value = (r: LeaderboardRow): number | string | null => (key === 'offer' ? r.offer : r[key]);
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? a.rank - b.rank : va === null ? 1 : -1;
    const c = typeof va === 'string' ? va.localeCompare(String(vb)) : va - (vb as number);
    return (descending ? -c : c) || a.rank - b.rank;
  });
}

function intervalBar(r: LeaderboardRow, max: number, overall: number | null): string {
  const w = 120;
  const x = (v: number) => ((Math.min(v, max) / max) * w).toFixed(1);
  const colour = r.smallSample ? PALETTE.small : PALETTE.rate;
  const overallLine = overall === null ? '' : `<line x1="${x(overall)}" x2="${x(overall)}" y1="0" y2="14" stroke="${PALETTE.muted}" stroke-dasharray="2 2"/>`;
  return `<svg viewBox="0 0 ${w} 14" width="${w}" height="14" aria-hidden="true">${overallLine}<rect x="${x(r.lower)}" y="4" width="${Math.max(1.5, Number(x(r.upper)) - Number(x(r.lower))).toFixed(1)}" height="6" rx="3" fill="${colour}" opacity="0.35"/><circle cx="${x(r.shrunkenRate)}" cy="7" r="4" fill="${colour}"/></svg>`;
}

/** `drill(value)` filters the page to one offer (its name, or {@link NOT_RECORDED}); null: offers are not clickable. */
export function showLeaderboard(panel: Panel, lb: LeaderboardResponse, f: Formatter, drill: ((value: string) => void) | null = null): void {
  if (lb.rows.length === 0) {
    panel.empty('No offers in this selection.');
    return;
  }
  let key: SortKey = 'rank';
  let descending = false;
  const max = Math.min(1, Math.max(...lb.rows.map((r) => r.upper)) * 1.05);
  const table = h('table', { class: 'leaderboard', 'data-testid': 'leaderboard' });
  const render = () => {
    const head = h(
      'tr',
      {},
      ...COLUMNS.map((c) =>
        h(
          'th',
          { scope: 'col', class: `${c.numeric ? 'num' : ''} ${c.hideNarrow ? 'hide-narrow' : ''}`, 'aria-sort': key === c.key ? (descending ? 'descending' : 'ascending') : 'none' },
          h('button', {
            type: 'button',
            class: 'sort',
            onclick: () => {
              // First click on a rate or count sorts high to low; a second click flips it.
              descending = key === c.key ? !descending : c.numeric && c.key !== 'rank';
              key = c.key;
              render();
              (table.querySelector(`th:nth-child(${COLUMNS.indexOf(c) + 1}) button`) as HTMLButtonElement | null)?.focus();
            },
          }, c.short ? h('span', { class: 'wide-label' }, c.label) : c.label, c.short ? h('span', { class: 'short-label', 'aria-hidden': 'true' }, c.short) : null, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, key === c.key ? (descending ? ' ↓' : ' ↑') : '')),
        ),
      ),
    );
    const body = sortRows(lb.rows, key, descending).map((r) =>
      h(
        'tr',
        { class: r.smallSample ? 'small-sample' : '' },
        h('td', { class: 'num' }, String(r.rank)),
        h('td', { class: 'offer' },
          drill
            ? h('button', { type: 'button', class: 'link drill', 'aria-label': `Filter the page to offer ${r.offer ?? 'not recorded'}`, onclick: () => drill(r.offer ?? NOT_RECORDED) }, r.offer ?? 'not recorded')
            : (r.offer ?? 'not recorded'),
          r.smallSample ? h('span', { class: 'flag', title: `Fewer than ${lb.smallSampleThreshold} offers: ranked after the others` }, 'small sample') : null),
        h(
          'td',
          { class: 'num rate-cell' },
          svgFragment(intervalBar(r, max, lb.overallRate), 'ci-bar'),
          // A small sample's shrunken rate is mostly the prior: not bold, marked "≈", and on a phone
          // (where the raw-rate column is hidden) its raw rate and counts right under it.
          h('span', { class: 'rate-text' },
            r.smallSample ? h('span', { class: 'rate-small', title: 'Mostly the overall rate: too few offers to tell this offer\'s own' }, `≈${f.percent(r.shrunkenRate)}`) : h('strong', {}, f.percent(r.shrunkenRate)),
            h('small', {}, ` ${f.interval(r.lower, r.upper)}`),
            r.smallSample ? h('span', { class: 'raw-narrow' }, `raw ${f.percent(r.rate)}`) : null),
        ),
        h('td', { class: 'num hide-narrow' }, f.percent(r.rate)),
        h('td', { class: 'num' }, `${f.count(r.accepted)} / ${f.count(r.offers)}`),
        h('td', { class: 'num hide-narrow' }, f.probability(r.probabilityToBeatOverall)),
      ),
    );
    table.replaceChildren(h('caption', { class: 'sr-only' }, 'Offers ranked by shrunken conversion rate; column headers sort'), h('thead', {}, head), h('tbody', {}, ...body));
  };
  render();
  const prior = lb.prior;
  const clustered = leaderboardClusteringNote(lb, f);
  panel.ready(() => leaderboardTable(lb), h('div', { class: 'table-wrap' }, table));
  panel.setNote(
    `Shrunken rate: each offer's rate pulled towards the overall ${f.percent(lb.overallRate)} by a prior worth ${f.count(prior.strength)} offers (empirical Bayes), so a 3-of-3 offer does not top the list. Dashed line: overall rate.${clustered ? ` ${clustered}` : ''}`,
  );
}
