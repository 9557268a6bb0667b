"""The Celery side of the recalculation, run eagerly: the group per course, retries of
transient errors, failures, and the beat schedule entry."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_celery_beat.models import PeriodicTask

from adaptive_learning.celery import app
from apps.demo.simulation import simulate_learners
from apps.recommendations import tasks
from apps.recommendations.models import RecalculationLock, RecalculationRun, RunStatus
from apps.recommendations.recalculation.course import recalculate_course, recalculation_start
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def courses():
    found = []
    for slug in ("alpha", "beta"):
        course = chain_course(slug=slug, skills=2, items_per_skill=2)
        simulate_learners(course=course, learners=6, days=3, seed=4, prefix=slug)
        found.append(course)
    return found


def test_recalculate_all_runs_one_task_per_course_then_finishes(
    courses, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_id = tasks.recalculate_all.apply(kwargs={"full": True}).get()
    run = RecalculationRun.objects.get(pk=run_id)
    assert len(callbacks) == 1  # the group is queued once the run is committed
    assert run.status == RunStatus.SUCCEEDED
    assert run.trigger == "beat"
    assert run.full
    assert sorted(run.counts["courses"]) == ["alpha", "beta"]
    assert run.pending_tasks == 0
    assert run.counts["totals"]["learners_rebuilt"] == 12
    assert not RecalculationLock.objects.exists()


def test_recalculate_all_does_nothing_while_another_run_holds_the_lock(
    courses, eager, django_capture_on_commit_callbacks
):
    holder = recalculation_start(trigger="command")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_id = tasks.recalculate_all.apply().get()
    assert callbacks == []
    assert RecalculationRun.objects.get(pk=run_id).status == RunStatus.SKIPPED
    assert RecalculationLock.objects.get().run_id == holder.pk


def test_a_transient_database_error_is_retried(courses, eager, monkeypatch):
    run = recalculation_start(trigger="beat", full=True)
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["course_id"])
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return recalculate_course(**kwargs)

    monkeypatch.setattr(tasks, "recalculate_course", flaky)
    first = run.counts["planned_course_ids"][0]
    tasks.recalculate_course_task.apply(args=(run.pk, first, True))
    assert calls == [first, first]
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert run.pending_tasks == 1
    assert run.error == ""


def test_a_failing_course_task_fails_the_run_and_releases_the_lock(courses, eager, monkeypatch):
    run = recalculation_start(trigger="beat", full=True)

    def broken(**kwargs):
        raise ValueError("no such thing")

    monkeypatch.setattr(tasks, "recalculate_course", broken)
    result = tasks.recalculate_course_task.apply(args=(run.pk, courses[0].pk, True))
    assert result.failed()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("ValueError: no such thing")
    assert not RecalculationLock.objects.exists()
    # The other course's task, arriving later, finds the run over and does nothing.
    monkeypatch.undo()
    assert tasks.recalculate_course_task.apply(args=(run.pk, courses[1].pk, True)).get() == (
        "skipped"
    )


def test_the_course_task_has_limits_and_retries():
    task = tasks.recalculate_course_task
    assert (task.soft_time_limit, task.time_limit, task.max_retries) == (1800, 1900, 5)
    assert OperationalError in task.autoretry_for
    assert task.acks_late
    assert tasks.recalculate_all.soft_time_limit == 300


def test_the_beat_schedule_has_the_nightly_recalculation_after_sync():
    call_command("sync_beat_schedule", stdout=StringIO())
    entry = PeriodicTask.objects.get(name="recalculate-learner-models")
    assert entry.task == "apps.recommendations.tasks.recalculate_all"
    assert (entry.crontab.hour, entry.crontab.minute) == ("2", "15")
    assert entry.kwargs == '{"full": false}'
    assert entry.enabled
