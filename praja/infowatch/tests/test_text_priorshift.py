"""Prior-shift adjustment by EM on unlabelled scores (Saerens et al. 2002): a batch whose label share differs from
the training share gets its share back, and the decision at 0.5 of the adjusted probability holds."""

from __future__ import annotations

import numpy as np

from praja.infowatch.text import priorshift


def _calibrated_batch(share: float, n: int, seed: int, train_prior: float) -> tuple[np.ndarray, np.ndarray]:
    """Labels with the given share and scores calibrated for `train_prior` (as a model trained there gives)."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < share
    # a likelihood ratio from two Gaussians, turned into a posterior under the training prior
    x = np.where(y, rng.normal(1.0, 1.0, n), rng.normal(-1.0, 1.0, n))
    lr = np.exp(2.0 * x)
    odds = lr * train_prior / (1 - train_prior)
    return odds / (1 + odds), y


def test_em_recovers_the_share_of_a_batch_far_from_the_training_share() -> None:
    scores, y = _calibrated_batch(0.08, 4000, 1, train_prior=0.42)
    est = priorshift.em_prior(scores, 0.42)
    assert abs(est - y.mean()) < 0.02
    assert abs(scores.mean() - y.mean()) > 0.1  # the raw scores alone are far off


def test_the_adjusted_decision_makes_fewer_errors_on_the_shifted_batch() -> None:
    scores, y = _calibrated_batch(0.08, 4000, 2, train_prior=0.42)
    sh = priorshift.shift(scores, 0.42)
    raw_errors = int(((scores >= 0.5) != y).sum())
    adjusted_errors = int(((sh.adjusted >= priorshift.DECISION) != y).sum())
    assert sh.applied and adjusted_errors < raw_errors
    assert sh.low <= sh.batch_prior <= sh.high
    assert np.all(sh.adjusted_low <= sh.adjusted_high + 1e-12)


def test_a_small_batch_is_left_as_it_is() -> None:
    scores = np.array([0.9, 0.1, 0.6])
    sh = priorshift.shift(scores, 0.42, min_batch=30)
    assert not sh.applied and np.allclose(sh.adjusted, scores)


def test_no_shift_when_the_batch_has_the_training_share() -> None:
    scores, _y = _calibrated_batch(0.42, 4000, 3, train_prior=0.42)
    assert abs(priorshift.em_prior(scores, 0.42) - 0.42) < 0.03
