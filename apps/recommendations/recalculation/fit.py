"""The fitting phases of a recalculation: BKT per skill and item calibration per course.

Minimum evidence (below it a skill keeps its parameters, DEFAULT_BKT until a first fit, and an
item keeps its authored or last calibrated values):
- BKT: 200 responses from at least 20 learners. The prior is estimated from one first answer per
  learner, so with fewer than 20 its standard error exceeds 0.1 (sqrt(0.25 / 20)); with the
  engine's simulated data, EM recovers learn, guess and slip within about 0.05 from a few hundred
  responses and drifts to the bounds with fewer.
- Items: first answers from 100 learners, some right and some wrong. With 100 examinees the
  difficulty's standard error is about 0.25 logits for a = 1, already finer than authors' guesses;
  fewer make the slope unstable. A calibrated item is written only when the calibration
  converged and its estimates are plausible (0.2 <= a <= 5, |b| <= 5); see `_calibrate` for
  items that keep EM from converging. The engine's standard errors are not used as a filter:
  they come from the cross-product of per-learner scores, which is singular while a course
  has fewer learners than twice its items (500 learners, 267 items: median SE of a = 62).
Only first answers enter the calibration: later ones come after feedback and practice, so they
are not independent draws at the learner's ability.

A skill with enough evidence that still cannot be fitted (e.g. every answer right: the engine
reports a `fallback` instead of fitting) keeps its parameters like one with too little data;
the run counts it as `skills_fallback`, apart from `skills_fitted` (new versions stored).

Items are calibrated as 3PL with each item's guessing held at its authored value (1 / options
for a choice item, 0 for numeric and short text, where it is the 2PL): a handful of first
answers per item cannot estimate c, and fitting a choice item as 2PL instead flattens its slope
(tests/engine/test_irt_calibrate.py). Only a and b are written back.
"""

import math
from dataclasses import dataclass, field, replace

import numpy as np
from django.db import transaction
from django.db.models import Max

from apps.curriculum.models import Item
from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.bkt_fit import BktFitOptions, BktSkillFit, fit_bkt_skills
from apps.recommendations.engine.irt_calibrate import (
    CalibrationOptions,
    CalibrationResult,
    calibrate_irt_answers,
)
from apps.recommendations.engine.irt_uncertainty import ItemEstimates
from apps.recommendations.engine.sequences import ResponseLog, sequence_ids
from apps.recommendations.models import SkillParameters
from apps.recommendations.recalculation.log import CourseResponses, CourseStructure
from apps.recommendations.recalculation.runs import recalculation_lock_refresh

MIN_BKT_RESPONSES = 200
MIN_BKT_LEARNERS = 20
MIN_IRT_LEARNERS = 100
SLOPE_RANGE = (0.2, 5.0)
DIFFICULTY_LIMIT = 5.0
# Items whose calibrated values moved less than this keep their row as it is: fewer learners
# to rebuild, and the snapshot stays valid when nothing really changed.
ITEM_CHANGE_TOLERANCE = 1e-3
BKT_OPTIONS = BktFitOptions(restarts=5, seed=0)
# Converged when no parameter moves by 1e-4 in a cycle: far finer than authored values.
IRT_OPTIONS = CalibrationOptions(model="3pl", max_iterations=1000, tolerance=1e-4)


@dataclass(frozen=True, slots=True)
class BktRefit:
    params: tuple[BktParams, ...]  # skill code -> parameters in force after the refit
    fitted: IntArray  # skill codes given a new version
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IrtRecalibration:
    a: FloatArray
    b: FloatArray
    c: FloatArray
    changed: IntArray  # item codes written
    counts: dict[str, int] = field(default_factory=dict)


def _json_number(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else value


def _evidence_per_skill(log: ResponseLog, n_skills: int) -> tuple[IntArray, IntArray]:
    """(responses, learners) per skill code."""
    responses = np.bincount(log.skill, minlength=n_skills)
    _, skill_of_sequence = sequence_ids(log.learner, log.skill)
    learners = np.bincount(skill_of_sequence, minlength=n_skills) if log.size else responses
    return responses.astype(np.int64), learners.astype(np.int64)


def bkt_refit(
    *,
    structure: CourseStructure,
    responses: CourseResponses,
    candidates: IntArray,
    run_id: int | None,
) -> BktRefit:
    """Fit the candidate skills that have enough evidence from their whole log (one EM run for
    all of them) and store each fit as the skill's new active version. A skill the engine
    could not fit (its `fallback` says why) stores nothing and keeps the parameters it has."""
    log, _, _ = responses.skill_log(structure)
    n_responses, n_learners = _evidence_per_skill(log, structure.n_skills)
    enough = (n_responses >= MIN_BKT_RESPONSES) & (n_learners >= MIN_BKT_LEARNERS)
    chosen = np.intersect1d(candidates, np.flatnonzero(enough))
    if run_id is not None and len(chosen):
        # A retried task does not refit what this run already stored.
        done = SkillParameters.objects.filter(
            run_id=run_id, skill_id__in=structure.skill_ids[chosen].tolist()
        ).values_list("skill_id", flat=True)
        chosen = chosen[~np.isin(structure.skill_ids[chosen], list(done))]
    counts = {
        "skills_considered": len(candidates),
        "skills_fitted": 0,
        "skills_too_little_data": int(np.sum(~enough[candidates])),
        "skills_fallback": 0,
    }
    if not len(chosen):
        return BktRefit(params=structure.params, fitted=chosen, counts=counts)
    fits = _fit_skills(structure, log, chosen)
    fell_back = np.array([fit.fallback is not None for fit in fits], dtype=np.bool_)
    fitted = chosen[~fell_back]
    kept = [fit for fit in fits if fit.fallback is None]
    if kept:
        _store_fits(structure, fitted, tuple(kept), run_id)
    params = list(structure.params)
    for code, fit in zip(fitted.tolist(), kept, strict=True):
        params[code] = fit.params
    counts["skills_fitted"] = len(fitted)
    counts["skills_fallback"] = int(fell_back.sum())
    counts["skills_not_converged"] = sum(not fit.converged for fit in kept)
    return BktRefit(params=tuple(params), fitted=fitted, counts=counts)


def _fit_skills(
    structure: CourseStructure, log: ResponseLog, chosen: IntArray
) -> tuple[BktSkillFit, ...]:
    """One EM run over the chosen skills' responses; the fits follow the order of `chosen`."""
    rows = np.isin(log.skill, chosen)
    return fit_bkt_skills(
        ResponseLog(
            learner=log.learner[rows],
            skill=np.searchsorted(chosen, log.skill[rows]).astype(np.int64),
            correct=log.correct[rows],
            learner_names=log.learner_names,
            skill_names=tuple(structure.skill_slugs[code] for code in chosen),
        ),
        BKT_OPTIONS,
    )


@transaction.atomic
def _store_fits(
    structure: CourseStructure,
    codes: IntArray,
    fits: tuple[BktSkillFit, ...],
    run_id: int | None,
) -> None:
    if run_id is not None:
        recalculation_lock_refresh(run_id=run_id)  # a taken-over run writes nothing more
    skill_ids = [int(structure.skill_ids[code]) for code in codes]
    latest = dict(
        SkillParameters.objects.filter(skill_id__in=skill_ids)
        .values("skill_id")
        .annotate(version=Max("version"))
        .values_list("skill_id", "version")
    )
    SkillParameters.objects.filter(skill_id__in=skill_ids, is_active=True).update(is_active=False)
    SkillParameters.objects.bulk_create(
        SkillParameters(
            skill_id=skill_id,
            version=latest.get(skill_id, 0) + 1,
            is_active=True,
            **fit.params.as_dict(),
            log_likelihood=_json_number(fit.log_likelihood),
            n_responses=fit.response_count,
            n_learners=fit.sequence_count,
            standard_errors={
                name: _json_number(value) for name, value in fit.standard_errors.as_dict().items()
            },
            run_id=run_id,
        )
        for skill_id, fit in zip(skill_ids, fits, strict=True)
    )


def _first_answers(responses: CourseResponses, n_items: int) -> tuple[IntArray, IntArray, IntArray]:
    """Each learner's first answer to each item: (row indexes, answers per item, right per item)."""
    _, learner_code = responses.learner_codes()
    _, first = np.unique(learner_code * n_items + responses.item_code, return_index=True)
    items = responses.item_code[first]
    answered = np.bincount(items, minlength=n_items).astype(np.int64)
    right = np.bincount(items, weights=responses.correct[first], minlength=n_items)
    return first.astype(np.int64), answered, right.astype(np.int64)


def _first_answers_to(
    responses: CourseResponses, first: IntArray, items: IntArray
) -> tuple[IntArray, IntArray, BoolArray]:
    """Long-form first answers to `items` (sorted codes): (learner, position in items, right).
    Long form, not a learners x items table: memory grows with the answers only."""
    rows = first[np.isin(responses.item_code[first], items)]
    _, learner = np.unique(responses.learner_id[rows], return_inverse=True)
    position = np.searchsorted(items, responses.item_code[rows])
    return learner.astype(np.int64), position.astype(np.int64), responses.correct[rows]


def _plausible(estimates: ItemEstimates) -> BoolArray:
    return (
        np.isfinite(estimates.a)
        & np.isfinite(estimates.b)
        & (estimates.a >= SLOPE_RANGE[0])
        & (estimates.a <= SLOPE_RANGE[1])
        & (np.abs(estimates.b) <= DIFFICULTY_LIMIT)
    )


def _calibrated(
    responses: CourseResponses, first: IntArray, items: IntArray, guessing: FloatArray
) -> CalibrationResult:
    options = replace(IRT_OPTIONS, fixed_guessing=tuple(float(c) for c in guessing[items]))
    learner, position, right = _first_answers_to(responses, first, items)
    return calibrate_irt_answers(learner, position, right, n_items=len(items), options=options)


def _calibrate(
    responses: CourseResponses,
    first: IntArray,
    items: IntArray,
    guessing: FloatArray,
    counts: dict[str, int],
) -> tuple[IntArray, ItemEstimates | None]:
    """(item codes, their estimates) of the plausible items of a converged calibration.

    An item the data barely ties to the common ability (slope near zero or negative: it
    measures something else) can drift without end and keep EM from converging; then the
    implausible items are dropped and the rest calibrated again, once."""
    result = _calibrated(responses, first, items, guessing)
    counts["irt_iterations"] = result.iterations
    plausible = _plausible(result.items)
    if not result.converged and plausible.any():
        items = items[plausible]
        result = _calibrated(responses, first, items, guessing)
        counts["irt_iterations"] += result.iterations
        plausible = _plausible(result.items)
    if not result.converged:
        counts["irt_not_converged"] = 1
        return items[:0], None
    return items[plausible], _subset(result.items, plausible)


def _subset(estimates: ItemEstimates, rows: BoolArray) -> ItemEstimates:
    return ItemEstimates(
        **{name: getattr(estimates, name)[rows] for name in ItemEstimates.__dataclass_fields__}
    )


def irt_recalibrate(*, structure: CourseStructure, responses: CourseResponses) -> IrtRecalibration:
    """Calibrate the items with enough first answers (together, each with its authored
    guessing) and write those that calibrated and moved."""
    a, b, c = structure.item_a.copy(), structure.item_b.copy(), structure.item_c.copy()
    first, answered, right = _first_answers(responses, structure.n_items)
    eligible = np.flatnonzero((answered >= MIN_IRT_LEARNERS) & (right > 0) & (right < answered))
    counts = {
        "items_eligible": len(eligible),
        "items_too_little_data": int(np.sum(answered > 0)) - len(eligible),
        "items_calibrated": 0,
        "items_implausible": 0,
        "items_changed": 0,
    }
    if len(eligible) == 0:
        return IrtRecalibration(a=a, b=b, c=c, changed=eligible, counts=counts)
    codes, estimates = _calibrate(responses, first, eligible, c, counts)
    counts["items_calibrated"] = len(codes)
    counts["items_implausible"] = len(eligible) - len(codes) if estimates is not None else 0
    if estimates is None:
        return IrtRecalibration(a=a, b=b, c=c, changed=codes, counts=counts)
    moved = (np.abs(estimates.a - a[codes]) > ITEM_CHANGE_TOLERANCE) | (
        np.abs(estimates.b - b[codes]) > ITEM_CHANGE_TOLERANCE
    )
    changed = codes[moved]
    a[changed], b[changed] = estimates.a[moved], estimates.b[moved]
    _store_items(structure, changed, a, b)
    counts["items_changed"] = len(changed)
    return IrtRecalibration(a=a, b=b, c=c, changed=changed, counts=counts)


def _store_items(structure: CourseStructure, codes: IntArray, a: FloatArray, b: FloatArray) -> None:
    Item.objects.bulk_update(
        [
            Item(
                pk=int(structure.item_ids[code]),
                irt_a=float(a[code]),
                irt_b=float(b[code]),
            )
            for code in codes
        ],
        ["irt_a", "irt_b"],
        batch_size=500,
    )
