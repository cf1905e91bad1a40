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
  zone(0, input.thresholds.poor, PALETTE.band.poor.fill);
  zone(input.thresholds.poor, input.thresholds.strong, PALETTE.band.moderate.fill);
  zone(input.thresholds.strong, max, PALETTE.band.strong.fill);
  if (input.target !== null) {
    const tx = x(input.target).toFixed(1);
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${barY - 6}" y2="${barY + barH + 2}" stroke="${PALETTE.text}" stroke-width="1.5" stroke-dasharray="3 2"/>`);
    parts.push(`<text x="${tx}" y="${barY - 8}" text-anchor="middle" font-size="10" fill="${PALETTE.text}">target ${esc(f.percent(input.target, 0))}</text>`);
  }
  if (input.lower !== null && input.upper !== null) {
    parts.push(`<rect x="${x(input.lower).toFixed(1)}" y="${barY + 4}" width="${Math.max(1.5, x(input.upper) - x(input.lower)).toFixed(1)}" height="${barH - 8}" fill="${PALETTE.rate}" opacity="0.45" rx="2"/>`);
  }
  if (input.rate !== null) {
    const rx = x(input.rate).toFixed(1);
    parts.push(`<rect x="${(Number(rx) - 1.5).toFixed(1)}" y="${barY - 3}" width="3" height="${barH + 6}" fill="${PALETTE.rate}"/>`);
  }
  // Benchmarks below the bar, staggered on two rows when their labels would collide.
  let lastEnd = -Infinity;
  let row = 0;
  for (const b of [...input.benchmarks].sort((a, c) => a.rate - c.rate)) {
    const bx = x(b.rate);
    const text = `${b.label} ${f.percent(b.rate, 0)}`;
    const half = text.length * 2.8;
    row = bx - half < lastEnd + 4 ? 1 - row : 0;
    lastEnd = bx + half;
    const ty = barY + barH + 12 + row * 11;
    parts.push(`<path d="M${bx.toFixed(1)} ${barY + barH}l-3.5 5h7z" fill="${PALETTE.muted}"/>`);
    parts.push(`<text x="${bx.toFixed(1)}" y="${ty}" text-anchor="middle" font-size="9.5" fill="${PALETTE.muted}">${esc(text)}</text>`);
  }
  // Band edges above the bar, except where the target's label already sits.
  const axis = [0, input.thresholds.poor, input.thresholds.strong]
    .filter((t) => input.target === null || Math.abs(x(t) - x(input.target)) > 36)
    .map((t) => `<text x="${x(t).toFixed(1)}" y="${barY - 8}" text-anchor="${t === 0 ? 'start' : 'middle'}" font-size="9.5" fill="${PALETTE.muted}">${esc(f.percent(t, 0))}</text>`);
  const height = barY + barH + 12 + (input.benchmarks.length > 1 ? 12 : input.benchmarks.length ? 2 : -10) + 4;
  const label = `Conversion rate ${f.percent(input.rate)}, interval ${f.interval(input.lower, input.upper)}; poor below ${f.percent(input.thresholds.poor, 0)}, strong above ${f.percent(input.thresholds.strong, 0)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}" font-family="system-ui, sans-serif">${[...parts, ...axis].join('')}</svg>`;
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
