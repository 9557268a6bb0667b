"""Recalculation runs: the lock, starting a run, recording each course, finishing or failing.

One lock for all recalculation (a row in RecalculationLock, inserted to take, deleted to
release), so a nightly run and a manual `--course` run never work on the same course at once.
A run that finds the lock held is recorded as skipped and does nothing. A lock left by a run
that died (worker killed past its hard time limit, machine lost) expires: each course task
pushes `expires_at` forward when it starts, so the lock outlives a slow but living run, and a
later start takes over an expired one and marks its run failed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course
from apps.recommendations.models import RecalculationLock, RecalculationRun, RunStatus

LOCK_NAME = "recalculation"
# A course task's limits (tasks.py uses them); the lock lives twice the hard limit past the
# last course that started, so only a dead run's lock ever expires.
COURSE_SOFT_TIME_LIMIT = 1800
COURSE_TIME_LIMIT = 1900
LOCK_TTL = timedelta(seconds=2 * COURSE_TIME_LIMIT)


@dataclass(frozen=True, slots=True)
class CourseOutcome:
    slug: str
    counts: dict[str, int]
    timings: dict[str, float]


def _take_lock(run: RecalculationRun, now: datetime) -> RecalculationLock | None:
    """Take the lock for `run` (insert its row) and return None; or return the live lock of
    the run that holds it."""
    for _ in range(3):
        try:
            with transaction.atomic():
                RecalculationLock.objects.create(
                    name=LOCK_NAME, run=run, acquired_at=now, expires_at=now + LOCK_TTL
                )
            return None
        except IntegrityError:
            held = RecalculationLock.objects.filter(name=LOCK_NAME).select_related("run").first()
            if held is None:
                continue  # released in between: try again
            if held.expires_at > now:
                return held
            # Expired: delete exactly that row (of concurrent takers, one deletes it).
            taken_over = RecalculationLock.objects.filter(pk=held.pk, expires_at__lte=now).delete()
            if taken_over[0] and held.run_id is not None:
                recalculation_fail(
                    run_id=held.run_id,
                    error=f"Lock expired at {held.expires_at:%Y-%m-%d %H:%M:%S %Z}; "
                    f"taken over by run {run.pk}.",
                )
    held = RecalculationLock.objects.filter(name=LOCK_NAME).first()
    if held is None:  # inserts failing while no row exists: nothing sane to do but stop
        raise RuntimeError("could neither take nor read the recalculation lock")
    return held


def previous_watermark(*, course_id: int) -> int:
    """Highest response id covered by a successful run over this course (0 if none)."""
    found = RecalculationRun.objects.filter(
        Q(course__isnull=True) | Q(course_id=course_id), status=RunStatus.SUCCEEDED
    ).aggregate(watermark=Max("response_watermark"))["watermark"]
    return int(found or 0)


def _courses_to_run(course: Course | None, full: bool, watermark: int) -> list[int]:
    """Courses with responses (full), or with responses newer than their watermark."""
    courses = Course.objects.order_by("id")
    if course is not None:
        courses = courses.filter(pk=course.pk)
    planned = []
    for course_id in courses.values_list("id", flat=True):
        since = 0 if full else previous_watermark(course_id=course_id)
        if since >= watermark:
            continue
        if ItemResponse.objects.filter(
            item__course_id=course_id, id__gt=since, id__lte=watermark
        ).exists():
            planned.append(course_id)
    return planned


def recalculation_start(
    *, trigger: str, course: Course | None = None, full: bool = False
) -> RecalculationRun:
    """Record a run and take the lock. If another run holds it, the run is saved as skipped
    (with the holder in `error`) and nothing else happens. The courses to recalculate are in
    ``counts["planned_course_ids"]``; with none, the run succeeds at once."""
    now = timezone.now()
    watermark = ItemResponse.objects.aggregate(top=Max("id"))["top"] or 0
    with transaction.atomic():
        run = RecalculationRun.objects.create(
            trigger=trigger, full=full, course=course, response_watermark=watermark, started_at=now
        )
        held = _take_lock(run, now)
        if held is not None:
            run.status, run.finished_at = RunStatus.SKIPPED, now
            run.error = (
                f"Skipped: run {held.run_id} holds the recalculation lock "
                f"(until {held.expires_at:%Y-%m-%d %H:%M:%S %Z})."
            )
            run.save(update_fields=["status", "finished_at", "error"])
            return run
        planned = _courses_to_run(course, full, watermark)
        run.pending_tasks = len(planned)
        run.counts = {"planned_course_ids": planned, "courses": {}}
        run.timings = {"courses": {}}
        run.save(update_fields=["pending_tasks", "counts", "timings"])
        if not planned:
            _finish(run)
    return run


def recalculation_lock_refresh(*, run_id: int) -> None:
    RecalculationLock.objects.filter(name=LOCK_NAME, run_id=run_id).update(
        expires_at=timezone.now() + LOCK_TTL
    )


def course_already_done(*, run: RecalculationRun, slug: str) -> bool:
    return slug in run.counts.get("courses", {})


def _totals(courses: dict[str, dict[str, Any]]) -> dict[str, int]:
    totals: dict[str, int] = {"courses": len(courses)}
    for counts in courses.values():
        for name, value in counts.items():
            totals[name] = totals.get(name, 0) + int(value)
    return totals


def _phase_totals(courses: dict[str, dict[str, float]]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for timings in courses.values():
        for phase, seconds in timings.items():
            totals[phase] = round(totals.get(phase, 0.0) + seconds, 3)
    return totals


def recalculation_course_done(*, run_id: int, outcome: CourseOutcome) -> RecalculationRun:
    """Record one course's counts and timings; the last course finishes the run. Recording a
    course twice (a redelivered task) counts it once."""
    with transaction.atomic():
        run = RecalculationRun.objects.select_for_update().get(pk=run_id)
        if course_already_done(run=run, slug=outcome.slug):
            return run
        run.counts.setdefault("courses", {})[outcome.slug] = outcome.counts
        run.timings.setdefault("courses", {})[outcome.slug] = {
            phase: round(seconds, 3) for phase, seconds in outcome.timings.items()
        }
        run.counts["totals"] = _totals(run.counts["courses"])
        run.timings["phases"] = _phase_totals(run.timings["courses"])
        run.save(update_fields=["counts", "timings"])
        RecalculationRun.objects.filter(pk=run_id).update(pending_tasks=F("pending_tasks") - 1)
        run.refresh_from_db(fields=["pending_tasks", "status"])
        if run.pending_tasks <= 0 and run.status == RunStatus.RUNNING:
            _finish(run)
    return run


def _release(run_id: int) -> None:
    RecalculationLock.objects.filter(name=LOCK_NAME, run_id=run_id).delete()


def _finish(run: RecalculationRun) -> None:
    run.status, run.finished_at = RunStatus.SUCCEEDED, timezone.now()
    run.timings["total"] = round((run.finished_at - run.started_at).total_seconds(), 3)
    run.save(update_fields=["status", "finished_at", "timings"])
    _release(run.pk)


def recalculation_fail(*, run_id: int, error: str) -> None:
    """Mark a running run failed with the error and release its lock (idempotent)."""
    with transaction.atomic():
        now = timezone.now()
        run = RecalculationRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return
        if run.status == RunStatus.RUNNING:
            run.status, run.finished_at, run.error = RunStatus.FAILED, now, error[:10_000]
            run.timings["total"] = round((now - run.started_at).total_seconds(), 3)
            run.save(update_fields=["status", "finished_at", "error", "timings"])
        _release(run_id)
