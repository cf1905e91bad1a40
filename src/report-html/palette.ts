/**
 * Colours shared by the dashboard's charts and the report's SVG (the CSS repeats them): a light
 * palette (the report, the PDF, the dashboard by default) and a dark one (the dashboard when the
 * system asks for dark, `prefers-color-scheme`). palette.test.ts checks both reach WCAG AA.
 */
export interface BandColours {
  /** A chip's background (the band word on it in `ink`). */
  readonly fill: string;
  readonly ink: string;
  /** The band's zone behind the trend (a faint tint). */
  readonly area: string;
  /** The band's zone on the headline's bullet: adjacent zones differ by 1.2:1 or more. */
  readonly zone: string;
}

export interface Palette {
  readonly rate: string;
  readonly interval: string;
  readonly projected: string;
  readonly projectedInterval: string;
  readonly limit: string;
  readonly centre: string;
  readonly outOfControl: string;
  readonly run: string;
  readonly provisional: string;
  readonly above: string;
  readonly below: string;
  readonly neutral: string;
  readonly small: string;
  readonly text: string;
  readonly muted: string;
  readonly grid: string;
  /** What charts are drawn on (the card), and the edge drawn around markers on it. */
  readonly background: string;
  /** A tooltip's box. */
  readonly tooltip: string;
  readonly band: { readonly strong: BandColours; readonly moderate: BandColours; readonly poor: BandColours };
}

export const LIGHT_PALETTE: Palette = {
  rate: '#1d4ed8',
  interval: 'rgba(29, 78, 216, 0.16)',
  /**
   * A period's projected final rate (dashed) and its interval (a lighter band than the observed one).
   * A shade darker than the rate: its label ("projected 26.1%") crosses both interval bands over a
   * band's tint and must still read at 4.5:1 (palette.test.ts).
   */
  projected: '#1e40af',
  projectedInterval: 'rgba(29, 78, 216, 0.1)',
  limit: '#6b7280',
  centre: '#9ca3af',
  outOfControl: '#dc2626',
  run: '#d97706',
  provisional: 'rgba(107, 114, 128, 0.13)',
  above: '#15803d',
  below: '#b91c1c',
  neutral: '#1d4ed8',
  small: '#9ca3af',
  text: '#111827',
  /**
   * Secondary text: axis labels, legends, provisional and band labels. Dark enough for WCAG AA
   * (4.5:1) on white, on the page background and on a provisional column over a band's tint
   * (palette.test.ts computes each).
   */
  muted: '#4b5563',
  grid: '#e5e7eb',
  background: '#ffffff',
  tooltip: '#ffffff',
  band: {
    strong: { fill: '#dcfce7', ink: '#166534', area: 'rgba(22, 163, 74, 0.06)', zone: '#4ade80' },
    moderate: { fill: '#fef3c7', ink: '#92400e', area: 'rgba(217, 119, 6, 0.05)', zone: '#fde68a' },
    poor: { fill: '#fee2e2', ink: '#991b1b', area: 'rgba(220, 38, 38, 0.06)', zone: '#fca5a5' },
  },
};

/** The dashboard in dark mode: light text on a dark grey card (web/src/styles.css repeats it). */
export const DARK_PALETTE: Palette = {
  rate: '#60a5fa',
  interval: 'rgba(96, 165, 250, 0.14)',
  projected: '#bfdbfe',
  projectedInterval: 'rgba(96, 165, 250, 0.08)',
  limit: '#9ca3af',
  centre: '#6b7280',
  outOfControl: '#f87171',
  run: '#fbbf24',
  provisional: 'rgba(156, 163, 175, 0.14)',
  above: '#4ade80',
  below: '#f87171',
  neutral: '#60a5fa',
  small: '#6b7280',
  text: '#f3f4f6',
  muted: '#b6bec9',
  grid: '#374151',
  background: '#1f2937',
  tooltip: '#111827',
  band: {
    strong: { fill: '#14532d', ink: '#bbf7d0', area: 'rgba(74, 222, 128, 0.07)', zone: '#166534' },
    moderate: { fill: '#78350f', ink: '#fde68a', area: 'rgba(251, 191, 36, 0.06)', zone: '#a16207' },
    poor: { fill: '#7f1d1d', ink: '#fecaca', area: 'rgba(248, 113, 113, 0.07)', zone: '#7f1d1d' },
  },
};

/**
 * The palette charts are drawn with now: light, unless the dashboard switched to dark
 * ({@link usePalette}, from `prefers-color-scheme`). A live binding, read when an option is built,
 * so every chart and SVG of the page follows the system's scheme; the server never switches it.
 */
export let PALETTE: Palette = LIGHT_PALETTE;

/** Switches the palette charts are drawn with (the dashboard, on the system's colour scheme). */
export function usePalette(scheme: 'light' | 'dark'): void {
  PALETTE = scheme === 'dark' ? DARK_PALETTE : LIGHT_PALETTE;
}

export type BandName = keyof Palette['band'];
