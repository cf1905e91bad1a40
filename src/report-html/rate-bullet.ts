/**
 * The headline's bullet bar as an SVG string: the bands as coloured zones, the interval as a bar,
 * the rate as a tick, benchmarks and the target as marks. Used by the dashboard tile and the
 * report alike. Pure string building; every text is escaped.
 */
import type { Formatter } from './format.js';
import { PALETTE } from './palette.js';

export interface BulletMark {
  readonly label: string;
  readonly rate: number;
}

export interface BulletInput {
  readonly rate: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly thresholds: { readonly strong: number; readonly poor: number };
  readonly benchmarks: readonly BulletMark[];
  readonly target: number | null;
  readonly width?: number;
}

export function rateBulletSvg(input: BulletInput, f: Formatter): string {
  const width = input.width ?? 320;
  const left = 4;
  const right = width - 4;
  const marks = [input.upper ?? 0, input.thresholds.strong, input.target ?? 0, ...input.benchmarks.map((b) => b.rate)];
  const max = Math.min(1, Math.ceil((Math.max(...marks) * 1.2) / 0.05) * 0.05);
  const x = (r: number) => left + (Math.max(0, Math.min(max, r)) / max) * (right - left);
  const barY = 18;
  const barH = 14;
  const parts: string[] = [];
  const zone = (from: number, to: number, fill: string) => parts.push(`<rect x="${x(from).toFixed(1)}" y="${barY}" width="${(x(to) - x(from)).toFixed(1)}" height="${barH}" fill="${fill}"/>`);
  // Zones told apart by lightness (1.2:1 or more between neighbours, palette.test.ts) and by a gap.
  zone(0, input.thresholds.poor, PALETTE.band.poor.zone);
  zone(input.thresholds.poor, input.thresholds.strong, PALETTE.band.moderate.zone);
  zone(input.thresholds.strong, max, PALETTE.band.strong.zone);
  for (const t of [input.thresholds.poor, input.thresholds.strong]) {
    if (t > 0 && t < max) parts.push(`<rect x="${(x(t) - 1).toFixed(1)}" y="${barY}" width="2" height="${barH}" fill="${PALETTE.background}"/>`);
  }
  if (input.target !== null) {
    const tx = x(input.target).toFixed(1);
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${barY - 6}" y2="${barY + barH + 2}" stroke="${PALETTE.text}" stroke-width="1.5" stroke-dasharray="3 2"/>`);
    parts.push(`<text x="${tx}" y="${barY - 8}" text-anchor="middle" font-size="10" fill="${PALETTE.text}">${esc(f.words.chart.target(f.percent(input.target, 0)))}</text>`);
  }
  if (input.lower !== null && input.upper !== null) {
    parts.push(`<rect x="${x(input.lower).toFixed(1)}" y="${barY + 4}" width="${Math.max(1.5, x(input.upper) - x(input.lower)).toFixed(1)}" height="${barH - 8}" fill="${PALETTE.rate}" opacity="0.45" rx="2"/>`);
  }
  if (input.rate !== null) {
    const rx = x(input.rate).toFixed(1);
    parts.push(`<rect x="${(Number(rx) - 1.5).toFixed(1)}" y="${barY - 3}" width="3" height="${barH + 6}" fill="${PALETTE.rate}"/>`);
  }
  // Benchmarks below the bar: each label on the first row where it overlaps no other label (as
  // many rows as that takes), kept inside the picture, in the text colour at 11 px.
  const placed = placeLabels(
    [...input.benchmarks].sort((a, c) => a.rate - c.rate).map((b) => ({ at: x(b.rate), text: `${b.label} ${f.percent(b.rate, 0)}` })),
    width,
  );
  for (const p of placed) {
    const ty = barY + barH + BENCHMARK_ROW + p.row * BENCHMARK_ROW;
    parts.push(`<path d="M${p.at.toFixed(1)} ${barY + barH}l-3.5 5h7z" fill="${PALETTE.muted}"/>`);
    parts.push(`<text x="${p.x.toFixed(1)}" y="${ty}" text-anchor="middle" font-size="${BENCHMARK_FONT}" fill="${PALETTE.text}" data-benchmark="${esc(p.text)}" data-row="${p.row}" data-width="${p.width.toFixed(1)}">${esc(p.text)}</text>`);
  }
  const rows = placed.length ? Math.max(...placed.map((p) => p.row)) + 1 : 0;
  // Band edges above the bar, except where the target's label already sits.
  const axis = [0, input.thresholds.poor, input.thresholds.strong]
    .filter((t) => input.target === null || Math.abs(x(t) - x(input.target)) > 36)
    .map((t) => `<text x="${x(t).toFixed(1)}" y="${barY - 8}" text-anchor="${t === 0 ? 'start' : 'middle'}" font-size="10.5" fill="${PALETTE.muted}">${esc(f.percent(t, 0))}</text>`);
  const height = barY + barH + (rows ? rows * BENCHMARK_ROW + 4 : 2) + 4;
  const label = f.words.chart.bullet(f.percent(input.rate), f.interval(input.lower, input.upper), f.percent(input.thresholds.poor, 0), f.percent(input.thresholds.strong, 0));
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}" font-family="system-ui, sans-serif">${[...parts, ...axis].join('')}</svg>`;
}

const BENCHMARK_FONT = 11;
const BENCHMARK_ROW = 13;

/** A label's width in pixels at {@link BENCHMARK_FONT}, generously estimated (no text metrics on the server). */
export function labelWidth(text: string, fontSize = BENCHMARK_FONT): number {
  return text.length * fontSize * 0.6;
}

/**
 * Labels centred on their marks, moved inside [0, width] and given the first row where they
 * overlap no label already there (4 px apart): no two labels on a row overlap.
 */
export function placeLabels(labels: readonly { at: number; text: string }[], width: number): { at: number; x: number; text: string; row: number; width: number }[] {
  const rowEnds: number[] = [];
  return labels.map((l) => {
    const w = labelWidth(l.text);
    const x = Math.min(Math.max(l.at, w / 2 + 1), width - w / 2 - 1);
    let row = rowEnds.findIndex((end) => x - w / 2 >= end + 4);
    if (row < 0) row = rowEnds.length;
    rowEnds[row] = x + w / 2;
    return { at: l.at, x, text: l.text, row, width: w };
  });
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
