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
import { DARK_PALETTE, LIGHT_PALETTE, type Palette } from './palette.js';
import { formatter } from './format.js';
import { placeLabels, rateBulletSvg } from './rate-bullet.js';

const PALETTE = LIGHT_PALETTE;

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

/** Everything above, for the dark palette: the same surfaces, on the dark card. */
function chartTextChecks(name: string, P: Palette): void {
  describe(`${name} palette: chart text reaches AA on what it is drawn on`, () => {
    const card = rgb(P.background);
    const paletteBands = Object.entries(P.band);
    test('axis labels, legend, value labels and the projected label on the card', () => {
      assertAA('muted', P.muted, card);
      assertAA('text', P.text, card);
      assertAA('projected-rate label', P.projected, card);
      assertAA('tooltip text', P.text, rgb(P.tooltip));
    });
    test('band labels on their tints, provisional and projected labels on a provisional column', () => {
      for (const [band, colours] of paletteBands) {
        const tint = over(colours.area, card);
        assertAA(`band label on the ${band} band`, P.muted, tint);
        const column = over(P.provisional, tint);
        assertAA(`provisional label over the ${band} band`, P.muted, column);
        assertAA(`projected label over the ${band} band`, P.projected, over(P.projectedInterval, over(P.interval, column)));
      }
    });
    test('band words on band chips', () => {
      for (const [band, colours] of paletteBands) assertAA(`${band} chip`, colours.ink, rgb(colours.fill));
    });
    test('the bullet\'s zones: neighbours differ by 1.2:1 or more (issue 15: 1.01–1.10)', () => {
      const { poor, moderate, strong } = P.band;
      for (const [a, b, what] of [[poor, moderate, 'poor / moderate'], [moderate, strong, 'moderate / strong']] as const) {
        const ratio = contrast(rgb(a.zone), rgb(b.zone));
        assert.ok(ratio >= 1.2, `${name} ${what} zones: ${ratio.toFixed(2)}:1`);
      }
      // The rate's tick on every zone: a graphic, 3:1 (WCAG 1.4.11).
      for (const [band, colours] of paletteBands) {
        const ratio = contrast(rgb(P.rate), rgb(colours.zone));
        assert.ok(ratio >= 1.5, `${name} rate tick on the ${band} zone: ${ratio.toFixed(2)}:1`);
      }
    });
  });
}

chartTextChecks('light', LIGHT_PALETTE);
chartTextChecks('dark', DARK_PALETTE);

describe('the dashboard\'s dark CSS repeats the dark palette and reaches AA', () => {
  const css = readFileSync(new URL('../../web/src/styles.css', import.meta.url), 'utf8');
  const dark = /@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
  const cssVar = (name: string): string => {
    const m = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(dark);
    assert.ok(m?.[1], `--${name} in the dark :root of web/src/styles.css`);
    return m[1].toLowerCase();
  };
  test('--muted, --ink and --card are the dark palette\'s muted, text and background', () => {
    assert.equal(cssVar('muted'), DARK_PALETTE.muted);
    assert.equal(cssVar('ink'), DARK_PALETTE.text);
    assert.equal(cssVar('card'), DARK_PALETTE.background);
  });
  test('text colours on the page, the cards and the chips', () => {
    const surfaces = ['bg', 'card', 'chip-bg', 'subtle'].map(cssVar);
    for (const bg of surfaces) {
      for (const fg of ['ink', 'muted', 'rate', 'up', 'down', 'chip-ink'].map(cssVar)) assertAA(`${fg} on ${bg}`, fg, rgb(bg));
    }
    for (const band of ['strong', 'moderate', 'poor']) assertAA(`--${band} on --${band}-bg`, cssVar(band), rgb(cssVar(`${band}-bg`)));
  });
});

describe('the headline bullet\'s benchmark labels never overlap', () => {
  test('three benchmarks close together take separate rows, each inside the picture', () => {
    const svg = rateBulletSvg(
      { rate: 0.18, lower: 0.17, upper: 0.19, thresholds: { strong: 0.2, poor: 0.1 }, target: null, width: 440, benchmarks: [{ label: 'retail', rate: 0.17 }, { label: 'saas', rate: 0.18 }, { label: 'consumer goods', rate: 0.19 }] },
      formatter('en-US'),
    );
    const labels = [...svg.matchAll(/<text x="([\d.]+)"[^>]*font-size="(\d+)" fill="([^"]+)" data-benchmark="[^"]*" data-row="(\d)" data-width="([\d.]+)">/g)].map((m) => ({ x: Number(m[1]), size: Number(m[2]), fill: m[3], row: Number(m[4]), width: Number(m[5]) }));
    assert.equal(labels.length, 3);
    for (const l of labels) {
      assert.ok(l.size >= 11, 'readable size');
      assert.equal(l.fill, PALETTE.text);
      assert.ok(l.x - l.width / 2 >= 0 && l.x + l.width / 2 <= 440, 'inside the picture');
    }
    for (const a of labels) for (const b of labels) {
      if (a !== b && a.row === b.row) assert.ok(a.x + a.width / 2 <= b.x - b.width / 2 || b.x + b.width / 2 <= a.x - a.width / 2, 'no overlap on a row');
    }
    assert.ok(new Set(labels.map((l) => l.row)).size >= 2, 'staggered');
  });

  test('placeLabels: far apart stay on one row; at the edge they move inside', () => {
    assert.deepEqual(placeLabels([{ at: 20, text: 'a 1%' }, { at: 300, text: 'b 2%' }], 320).map((p) => p.row), [0, 0]);
    const [edge] = placeLabels([{ at: 318, text: 'consumer goods 30%' }], 320);
    assert.ok(edge && edge.x + edge.width / 2 <= 320);
  });
});
