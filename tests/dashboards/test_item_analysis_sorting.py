"""Item analysis: each item's question as plain text, every column sortable with server-side
links and aria-sort, flagged items filtered, and a preview that never shows a non-author the
answer key."""

import re

import pytest
from django.urls import reverse

from apps.curriculum.markdown import render_markdown
from apps.curriculum.models import Item
from apps.web.teacher.item_table import COLUMNS, question_text
from tests.accounts.factories import AdminFactory
from tests.dashboards.conftest import logged_in

pytestmark = pytest.mark.django_db


def _items(klass, **query) -> str:  # type: ignore[no-untyped-def]
    client = logged_in(klass.teacher)
    response = client.get(reverse("item-analysis", args=[klass.course.slug]), query)
    assert response.status_code == 200
    return response.content.decode()


def _order(html: str) -> list[str]:
    return re.findall(r'<tr data-item="([\w-]+)"', html)


def test_each_row_shows_the_question_text(klass):
    Item.objects.filter(slug="s1-i1").update(stem_html="<p>What is <strong>3</strong> + 4?</p>")
    klass.course.content_version += 1
    klass.course.save(update_fields=["content_version"])
    html = _items(klass)
    assert '<span class="item-question">What is 3 + 4?</span>' in html


def test_every_column_sorts_both_ways_and_marks_aria_sort(klass):
    html = _items(klass)
    assert len(re.findall(r'aria-sort="(none|ascending|descending)"', html)) == len(COLUMNS)
    assert 'aria-sort="ascending"><a class="sort-link" href="?sort=-item"' in html
    slugs = sorted(_order(html))
    assert _order(html) == slugs
    assert _order(_items(klass, sort="-item")) == slugs[::-1]
    for column in COLUMNS:
        for key in (column.key, f"-{column.key}"):
            page = _items(klass, sort=key)
            expected = "descending" if key.startswith("-") else "ascending"
            assert f'aria-sort="{expected}"' in page
            assert sorted(_order(page)) == slugs  # the same items, reordered


def test_sort_by_difficulty_orders_by_b(klass):
    Item.objects.filter(slug="s2-i3").update(irt_b=3.0)
    Item.objects.filter(slug="s3-i0").update(irt_b=-3.0)
    klass.course.content_version += 1
    klass.course.save(update_fields=["content_version"])
    order = _order(_items(klass, sort="-b"))
    assert order[0] == "s2-i3"
    assert order[-1] == "s3-i0"


def test_unknown_sort_and_flag_fall_back(klass):
    html = _items(klass, sort="<script>", flag="nope", flagged="x")
    assert _order(html) == sorted(_order(html))
    assert len(_order(html)) == klass.course.items.count()


def test_flagged_filter_hides_unflagged_items(klass):
    html = _items(klass, flagged="1")
    assert _order(html) == []  # nobody answered: nothing is flagged
    assert "No item matches." in html
    assert _order(_items(klass, flag="too_easy")) == []


def test_non_authors_get_the_learner_view_and_authors_the_admin(klass):
    item = klass.course.items.get(slug="s1-i1")
    html = _items(klass)
    preview = reverse("item-preview", args=[klass.course.slug, item.pk])
    assert f'href="{preview}"' in html
    page = logged_in(klass.teacher).get(preview)
    assert page.status_code == 200
    body = page.content.decode()
    assert "s1-i1" in body
    # The learner's view carries no key: no choice marked right, no explanation, no answer.
    assert "is_correct" not in body
    assert "Explanation" not in body
    assert "Answer:" not in body
    assert 'data-testid="learner-view"' in body
    admin_html = (
        logged_in(AdminFactory())
        .get(reverse("item-analysis", args=[klass.course.slug]))
        .content.decode()
    )
    assert reverse("admin:curriculum_item_change", args=[item.pk]) in admin_html


def test_preview_of_an_unknown_item_is_a_404(klass):
    client = logged_in(klass.teacher)
    assert client.get(reverse("item-preview", args=[klass.course.slug, 999999])).status_code == 404


def test_maths_in_a_question_reads_as_plain_text():
    stem = render_markdown(r"Work out $\frac{2}{9}+\frac{5}{9}$ and $23 \div 4$, <b>now</b>.")
    assert question_text(stem) == "Work out 2/9+5/9 and 23÷4, now."
    assert len(question_text("<p>" + "long words " * 40 + "</p>")) <= 90
