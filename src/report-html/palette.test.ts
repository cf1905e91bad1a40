/**
 * Text contrast of the palette, by WCAG 2's formula (relative luminance, (L1 + 0.05) / (L2 + 0.05)),
 * written here rather than taken from the code under test. Chart text is drawn on a canvas or in
 * SVG, where axe cannot see it: every text colour is checked against what it is drawn on — the
 * chart's white, a band's tint, a provisional column's shade over a band — and the dashboard's
 * CSS colours (which repeat the palette) against the page's backgrounds. AA: 4.5:1 for text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { PALETTE } from './palette.js';

type Rgb = readonly [number, number, number];
const AA = 4.5;
const WHITE: Rgb = [255, 255, 255];

/** `#rrggbb` or `rgba(r, g, b, a)`, with its alpha (1 for hex). */
function parse(colour: string): { rgb: Rgb; alpha: number } {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour);
  if (hex) {
    const n = Number.parseInt(hex[1] ?? '', 16);
    return { rgb: [(n >> 16) & 255, (n >> 8) & 255, n & 255], alpha: 1 };
  }
  const rgba = /^rgba\(\s*(\d+),\s*(\d+),\s*(\d+),\s*([\d.]+)\s*\)$/.exec(colour);
  if (rgba) return { rgb: [Number(rgba[1]), Number(rgba[2]), Number(rgba[3])], alpha: Number(rgba[4]) };
  throw new Error(`not a colour: ${colour}`);
}

/** `colour` painted over `under` (source-over), the result opaque. */
function over(colour: string, under: Rgb): Rgb {
  const { rgb, alpha } = parse(colour);
  return [0, 1, 2].map((i) => (rgb[i] ?? 0) * alpha + (under[i] ?? 0) * (1 - alpha)) as unknown as Rgb;
}

/** WCAG 2 relative luminance of an sRGB colour. */
function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(fg: Rgb, bg: Rgb): number {
  const a = luminance(fg);
  const b = luminance(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

const rgb = (hex: string): Rgb => parse(hex).rgb;
const bands = Object.entries(PALETTE.band);

function assertAA(what: string, fg: string, bg: Rgb): void {
  const ratio = contrast(rgb(fg), bg);
  assert.ok(ratio >= AA, `${what}: ${fg} on rgb(${bg.map((c) => Math.round(c)).join(', ')}) is ${ratio.toFixed(2)}:1, below ${AA}:1`);
}

describe('WCAG contrast formula (as written in this test)', () => {
  test('gives the known ratios', () => {
    assert.equal(contrast([0, 0, 0], WHITE), 21);
    assert.equal(contrast(WHITE, WHITE), 1);
    // The ratios axe-core reported before the palette was darkened.
    assert.equal(contrast(rgb('#6b7280'), rgb('#f5f6f8')).toFixed(2), '4.47');
    // The old muted colour on a provisional column over the strong band: the 3.87:1 of issue 15.
    const provisionalOverStrong = over('rgba(107, 114, 128, 0.13)', over('rgba(22, 163, 74, 0.06)', WHITE));
    assert.equal(contrast(rgb('#6b7280'), provisionalOverStrong).toFixed(2), '3.87');
  });
});

describe('chart text (canvas and SVG) reaches AA on what it is drawn on', () => {
  test('axis labels, legend, value and category labels on the chart\'s white', () => {
    assertAA('muted text (axes, legend, overall-rate label)', PALETTE.muted, WHITE);
    assertAA('text (segment names, value labels)', PALETTE.text, WHITE);
    assertAA('projected-rate label', PALETTE.projected, WHITE);
  });

  test('band labels on each band\'s tint', () => {
    for (const [name, band] of bands) assertAA(`band label on the ${name} band`, PALETTE.muted, over(band.area, WHITE));
  });

  test('provisional and projected labels on a provisional column, over white and over each band', () => {
    const unders: [string, Rgb][] = [['white', WHITE], ...bands.map(([name, band]): [string, Rgb] => [`the ${name} band`, over(band.area, WHITE)])];
    for (const [name, under] of unders) {
      const column = over(PALETTE.provisional, under);
      assertAA(`provisional label on a provisional column over ${name}`, PALETTE.muted, column);
      assertAA(`projected-rate label on a provisional column over ${name}`, PALETTE.projected, column);
      // The projected label runs left from its point across the projected band, the observed
      // band and where the two overlap (the anchor period), on a provisional column or not.
      const layers: [string, Rgb][] = [
        ['the observed interval', over(PALETTE.interval, under)],
        ['the projected interval', over(PALETTE.projectedInterval, under)],
        ['both intervals', over(PALETTE.projectedInterval, over(PALETTE.interval, under))],
        ['the projected interval on a provisional column', over(PALETTE.projectedInterval, column)],
      ];
      for (const [layer, bg] of layers) assertAA(`projected-rate label on ${layer} over ${name}`, PALETTE.projected, bg);
    }
  });

  test('band words on band chips (dashboard headline, report)', () => {
    for (const [name, band] of bands) assertAA(`${name} chip`, band.ink, rgb(band.fill));
  });
});

describe('the dashboard\'s CSS repeats the palette and reaches AA on the page\'s backgrounds', () => {
  const css = readFileSync(new URL('../../web/src/styles.css', import.meta.url), 'utf8');
  const cssVar = (name: string): string => {
    const m = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(css);
    assert.ok(m?.[1], `--${name} in web/src/styles.css`);
    return m[1].toLowerCase();
  };

  test('--muted and --ink are the palette\'s muted and text', () => {
    assert.equal(cssVar('muted'), PALETTE.muted.toLowerCase());
    assert.equal(cssVar('ink'), PALETTE.text.toLowerCase());
  });

  test('muted text on the page, the cards and the light greys and chips it sits on', () => {
    // --bg (page, code spans), --card, .flag-prov, .band-chip unsure / .flag / pre, the filter chips.
    for (const bg of [cssVar('bg'), cssVar('card'), '#f9fafb', '#f3f4f6', '#eff6ff']) assertAA(`--muted on ${bg}`, cssVar('muted'), rgb(bg));
  });
});
