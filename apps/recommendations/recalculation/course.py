"""The nightly (or manual) recalculation of one course, and the public entry points.

Phases, each timed and counted in the run:
1. load: the course's structure, its log's extent (newest id, learners, items answered since
   the last run) and the fits' input: the whole histories of a bounded sample of learners
   (everyone up to ``stream.FIT_LEARNERS``; see ``stream``), in bulk.
2. bkt_fit: refit BKT for the skills with responses newer than the last successful run's
   watermark (every skill with `full`) from the sample's log; new active versions.
3. irt_calibration: calibration of the course's items (a and b; each item's authored guessing
   held fixed) when it has new responses.
4. learner_model: refit the next-answer predictor on the sample's log when there are new
   responses (or `full`) and enough of them; a new active version (`learner_model`).
5. replay + write: rebuild the learners affected (new answers, or answers to a refitted skill or
   a recalibrated item; every learner after a learner-model refit, whose states it relabels)
   with the new parameters, ``stream.CHUNK_LEARNERS`` at a time (each chunk's answers read,
   replayed, then written in batches), so memory holds one chunk. Load, replay and write
   timings add up over the chunks.
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
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
from django.conf import settings

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
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
    course_items_answered_since,
    course_learner_ids,
    course_log_max_id,
    course_responses_load,
    course_structure_load,
)
from apps.recommendations.recalculation.quality import model_quality_record
from apps.recommendations.recalculation.rebuild import (
    RebuildResult,
    learner_states_compute,
    learner_states_write,
)
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
from apps.recommendations.recalculation.stream import fit_sample, learner_chunks

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
        # Accumulated: load, replay and write come round once per chunk of learners.
        self.timings[phase] = self.timings.get(phase, 0.0) + now - self._last
        if settings.RECALCULATION_PHASE_PAUSE_SECONDS:
            # Fault tests only (0 otherwise): a window in which to kill a worker mid-run.
            time.sleep(settings.RECALCULATION_PHASE_PAUSE_SECONDS)
        recalculation_lock_refresh(run_id=self._run_id)
        self._last = time.perf_counter()
        if self._progress is not None:
            self._progress(phase)


def _skills_of_items(structure: CourseStructure, items: IntArray) -> IntArray:
    codes = {code for item in items.tolist() for code in structure.skills_of_item[item]}
    return np.array(sorted(codes), dtype=np.int64)


def _items_of_skills(structure: CourseStructure, skills: IntArray) -> IntArray:
    chosen = set(skills.tolist())
    return np.array(
        [code for code, tags in enumerate(structure.skills_of_item) if set(tags) & chosen],
        dtype=np.int64,
    )


def _active(learners: IntArray) -> IntArray:
    """Without deactivated accounts: an erased learner's anonymised answers stay in the log for
    the fits and item statistics, but no state is rebuilt for the emptied account."""
    inactive = User.objects.filter(is_active=False).values_list("pk", flat=True)
    return np.setdiff1d(learners, np.fromiter(inactive, dtype=np.int64), assume_unique=True)


@dataclass(frozen=True, eq=False, slots=True)
class _Log:
    """What a run knows of the course's log without holding it (``stream``)."""

    max_id: int  # every read stops here: the log as it was when the run began reading
    since: int  # the previous run's watermark (0 for a full run)
    size: int
    new: int  # responses after `since`
    new_items: IntArray  # item codes answered after `since` (not read for a full run)
    learner_ids: IntArray  # every learner with responses, ascending
    sample: CourseResponses  # the fits' input: the answers of `fit_sample(learner_ids)`
    sample_learners: int
    sample_is_everyone: bool


def _log_read(structure: CourseStructure, since: int, full: bool) -> _Log:
    max_id = course_log_max_id(structure=structure)
    learner_ids = course_learner_ids(structure=structure, max_id=max_id)
    rows = ItemResponse.objects.filter(item_id__in=structure.item_ids.tolist(), id__lte=max_id)
    size = rows.count()
    sample_ids = fit_sample(learner_ids)
    everyone = len(sample_ids) == len(learner_ids)
    return _Log(
        max_id=max_id,
        since=since,
        size=size,
        new=size if since == 0 else rows.filter(id__gt=since).count(),
        new_items=(  # a full run refits every skill: no need to scan the log for them
            np.zeros(0, dtype=np.int64)
            if full
            else course_items_answered_since(structure=structure, since=since, max_id=max_id)
        ),
        learner_ids=learner_ids,
        sample=course_responses_load(
            structure=structure,
            max_id=max_id,
            learner_ids=None if everyone else sample_ids.tolist(),
        ),
        sample_learners=len(sample_ids),
        sample_is_everyone=everyone,
    )


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


def _fit(structure: CourseStructure, log: _Log, full: bool, run_id: int, clock: _Clock) -> _Fitted:
    candidates = (
        np.arange(structure.n_skills, dtype=np.int64)
        if full
        else _skills_of_items(structure, log.new_items)
    )
    refit = bkt_refit(
        structure=structure, responses=log.sample, candidates=candidates, run_id=run_id
    )
    clock.lap("bkt_fit")
    irt = irt_recalibrate(structure=structure, responses=log.sample) if log.new else None
    clock.lap("irt_calibration")
    if irt is not None:
        structure = structure.with_items(irt.a, irt.b, irt.c)
    return _Fitted(structure=structure.with_params(refit.params), refit=refit, irt=irt)


def _affected_learners(
    structure: CourseStructure, log: _Log, fitted: _Fitted, everyone: bool
) -> IntArray:
    """Everyone, or the learners with new answers or answers to a refitted skill's or a
    recalibrated item's items."""
    if everyone:
        return _active(log.learner_ids)
    touched = np.union1d(_items_of_skills(structure, fitted.refit.fitted), fitted.changed_items)
    learners = course_learner_ids(
        structure=structure, max_id=log.max_id, since=log.since, or_item_codes=touched
    )
    return _active(learners)


def _chunk_responses(
    structure: CourseStructure, log: _Log, chunk: IntArray, everyone: bool
) -> CourseResponses:
    if log.sample_is_everyone:  # the whole log is in memory already (and bounded by the sample)
        return log.sample.for_learners(chunk)
    if everyone:  # consecutive learners: one range of ids, read in one query
        ranged = course_responses_load(
            structure=structure, max_id=log.max_id, learner_range=(int(chunk[0]), int(chunk[-1]))
        )
        return ranged.for_learners(chunk)
    return course_responses_load(structure=structure, max_id=log.max_id, learner_ids=chunk.tolist())


def _rebuild(
    structure: CourseStructure,
    log: _Log,
    learners: IntArray,
    everyone: bool,
    run_id: int,
    clock: _Clock,
) -> RebuildResult:
    """Replay and write `learners` chunk by chunk (``stream``), timed as load, replay, write."""
    totals = np.zeros(4, dtype=np.int64)
    for chunk in learner_chunks(learners):
        responses = _chunk_responses(structure, log, chunk, everyone)
        clock.lap("load")
        states = learner_states_compute(structure=structure, responses=responses)
        del responses
        clock.lap("replay")
        written = learner_states_write(
            structure=structure,
            states=states,
            log_max_id=log.max_id,
            fence=partial(recalculation_lock_refresh, run_id=run_id),
        )
        del states
        clock.lap("write")
        totals += [
            written.learners,
            written.learners_written,
            written.masteries_written,
            written.abilities_written,
        ]
    return RebuildResult(
        learners=int(totals[0]),
        learners_written=int(totals[1]),
        learners_skipped=int(totals[0] - totals[1]),
        masteries_written=int(totals[2]),
        abilities_written=int(totals[3]),
    )


def _recalculate(
    course: Course, run_id: int, full: bool, progress: Progress | None
) -> CourseOutcome:
    clock = _Clock(run_id, progress)
    since = 0 if full else previous_watermark(course_id=course.pk)
    structure = course_structure_load(course_id=course.pk)
    log = _log_read(structure, since, full)
    clock.lap("load")
    fitted = _fit(structure, log, full, run_id, clock)
    model: LearnerModelRefit | None = None
    try:
        model = learner_model_refit(
            structure=fitted.structure,
            responses=log.sample,
            run_id=run_id,
            refit=full or log.new > 0,
        )
        clock.lap("learner_model")
        structure = fitted.structure.with_learner_model(model.params)
        learners = _affected_learners(structure, log, fitted, model.fitted)
        if not log.sample_is_everyone:  # the fits' sample is not needed any more
            log = replace(log, sample=log.sample.subset(np.zeros(0, dtype=np.int64)))
        written = _rebuild(structure, log, learners, model.fitted, run_id, clock)
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
        "responses": log.size,
        "new_responses": log.new,
        "fit_sample_learners": log.sample_learners,
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
