"""Decisions that hold on new data: adjust calibrated scores to the label share of a new batch, without labels.

A classifier's calibrated score p(y=1|x) carries the label share of its training data (the prior). On a new
election, or a new channel, the share differs (hate speech is rarer in a regency's election posts than in a
corpus collected for hate speech), and every score is off by the same prior ratio. Saerens, Latinne and
Decaestecker (2002, "Adjusting the outputs of a classifier to new a priori probabilities: a simple procedure",
Neural Computation 14(1)) estimate the new prior by EM on the unlabelled scores alone:

    E: p'(y=1|x) = (pi'/pi) p / ((pi'/pi) p + ((1-pi')/(1-pi)) (1-p))
    M: pi' = mean of p'(y=1|x) over the batch

from pi' = pi until it moves less than ``tol``. The adjusted scores are again calibrated probabilities (for the
new share), so the decision rule stays the Bayes rule for equal costs: the label is set at an adjusted
probability of 0.5 or more (``DECISION``). A batch too small to estimate a share (``min_batch``) is left as it is.

Uncertainty: the share is re-estimated on ``rounds`` bootstrap resamples of the batch; each item's adjusted
probability is reported with the range its score takes between the 5th and 95th percentile shares.

Pure: numpy only, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DECISION = 0.5
EPS = 1e-6

FloatArray = npt.NDArray[np.float64]


def adjust(scores: FloatArray, train_prior: float, new_prior: float) -> FloatArray:
    """Scores calibrated for ``train_prior`` brought to ``new_prior`` (Bayes' rule on the prior ratio)."""
    p = np.clip(np.asarray(scores, dtype=np.float64), EPS, 1 - EPS)
    a = (new_prior / train_prior) * p
    b = ((1 - new_prior) / (1 - train_prior)) * (1 - p)
    out: FloatArray = a / (a + b)
    return out


def em_prior(scores: FloatArray, train_prior: float, *, tol: float = 1e-6, max_iter: int = 200) -> float:
    """The label share of the batch estimated by EM on its unlabelled scores (Saerens et al. 2002)."""
    p = np.asarray(scores, dtype=np.float64)
    if p.size == 0:
        return train_prior
    pi = float(train_prior)
    for _ in range(max_iter):
        new = float(adjust(p, train_prior, pi).mean())
        new = min(max(new, EPS), 1 - EPS)
        if abs(new - pi) < tol:
            return new
        pi = new
    return pi


@dataclass
class Shift:
    train_prior: float
    batch_prior: float
    low: float  # 5th percentile of the bootstrap shares
    high: float  # 95th percentile
    adjusted: FloatArray
    adjusted_low: FloatArray
    adjusted_high: FloatArray
    applied: bool  # False: the batch was too small, scores unchanged


def shift(scores: FloatArray, train_prior: float, *, min_batch: int = 30, rounds: int = 50,
          seed: int = 0) -> Shift:
    """Adjust ``scores`` to the batch's own share, with the bootstrap range of that share."""
    p = np.asarray(scores, dtype=np.float64)
    if p.size < min_batch:
        return Shift(train_prior, train_prior, train_prior, train_prior, p.copy(), p.copy(), p.copy(), False)
    pi = em_prior(p, train_prior)
    rng = np.random.default_rng(seed)
    boots = np.array([em_prior(p[rng.integers(0, p.size, p.size)], train_prior) for _ in range(rounds)])
    lo, hi = float(np.percentile(boots, 5)), float(np.percentile(boots, 95))
    return Shift(train_prior, pi, lo, hi, adjust(p, train_prior, pi), adjust(p, train_prior, lo),
                 adjust(p, train_prior, hi), True)
