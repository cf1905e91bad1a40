/** Colours shared by the dashboard's charts and the report's SVG (the CSS repeats them). */
export const PALETTE = {
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
  band: {
    strong: { fill: '#dcfce7', ink: '#166534', area: 'rgba(22, 163, 74, 0.06)' },
    moderate: { fill: '#fef3c7', ink: '#92400e', area: 'rgba(217, 119, 6, 0.05)' },
    poor: { fill: '#fee2e2', ink: '#991b1b', area: 'rgba(220, 38, 38, 0.06)' },
  },
} as const;

export type BandName = keyof typeof PALETTE.band;
