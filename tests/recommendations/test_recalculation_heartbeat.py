"""A run's lock lives on heartbeats: a live run keeps it, a dead one loses it to the watchdog or
the next run, and a run taken over while it still works stops before it writes again."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from adaptive_learning.celery import app
from apps.demo.simulation import simulate_learners
from apps.recommendations import tasks
from apps.recommendations.models import (
    LearnerModelFit,
    RecalculationLock,
    RecalculationRun,
    RunStatus,
    SkillParameters,
)
from apps.recommendations.recalculation.course import recalculate_course, recalculation_start
from apps.recommendations.recalculation.heartbeat import RunHeartbeat
from apps.recommendations.recalculation.runs import (
    COURSE_TIME_LIMIT,
    MAX_WATCHDOG_RESTARTS,
    lock_ttl,
    recalculation_reap_dead,
)
from tests.recommendations.builders import chain_course


@pytest.fixture
def course(db):
    course = chain_course(slug="beats", skills=2, items_per_skill=3)
    simulate_learners(course=course, learners=60, days=4, seed=5, prefix="hb")
    return course


@pytest.fixture
def eager():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def stop_beating(*, seconds_ago: float = 1) -> None:
    """What a killed worker leaves: a lock whose last heartbeat is older than the TTL."""
    RecalculationLock.objects.update(expires_at=timezone.now() - timedelta(seconds=seconds_ago))


def test_the_watchdog_fails_a_run_whose_heartbeat_stopped_and_frees_the_lock(course):
    # given
    dead = recalculation_start(trigger="beat", full=True)
    stop_beating()

    # when
    reaped = recalculation_reap_dead()

    # then
    assert reaped == dead
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED
    assert dead.error.startswith("Worker stopped responding: no heartbeat since ")
    assert dead.error.endswith("taken over by the watchdog.")
    assert dead.finished_at is not None
    assert not RecalculationLock.objects.exists()
    assert recalculation_reap_dead() is None  # a second watchdog finds nothing to do


def test_the_watchdog_task_restarts_the_dead_run_with_the_same_scope(
    course, eager, django_capture_on_commit_callbacks
):
    # given: a manual run over one course whose worker died
    dead = recalculation_start(trigger="command", course=course, full=True)
    stop_beating()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recalculation_watchdog.apply().get() == dead.pk

    # then
    restarted = RecalculationRun.objects.get(trigger="watchdog")
    assert restarted.status == RunStatus.SUCCEEDED, restarted.error
    assert (restarted.full, restarted.course_id) == (True, course.pk)
    assert sorted(restarted.counts["courses"]) == ["beats"]
    assert RecalculationRun.objects.get(pk=dead.pk).status == RunStatus.FAILED
    assert not RecalculationLock.objects.exists()


def test_the_watchdog_stops_restarting_when_its_restarts_keep_dying(
    course, eager, django_capture_on_commit_callbacks
):
    # given: three restarts by the watchdog died in turn since the last success
    for _ in range(MAX_WATCHDOG_RESTARTS):
        recalculation_start(trigger="watchdog", full=True)
        stop_beating()
        assert recalculation_reap_dead() is not None
    dead = recalculation_start(trigger="watchdog", full=True)
    stop_beating()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert tasks.recalculation_watchdog.apply().get() == dead.pk

    # then: the dead run is failed and its lock freed, but no fifth run is queued
    assert callbacks == []
    assert RecalculationRun.objects.get(pk=dead.pk).status == RunStatus.FAILED
    assert RecalculationRun.objects.count() == MAX_WATCHDOG_RESTARTS + 1
    assert not RecalculationLock.objects.exists()


def test_a_live_run_is_not_taken_over(course, eager):
    # given: a run whose lock was refreshed just now
    live = recalculation_start(trigger="beat", full=True)
    RecalculationLock.objects.update(expires_at=timezone.now() + timedelta(seconds=5))

    # when / then: neither the watchdog, nor the next run, nor the command takes it
    assert tasks.recalculation_watchdog.apply().get() is None
    skipped = recalculation_start(trigger="admin", full=True)
    assert skipped.status == RunStatus.SKIPPED
    assert f"run {live.pk} holds the recalculation lock (its worker is alive" in skipped.error
    with pytest.raises(CommandError, match=f"run {live.pk} holds the recalculation lock"):
        call_command("recalculate", stdout=StringIO(), stderr=StringIO())
    live.refresh_from_db()
    assert (live.status, live.error) == (RunStatus.RUNNING, "")
    assert RecalculationLock.objects.get().run_id == live.pk
    assert not RecalculationRun.objects.filter(trigger="watchdog").exists()


def test_the_command_takes_over_a_dead_run_and_completes(course):
    dead = recalculation_start(trigger="beat", full=True)
    stop_beating()
    out = StringIO()
    call_command("recalculate", "--full", stdout=out, stderr=StringIO())
    run = RecalculationRun.objects.get(trigger="command")
    assert run.status == RunStatus.SUCCEEDED
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED
    assert dead.error.endswith(f"taken over by run {run.pk}.")
    assert not RecalculationLock.objects.exists()


def test_a_running_run_without_a_lock_is_failed_by_the_watchdog(course, settings):
    settings.RECALCULATION_LOCK_TTL_SECONDS = 30
    orphan = recalculation_start(trigger="beat", full=True)
    RecalculationLock.objects.all().delete()
    assert recalculation_reap_dead() is None  # younger than the TTL: maybe still starting
    RecalculationRun.objects.filter(pk=orphan.pk).update(
        started_at=timezone.now() - timedelta(seconds=31)
    )
    assert recalculation_reap_dead() == orphan
    orphan.refresh_from_db()
    assert orphan.status == RunStatus.FAILED
    assert orphan.error == "The run held no lock; failed by the watchdog."


def test_a_run_taken_over_while_it_works_stops_before_it_writes(course):
    # given: a run whose process froze after loading the log; meanwhile its lock expired,
    # the watchdog failed it and another run took the lock
    run = recalculation_start(trigger="beat", full=True)
    [course_id] = run.counts["planned_course_ids"]
    successor: list[RecalculationRun] = []

    def freeze_and_be_taken_over(phase: str) -> None:
        if phase == "load":
            stop_beating()
            recalculation_reap_dead()
            successor.append(recalculation_start(trigger="admin", full=True))

    # when: it wakes up
    outcome = recalculate_course(
        run_id=run.pk, course_id=course_id, full=True, progress=freeze_and_be_taken_over
    )

    # then: it stopped at its next write; the lock is the successor's
    assert outcome is None
    assert not SkillParameters.objects.filter(run_id=run.pk).exists()
    assert not LearnerModelFit.objects.filter(run_id=run.pk).exists()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.counts["courses"] == {}
    assert RecalculationLock.objects.get().run_id == successor[0].pk


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_slow_run_alive_past_its_ttl(course, settings):
    # given: beats every 0.1 s, a lock that dies after 0.3 s without one
    settings.RECALCULATION_HEARTBEAT_SECONDS = 0.1
    settings.RECALCULATION_LOCK_TTL_SECONDS = 0.3
    run = recalculation_start(trigger="beat", full=True)

    # when: the work takes four times the TTL
    with RunHeartbeat(run_id=run.pk):
        time.sleep(1.2)
        # then: the lock is still the run's, as every watchdog looking now sees
        assert recalculation_reap_dead() is None
        assert RecalculationLock.objects.get().expires_at > timezone.now()

    # and once the beats stop, it expires within the TTL
    time.sleep(0.4)
    assert recalculation_reap_dead() == run


def test_the_ttl_must_allow_for_a_missed_heartbeat(settings):
    settings.RECALCULATION_HEARTBEAT_SECONDS = 30
    settings.RECALCULATION_LOCK_TTL_SECONDS = 45
    with pytest.raises(ImproperlyConfigured, match="at least twice"):
        lock_ttl()
    settings.RECALCULATION_LOCK_TTL_SECONDS = 60
    assert lock_ttl() == timedelta(seconds=60)


@pytest.mark.django_db
def test_the_beat_schedule_has_the_watchdog_every_minute_after_sync():
    call_command("sync_beat_schedule", stdout=StringIO())
    entry = PeriodicTask.objects.get(name="recalculation-watchdog")
    assert entry.task == "apps.recommendations.tasks.recalculation_watchdog"
    assert (entry.crontab.minute, entry.crontab.hour) == ("*", "*")
    assert entry.enabled


def test_a_running_course_task_is_never_redelivered_to_a_second_worker(settings):
    # Redis hands an unacknowledged task to another worker after the visibility timeout; it
    # must outlast a course task's hard limit, or a living course would run twice in one run.
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if "visibility_timeout" not in options:
        pytest.skip(
            "only brokers that redeliver unacknowledged tasks have a visibility timeout (the "
            "filesystem broker does not); .ci/run checks it on Redis"
        )
    assert options["visibility_timeout"] > COURSE_TIME_LIMIT
