"""The logistic layer of the combined model: dense features plus a per-item intercept.

P(correct) = sigmoid(w0 + w . z + d_item), z the features held to their training range and
standardised with the training mean and scale, d_item an item's easiness (0 for an item the
fit never saw). Fitted by Newton's method on the summed log-loss plus ridge penalties:
`item_penalty` / 2 * sum d^2 (a strong pull to 0 for items with few answers, as in Best-LR's
L2-regularised item terms) and a weak `weight_penalty` on w. Both penalties are in units of
answers.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_expit

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray

# Probabilities the model returns stay in this band: a log-loss never sees exactly 0 or 1.
P_BOUNDS = (1e-6, 1.0 - 1e-6)


@dataclass(frozen=True, eq=False, slots=True)
class LogisticLayer:
    mean: FloatArray  # (F,)
    scale: FloatArray  # (F,)
    low: FloatArray  # (F,) smallest value seen in training
    high: FloatArray  # (F,) largest value seen in training
    weights: FloatArray  # (F,) on the standardised features
    intercept: float
    item_effect: FloatArray  # (I,)

    def linear(self, features: FloatArray, item: IntArray) -> FloatArray:
        """w0 + w . z + d_item per row; `item` is -1 for an unknown item."""
        # Features are held to the range seen in training: a linear score must not extrapolate
        # (e.g. 3000 wrong answers in a row when training runs ended at 200).
        z = (np.clip(features, self.low, self.high) - self.mean) / self.scale
        known = (item >= 0) & (item < len(self.item_effect))
        effect = np.append(self.item_effect, 0.0)[np.where(known, item, -1)]
        score: FloatArray = self.intercept + z @ self.weights + effect
        return score

    def probability(self, features: FloatArray, item: IntArray) -> FloatArray:
        p: FloatArray = np.clip(expit(self.linear(features, item)), *P_BOUNDS)
        return p


def log_loss(p: FloatArray, correct: BoolArray) -> float:
    """Mean negative log-likelihood of 0/1 answers under probabilities p."""
    clipped = np.clip(p, *P_BOUNDS)
    return float(-np.mean(np.where(correct, np.log(clipped), np.log1p(-clipped))))


@dataclass(frozen=True, eq=False, slots=True)
class _Problem:
    """The penalised log-loss of a design (intercept column first) plus item intercepts."""

    design: FloatArray  # (N, F + 1), column-major
    y: FloatArray  # (N,) 0/1
    codes: IntArray  # (N,) item code, n_items for no item (a dummy slot held at 0)
    n_items: int
    ridge: FloatArray  # (F + 1,) penalty per weight, 0 for the intercept
    item_penalty: float

    def scores(self, weights: FloatArray, effect: FloatArray) -> FloatArray:
        result: FloatArray = self.design @ weights + np.append(effect, 0.0)[self.codes]
        return result

    def loss(self, score: FloatArray, weights: FloatArray, effect: FloatArray) -> float:
        fit = -float(np.sum(log_expit((2.0 * self.y - 1.0) * score)))
        penalty = float(self.ridge @ (weights * weights)) + self.item_penalty * float(
            effect @ effect
        )
        return fit + 0.5 * penalty

    def _per_item(self, values: FloatArray) -> FloatArray:
        sums = np.bincount(self.codes, values, minlength=self.n_items + 1)
        return np.asarray(sums[: self.n_items], dtype=np.float64)

    def newton_step(
        self, score: FloatArray, weights: FloatArray, effect: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """The Newton direction; the diagonal item block is eliminated (Schur complement)."""
        p = expit(score)
        residual, curvature = p - self.y, p * (1.0 - p)
        gradient_w = self.design.T @ residual + self.ridge * weights
        gradient_d = self._per_item(residual) + self.item_penalty * effect
        hessian_ww = (self.design * curvature[:, None]).T @ self.design + np.diag(self.ridge)
        hessian_dd = self._per_item(curvature) + self.item_penalty
        cross = np.stack([self._per_item(curvature * column) for column in self.design.T])
        scaled_cross = cross / hessian_dd  # (F + 1, I)
        schur = hessian_ww - scaled_cross @ cross.T
        step_w: FloatArray = np.linalg.solve(schur, gradient_w - scaled_cross @ gradient_d)
        step_d: FloatArray = (gradient_d - cross.T @ step_w) / hessian_dd
        return step_w, step_d


def _minimise(
    problem: _Problem, weights: FloatArray, effect: FloatArray, max_iterations: int
) -> tuple[FloatArray, FloatArray]:
    """Newton's method with step halving, until the loss stops improving."""
    score = problem.scores(weights, effect)
    loss = problem.loss(score, weights, effect)
    for _ in range(max_iterations):
        step_w, step_d = problem.newton_step(score, weights, effect)
        size = 1.0
        for _ in range(30):
            trial_w, trial_d = weights - size * step_w, effect - size * step_d
            trial_score = problem.scores(trial_w, trial_d)
            trial_loss = problem.loss(trial_score, trial_w, trial_d)
            if trial_loss <= loss:
                break
            size /= 2.0
        else:
            break
        improvement = loss - trial_loss
        weights, effect, score, loss = trial_w, trial_d, trial_score, trial_loss
        if improvement <= 1e-10 * max(abs(loss), 1.0):
            break
    return weights, effect


def fit_logistic(
    features: FloatArray,
    correct: BoolArray,
    item: IntArray,
    *,
    n_items: int,
    item_penalty: float,
    weight_penalty: float = 1.0,
    max_iterations: int = 50,
    warm_start: LogisticLayer | None = None,
) -> LogisticLayer:
    """Fit the layer; `item` codes 0..n_items-1, or -1 where the item is not known.

    Newton's method with step halving. Each row has at most one item, so the item block of the
    Hessian is diagonal and is eliminated exactly (Schur complement): a step costs one dense
    (F + 1) x (F + 1) solve however many items there are, and a handful of steps converge.
    `warm_start` (a layer fitted on similar data, e.g. with another penalty) starts from its
    solution.
    """
    if item_penalty <= 0:
        raise ValueError("item_penalty must be positive")
    n_rows, n_features = features.shape
    mean = features.mean(axis=0) if n_rows else np.zeros(n_features)
    scale = features.std(axis=0) if n_rows else np.ones(n_features)
    scale = np.where(scale > 1e-9, scale, 1.0)
    y = correct.astype(np.float64)
    ridge = np.full(n_features + 1, weight_penalty)
    ridge[0] = 0.0
    problem = _Problem(
        # Column-major: the Newton step reads the design a column at a time.
        design=np.asfortranarray(np.column_stack([np.ones(n_rows), (features - mean) / scale])),
        y=y,
        codes=np.where(item >= 0, item, n_items),
        n_items=n_items,
        ridge=ridge,
        item_penalty=item_penalty,
    )
    weights, effect = np.zeros(n_features + 1), np.zeros(n_items)
    base_rate = float(np.clip(y.mean(), 1e-3, 1 - 1e-3)) if n_rows else 0.5
    weights[0] = np.log(base_rate / (1.0 - base_rate))
    if warm_start is not None and len(warm_start.item_effect) == n_items:
        # The warm layer's scores, re-expressed on this fit's standardisation.
        weights[1:] = warm_start.weights / warm_start.scale * scale
        shift = ((mean - warm_start.mean) / warm_start.scale) @ warm_start.weights
        weights[0] = warm_start.intercept + float(shift)
        effect = warm_start.item_effect.copy()
    weights, effect = _minimise(problem, weights, effect, max_iterations)
    return LogisticLayer(
        mean=mean,
        scale=scale,
        low=features.min(axis=0) if n_rows else np.full(n_features, -np.inf),
        high=features.max(axis=0) if n_rows else np.full(n_features, np.inf),
        weights=weights[1:],
        intercept=float(weights[0]),
        item_effect=effect,
    )
