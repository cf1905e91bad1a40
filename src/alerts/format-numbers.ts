/** Numbers in alert messages, as a person reads them: 17.9%, −5.8 points, 2,093 offers, p < 0.001. */

export function percent(x: number | null, digits = 1): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(digits)}%`;
}

export function points(x: number | null): string {
  if (x === null) return 'n/a';
  const v = x * 100;
  return `${v < 0 ? '−' : '+'}${Math.abs(v).toFixed(1)} points`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function pValue(p: number | null): string {
  if (p === null) return 'p n/a';
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p.toPrecision(2)}`;
}

/** "312 of 3,590 offers". */
export function ofOffers(k: number, n: number): string {
  return `${count(k)} of ${count(n)} offers`;
}
