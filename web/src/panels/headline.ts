/**
 * The headline: conversion rate with its interval, band, benchmark and target marks, change vs
 * the previous period with its significance; then offers, accepted, expansion revenue and the
 * customer conversion rate (the last two when the model has them). From GET /api/v1/kpi.
 */
import type { KpiResponse } from '../../../src/insights/api-types.js';
import type { ModelCoverage } from '../../../src/report-html/coverage.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { rateBulletSvg } from '../../../src/report-html/rate-bullet.js';
import { acceptedLine, bandWords, changeArrow, changeSentence, clusteringNote, headlineTiles, industryName, provisionalNote } from '../../../src/report-html/wording.js';
import { h, svgFragment } from '../dom.js';

export function headlineContent(k: KpiResponse, f: Formatter, coverage: ModelCoverage): HTMLElement[] {
  const band = bandWords(k);
  const change = changeSentence(k, f);
  const changeEl =
    change.direction === 'none'
      ? h('p', { class: 'change change-none' }, change.rest)
      : h(
          'p',
          { class: `change change-${change.direction}`, 'data-testid': 'headline-change', title: [k.change?.testName, k.change?.reason].filter(Boolean).join(': ') },
          h('span', { class: 'arrow', 'aria-hidden': 'true' }, changeArrow(change.direction)),
          change.points ? h('strong', {}, change.points) : null,
          change.rest,
          h('span', { class: 'sig' }, change.verdict),
        );
  const benchmarks = k.benchmark ? [k.benchmark] : k.benchmarks;
  const clustered = k.offers > 0 ? clusteringNote([k.interval], f) : null;
  const provisional = provisionalNote(k, f, 'these offers', coverage.window);
  const bullet = rateBulletSvg(
    {
      rate: k.rate,
      lower: k.interval.lower,
      upper: k.interval.upper,
      thresholds: k.query.thresholds,
      benchmarks: benchmarks.map((b) => ({ label: industryName(b.industry), rate: b.benchmark.rate })),
      target: k.target?.rate ?? null,
      width: 440,
    },
    f,
  );
  const standing = benchmarks.length
    ? h(
        'ul',
        { class: 'benchmarks', 'aria-label': 'Against industry benchmarks' },
        ...benchmarks.map((b) =>
          h(
            'li',
            { title: `${b.benchmark.source}, via ${b.benchmark.citation}` },
            h('span', { class: 'bm-name' }, `${industryName(b.industry)} customers`),
            ` ${f.percent(b.rate)} vs ${f.percent(b.benchmark.rate, 0)} `,
            h('span', { class: `standing standing-${b.standing ?? 'none'}` }, b.standing === 'consistent' ? 'in line' : b.standing ?? '—'),
          ),
        ),
      )
    : null;
  const target = k.target
    ? h('p', { class: 'target' }, `Target ${f.percent(k.target.rate)}: `, h('span', { class: `standing standing-${k.target.standing ?? 'none'}` }, k.target.standing === 'consistent' ? 'within reach' : k.target.standing ?? '—'), ` (${f.points(k.target.gapPoints)})`)
    : null;

  const main = h(
    'div',
    { class: 'headline' },
    h('div', { class: 'headline-row' },
      h('span', { class: `big-rate ${band.cls}`, 'data-testid': 'headline-rate', 'data-value': k.rate === null ? '' : String(k.rate) }, f.percent(k.rate)),
      h('span', { class: `band-chip ${band.cls}`, title: band.title, tabindex: 0 }, band.text)),
    h('p', { class: 'interval' }, `${f.percent(k.query.level, 0)} interval ${f.interval(k.interval.lower, k.interval.upper)} · ${acceptedLine(k, f, coverage)}`),
    clustered ? h('p', { class: 'interval-note', 'data-testid': 'headline-clustering' }, clustered) : null,
    changeEl,
    svgFragment(bullet, 'bullet'),
    standing,
    target,
    provisional ? h('p', { class: 'provisional-note', 'data-testid': 'headline-provisional', title: k.projected?.basis ?? null }, provisional) : null,
  );

  const tile = (label: string, value: string, detail: string, testid: string) =>
    h('div', { class: 'tile', 'data-testid': testid }, h('p', { class: 'tile-label' }, label), h('p', { class: 'tile-value' }, value), h('p', { class: 'tile-detail' }, detail));
  const tiles = h('div', { class: 'tiles' }, ...headlineTiles(k, f, coverage).map((t) => tile(t.label, t.value, t.detail, `tile-${t.key}`)));
  return [main, tiles];
}
