"""The admin's item and lesson previews, and the course pages around them, render hostile
content (script tags, attribute breakouts, javascript: links, SVG payloads in names, stems,
choices, hints, explanations and lesson Markdown) as inert text."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.curriculum import services
from apps.curriculum.models import Status
from apps.curriculum.validation import ChoiceSpec, ItemSpec
from tests.core.hostile import ESCAPED_SCRIPT, HOSTILE_MARKDOWN, HOSTILE_NAME
from tests.core.html_safety import executable_markup

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def hostile_course():  # type: ignore[no-untyped-def]
    course = services.course_create(
        author=None, slug="evil", title=HOSTILE_NAME, status=Status.PUBLISHED, is_public=True
    )
    services.skill_create(course=course, slug="s1", name=HOSTILE_NAME, description=HOSTILE_MARKDOWN)
    items = [
        services.item_save(
            course=course,
            slug=f"choice-{kind}",
            status=Status.PUBLISHED,
            spec=ItemSpec(
                type=kind,
                stem=HOSTILE_MARKDOWN,
                skills=("s1",),
                choices=(
                    ChoiceSpec("a", HOSTILE_NAME, True),
                    ChoiceSpec("b", HOSTILE_MARKDOWN, False),
                ),
                hints=(HOSTILE_MARKDOWN, HOSTILE_NAME),
                explanation=HOSTILE_MARKDOWN,
            ),
        )
        for kind in ("single_choice", "multiple_choice")
    ]
    items.append(
        services.item_save(
            course=course,
            slug="text",
            status=Status.PUBLISHED,
            spec=ItemSpec(
                type="short_text",
                stem=HOSTILE_NAME,
                skills=("s1",),
                accepted_answers=("<script>alert(1)</script>", '"><img src=x onerror=alert(2)>'),
                explanation=HOSTILE_MARKDOWN,
            ),
        )
    )
    lesson = services.lesson_save(
        course=course, slug="intro", title=HOSTILE_NAME, body=HOSTILE_MARKDOWN, skills=["s1"]
    )
    return course, items, lesson


def _assert_inert(html: str, where: str) -> None:
    assert executable_markup(html) == [], where
    for raw in ("<script>alert", "<img src=x", "<svg onload", "<iframe", "<b onclick"):
        assert raw not in html, (where, raw)


def test_item_previews_show_hostile_content_as_text(staff, hostile_course):
    _, items, _ = hostile_course
    for item in items:
        response = staff.get(reverse("admin:curriculum_item_change", args=[item.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="curriculum-item-preview"' in html
        _assert_inert(html, item.slug)
    # The text item's key and stem are shown, escaped.
    assert ESCAPED_SCRIPT in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_lesson_preview_shows_hostile_markdown_as_text(staff, hostile_course):
    _, _, lesson = hostile_course
    response = staff.get(reverse("admin:curriculum_lesson_change", args=[lesson.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="curriculum-preview"' in html
    _assert_inert(html, "lesson")
    # What nh3 kept of the Markdown: the links' text, without their javascript: targets.
    preview = html.split('class="curriculum-preview"', 1)[1]
    assert ">plain</a>" in preview or ">plain<" in preview


def test_course_pages_around_the_previews_are_inert(staff, hostile_course):
    course, _, _ = hostile_course
    for name, args in [
        ("admin:curriculum_course_changelist", []),
        ("admin:curriculum_course_change", [course.pk]),
        ("admin:curriculum_item_changelist", []),
        ("admin:curriculum_skill_changelist", []),
        ("admin:curriculum_lesson_changelist", []),
    ]:
        response = staff.get(reverse(name, args=args))
        assert response.status_code == 200, name
        _assert_inert(response.content.decode(), name)
