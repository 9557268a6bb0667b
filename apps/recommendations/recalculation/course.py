"""The nightly (or manual) recalculation of one course, and the public entry points.

Phases, each timed and counted in the run:
1. load: the course's structure and its whole response log, in bulk.
2. bkt_fit: refit BKT for the skills with responses newer than the last successful run's
   watermark (every skill with `full`) from their whole log; new active versions.
3. irt_calibration: calibration of the course's items (a and b; each item's authored guessing
   held fixed) when it has new responses.
4. learner_model: refit the next-answer predictor on the whole log when there are new
   responses (or `full`) and enough of them; a new active version (`learner_model`).
5. replay + write: rebuild the learners affected (new answers, or answers to a refitted skill or
   a recalibrated item; every learner after a learner-model refit, whose states it relabels)
   with the new parameters, then write them in batches.
6. publish: bump the course's content_version so the hot path's cached snapshot picks up
   the new parameters (BKT, items, the learner model: the snapshot reads the active fit).
7. quality: log-loss, AUC and calibration of the live model's recent predictions
   (`quality.model_quality_record`), one report per course and run.
The course's work is idempotent: a redelivered or retried task repeats nothing it recorded.
While it runs, a heartbeat keeps the run's lock alive (``heartbeat``); each phase's end and each
write checks the lock is still the run's, so a run taken over as dead stops there.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from django.conf import settings

from apps.accounts.models import User
from apps.curriculum.models import Course
from apps.curriculum.services import course_touch
from apps.recommendations.engine.arrays import IntArray
from apps.recommendations.models import RecalculationRun, RunStatus
from apps.recommendations.recalculation.fit import (
    BktRefit,
    IrtRecalibration,
    bkt_refit,
    irt_recalibrate,
)
from apps.recommendations.recalculation.heartbeat import RunHeartbeat
from apps.recommendations.recalculation.learner_model import (
    LearnerModelRefit,
    learner_model_refit,
)
from apps.recommendations.recalculation.log import (
    CourseResponses,
    CourseStructure,
    course_responses_load,
    course_structure_load,
)
from apps.recommendations.recalculation.quality import model_quality_record
from apps.recommendations.recalculation.rebuild import learner_states_compute, learner_states_write
from apps.recommendations.recalculation.runs import (
    CourseOutcome,
    RecalculationLockLost,
    course_already_done,
    previous_watermark,
    recalculation_course_done,
    recalculation_fail,
    recalculation_lock_refresh,
    recalculation_start,
)

__all__ = [
    "PHASES",
    "CourseOutcome",
    "recalculate_course",
    "recalculation_fail",
    "recalculation_start",
]

PHASES = (
    "load",
    "bkt_fit",
    "irt_calibration",
    "learner_model",
    "replay",
    "write",
    "publish",
    "quality",
)
Progress = Callable[[str], None]
logger = logging.getLogger(__name__)


class _Clock:
    """Times each phase; at each phase's end checks (and extends) the run's lock."""

    def __init__(self, run_id: int, progress: Progress | None) -> None:
        self.timings: dict[str, float] = {}
        self._run_id = run_id
        self._progress = progress
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = now - self._last
        if settings.RECALCULATION_PHASE_PAUSE_SECONDS:
            # Fault tests only (0 otherwise): a window in which to kill a worker mid-run.
            time.sleep(settings.RECALCULATION_PHASE_PAUSE_SECONDS)
        recalculation_lock_refresh(run_id=self._run_id)
        self._last = time.perf_counter()
        if self._progress is not None:
            self._progress(phase)


def _skills_with_new_responses(
    structure: CourseStructure, responses: CourseResponses, since: int
) -> IntArray:
    new_items = np.unique(responses.item_code[responses.response_id > since])
    codes = {code for item in new_items.tolist() for code in structure.skills_of_item[item]}
    return np.array(sorted(codes), dtype=np.int64)


def _affected_learners(
    structure: CourseStructure,
    responses: CourseResponses,
    since: int,
    refitted: IntArray,
    changed_items: IntArray,
    everyone: bool,
) -> IntArray:
    if everyone:
        return _active(np.unique(responses.learner_id))
    touches_refit = np.array(
        [bool(set(tags) & set(refitted.tolist())) for tags in structure.skills_of_item],
        dtype=np.bool_,
    )
    touches_refit[changed_items] = True
    rows = (responses.response_id > since) | touches_refit[responses.item_code]
    return _active(np.unique(responses.learner_id[rows]))


def _active(learners: IntArray) -> IntArray:
    """Without deactivated accounts: an erased learner's anonymised answers stay in the log for
    the fits and item statistics, but no state is rebuilt for the emptied account."""
    inactive = User.objects.filter(is_active=False).values_list("pk", flat=True)
    return np.setdiff1d(learners, np.fromiter(inactive, dtype=np.int64), assume_unique=True)


@dataclass(frozen=True, slots=True)
class _Fitted:
    structure: CourseStructure  # with the parameters in force after the fits
    refit: BktRefit
    irt: IrtRecalibration | None

    @property
    def changed_items(self) -> IntArray:
        return self.irt.changed if self.irt is not None else np.zeros(0, dtype=np.int64)

    @property
    def changed(self) -> bool:
        return len(self.refit.fitted) > 0 or len(self.changed_items) > 0


def _fit(
    structure: CourseStructure,
    responses: CourseResponses,
    since: int,
    full: bool,
    run_id: int,
    clock: _Clock,
) -> _Fitted:
    candidates = (
        np.arange(structure.n_skills, dtype=np.int64)
        if full
        else _skills_with_new_responses(structure, responses, since)
    )
    refit = bkt_refit(
        structure=structure, responses=responses, candidates=candidates, run_id=run_id
    )
    clock.lap("bkt_fit")
    has_new = bool(np.any(responses.response_id > since))
    irt = irt_recalibrate(structure=structure, responses=responses) if has_new else None
    clock.lap("irt_calibration")
    if irt is not None:
        structure = structure.with_items(irt.a, irt.b, irt.c)
    return _Fitted(structure=structure.with_params(refit.params), refit=refit, irt=irt)


def _recalculate(
    course: Course, run_id: int, full: bool, progress: Progress | None
) -> CourseOutcome:
    clock = _Clock(run_id, progress)
    since = 0 if full else previous_watermark(course_id=course.pk)
    structure = course_structure_load(course_id=course.pk)
    responses = course_responses_load(structure=structure)
    clock.lap("load")
    fitted = _fit(structure, responses, since, full, run_id, clock)
    model: LearnerModelRefit | None = None
    try:
        model = learner_model_refit(
            structure=fitted.structure,
            responses=responses,
            run_id=run_id,
            refit=full or bool(np.any(responses.response_id > since)),
        )
        clock.lap("learner_model")
        structure = fitted.structure.with_learner_model(model.params)
        learners = _affected_learners(
            structure, responses, since, fitted.refit.fitted, fitted.changed_items, model.fitted
        )
        states = learner_states_compute(
            structure=structure, responses=responses.for_learners(learners)
        )
        clock.lap("replay")
        written = learner_states_write(
            structure=structure,
            states=states,
            log_max_id=responses.max_id,
            fence=partial(recalculation_lock_refresh, run_id=run_id),
        )
        clock.lap("write")
    finally:
        # Stored parameters must reach the hot path even if a later phase failed: the snapshot
        # is keyed by content_version and would otherwise serve the old ones.
        published = fitted.changed or (model is not None and model.fitted)
        if published:
            course_touch(course=course)
    clock.lap("publish")
    quality = model_quality_record(course_id=course.pk, run_id=run_id)
    clock.lap("quality")
    counts = {
        "responses": responses.size,
        "new_responses": int(np.sum(responses.response_id > since)),
        "skills": structure.n_skills,
        "items": structure.n_items,
        **fitted.refit.counts,
        **(fitted.irt.counts if fitted.irt is not None else {}),
        **model.counts,
        "learners_affected": written.learners,
        "learners_rebuilt": written.learners_written,
        "learners_skipped_busy": written.learners_skipped,
        "masteries_written": written.masteries_written,
        "abilities_written": written.abilities_written,
        "content_version_bumped": int(published),
        "quality_predictions": quality.n_predictions,
    }
    return CourseOutcome(slug=course.slug, counts=counts, timings=clock.timings)


def recalculate_course(
    *, run_id: int, course_id: int, full: bool, progress: Progress | None = None
) -> CourseOutcome | None:
    """Recalculate one course of a running run and record it; the last course finishes the run.

    Returns None, doing nothing, when the run is no longer running (it failed, or was taken
    over) or already recorded this course (a redelivered task); also when the run is taken
    over while this course runs (its work stops at the next phase or write). `progress` is
    called with each phase's name as it ends. An exception propagates: the caller decides
    whether it is transient (retry) or marks the run failed (`recalculation_fail`).
    """
    run = RecalculationRun.objects.get(pk=run_id)
    course = Course.objects.filter(pk=course_id).first()
    if run.status != RunStatus.RUNNING:
        return None
    if course is None:  # deleted since the run started: nothing left to recalculate
        outcome = CourseOutcome(slug=f"deleted-course-{course_id}", counts={}, timings={})
        recalculation_course_done(run_id=run_id, outcome=outcome)
        return outcome
    if course_already_done(run=run, slug=course.slug):
        return None
    try:
        with RunHeartbeat(run_id=run_id):
            outcome = _recalculate(course, run_id, full, progress)
    except RecalculationLockLost:
        logger.warning("run %s was taken over; course %s stopped", run_id, course.slug)
        return None
    recalculation_course_done(run_id=run_id, outcome=outcome)
    return outcome
