"""Admin pages of the learner model: list pages without N+1 queries, read-only derived state,
the "run recalculation now" actions, and policies that refresh the course snapshot."""

from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.curriculum.models import Course
from apps.demo.simulation import simulate_learners
from apps.recommendations.models import (
    CoursePolicy,
    LearnerAbility,
    RecalculationRun,
    RecommendationLog,
    SkillMastery,
    SkillParameters,
)
from apps.recommendations.recalculation.course import recalculate_course, recalculation_start
from tests.accounts.factories import LearnerFactory, TeacherFactory
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "recalculationrun",
    "skillparameters",
    "skillmastery",
    "learnerability",
    "coursepolicy",
    "recommendationlog",
]


def admin_url(model: str, view: str, *args: Any) -> str:
    return reverse(f"admin:recommendations_{model}_{view}", args=args)


@pytest.fixture
def staff(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def fill(slug: str, learners: int) -> Course:
    """A course with simulated learners, a finished full run, a policy and recommendations."""
    course = chain_course(slug=slug, skills=2, items_per_skill=2)
    simulate_learners(course=course, learners=learners, days=3, seed=1, prefix=slug)
    run = recalculation_start(trigger="command", course=course, full=True)
    recalculate_course(run_id=run.pk, course_id=course.pk, full=True)
    SkillParameters.objects.bulk_create(
        SkillParameters(
            skill=skill,
            version=9,
            is_active=False,
            prior=0.2,
            learn=0.1,
            guess=0.2,
            slip=0.1,
            run=run,
        )
        for skill in course.skills.all()
    )
    CoursePolicy.objects.create(course=course)
    skill, item = course.skills.first(), course.items.first()
    RecommendationLog.objects.bulk_create(
        RecommendationLog(
            learner_id=learner_id,
            course=course,
            kind="practice",
            skill=skill,
            item=item,
            reason="Ready: you mastered A and B",
        )
        for learner_id in LearnerAbility.objects.filter(course=course).values_list(
            "learner_id", flat=True
        )
    )
    return course


def list_queries(client: Client, model: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", LIST_PAGES)
def test_list_pages_do_not_query_per_row(staff, model):
    fill("few", learners=2)
    few = list_queries(staff, model)
    fill("many", learners=12)
    assert list_queries(staff, model) == few


@pytest.mark.parametrize("model", LIST_PAGES)
def test_list_pages_stay_within_a_fixed_query_budget(staff, model, django_assert_max_num_queries):
    fill("many", learners=12)
    with django_assert_max_num_queries(12):
        assert staff.get(admin_url(model, "changelist")).status_code == 200


def test_list_pages_filter_and_search(staff):
    course = fill("sim", learners=12)
    spinning = SkillMastery.objects.filter(course=course).first()
    # The simulated history leaves some learners stuck already: exactly one, for the filter.
    SkillMastery.objects.filter(course=course).update(wheel_spinning=False)
    SkillMastery.objects.filter(pk=spinning.pk).update(wheel_spinning=True)
    page = staff.get(admin_url("skillmastery", "changelist"), {"wheel_spinning__exact": "1"})
    assert list(page.context["cl"].result_list) == [spinning]
    page = staff.get(admin_url("skillmastery", "changelist"), {"q": spinning.learner.username})
    assert {row.learner_id for row in page.context["cl"].result_list} == {spinning.learner_id}
    # Too few learners to fit: the only versions are fill()'s inactive ones.
    page = staff.get(admin_url("skillparameters", "changelist"), {"is_active__exact": "0"})
    assert [row.version for row in page.context["cl"].result_list] == [9, 9]
    page = staff.get(admin_url("recalculationrun", "changelist"), {"status__exact": "succeeded"})
    [run] = page.context["cl"].result_list
    assert "skills fitted: 0" in page.content.decode()
    assert "bkt_fit" in page.content.decode()
    assert run.status == "succeeded"


@pytest.mark.parametrize(
    "model", ["recalculationrun", "skillparameters", "skillmastery", "learnerability"]
)
def test_derived_state_is_read_only(staff, model):
    course = fill("sim", learners=2)
    row = {
        "recalculationrun": RecalculationRun.objects.first,
        "skillparameters": SkillParameters.objects.first,
        "skillmastery": SkillMastery.objects.filter(course=course).first,
        "learnerability": LearnerAbility.objects.first,
    }[model]()
    assert staff.get(admin_url(model, "add")).status_code == 403
    page = staff.get(admin_url(model, "change", row.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert staff.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


def queued_tasks() -> list[tuple[str, dict[str, Any]]]:
    """Take every message off the broker's default queue: (task name, kwargs) each."""
    from adaptive_learning.celery import app

    taken = []
    with app.connection_for_read() as broker:
        queue = broker.SimpleQueue("celery")
        while True:
            try:
                message = queue.get(block=True, timeout=1)
            except queue.Empty:
                break
            _args, kwargs, _embed = message.payload
            taken.append((message.headers["task"], kwargs))
            message.ack()
        queue.close()
    return taken


@pytest.fixture
def empty_queue():
    from adaptive_learning.celery import app

    app.control.purge()
    yield
    app.control.purge()


@pytest.mark.parametrize(
    ("action", "full"), [("run_recalculation_now", False), ("run_full_recalculation_now", True)]
)
def test_run_recalculation_now_queues_the_beat_task_even_with_no_runs_yet(
    staff, empty_queue, django_capture_on_commit_callbacks, action, full
):
    page = staff.get(admin_url("recalculationrun", "changelist"))
    assert action in page.content.decode()  # offered on the empty list
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            admin_url("recalculationrun", "changelist"), {"action": action, "index": 0}
        )
    assert response.status_code == 302
    assert queued_tasks() == [
        ("apps.recommendations.tasks.recalculate_all", {"full": full, "trigger": "admin"})
    ]
    page = staff.get(response.url)
    assert "is queued" in page.content.decode()


def test_run_recalculation_now_ignores_a_selection(
    staff, empty_queue, django_capture_on_commit_callbacks
):
    fill("sim", learners=2)
    run = RecalculationRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            admin_url("recalculationrun", "changelist"),
            {"action": "run_recalculation_now", "index": 0, ACTION_CHECKBOX_NAME: [run.pk]},
        )
    assert queued_tasks() == [
        ("apps.recommendations.tasks.recalculate_all", {"full": False, "trigger": "admin"})
    ]
    assert RecalculationRun.objects.get() == run  # nothing done to the selected run


def test_saving_a_policy_bumps_the_content_version(staff):
    course = chain_course(slug="pol", skills=1, items_per_skill=1)
    version = course.content_version
    form = {
        "course": course.pk,
        "mastery_threshold": 0.9,
        "min_retrievability": 0.8,
        "desired_retention": 0.9,
        "wheel_spinning_attempts": 8,
        "min_correct_answers": 3,
        "max_in_a_row": 6,
        "step_away_answers": 8,
        "target_success": 0.7,
        "recent_items": 8,
        "placement_max_items": 15,
        "placement_target_se": 0.4,
        "daily_goal": 10,
        "show_streak": "on",
    }
    response = staff.post(admin_url("coursepolicy", "add"), form)
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.content_version == version + 1
    policy = CoursePolicy.objects.get(course=course)
    response = staff.post(
        admin_url("coursepolicy", "change", policy.pk), {**form, "recent_items": 3}
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.content_version == version + 2
    assert CoursePolicy.objects.get().recent_items == 3
    staff.post(admin_url("coursepolicy", "delete", policy.pk), {"post": "yes"})
    course.refresh_from_db()
    assert course.content_version == version + 3
    assert not CoursePolicy.objects.exists()


@pytest.mark.parametrize("factory", [None, LearnerFactory, TeacherFactory])
def test_people_who_are_not_staff_are_sent_to_the_login_page(factory, empty_queue):
    client = Client()
    if factory is not None:
        client.force_login(factory())
    for model in LIST_PAGES:
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 302
        assert "/admin/login/" in response.url
    response = client.post(
        admin_url("recalculationrun", "changelist"), {"action": "run_recalculation_now"}
    )
    assert response.status_code == 302
    assert queued_tasks() == []
