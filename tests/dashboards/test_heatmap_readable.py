"""The class heatmap reads at a glance: module-numbered headers with the full name on hover and
focus, "not started" instead of a prior that reads like a score, per-skill cards for a phone,
and "not yet learnt" kept apart from "due for review", each ranked."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.curriculum.models import Module
from apps.recommendations.class_mastery import Heatmap, SkillColumn, class_heatmap
from apps.recommendations.models import SkillMastery
from tests.accounts.factories import EnrollmentFactory, LearnerFactory
from tests.dashboards.conftest import logged_in

pytestmark = pytest.mark.django_db


def _mastery(learner, course, slug, p, attempts):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return SkillMastery.objects.create(
        learner=learner,
        skill=course.skills.get(slug=slug),
        course=course,
        p_known=p,
        attempts=attempts,
        correct_count=attempts,
        right_streak=attempts if p >= 0.95 else 0,
        last_practised_at=now,
        mastered_at=now if p >= 0.95 else None,
    )


def _page(klass) -> str:  # type: ignore[no-untyped-def]
    client = logged_in(klass.teacher)
    response = client.get(reverse("class-overview", args=[klass.classroom.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_cells_say_not_started_instead_of_the_prior(klass):
    # given: ada answered s1 only
    _mastery(klass.learner, klass.course, "s1", 0.97, 5)
    # when
    html = _page(klass)
    row = re.search(r'<tr data-learner="ada">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
    cells = re.findall(r'<td class="(cell[^"]*)" title="([^"]*)">(.*?)</td>', row)
    # then: one percentage, two "not started" cells with no number in them
    assert cells[0] == ("cell cell--mastered", "Mastered, 5 answers", "97")
    assert cells[1:] == [
        ("cell cell--not_started cell--not-started", "Not started, ready to learn", ""),
        ("cell cell--locked cell--not-started", "Not started, locked", ""),
    ]


def test_headers_are_short_codes_grouped_by_module_with_the_full_name(klass):
    # given: s1 and s2 in module "Basics", s3 in none
    module = Module.objects.create(course=klass.course, slug="basics", title="Basics", position=1)
    klass.course.skills.filter(slug__in=["s1", "s2"]).update(module=module)
    klass.course.content_version += 1
    klass.course.save(update_fields=["content_version"])
    # when
    html = _page(klass)
    # then
    assert re.search(
        r'scope="colgroup" colspan="2"[^>]*><span class="module-head-name">1\. Basics', html
    )
    assert re.search(r'colspan="1"[^>]*><span class="module-head-name">2\. Other skills', html)
    headers = re.findall(
        r'<abbr class="skill-code" title="([^"]+)" data-full="\1" tabindex="0">'
        r'<span aria-hidden="true">([\d.]+)</span><span class="visually-hidden">\2 \1</span>',
        html,
    )
    assert headers == [("Skill 1", "1.1"), ("Skill 2", "1.2"), ("Skill 3", "2.1")]


def test_phone_cards_show_every_skill_with_counts(klass):
    bea = LearnerFactory(username="bea")
    EnrollmentFactory(classroom=klass.classroom, learner=bea)
    _mastery(klass.learner, klass.course, "s1", 0.97, 5)
    _mastery(bea, klass.course, "s1", 0.5, 4)
    html = _page(klass)
    cards = re.findall(r'<li class="skill-card" data-skill="(\w+)">(.*?)</li>', html, re.S)
    assert [slug for slug, _ in cards] == ["s1", "s2", "s3"]
    s1 = re.sub(r"<[^>]+>", "", cards[0][1])
    assert "✓ 1 mastered" in s1
    assert "◐ 1 not yet learnt" in s1
    assert "– 0 not started" in s1
    assert "– 2 not started" in re.sub(r"<[^>]+>", "", cards[1][1])


def _column(slug: str, *, not_learnt: int = 0, due: int = 0, mean: float = 0.5) -> SkillColumn:
    return SkillColumn(
        skill_id=hash(slug) % 1000,
        slug=slug,
        name=slug,
        started=not_learnt + due,
        mastered=0,
        wheel_spinning=0,
        mean_p_known=mean,
        flagged=False,
        not_learnt=not_learnt,
        due_review=due,
    )


def test_not_learnt_and_due_for_review_are_separate_and_ranked(klass):
    columns = [
        _column("a", not_learnt=2, mean=0.6),
        _column("b", not_learnt=5, mean=0.7),
        _column("c", not_learnt=2, mean=0.3),  # as many learners as a, the class further away
        _column("d", due=3),
        _column("e", due=1, not_learnt=1, mean=0.8),
        _column("f"),  # nobody started: later in the course, in neither list
    ]
    heatmap = class_heatmap(classroom=klass.classroom, course=klass.course)
    ranked = Heatmap(heatmap.course, heatmap.snapshot, columns, [], "stuck")
    assert [c.slug for c in ranked.not_yet_learnt] == ["b", "c", "a", "e"]
    assert [c.slug for c in ranked.due_for_review] == ["d", "e"]


def test_the_page_lists_the_ranking_in_words(klass):
    bea = LearnerFactory(username="bea")
    EnrollmentFactory(classroom=klass.classroom, learner=bea)
    _mastery(klass.learner, klass.course, "s2", 0.4, 3)
    _mastery(bea, klass.course, "s2", 0.3, 2)
    _mastery(bea, klass.course, "s1", 0.5, 2)
    html = _page(klass)
    listed = re.search(r'data-testid="not-learnt">(.*?)</ol>', html, re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r'data-skill="(\w+)"', listed) == ["s2", "s1"]
    assert "2 of 2 learners still learning it" in listed
    assert "No reviews due." in html
