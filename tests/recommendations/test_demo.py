"""`seed_demo` gives the demo teacher a class with history: simulated classmates with three
weeks of practice, while the demo learner starts fresh."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import Classroom, User
from apps.assessments.models import ItemResponse
from apps.demo.seed.classmates import DEMO_CLASSMATES
from apps.recommendations.answer_log import mastery_steps
from apps.recommendations.models import RecommendationLog, SkillMastery
from tests.dashboards.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_the_demo_class_has_classmates_with_history_and_the_teacher_sees_them():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert f"demo classmates: {DEMO_CLASSMATES} simulated learners" in out.getvalue()
    classroom = Classroom.objects.get(name="Demo class", owner__username="teacher")
    classmates = User.objects.filter(enrollments__classroom=classroom).exclude(username="learner")
    assert classmates.count() == DEMO_CLASSMATES
    assert all(
        name.startswith("demo-fractions-") for name in classmates.values_list("username", flat=True)
    )
    learner = User.objects.get(username="learner")
    assert not ItemResponse.objects.filter(
        learner=learner
    ).exists()  # the demo learner starts fresh
    assert (
        ItemResponse.objects.filter(learner__in=classmates).values("learner").distinct().count()
        == DEMO_CLASSMATES
    )
    assert SkillMastery.objects.filter(learner__in=classmates, wheel_spinning=True).exists()

    teacher = logged_in(User.objects.get(username="teacher"))
    heatmap = teacher.get(reverse("class-overview", args=[classroom.pk]))
    assert heatmap.status_code == 200
    first = classmates.order_by("username").first()
    assert first.display_name in heatmap.content.decode()
    drill = teacher.get(reverse("class-learner", args=[classroom.pk, first.pk])).content.decode()
    stored = ItemResponse.objects.filter(learner=first).values_list("mastery_changes", flat=True)
    charted = len({step.skill_id for steps in stored for step in mastery_steps(steps)})
    assert charted > 0
    assert drill.count("<svg") >= charted  # a mastery-over-time chart per skill
    items = teacher.get(reverse("item-analysis", args=["fractions"]))
    assert items.status_code == 200

    before = (User.objects.count(), ItemResponse.objects.count(), RecommendationLog.objects.count())
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "demo classmates: already in 'Demo class'" in again.getvalue()
    assert (
        User.objects.count(),
        ItemResponse.objects.count(),
        RecommendationLog.objects.count(),
    ) == before
