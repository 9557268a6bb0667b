"""The class heatmap pages a big class, finds anyone by name, and caches the classified cells
without ever showing them stale: right after an answer the page shows it."""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Enrollment, Role, User
from apps.recommendations.class_mastery import class_heatmap
from apps.recommendations.models import SkillMastery
from apps.recommendations.services.answers import answer_submit
from apps.web.teacher.heatmap_grid import PAGE_SIZE
from tests.dashboards.conftest import logged_in

pytestmark = pytest.mark.django_db


def _learners(klass, count: int) -> list[User]:  # type: ignore[no-untyped-def]
    users = User.objects.bulk_create(
        User(username=f"pupil{n:03d}", display_name=f"Pupil {n:03d}", role=Role.LEARNER)
        for n in range(count)
    )
    Enrollment.objects.bulk_create(Enrollment(classroom=klass.classroom, learner=u) for u in users)
    return users


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-learner="(\w+)">', html)


def test_a_big_class_is_paged_in_the_sort_order(klass):
    # given: 60 learners besides ada, sorted by name
    _learners(klass, 60)
    client = logged_in(klass.teacher)
    url = reverse("class-overview", args=[klass.classroom.pk])
    # when
    first = client.get(url, {"sort": "name"}).content.decode()
    second = client.get(url, {"sort": "name", "page": "2"}).content.decode()
    # then: 50, then the other 11, in name order, with a pager and the counts
    names = ["ada", *[f"pupil{n:03d}" for n in range(60)]]
    assert _rows(first) == names[:PAGE_SIZE]
    assert _rows(second) == names[PAGE_SIZE:]
    assert "Learners 1–50 of 61." in first
    assert "Learners 51–61 of 61." in second
    assert 'href="?sort=name&amp;page=2" rel="next">Next →</a>' in first
    assert 'href="?sort=name&amp;page=1" rel="prev">← Previous</a>' in second
    # The class counts stay over the whole class, not the page.
    assert re.search(r"✓ 0 mastered</span> <span>↻ 0 due for review</span>", first)
    assert "– 61 not started" in first
    # A page past the end shows the last one; a page that is not a number, the first.
    assert _rows(client.get(url, {"sort": "name", "page": "9"}).content.decode()) == _rows(second)
    assert _rows(client.get(url, {"sort": "name", "page": "x"}).content.decode()) == _rows(first)


def test_a_learner_on_another_page_is_found_by_name(klass):
    _learners(klass, 60)
    client = logged_in(klass.teacher)
    url = reverse("class-overview", args=[klass.classroom.pk])
    found = client.get(url, {"q": "pupil 059"}).content.decode()  # the display name, any case
    assert _rows(found) == ["pupil059"]
    assert "whose name contains “pupil 059” (61 in the class)" in found
    assert _rows(client.get(url, {"q": "PUPIL05"}).content.decode()) == [
        f"pupil05{n}" for n in range(10)
    ]
    nobody = client.get(url, {"q": "<zed>"}).content.decode()
    assert _rows(nobody) == []
    assert "No learner’s name contains “&lt;zed&gt;”." in nobody


def test_the_page_shows_an_answer_given_after_the_last_view(klass):
    # given: the teacher has looked at the class (its cells are cached)
    client = logged_in(klass.teacher)
    url = reverse("class-overview", args=[klass.classroom.pk])
    before = client.get(url).content.decode()
    assert 'title="Not started, ready to learn"' in before
    # when: ada answers
    item = klass.course.items.get(slug="s1-i1")
    answer_submit(learner=klass.learner, item_id=item.pk, answer="1", client_id=uuid.uuid4())
    # then: the next view shows her answer
    after = client.get(url).content.decode()
    row = re.search(r'<tr data-learner="ada">(.*?)</tr>', after).group(1)  # type: ignore[union-attr]
    assert re.search(r'<td class="cell cell--\w+" title="\w[\w ]*, 1 answer">\d+</td>', row)


def test_cached_cells_equal_a_fresh_classification_after_changes(klass):
    # given: a cached view, then rows changed by hand (no answer path, no updated_at bump)
    others = _learners(klass, 3)
    class_heatmap(classroom=klass.classroom, course=klass.course)
    s1 = klass.course.skills.get(slug="s1")
    SkillMastery.objects.create(
        learner=others[0], skill=s1, course=klass.course, p_known=0.6, attempts=4
    )
    SkillMastery.objects.filter(learner=others[0]).update(wheel_spinning=True)
    Enrollment.objects.filter(learner=others[1]).delete()
    # when
    cached = class_heatmap(classroom=klass.classroom, course=klass.course, sort="name")
    fresh = class_heatmap(
        classroom=klass.classroom, course=klass.course, sort="name", now=timezone.now()
    )

    # then: the same learners, cells and counts
    def seen(heatmap):  # type: ignore[no-untyped-def]
        return [
            (r.learner.username, [(c.state, c.attempts, c.wheel_spinning) for c in r.cells])
            for r in heatmap.rows
        ]

    assert seen(cached) == seen(fresh)
    assert [r.learner.username for r in cached.rows] == ["ada", "pupil000", "pupil002"]
    assert cached.rows[1].wheel_spinning == 1
    assert cached.columns == fresh.columns
