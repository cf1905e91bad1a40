#!/usr/bin/python3
"""Reference values for src/stats/kaplan-meier.ts and src/stats/projected-rate.ts.

Run with Debian's python3 (numpy, scipy, statsmodels):

    /usr/bin/python3 test/reference/projection_reference.py > test/reference/projection-reference.json

Kaplan-Meier: a plain numpy hand calculation of the life table (risk sets, product-limit S(d),
Greenwood's variance) on uprate's whole-day convention, cross-checked here (the script stops if they
disagree by more than 1e-12) against statsmodels' `SurvfuncRight` on the expanded per-offer data:
an acceptance on day d at time d (event), an offer censored at age a at time a - 0.5 (so it is in
the risk set of days 0 .. a-1 only), every other offer censored at W - 0.5 (at risk through day
W - 1). statsmodels reports `surv_prob` / `surv_prob_se` at event days; the JSON carries both.

Projection: q(a) = 1 - S(W-1)/S(a) per open offer of age a (S(a) = S(a-1) for a whole age,
log-linear within a day for a fractional one); the curve part of the variance is
computed as J diag(g) J^T with the Jacobian J of the projected count by log(1 - h_j) written out as
a matrix (a different route from uprate's running sums) and checked against central finite
differences of the projected count; the interval is normal, clipped to [0, pending].
Floats are written with repr(), so they round-trip exactly.
"""
import json
import sys

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight


def life_table(events, censored, n):
    events = np.asarray(events, dtype=float)
    censored = np.asarray(censored, dtype=float)
    w = len(events)
    # n_d = N - sum_{j<d} e_j - sum_{j<=d} c_j
    prior_events = np.concatenate([[0.0], np.cumsum(events)[:-1]])
    at_risk = n - prior_events - np.cumsum(censored)
    hazard = np.where(at_risk > 0, events / np.where(at_risk > 0, at_risk, 1), 0.0)
    surv = np.cumprod(1 - hazard)
    ok = (at_risk > events) & (events > 0)
    g = np.where(ok, events / np.where(ok, at_risk * (at_risk - events), 1), 0.0)
    var = np.where(surv > 0, surv ** 2 * np.cumsum(g), 0.0)
    return {'w': w, 'at_risk': at_risk, 'events': events, 'hazard': hazard, 'surv': surv, 'var': var, 'g': g}


def statsmodels_check(events, censored, n, lt):
    w = len(events)
    times, status = [], []
    for d in range(w):
        times += [d] * events[d]
        status += [1] * events[d]
        times += [d - 0.5] * censored[d]
        status += [0] * censored[d]
    rest = n - sum(events) - sum(censored)
    times += [w - 0.5] * rest
    status += [0] * rest
    sf = SurvfuncRight(np.array(times, dtype=float), np.array(status, dtype=float))
    rows = []
    for t, p, se, nr, ne in zip(sf.surv_times, sf.surv_prob, sf.surv_prob_se, sf.n_risk, sf.n_events):
        d = int(round(t))
        assert abs(p - lt['surv'][d]) <= 1e-12, (d, p, lt['surv'][d])
        assert nr == lt['at_risk'][d] and ne == lt['events'][d], (d, nr, ne)
        if np.isfinite(se):
            assert abs(se - np.sqrt(lt['var'][d])) <= 1e-12 * max(1.0, se), (d, se, np.sqrt(lt['var'][d]))
        rows.append({'day': d, 'survProb': float(p), 'survProbSe': float(se) if np.isfinite(se) else None})
    return rows


def km_case(name, events, censored, n):
    lt = life_table(events, censored, n)
    return {
        'name': name,
        'events': list(map(int, events)),
        'censored': list(map(int, censored)),
        'offers': int(n),
        'atRisk': [int(x) for x in lt['at_risk']],
        'survival': [float(x) for x in lt['surv']],
        'cumulative': [float(1 - x) for x in lt['surv']],
        'variance': [float(x) for x in lt['var']],
        'statsmodels': statsmodels_check(events, censored, n, lt),
    }


def surv_at(s_end_of_day, x):
    """S at x days after the offer: S(d-1) * (S(d)/S(d-1))**(x-d), d = floor(x), S(-1) = 1."""
    d = int(np.floor(x))
    before = 1.0 if d == 0 else s_end_of_day[d - 1]
    frac = x - d
    if frac == 0:
        return before
    return before * (s_end_of_day[d] / before) ** frac


def projection(lt, offers, accepted, pending_by_age, declined_by_age, level):
    w = lt['w']
    ages = {}
    pending = 0
    for a, c in pending_by_age:
        ages[a] = ages.get(a, 0) + c
        pending += c
    for a, c in declined_by_age:
        ages[a] = ages.get(a, 0) + c
    age_list = sorted(ages)
    m = np.array([ages[a] for a in age_list], dtype=float)
    u = np.log1p(-lt['hazard'])  # log(1 - h_j); all hazards < 1 in the cases below

    def r_of(u_vec):
        s = np.exp(np.cumsum(u_vec))
        return np.array([s[-1] / surv_at(s, a) for a in age_list])

    r = r_of(u)
    q = 1 - r
    expected = float(np.sum(m * q))
    outcome = float(np.sum(m * q * (1 - q)))
    # coefficient of log(1 - h_j) in log R(a): 1 after floor(a), floor(a) + 1 - a on day floor(a)
    coef = np.zeros((len(age_list), w))
    for i, a in enumerate(age_list):
        d = int(np.floor(a))
        coef[i, d + 1:] = 1
        coef[i, d] = d + 1 - a
    jac = -(m * r) @ coef  # dT/du_j
    curve = float(jac @ np.diag(lt['g']) @ jac)
    # finite-difference check of the Jacobian
    eps = 1e-6
    for j in range(w):
        du = np.zeros(w)
        du[j] = eps
        fd = (np.sum(m * (1 - r_of(u + du))) - np.sum(m * (1 - r_of(u - du)))) / (2 * eps)
        assert abs(fd - jac[j]) <= 1e-5 * max(1.0, abs(jac[j])), (j, fd, jac[j])
    sd = np.sqrt(outcome + curve)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    clip = lambda x: min(pending, max(0.0, x))
    return {
        'offers': offers,
        'accepted': accepted,
        'pendingByAge': [{'age': a, 'count': c} for a, c in pending_by_age],
        'declinedByAge': [{'age': a, 'count': c} for a, c in declined_by_age],
        'level': level,
        'expectedAdditional': clip(expected),
        'outcomeVariance': outcome,
        'curveVariance': curve,
        'rate': (accepted + clip(expected)) / offers,
        'lower': (accepted + clip(expected - z * sd)) / offers,
        'upper': (accepted + clip(expected + z * sd)) / offers,
    }


def realistic(seed, w, per_day, days):
    """A year of daily cohorts: 18 % accept, log-normal delay (median 2 days), the last w days open."""
    rng = np.random.default_rng(seed)
    events = np.zeros(w, dtype=int)
    censored = np.zeros(w, dtype=int)
    n = 0
    for age in range(days):
        k = per_day
        n += k
        accepts = rng.random(k) < 0.18
        delay = np.floor(2 * np.exp(1.1 * rng.standard_normal(k))).astype(int)
        delay = np.minimum(delay, w - 1)
        for acc, d in zip(accepts, delay):
            if acc and d < age:
                events[d] += 1
            elif age < w:
                censored[age] += 1
    return events.tolist(), censored.tolist(), n


def main():
    cases = [
        km_case('hand', [10, 5, 3, 0, 2], [0, 4, 2, 1, 3], 100),
        km_case('censored at age 0', [3, 2, 1], [5, 0, 2], 40),
        km_case('one day', [7], [2], 50),
        km_case('no events', [0, 0, 0, 0], [1, 2, 0, 3], 20),
        km_case('ties and heavy censoring', [4, 4, 4, 4, 4, 4], [10, 10, 10, 10, 10, 10], 100),
        km_case('everyone left accepts', [1, 0, 1], [0, 2, 1], 5),
    ]
    ev, ce, n = realistic(20251120, 30, 40, 365)
    cases.append(km_case('a year of daily cohorts, W = 30', ev, ce, n))

    by_name = {c['name']: life_table(c['events'], c['censored'], c['offers']) for c in cases}
    projections = []
    year = by_name['a year of daily cohorts, W = 30']
    projections.append({'curve': 'a year of daily cohorts, W = 30', **projection(year, 600, 60, [(a, 20 - a // 2) for a in range(15)], [], 0.95)})
    projections.append({'curve': 'a year of daily cohorts, W = 30', **projection(year, 600, 60, [(a, 20 - a // 2) for a in range(15)], [(a, a) for a in range(15)], 0.9)})
    projections.append({'curve': 'a year of daily cohorts, W = 30', **projection(year, 50, 3, [(0, 2), (29, 1), (12, 4)], [(12, 1)], 0.99)})
    projections.append({'curve': 'hand', **projection(by_name['hand'], 30, 4, [(0, 5), (2, 3), (4, 6)], [(1, 2)], 0.95)})
    projections.append({'curve': 'hand', **projection(by_name['hand'], 10, 1, [(0, 1)], [], 0.95)})
    # fractional ages (mid-day ages, as src/insights/projection.ts passes them)
    projections.append({'curve': 'a year of daily cohorts, W = 30', **projection(year, 900, 95, [(0.25, 40), (1.25, 35), (2.5, 30), (13.75, 20), (29.9, 2)], [(1.25, 4), (13.75, 12)], 0.95)})
    projections.append({'curve': 'hand', **projection(by_name['hand'], 30, 4, [(0.5, 5), (3.2, 3), (4.99, 6)], [(0.5, 2)], 0.8)})

    data = {
        'meta': {
            'python': sys.version.split()[0],
            'numpy': np.__version__,
            'scipy': scipy.__version__,
            'statsmodels': statsmodels.__version__,
            'generator': 'test/reference/projection_reference.py',
        },
        'kaplanMeier': cases,
        'projections': projections,
    }
    json.dump(data, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
