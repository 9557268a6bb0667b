"""The demo's simulated classmates have recommendation logs, worded as the policy words them,
so the teacher's drill-down shows "What the system told them"."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import Classroom, User
from apps.assessments.models import ItemResponse
from apps.recommendations.models import RecommendationLog
from tests.dashboards.conftest import logged_in

pytestmark = pytest.mark.django_db
POLICY_WORDS = re.compile(
    r"^(Keep going: .+ is at \d+%; it counts as mastered at|Ready: you mastered|Start here: )"
)


def test_every_classmate_has_logs_in_the_policys_words():
    call_command("seed_demo")
    classroom = Classroom.objects.get(name="Demo class")
    classmates = User.objects.filter(enrollments__classroom=classroom).exclude(username="learner")
    logs = RecommendationLog.objects.filter(learner__in=classmates)
    assert set(logs.values_list("learner", flat=True)) == set(
        classmates.values_list("pk", flat=True)
    )
    assert logs.count() < ItemResponse.objects.filter(learner__in=classmates).count()
    assert set(logs.values_list("kind", flat=True)) <= {"practice", "lesson"}
    for reason, kind, lesson_id, item_id in logs.values_list("reason", "kind", "lesson", "item")[
        :500
    ]:
        assert POLICY_WORDS.match(reason), reason
        assert (lesson_id is not None) == (kind == "lesson")
        assert (item_id is not None) == (kind == "practice")
    assert not RecommendationLog.objects.filter(learner__username="learner").exists()
    # The teacher's drill-down shows them.
    learner = classmates.first()
    client = logged_in(User.objects.get(username="teacher"))
    html = client.get(reverse("class-learner", args=[classroom.pk, learner.pk])).content.decode()
    assert "No recommendations given yet." not in html
    assert html.count('<li><span class="muted">') >= 1
