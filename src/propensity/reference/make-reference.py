#!/usr/bin/python3
"""
Reference numbers for src/propensity/logistic.test.ts and metrics.test.ts, from statsmodels.

Run by hand from the repository root when the cases change (CI reads only the JSON):

    /usr/bin/python3 src/propensity/reference/make-reference.py

Needs numpy, scipy and statsmodels 0.13 (Debian: python3-statsmodels). Writes
logistic-reference.json and metrics-reference.json beside this script; the data sets are
generated from a fixed numpy seed and stored in the JSON, so the tests never re-generate them.

Penalised fits: statsmodels' GLM.fit_regularized(L1_wt=0, alpha=a) minimises
    -loglike(b)/nobs + sum(a_j * b_j**2)/2            (GLM._fit_ridge; nobs = rows, not sum of freq weights)
so the contract's lambda/2 * sum_{j>0} b_j**2 on the log-likelihood is a_j = lambda/nobs for
j > 0 and a_0 = 0. Its BFGS stops at gtol 1e-5, too loose for a 1e-6 comparison, so its answer is
polished with scipy's trust-exact (analytic gradient and Hessian) and a few Newton steps, and the penalised score
equations are checked to be zero; the distance between the two is recorded as a check that the
lambda <-> alpha mapping is right.
"""
import json
import os
import warnings

import numpy as np
import scipy.optimize
import statsmodels.api as sm
from statsmodels.stats.proportion import proportion_confint

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240611)

# ---- logistic regression data: 400 offers -----------------------------------------------------
n = 400
tenure = rng.gamma(2.0, 12.0, n)                       # months, skewed
engagement = rng.normal(0.0, 1.0, n)
stage = rng.choice(["onboarding", "expansion", "mature"], n, p=[0.3, 0.45, 0.25])
upsells_before = rng.poisson(1.2, n)
columns = [
    "(intercept)",
    "Customers.tenureMonths (standardised)",
    "Customers.engagementScore (standardised)",
    "Customers.lifecycleStage = expansion",
    "Customers.lifecycleStage = mature",
    "log(1 + upsells before)",
]
X = np.column_stack([
    np.ones(n),
    (tenure - tenure.mean()) / tenure.std(),
    (engagement - engagement.mean()) / engagement.std(),
    (stage == "expansion").astype(float),
    (stage == "mature").astype(float),
    np.log1p(upsells_before),
])
true_beta = np.array([-1.6, 0.35, 0.8, 0.5, -0.4, 0.45])
y = (rng.random(n) < 1 / (1 + np.exp(-X @ true_beta))).astype(float)
w = rng.integers(1, 5, n).astype(float)                # frequency weights 1..4


def loglike(beta, weights):
    eta = X @ beta
    return float(np.sum(weights * (y * eta - np.logaddexp(0, eta))))


def penalised_objective(lam, weights):
    pen = np.r_[0.0, np.ones(X.shape[1] - 1)]

    def f(b):
        return -loglike(b, weights) + lam / 2 * np.sum(pen * b * b)

    def g(b):
        mu = 1 / (1 + np.exp(-X @ b))
        return -(X.T @ (weights * (y - mu))) + lam * pen * b

    def h(b):
        mu = 1 / (1 + np.exp(-X @ b))
        return X.T @ (X * (weights * mu * (1 - mu))[:, None]) + lam * np.diag(pen)

    return f, g, h


def glm_case(name, weights):
    kw = {} if weights is None else {"freq_weights": weights}
    res = sm.GLM(y, X, family=sm.families.Binomial(), **kw).fit(tol=1e-14, maxiter=100)
    out = {
        "name": name,
        "weighted": weights is not None,
        "lambda": 0.0,
        "coefficients": res.params.tolist(),
        "standardErrors": res.bse.tolist(),
        "logLikelihood": float(res.llf),
        "deviance": float(res.deviance),
        "source": "statsmodels GLM(Binomial" + (", freq_weights" if weights is not None else "") + ").fit(tol=1e-14)",
    }
    if weights is None:
        logit = sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-14, maxiter=100)
        assert np.allclose(logit.params, res.params, rtol=1e-9), "Logit and GLM disagree"
        assert np.allclose(logit.bse, res.bse, rtol=1e-7), "Logit and GLM SEs disagree"
        out["source"] += "; sm.Logit agrees"
    return out


def ridge_case(name, weights, lam):
    wts = np.ones(n) if weights is None else weights
    kw = {} if weights is None else {"freq_weights": weights}
    model = sm.GLM(y, X, family=sm.families.Binomial(), **kw)
    alpha = np.r_[0.0, np.full(X.shape[1] - 1, lam / model.nobs)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm_params = np.asarray(model.fit_regularized(alpha=alpha, L1_wt=0.0).params)
    f, g, h = penalised_objective(lam, wts)
    opt = scipy.optimize.minimize(f, sm_params, jac=g, hess=h, method="trust-exact",
                                  options={"gtol": 1e-13, "maxiter": 200})
    beta = opt.x
    for _ in range(5):  # trust-exact stops near 1e-8; plain Newton steps finish the job
        beta = beta - np.linalg.solve(h(beta), g(beta))
    grad = g(beta)
    assert np.max(np.abs(grad)) < 1e-9, f"penalised score not zero: {grad}"
    cov = np.linalg.inv(h(beta))
    statsmodels_gap = float(np.max(np.abs(sm_params - beta) / np.maximum(1, np.abs(beta))))
    assert statsmodels_gap < 1e-3, f"statsmodels ridge disagrees ({statsmodels_gap}): lambda mapping wrong?"
    return {
        "name": name,
        "weighted": weights is not None,
        "lambda": lam,
        "coefficients": beta.tolist(),
        "standardErrors": np.sqrt(np.diag(cov)).tolist(),
        "logLikelihood": float(-f(beta)),
        "deviance": float(-2 * loglike(beta, wts)),
        "maxAbsScore": float(np.max(np.abs(grad))),
        "statsmodelsRidgeGap": statsmodels_gap,
        "source": f"statsmodels GLM.fit_regularized(L1_wt=0, alpha=[0, {lam}/{model.nobs}, ...]) polished by scipy trust-exact and Newton steps; penalised score max |g| = {np.max(np.abs(grad)):.1e}",
    }


logistic = {
    "columns": columns,
    "rows": n,
    "x": X.ravel().tolist(),
    "y": y.tolist(),
    "weight": w.tolist(),
    "cases": [
        glm_case("unweighted", None),
        glm_case("frequency weights", w),
        ridge_case("ridge lambda 8", None, 8.0),
        ridge_case("ridge lambda 8, frequency weights", w, 8.0),
        ridge_case("ridge lambda 200", None, 200.0),
    ],
}

# ---- holdout metrics data: 300 offers of 60 customers -----------------------------------------
m = 300
customer = rng.integers(0, 60, m)
score = np.round(1 / (1 + np.exp(-(rng.normal(-1.2, 1.0, m)))), 2)   # rounded: many ties
outcome = (rng.random(m) < score).astype(float)
mw = rng.integers(1, 4, m).astype(float)


def weighted_auc(p, yy, ww):
    """Every (accepted, not accepted) pair, ties counted 1/2: O(n^2), independent of the one-pass sum."""
    pos = yy == 1
    neg = ~pos
    pp, wp = p[pos], ww[pos]
    pn, wn = p[neg], ww[neg]
    greater = (pp[:, None] > pn[None, :]).astype(float) + 0.5 * (pp[:, None] == pn[None, :])
    return float(np.sum(wp[:, None] * wn[None, :] * greater) / (wp.sum() * wn.sum()))


def calibration(p, yy, ww):
    """Stable sort by prediction; a row goes to decile floor(10 (W_before + w/2) / W)."""
    order = np.argsort(p, kind="stable")
    cum = np.cumsum(ww[order]) - ww[order] / 2
    b = np.minimum(9, np.floor(10 * cum / ww.sum())).astype(int)
    bins = []
    for k in range(10):
        idx = order[b == k]
        if len(idx) == 0:
            continue
        offers = float(ww[idx].sum())
        accepted = float((ww[idx] * yy[idx]).sum())
        lo, hi = proportion_confint(accepted, offers, alpha=0.05, method="wilson")
        bins.append({
            "bin": k + 1, "offers": offers, "accepted": accepted,
            "meanPredicted": float((ww[idx] * p[idx]).sum() / offers),
            "observed": accepted / offers,
            "lower": 0.0 if accepted == 0 else float(lo), "upper": 1.0 if accepted == offers else float(hi),
        })
    return bins


def top_decile_lift(p, yy, ww):
    """The top 10 % of weight by prediction; a group of tied predictions straddling the cut counts pro rata."""
    total = ww.sum()
    target = 0.1 * total
    taken = 0.0
    accepted = 0.0
    for value in sorted(set(p.tolist()), reverse=True):
        g = p == value
        gw, ga = ww[g].sum(), (ww[g] * yy[g]).sum()
        share = min(1.0, (target - taken) / gw)
        taken += share * gw
        accepted += share * ga
        if taken >= target:
            break
    return float((accepted / taken) / ((ww * yy).sum() / total))


eps = 1e-15
clipped = np.clip(score, eps, 1 - eps)
metrics = {
    "predicted": score.tolist(),
    "outcome": outcome.tolist(),
    "weight": mw.tolist(),
    "customer": [f"c{c:02d}" for c in customer],
    "weighted": {
        "auc": weighted_auc(score, outcome, mw),
        "brier": float(np.sum(mw * (score - outcome) ** 2) / mw.sum()),
        "logLoss": float(-np.sum(mw * (outcome * np.log(clipped) + (1 - outcome) * np.log(1 - clipped))) / mw.sum()),
        "calibration": calibration(score, outcome, mw),
        "topDecileLift": top_decile_lift(score, outcome, mw),
    },
    "unweighted": {
        "auc": weighted_auc(score, outcome, np.ones(m)),
        "brier": float(np.mean((score - outcome) ** 2)),
        "logLoss": float(-np.mean(outcome * np.log(clipped) + (1 - outcome) * np.log(1 - clipped))),
        "calibration": calibration(score, outcome, np.ones(m)),
        "topDecileLift": top_decile_lift(score, outcome, np.ones(m)),
    },
    "source": "numpy: AUC by counting every pair; Wilson intervals from statsmodels proportion_confint(method='wilson')",
}

def dumps(value, indent=""):
    """JSON with each list of numbers or strings on one line: readable, and diffs stay small."""
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {dumps(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + dumps(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value)


for name, data in (("logistic-reference.json", logistic), ("metrics-reference.json", metrics)):
    with open(os.path.join(HERE, name), "w") as fh:
        fh.write(dumps(data) + "\n")
    print("wrote", name)
for case in logistic["cases"]:
    print(case["name"], np.round(case["coefficients"], 4), case.get("statsmodelsRidgeGap", ""))
