"""The nightly recalculation end to end on a real `celery worker` process: the beat task
starts a run, its group of course tasks goes through the broker, the last one finishes it."""

import time

import pytest

from apps.curriculum.models import Course
from apps.demo.simulation import simulate_learners
from apps.recommendations.models import (
    LearnerAbility,
    RecalculationLock,
    RecalculationRun,
    RunStatus,
    SkillParameters,
)
from apps.recommendations.tasks import recalculate_all
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.celery_worker


def wait_for_run(deadline_seconds: float = 240) -> RecalculationRun:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        run = RecalculationRun.objects.filter(trigger="beat").first()
        if run is not None and run.status != RunStatus.RUNNING:
            return run
        time.sleep(0.5)
    raise AssertionError(
        f"no finished run after {deadline_seconds} s; see var/test-celery-worker.log"
    )


def test_the_beat_task_recalculates_every_course_on_a_real_worker(celery_worker_process):
    # given: two courses with simulated histories, one big enough to fit
    fitted = chain_course(slug="fitted", skills=3, items_per_skill=4)
    simulate_learners(course=fitted, learners=110, days=6, seed=8, prefix="w1")
    small = chain_course(slug="small", skills=1, items_per_skill=2)
    simulate_learners(course=small, learners=3, days=2, seed=8, prefix="w2")
    versions = dict(Course.objects.values_list("slug", "content_version"))

    # when: the beat entry's task goes through the broker
    recalculate_all.delay(full=False)
    run = wait_for_run()

    # then
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert sorted(run.counts["courses"]) == ["fitted", "small"]
    assert run.counts["totals"]["courses"] == 2
    assert run.counts["courses"]["fitted"]["skills_fitted"] == 3
    assert run.counts["courses"]["small"]["skills_too_little_data"] == 1
    assert run.counts["totals"]["learners_rebuilt"] == 113
    assert run.pending_tasks == 0
    assert run.timings["total"] > 0
    assert SkillParameters.objects.filter(is_active=True, skill__course=fitted).count() == 3
    assert LearnerAbility.objects.count() == 113
    after = dict(Course.objects.values_list("slug", "content_version"))
    assert after == {"fitted": versions["fitted"] + 1, "small": versions["small"]}
    assert not RecalculationLock.objects.exists()
