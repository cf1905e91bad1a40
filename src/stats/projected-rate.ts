import { UprateError } from '../core/errors.js';
import { checkLevel } from './counts.js';
import { zCritical } from './critical-value.js';
import { DEFAULT_LEVEL } from './interval.js';
import type { KaplanMeierCurve } from './kaplan-meier.js';

/** Offers of one age: `age` days watched, 0 ≤ age < W (whole days: the {@link kaplanMeier} convention; fractional allowed, see {@link projectFinalRate}). */
export interface AgeCount {
  readonly age: number;
  readonly count: number;
}

/** A period still filling in, as of now. */
export interface OpenPeriod {
  /** All offers of the period. */
  readonly offers: number;
  /** Offers accepted so far (within their window). */
  readonly accepted: number;
  /** Offers neither accepted nor declined whose window is still open, by age. */
  readonly pendingByAge: readonly AgeCount[];
  /**
   * Offers declined while their window is still open, by age (default none). They are projected
   * like pending ones — see {@link projectFinalRate} — but never counted as possible acceptances
   * in the interval's upper end.
   */
  readonly declinedByAge?: readonly AgeCount[];
}

export interface ProjectionOptions {
  /** Confidence level of the interval (default 0.95). */
  readonly level?: number;
  /** Which offers the curve was learnt from, for the basis sentence (e.g. "made from 2024-09-20 to 2025-09-20 15:30 UTC"). */
  readonly learntFrom?: string;
}

export interface ProjectedRate {
  /** The projected final rate: (accepted + expected further acceptances) / offers. */
  readonly rate: number;
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  /** Expected further acceptances (not a whole number). */
  readonly expectedAdditional: number;
  readonly method: 'kaplan-meier';
  /** One sentence: what the curve was learnt from and over which window. */
  readonly basis: string;
}

/**
 * Projects the final rate of a period whose offers are still inside their window, from an
 * acceptance curve learnt on earlier offers ({@link kaplanMeier}).
 *
 * **Ages.** An open offer of age a has been watched a days without accepting. Let S(d) be the
 * curve's survival at the end of day d (S(−1) = 1) and Ŝ(x) the chance of not having accepted x
 * days after the offer: Ŝ(d) = S(d − 1) at a whole d — the {@link kaplanMeier} convention, watched
 * through day d − 1 — and, between whole days, log-linear (a constant hazard within each day):
 * Ŝ(x) = S(d − 1)·(S(d)/S(d − 1))^(x − d), d = ⌊x⌋. Fractional ages matter: acceptances come fast
 * (the demo's median is 2 days), and an offered day's offers called by the whole days all of them
 * were watched overstate their chances by most of a day's hazard — +1.1 points on an 18 % final
 * rate in the calibration simulation, under 0.05 with mid-day fractional ages (projected-rate.test.ts).
 *
 * **Each open offer of age a** accepts by the end of the window with probability
 *
 *   q(a) = 1 − R(a),   R(a) = S(W−1) / Ŝ(a);   for a whole a: q(a) = (F(W−1) − F(a−1)) / (1 − F(a−1)).
 *
 * The projected count is accepted + T with T = Σ_a m_a q(a), m_a the open offers of age a.
 *
 * **Declined offers.** q(a) is the chance for an offer *not accepted* by age a — declined or not,
 * since the curve counts a declined offer as one that did not accept. Pending offers are the ones
 * that have not declined either, so their own chance is higher; applying q(a) to pending offers
 * alone would understate the final rate. Applying it to all not-accepted offers with the window
 * open (`pendingByAge` + `declinedByAge`) gives the right expected count (a declined offer's 0
 * and a pending one's higher chance average out to q(a) over the group), and that is what this
 * does when `declinedByAge` is given. (Without it, only pending offers are projected.)
 *
 * **Variance of T** = outcome + curve:
 * - outcome: Σ_a m_a q(a)(1 − q(a)), each open offer accepting or not independently;
 * - curve: the delta method on the same independent per-day terms as Greenwood's formula,
 *   Var log(1 − ĥ_j) ≈ g_j = e_j / (n_j (n_j − e_j)). As log R(a) = Σ_j c_j(a) log(1 − h_j)
 *   with c_j(a) = 1 for the days after ⌊a⌋, ⌊a⌋ + 1 − a for day ⌊a⌋ itself and 0 before, the
 *   derivative of T by log(1 − h_j) is −Σ_a m_a R(a) c_j(a), so
 *   Var_curve = Σ_j g_j (Σ_a m_a R(a) c_j(a))² — the errors of the q(a) of different ages are
 *   correlated through the days they share (for offers all of age 0 this is m² times Greenwood's
 *   Var S(W−1)).
 *
 * **Interval**: normal on T, T ± z·√Var, clipped to [0, pending]; the rate's interval is
 * (accepted + that) / offers, so it never lies below what is already accepted nor above every
 * pending offer accepting. With nothing pending the projection is accepted / offers with a
 * zero-width interval.
 *
 * Days after the curve's `observedThrough` (nobody in the curve was watched on them) add no
 * acceptances; the basis says so. An age whose Ŝ(a) is 0 (every earlier offer had accepted by
 * then: nothing to learn from) gets q = 0.
 *
 * @example
 * const curve = kaplanMeier({ events: [10, 5, 3, 0, 2], censored: [0, 4, 2, 1, 3], offers: 100 });
 * projectFinalRate({ offers: 1000, accepted: 100, pendingByAge: [{ age: 2, count: 50 }, { age: 4.5, count: 10 }] }, curve)
 * // { rate: 0.1034, lower: 0.1 (clipped), upper: 0.1079, expectedAdditional: 3.37, method: 'kaplan-meier',
 * //   basis: 'Projected from how 100 earlier offers were accepted over the 5-day window (…): the 60 pending offers are expected to add 3.4 acceptances.' }
 * @throws UprateError BAD_ARGUMENT for counts that are not whole numbers ≥ 0, no offers, more
 * accepted + open offers than offers, ages outside [0, W), or a bad level
 */
export function projectFinalRate(period: OpenPeriod, curve: KaplanMeierCurve, options: ProjectionOptions = {}): ProjectedRate {
  const level = options.level ?? DEFAULT_LEVEL;
  checkLevel(level);
  const w = curve.windowDays;
  const { offers, accepted } = period;
  whole(offers, 'offers');
  whole(accepted, 'accepted');
  if (offers === 0) throw new UprateError('BAD_ARGUMENT', 'a period with no offers has no rate to project', { location: 'projectFinalRate' });
  const pending = checkAges(period.pendingByAge, w, 'pendingByAge');
  const declined = checkAges(period.declinedByAge ?? [], w, 'declinedByAge');
  if (accepted + pending + declined > offers) {
    throw new UprateError('BAD_ARGUMENT', `${accepted} accepted, ${pending} pending and ${declined} declined offers exceed the ${offers} offers of the period`, {
      location: 'projectFinalRate',
      hint: 'accepted, pending and declined offers are separate parts of the period’s offers',
    });
  }
  const current = accepted / offers;
  const learnt = options.learntFrom ? ` ${options.learntFrom}` : '';
  const earlier = `${count(curve.offers)} earlier offer${curve.offers === 1 ? '' : 's'}${learnt}`;
  if (pending === 0) {
    return {
      rate: current,
      lower: current,
      upper: current,
      level,
      expectedAdditional: 0,
      method: 'kaplan-meier',
      basis: `Nothing is pending — every offer has been accepted or declined or its window has closed — so the final rate is the current one and the ${w}-day acceptance curve of ${earlier} is not needed.`,
    };
  }

  // S(d) at the end of day d (S(−1) = 1), and Ŝ(x) x days after the offer, log-linear within a
  // day (a constant hazard inside each day): Ŝ(x) = S(d − 1)·(S(d)/S(d − 1))^(x − d), d = ⌊x⌋.
  const endOf = (d: number): number => (d < 0 ? 1 : (curve.days[d]?.survival ?? 1));
  const at = (x: number): number => {
    const d = Math.floor(x);
    const from = endOf(d - 1);
    const frac = x - d;
    if (frac === 0 || d >= w) return from;
    const to = endOf(d);
    return from > 0 ? from * Math.pow(to / from, frac) : 0;
  };
  const sEnd = endOf(w - 1);
  // q(a) = 1 − R(a), R(a) = S(W − 1)/Ŝ(a), for every distinct age with open offers.
  const open = [...mergeAges(period.pendingByAge, period.declinedByAge ?? [])];
  let expected = 0;
  let outcome = 0;
  const weights = open.map(([age, m]) => {
    const before = at(age);
    const r = before > 0 ? sEnd / before : 1;
    const q = 1 - r;
    expected += m * q;
    outcome += m * q * (1 - q);
    return { age, weight: m * r };
  });
  // Var_curve = Σ_j g_j (∂T/∂ log(1 − h_j))², ∂T/∂ log(1 − h_j) = −Σ_a m_a R(a) c_j(a) with
  // c_j(a) = 1 for j > ⌊a⌋, ⌊a⌋ + 1 − a for j = ⌊a⌋ (the rest of that day), 0 before.
  let curveVariance = 0;
  for (let j = 0; j < w; j++) {
    const day = curve.days[j];
    if (!day || day.atRisk <= day.events || day.events === 0) continue;
    let derivative = 0;
    for (const { age, weight } of weights) {
      const d = Math.floor(age);
      if (j > d) derivative += weight;
      else if (j === d) derivative += weight * (d + 1 - age);
    }
    curveVariance += (day.events / (day.atRisk * (day.atRisk - day.events))) * derivative * derivative;
  }
  const sd = Math.sqrt(outcome + curveVariance);
  const z = zCritical(level);
  const clip = (x: number): number => Math.min(pending, Math.max(0, x));
  const t = clip(expected);
  const unseen = curve.observedThrough < w - 1 ? `, assuming no acceptance after day ${Math.max(0, curve.observedThrough)}, the last day any earlier offer was watched on` : '';
  return {
    rate: (accepted + t) / offers,
    lower: (accepted + clip(expected - z * sd)) / offers,
    upper: (accepted + clip(expected + z * sd)) / offers,
    level,
    expectedAdditional: t,
    method: 'kaplan-meier',
    basis: `Projected from how ${earlier} ${curve.offers === 1 ? 'was' : 'were'} accepted over the ${w}-day window (Kaplan–Meier, offers still open censored at their age): the ${count(pending)} pending offer${pending === 1 ? ' is' : 's are'} expected to add ${t.toFixed(1)} acceptance${t.toFixed(1) === '1.0' ? '' : 's'}${unseen}.`,
  };
}

function whole(x: number, what: string): void {
  if (!Number.isSafeInteger(x) || x < 0) throw new UprateError('BAD_ARGUMENT', `${what} must be a whole number ≥ 0, not ${x}`, { location: 'projectFinalRate' });
}

/** Checks ages (0 ≤ age < w) and counts; returns the total count. */
function checkAges(list: readonly AgeCount[], w: number, what: string): number {
  let total = 0;
  for (const { age, count } of list) {
    if (!(Number.isFinite(age) && age >= 0 && age < w)) {
      throw new UprateError('BAD_ARGUMENT', `${what}: age must be a number of days from 0 to below ${w}, not ${age}`, {
        location: 'projectFinalRate',
        hint: 'an offer as old as the window is no longer open',
      });
    }
    whole(count, `${what} count`);
    total += count;
  }
  return total;
}

/** Open offers per distinct age (pending and declined together). */
function mergeAges(...lists: (readonly AgeCount[])[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const list of lists) for (const { age, count } of list) if (count > 0) out.set(age, (out.get(age) ?? 0) + count);
  return out;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
