/** Colours shared by the dashboard's charts and the report's SVG (the CSS repeats them). */
export const PALETTE = {
  rate: '#1d4ed8',
  interval: 'rgba(29, 78, 216, 0.16)',
  /** A period's projected final rate (dashed) and its interval (a lighter band than the observed one). */
  projected: '#1d4ed8',
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
  muted: '#6b7280',
  grid: '#e5e7eb',
  band: {
    strong: { fill: '#dcfce7', ink: '#166534', area: 'rgba(22, 163, 74, 0.06)' },
    moderate: { fill: '#fef3c7', ink: '#92400e', area: 'rgba(217, 119, 6, 0.05)' },
    poor: { fill: '#fee2e2', ink: '#991b1b', area: 'rgba(220, 38, 38, 0.06)' },
  },
} as const;

export type BandName = keyof typeof PALETTE.band;
