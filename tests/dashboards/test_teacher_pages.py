"""Teacher pages: classrooms, the heatmap, a learner's drill-down, the CSV export, items."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Classroom
from apps.recommendations.models import SkillMastery
from tests.accounts.factories import EnrollmentFactory, LearnerFactory
from tests.dashboards.conftest import logged_in, post_answer, practise_until_mastered
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


def _mastery(learner, course, slug, p, attempts, wheel_spinning=False):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return SkillMastery.objects.create(
        learner=learner,
        skill=course.skills.get(slug=slug),
        course=course,
        p_known=p,
        attempts=attempts,
        correct_count=attempts if p >= 0.95 else attempts // 2,
        right_streak=attempts if p >= 0.95 else attempts // 2,
        last_practised_at=now,
        mastered_at=now if p >= 0.95 else None,
        wheel_spinning=wheel_spinning,
    )


def test_teacher_home_lists_classrooms_with_codes_courses_and_stuck_learners(klass):
    _mastery(klass.learner, klass.course, "s1", 0.4, 12, wheel_spinning=True)
    html = logged_in(klass.teacher).get(reverse("home")).content.decode()
    assert "Year 7" in html
    assert klass.classroom.join_code in html
    assert "Fractions" in html
    assert "⚠ 1" in html
    assert "Create classroom" in html


def test_create_a_classroom_assign_and_remove_a_course(db, teacher):
    course = chain_course(slug="decimals", skills=1, items_per_skill=1)
    client = logged_in(teacher)
    created = client.post(reverse("classroom-create"), {"name": "Year 8"})
    classroom = Classroom.objects.get(owner=teacher)
    assert created["Location"] == reverse("classroom-detail", args=[classroom.pk])
    page = client.get(created["Location"]).content.decode()
    assert classroom.join_code in page
    assert "No course assigned yet" in page
    assert '<option value="decimals">Decimals</option>' in page
    assign = client.post(
        reverse("classroom-assign-course", args=[classroom.pk]), {"course": "decimals"}
    )
    assert assign.status_code == 302
    assert list(classroom.courses.all()) == [course]
    bad = client.post(
        reverse("classroom-assign-course", args=[classroom.pk]), {"course": "decimals"}
    )
    assert bad.status_code == 400  # already assigned: no longer a choice
    client.post(reverse("classroom-unassign-course", args=[classroom.pk, "decimals"]))
    assert not classroom.courses.exists()


def test_create_with_a_blank_name_shows_the_error(db, teacher):
    response = logged_in(teacher).post(reverse("classroom-create"), {"name": "  "})
    assert response.status_code == 400
    assert not Classroom.objects.exists()


def test_regenerate_and_joining_only_redirect_within_the_site(klass):
    client = logged_in(klass.teacher)
    url = reverse("classroom-regenerate-code", args=[klass.classroom.pk])
    evil = client.post(url, {"next": "https://evil.example/"})
    assert evil["Location"] == reverse("classroom-detail", args=[klass.classroom.pk])
    home = client.post(
        reverse("classroom-joining", args=[klass.classroom.pk]), {"next": "/", "enabled": "0"}
    )
    assert home["Location"] == "/"
    klass.classroom.refresh_from_db()
    assert klass.classroom.join_enabled is False


def test_heatmap_has_numbers_symbols_and_sorts_the_stuck_first(klass):
    bea = LearnerFactory(username="bea")
    cal = LearnerFactory(username="cal")
    for learner in (bea, cal):
        EnrollmentFactory(classroom=klass.classroom, learner=learner)
    _mastery(klass.learner, klass.course, "s1", 0.97, 5)
    _mastery(cal, klass.course, "s1", 0.41, 14, wheel_spinning=True)
    client = logged_in(klass.teacher)
    url = reverse("class-overview", args=[klass.classroom.pk])
    html = client.get(url).content.decode()
    order = re.findall(r'<tr data-learner="(\w+)">', html)
    assert order == ["cal", "bea", "ada"]  # stuck, then most answers on unmastered, ...
    # The number as text, the state as the class (teacher.css draws its symbol) and in words.
    assert '<td class="cell cell--mastered" title="Mastered, 5 answers">97</td>' in html
    assert (
        '<td class="cell cell--learning cell--stuck" title="Learning, 14 answers, stuck">41' in html
    )
    assert "Skill 1 (14 answers, 41%)" in html
    by_name = client.get(url, {"sort": "name"}).content.decode()
    assert re.findall(r'<tr data-learner="(\w+)">', by_name) == ["ada", "bea", "cal"]
    by_progress = client.get(url, {"sort": "progress"}).content.decode()
    assert re.findall(r'<tr data-learner="(\w+)">', by_progress)[-1] == "ada"
    assert "1/3" in html  # ada's mastered count


def test_overview_of_a_course_not_assigned_is_not_found(klass):
    chain_course(slug="elsewhere", skills=1, items_per_skill=1)
    client = logged_in(klass.teacher)
    url = reverse("class-overview", args=[klass.classroom.pk])
    assert client.get(url, {"course": "elsewhere"}).status_code == 404


def test_learner_drill_down_has_charts_flags_reasons_and_attempts(klass):
    learner_client = logged_in(klass.learner)
    practise_until_mastered(learner_client, klass.course)
    page = learner_client.get(reverse("practice", args=["fractions"])).content.decode()
    post_answer(learner_client, klass.course, page, right=False)
    response = logged_in(klass.teacher).get(
        reverse("class-learner", args=[klass.classroom.pk, klass.learner.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="line-chart"') == 2
    assert "Mastery of Skill 1 over time" in html
    assert "reached the goal of 95%" in html
    assert "Ready: you mastered Skill 1." in html  # a reason the system gave
    assert "✗ Wrong" in html
    assert "✓ Right" in html
    assert "No wheel-spinning" in html


def test_drill_down_of_someone_outside_the_class_is_not_found(klass):
    stranger = LearnerFactory()
    url = reverse("class-learner", args=[klass.classroom.pk, stranger.pk])
    assert logged_in(klass.teacher).get(url).status_code == 404


def test_csv_export_has_a_row_per_learner_and_skill_quoted_properly(klass):
    odd = LearnerFactory(username="dee", display_name='=HYPERLINK("x"), "Dee"')
    EnrollmentFactory(classroom=klass.classroom, learner=odd)
    _mastery(klass.learner, klass.course, "s1", 0.97, 5)
    response = logged_in(klass.teacher).get(
        reverse("class-export", args=[klass.classroom.pk]), {"course": "fractions"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="year-7-fractions-mastery-{today}.csv"'
    )
    text = response.content.decode()
    assert text.startswith("learner,learner_name,course,skill,skill_name,p_known,state,attempts,")
    assert '"\'=HYPERLINK(""x""), ""Dee"""' in text  # quoted, quotes doubled, formula defused
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2 * 3
    ada = {row["skill"]: row for row in rows if row["learner"] == "ada"}
    assert ada["s1"]["p_known"] == "0.9700"
    assert ada["s1"]["state"] == "mastered"
    assert ada["s1"]["attempts"] == "5"
    assert ada["s1"]["last_practised"].startswith(today[:4])
    assert ada["s2"]["state"] == "not_started"
    assert ada["s3"]["state"] == "locked"
    assert ada["s3"]["last_practised"] == ""


def test_item_analysis_page_lists_items_with_statistics_and_documents_flags(klass):
    learner_client = logged_in(klass.learner)
    practise_until_mastered(learner_client, klass.course)
    response = logged_in(klass.teacher).get(reverse("item-analysis", args=["fractions"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<tr data-item=") == 15
    assert "Too easy</strong>: % right ≥ 95%" in html
    assert "point-biserial" in html
