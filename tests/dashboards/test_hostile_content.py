"""Pages fed hostile content (skill names, item text, lesson Markdown, names of learners and
classes) run nothing of it: every page is parsed, its SVG drawings too, and no script, handler,
style or javascript: URL may come from the content; the content is shown as text instead."""

import pytest
from django.urls import reverse

from apps.curriculum import services
from apps.curriculum.models import Status
from apps.curriculum.validation import ChoiceSpec, ItemSpec
from tests.accounts.factories import ClassroomFactory, EnrollmentFactory, LearnerFactory
from tests.core.hostile import ESCAPED_SCRIPT, HOSTILE_MARKDOWN, HOSTILE_NAME
from tests.core.html_safety import executable_markup
from tests.dashboards.conftest import logged_in, post_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile():  # type: ignore[no-untyped-def]
    course = services.course_create(
        author=None, slug="fractions", title=HOSTILE_NAME, status=Status.PUBLISHED, is_public=False
    )
    previous = None
    for n in (1, 2, 3):
        previous = services.skill_create(
            course=course,
            slug=f"s{n}",
            name=f"{n} {HOSTILE_NAME[:190]}",
            prerequisites=[previous] if previous else [],
        )
        for k in range(3):
            services.item_save(
                course=course,
                slug=f"s{n}-i{k}",
                status=Status.PUBLISHED,
                spec=ItemSpec(
                    type="numeric",
                    stem=f"{HOSTILE_MARKDOWN}\n\nWhat is {k}?",
                    skills=(f"s{n}",),
                    numeric_answer=float(k),
                    explanation=HOSTILE_MARKDOWN,
                    hints=(HOSTILE_MARKDOWN, HOSTILE_NAME),
                ),
            )
    services.item_save(
        course=course,
        slug="s3-i9",
        status=Status.PUBLISHED,
        spec=ItemSpec(
            type="single_choice",
            stem=HOSTILE_MARKDOWN,
            skills=("s3",),
            choices=(ChoiceSpec("a", HOSTILE_NAME, True), ChoiceSpec("b", HOSTILE_MARKDOWN, False)),
        ),
    )
    classroom = ClassroomFactory(name=HOSTILE_NAME[:120])
    services.classroom_assign_course(classroom=classroom, course=course)
    learner = LearnerFactory(username="ada", display_name=HOSTILE_NAME[:150])
    EnrollmentFactory(classroom=classroom, learner=learner)
    services.lesson_save(
        course=course, slug="intro", title=HOSTILE_NAME, body=HOSTILE_MARKDOWN, skills=["s1"]
    )
    client = logged_in(learner)
    # The first practice page is the lesson; once read, the questions come.
    pages = [client.get(reverse("practice", args=["fractions"])).content.decode()]
    client.post(reverse("lesson-read", args=["fractions", "intro"]))
    for _ in range(3):
        page = client.get(reverse("practice", args=["fractions"])).content.decode()
        pages += [page, post_answer(client, course, page).content.decode()]
    return course, classroom, learner, pages


def _assert_inert(html: str, where: str) -> None:
    # Parsed as a browser would, nothing of the content became an element or attribute that
    # runs or styles (html_safety also parses each SVG drawing as XML)...
    assert executable_markup(html) == [], where
    # ...and the raw payloads are nowhere: an escaped "<" cannot spell them.
    for raw in ("<script>alert", "<img src=x", "<svg onload", "<iframe", "<b onclick"):
        assert raw not in html, (where, raw)


def test_learner_pages_show_hostile_content_as_text(hostile):
    _, _, learner, practice_pages = hostile
    # The lesson, then three questions (stem, hints) and their feedback (explanation).
    assert 'class="lesson-body"' in practice_pages[0]
    assert all('class="stem"' in page for page in practice_pages[1::2])
    assert all('class="explanation"' in page for page in practice_pages[2::2])
    for n, html in enumerate(practice_pages):
        _assert_inert(html, f"practice page {n}")
    client = logged_in(learner)
    pages = {
        "mastery map": client.get(reverse("mastery-map", args=["fractions"])),
        "history": client.get(reverse("history")),
        "home": client.get(reverse("home")),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        _assert_inert(response.content.decode(), where)
    assert "<svg" in pages["mastery map"].content.decode()
    assert ESCAPED_SCRIPT in pages["mastery map"].content.decode()


def test_teacher_pages_show_hostile_content_as_text(hostile):
    _, classroom, learner, _ = hostile
    client = logged_in(classroom.owner)
    pages = {
        "heatmap": client.get(reverse("class-overview", args=[classroom.pk])),
        "drill-down": client.get(reverse("class-learner", args=[classroom.pk, learner.pk])),
        "classroom": client.get(reverse("classroom-detail", args=[classroom.pk])),
        "item analysis": client.get(reverse("item-analysis", args=["fractions"])),
        "home": client.get(reverse("home")),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        _assert_inert(response.content.decode(), where)
    heatmap = pages["heatmap"].content.decode()
    assert 'class="heatmap' in heatmap
    assert ESCAPED_SCRIPT in heatmap  # skill and learner names, escaped
    drill_down = pages["drill-down"].content.decode()
    assert "<svg" in drill_down  # the mastery line charts, titled with the skill names
    assert ESCAPED_SCRIPT in drill_down
