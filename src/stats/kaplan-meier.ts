import { UprateError } from '../core/errors.js';

/**
 * Kaplan–Meier life table of days-to-accept on whole days, with Greenwood's variance.
 *
 * **Days and ages.** Day d (d = 0 … W − 1) is the d-th 24 hours after an offer was made: an
 * acceptance 0.4 days after the offer is on day 0, one 29.9 days after is on day 29. An offer of
 * **age a** has been watched through days 0 … a − 1 completely (and perhaps part of day a).
 *
 * **Input.** `events[d]` = acceptances on day d. `censored[a]` = offers still open (not
 * accepted) at age a: they are in the risk set of days 0 … a − 1 and **leave it before day a**
 * (`censored[0]` are never at risk). Every other offer — not accepted and not censored (declined,
 * or its window closed) — is a known non-acceptor and stays at risk through day W − 1 with no
 * event. So the risk set of day d is
 *
 *   n_d = N − Σ_{j<d} events_j − Σ_{j≤d} censored_j,
 *
 * and with h_d = events_d / n_d (0 when nobody is at risk: a day nobody was watched on is assumed
 * to bring no acceptance),
 *
 *   S(d) = Π_{j≤d} (1 − h_j)           the probability of not having accepted by the end of day d,
 *   F(d) = 1 − S(d)                    the share accepted by the end of day d,
 *   Var S(d) = S(d)² Σ_{j≤d} e_j / (n_j (n_j − e_j))   (Greenwood; 0 once S(d) = 0).
 *
 * Same numbers as statsmodels `SurvfuncRight` on the per-offer data (an acceptance on day d at
 * time d, an offer censored at age a at time a − ½, everyone else censored at W − ½); see
 * test/reference/projection_reference.py.
 */
export interface LifeTableInput {
  /** Acceptances on day d, d = 0 … W − 1 (its length is the window W). */
  readonly events: readonly number[];
  /** Offers censored at age a (watched through day a − 1 only), a = 0 … W − 1; same length. */
  readonly censored: readonly number[];
  /** All offers N, acceptors, censored and known non-acceptors alike. */
  readonly offers: number;
}

/** One day of the life table. */
export interface LifeTableDay {
  readonly day: number;
  /** n_d: offers at risk on day d (not accepted before it, not censored at an age ≤ d). */
  readonly atRisk: number;
  readonly events: number;
  /** Offers censored at age d (they were not at risk on day d). */
  readonly censored: number;
  /** S(d): probability of not having accepted by the end of day d. */
  readonly survival: number;
  /** F(d) = 1 − S(d): probability of having accepted by the end of day d. */
  readonly cumulative: number;
  /** Greenwood's variance of S(d) (and of F(d)). */
  readonly variance: number;
}

export interface KaplanMeierCurve {
  /** The window W: the curve has days 0 … W − 1. */
  readonly windowDays: number;
  /** N: the offers the curve was learnt from. */
  readonly offers: number;
  /** Offers that were accepted (Σ events). */
  readonly accepted: number;
  /** Offers censored (Σ censored). */
  readonly censored: number;
  /** The last day anyone was at risk (−1 when nobody ever was); later days assume no acceptance. */
  readonly observedThrough: number;
  readonly days: readonly LifeTableDay[];
}

/**
 * The Kaplan–Meier (product-limit) life table of days-to-accept; see {@link LifeTableInput} for
 * the conventions.
 *
 * @example
 * kaplanMeier({ events: [10, 5, 0], censored: [0, 4, 0], offers: 100 })
 * // day 0: 100 at risk, S = 0.9; day 1: 86 at risk, S = 0.9·(1 − 5/86); day 2: S unchanged
 * @throws UprateError BAD_ARGUMENT for counts that are not whole numbers ≥ 0, arrays of different
 * or zero length, or more acceptances and censored offers than offers
 */
export function kaplanMeier(input: LifeTableInput): KaplanMeierCurve {
  const { events, censored, offers } = input;
  const w = events.length;
  if (w === 0 || censored.length !== w) {
    throw new UprateError('BAD_ARGUMENT', `events and censored must both have one entry per day of the window (W ≥ 1), not ${events.length} and ${censored.length}`, {
      location: 'kaplanMeier',
    });
  }
  wholeCount(offers, 'offers');
  events.forEach((e, d) => wholeCount(e, `events[${d}]`));
  censored.forEach((c, d) => wholeCount(c, `censored[${d}]`));
  const accepted = sum(events);
  const censoredTotal = sum(censored);
  if (accepted + censoredTotal > offers) {
    throw new UprateError('BAD_ARGUMENT', `${accepted} acceptances and ${censoredTotal} censored offers exceed the ${offers} offers they come from`, {
      location: 'kaplanMeier',
      hint: 'every acceptance and every censored offer must be one of the offers',
    });
  }

  const days: LifeTableDay[] = [];
  let gone = 0; // accepted before day d plus censored at an age ≤ d (before adding day d's events)
  let survival = 1;
  let greenwood = 0;
  let observedThrough = -1;
  for (let d = 0; d < w; d++) {
    const e = events[d] ?? 0;
    const c = censored[d] ?? 0;
    gone += c;
    const atRisk = offers - gone;
    if (atRisk > 0) {
      observedThrough = d;
      survival *= 1 - e / atRisk;
      if (atRisk > e) greenwood += e / (atRisk * (atRisk - e));
    }
    gone += e;
    days.push({ day: d, atRisk, events: e, censored: c, survival, cumulative: 1 - survival, variance: survival === 0 ? 0 : survival * survival * greenwood });
  }
  return { windowDays: w, offers, accepted, censored: censoredTotal, observedThrough, days };
}

function wholeCount(x: number, what: string): void {
  if (!Number.isSafeInteger(x) || x < 0) {
    throw new UprateError('BAD_ARGUMENT', `${what} must be a whole number ≥ 0, not ${x}`, { location: 'kaplanMeier' });
  }
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
