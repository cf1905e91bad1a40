/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Initial simplex step per coordinate (default 0.5). */
  readonly step?: number;
  /** Stop when the simplex is this small in every coordinate and in value (default 1e-12). */
  readonly tolerance?: number;
  readonly maxIterations?: number;
}

/** A minimum found by {@link nelderMead}. */
export interface Minimum {
  readonly x: readonly number[];
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Derivative-free minimisation by the Nelder–Mead simplex method (Nelder & Mead 1965, standard
 * coefficients 1, 2, ½, ½). Used for the low-dimensional, smooth likelihoods in this folder.
 */
export function nelderMead(f: (x: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): Minimum {
  const step = options.step ?? 0.5;
  const tol = options.tolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 5000;
  const dim = start.length;
  let simplex: { x: number[]; v: number }[] = [{ x: [...start], v: f(start) }];
  for (let i = 0; i < dim; i++) {
    const x = [...start];
    x[i] = (x[i] ?? 0) + step;
    simplex.push({ x, v: f(x) });
  }
  const at = (p: readonly number[], i: number) => p[i] ?? 0;
  const combine = (a: readonly number[], b: readonly number[], t: number) => a.map((ai, i) => ai + t * (at(b, i) - ai));
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0];
    const worst = simplex[dim];
    const second = simplex[dim - 1];
    if (!best || !worst || !second) break;
    const spread = Math.max(...simplex.map((p) => Math.max(...p.x.map((xi, i) => Math.abs(xi - at(best.x, i))))));
    if (spread <= tol && Math.abs(worst.v - best.v) <= tol * (1 + Math.abs(best.v))) {
      converged = true;
      break;
    }
    iterations++;
    const centroid = new Array<number>(dim).fill(0);
    for (const p of simplex.slice(0, dim)) p.x.forEach((xi, i) => (centroid[i] = at(centroid, i) + xi / dim));
    const reflected = combine(centroid, worst.x, -1);
    const vr = f(reflected);
    if (vr < best.v) {
      const expanded = combine(centroid, worst.x, -2);
      const ve = f(expanded);
      simplex[dim] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
    } else if (vr < second.v) {
      simplex[dim] = { x: reflected, v: vr };
    } else {
      const outside = vr < worst.v;
      const contracted = combine(centroid, outside ? reflected : worst.x, 0.5);
      const vc = f(contracted);
      if (vc < (outside ? vr : worst.v)) {
        simplex[dim] = { x: contracted, v: vc };
      } else {
        simplex = simplex.map((p, i) => {
          if (i === 0) return p;
          const x = combine(best.x, p.x, 0.5);
          return { x, v: f(x) };
        });
      }
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  const best = simplex[0] ?? { x: [...start], v: f(start) };
  return { x: best.x, value: best.v, iterations, converged };
}
