"""Item analysis of a course: how each question behaves with the learners a user may see.

Statistics use each learner's FIRST answer to an item: later answers come after feedback and
practice and say more about learning than about the item.

- ``p``: share of first answers that were right (classical difficulty).
- ``r_pb``: point-biserial correlation between being right on the item and the learner's
  *rest score*, the share right on the other items of the course they answered (first answers).
  Practice is adaptive, so learners answer different items: a share, not a sum, compares them.
- IRT: the item's 3PL parameters (a, b, c) as calibrated nightly, the share the model expects
  right given the learners' current abilities, and the standardised residual
  z = (observed - expected) / sqrt(sum p(1 - p)).

Flags and their thresholds (``THRESHOLDS``, shown on the page):
- too easy: p >= 0.95 with at least 10 learners; nearly everyone gets it, it tells nothing.
- too hard: p <= 0.20 with at least 10 learners; below what guessing on a 5-option item gives.
- not discriminating: r_pb < 0.15 with at least 20 learners; knowing the rest does not predict
  this item (a negative value often means a wrong key or an ambiguous stem).
- misfitting: |z| >= 3 and |observed - expected| >= 0.15 with at least 20 learners; the
  calibrated model is far from what happens. Abilities are today's estimates while first
  answers came earlier, so items met early look a little harder than the model says; the
  15-point gap keeps that drift from flagging ordinary items.

Computed with numpy over all learners and items at once (one matrix, no loop per response).
"""

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from django.db.models import Q

from apps.accounts.models import Enrollment, User
from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course
from apps.recommendations.models import LearnerAbility
from apps.recommendations.snapshot import course_snapshot


@dataclass(frozen=True)
class Thresholds:
    too_easy_p: float = 0.95
    too_hard_p: float = 0.20
    min_learners_difficulty: int = 10
    min_discrimination: float = 0.15
    min_learners_discrimination: int = 20
    misfit_z: float = 3.0
    misfit_gap: float = 0.15


THRESHOLDS = Thresholds()
FLAG_LABELS = {
    "too_easy": "Too easy",
    "too_hard": "Too hard",
    "not_discriminating": "Not discriminating",
    "misfitting": "Misfitting",
}


@dataclass(frozen=True)
class ItemStats:
    slug: str
    type: str
    skills: tuple[str, ...]
    a: float
    b: float
    c: float
    learners: int  # learners with a first answer
    responses: int  # every answer, repeats included
    p_correct: float | None
    r_pb: float | None
    expected: float | None
    z: float | None
    flags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ItemAnalysis:
    course: Course
    items: list[ItemStats]
    learners: int
    thresholds: Thresholds = THRESHOLDS

    @property
    def flagged(self) -> list[ItemStats]:
        return [item for item in self.items if item.flags]


def population_filter(user: User) -> Q:
    """Whose answers a user may analyse: an admin everyone's, a teacher their classes'."""
    if user.is_admin_role:
        return Q()
    taught = Enrollment.objects.filter(classroom__owner=user).values("learner_id")
    return Q(learner_id__in=taught)


def _first_answer_matrix(
    learner_ids: npt.NDArray[np.int64],
    item_ids: npt.NDArray[np.int64],
    correct: npt.NDArray[np.float64],
    items: list[int],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Learners x items of first answers (NaN where none); rows are the unique learner ids.
    Input comes ordered by time, so np.unique's first index is the first answer."""
    column = {item_id: j for j, item_id in enumerate(items)}
    known = np.array([i in column for i in item_ids.tolist()], dtype=bool)
    learner_ids, item_ids, correct = learner_ids[known], item_ids[known], correct[known]
    learners, rows = np.unique(learner_ids, return_inverse=True)
    cols = np.array([column[i] for i in item_ids.tolist()], dtype=np.int64)
    matrix = np.full((len(learners), len(items)), np.nan)
    if len(cols):
        _, first = np.unique(rows * len(items) + cols, return_index=True)
        matrix[rows[first], cols[first]] = correct[first]
    return learners, matrix


def _point_biserial(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    answered = ~np.isnan(matrix)
    scores = np.where(answered, matrix, 0.0)
    totals, counts = scores.sum(axis=1, keepdims=True), answered.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = (totals - scores) / (counts - 1)
    usable = answered & (counts > 1)
    n = usable.sum(axis=0)
    x = np.where(usable, scores, 0.0)
    y = np.where(usable, rest, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_x, mean_y = x.sum(axis=0) / n, y.sum(axis=0) / n
        dx = np.where(usable, scores - mean_x, 0.0)
        dy = np.where(usable, rest - mean_y, 0.0)
        r = (dx * dy).sum(axis=0) / np.sqrt((dx**2).sum(axis=0) * (dy**2).sum(axis=0))
    return np.where(np.isfinite(r), r, np.nan)


def _flags(stats: dict[str, float | int | None], t: Thresholds) -> tuple[str, ...]:
    flags = []
    learners = int(stats["learners"] or 0)
    p, r, z, gap = stats["p"], stats["r"], stats["z"], stats["gap"]
    if p is not None and learners >= t.min_learners_difficulty:
        if p >= t.too_easy_p:
            flags.append("too_easy")
        elif p <= t.too_hard_p:
            flags.append("too_hard")
    if learners >= t.min_learners_discrimination:
        if r is not None and r < t.min_discrimination:
            flags.append("not_discriminating")
        if z is not None and gap is not None and abs(z) >= t.misfit_z and abs(gap) >= t.misfit_gap:
            flags.append("misfitting")
    return tuple(flags)


def _number(value: np.floating | float) -> float | None:
    return None if np.isnan(value) else float(value)


def item_analysis(*, user: User, course: Course) -> ItemAnalysis:
    snapshot = course_snapshot(course)
    items = list(snapshot.items)
    rows = list(
        ItemResponse.objects.filter(population_filter(user), item__course=course)
        .order_by("created_at", "id")
        .values_list("learner_id", "item_id", "correct")
    )
    data = np.array(rows, dtype=np.int64).reshape(-1, 3)
    learners, matrix = _first_answer_matrix(
        data[:, 0], data[:, 1], data[:, 2].astype(np.float64), items
    )
    responses = _count_by_item(data[:, 1], items)
    thetas = dict(
        LearnerAbility.objects.filter(course=course, learner_id__in=learners.tolist()).values_list(
            "learner_id", "theta"
        )
    )
    theta = np.array([thetas.get(int(i), 0.0) for i in learners])
    a = np.array([snapshot.items[i].a for i in items])
    b = np.array([snapshot.items[i].b for i in items])
    c = np.array([snapshot.items[i].c for i in items])
    answered = ~np.isnan(matrix)
    n = answered.sum(axis=0)
    expected_p = c + (1 - c) / (1 + np.exp(-a * (theta[:, None] - b)))
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = np.where(answered, matrix, 0.0).sum(axis=0)
        expected = np.where(answered, expected_p, 0.0).sum(axis=0)
        variance = np.where(answered, expected_p * (1 - expected_p), 0.0).sum(axis=0)
        p_correct = observed / n
        z = (observed - expected) / np.sqrt(variance)
        gap = (observed - expected) / n
    r_pb = _point_biserial(matrix)
    stats = []
    for j, item_id in enumerate(items):
        node = snapshot.items[item_id]
        has = n[j] > 0
        values = {
            "learners": int(n[j]),
            "p": _number(p_correct[j]) if has else None,
            "r": _number(r_pb[j]) if has else None,
            "z": _number(z[j]) if has else None,
            "gap": _number(gap[j]) if has else None,
        }
        stats.append(
            ItemStats(
                slug=node.slug,
                type=node.type,
                skills=tuple(snapshot.skills[s].name for s in node.skill_ids),
                a=node.a,
                b=node.b,
                c=node.c,
                learners=int(n[j]),
                responses=int(responses[j]),
                p_correct=values["p"],
                r_pb=values["r"],
                expected=_number(expected[j] / n[j]) if has else None,
                z=values["z"],
                flags=_flags(values, THRESHOLDS),
            )
        )
    return ItemAnalysis(course=course, items=stats, learners=len(learners))


def _count_by_item(item_ids: npt.NDArray[np.int64], items: list[int]) -> npt.NDArray[np.int64]:
    position = {item_id: j for j, item_id in enumerate(items)}
    counts = np.zeros(len(items), dtype=np.int64)
    for item_id, count in zip(*np.unique(item_ids, return_counts=True), strict=True):
        if int(item_id) in position:
            counts[position[int(item_id)]] = count
    return counts
