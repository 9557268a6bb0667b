"""Maths (server-rendered MathML) and figures (inline SVG) in a real Chromium, on the demo
course: a lesson and a practice item, at 1280 px and 375 px."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.curriculum.markdown import render_markdown
from apps.curriculum.models import Item, Lesson
from apps.demo.seed import accounts, course
from tests.e2e.conftest import DESKTOP, PHONE

DEMO_PASSWORD = "demo-password"
NO_PAGE_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def demo_course(transactional_db):  # type: ignore[no-untyped-def]
    # The accounts and the course only: the simulated classmates take long and add nothing here.
    for part in (accounts, course):
        part.seed(lambda line: None)


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("learner")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Demo learner")).to_be_visible()


def assert_maths_rendered(page: Page, scope: str) -> None:
    maths = page.locator(f"{scope} math")
    assert maths.count() > 0, f"no <math> in {scope}"
    for index in range(min(maths.count(), 6)):
        box = maths.nth(index).bounding_box()
        assert box is not None, index
        assert box["width"] > 0, index
        assert box["height"] > 0, index
        assert maths.nth(index).get_attribute("alttext")
    # MathML Core layout: a fraction is taller than a line of text, numerator above denominator.
    fraction = page.locator(f"{scope} mfrac").first
    top, bottom = fraction.locator("> *").nth(0), fraction.locator("> *").nth(1)
    assert top.bounding_box()["y"] + 1 < bottom.bounding_box()["y"]  # type: ignore[index]


def assert_figure_visible(page: Page, scope: str, label: str) -> None:
    figure = page.locator(f'{scope} svg.figure[role="img"]').first
    expect(figure).to_be_visible()
    expect(figure).to_have_attribute("aria-label", re.compile(f"^{re.escape(label)}"))
    box = figure.bounding_box()
    assert box is not None
    assert box["width"] > 50
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"]
    # Exposed to assistive technology as an image with that name.
    expect(page.get_by_role("img", name=re.compile(f"^{re.escape(label)}")).first).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_lesson_and_item_show_maths_and_figures(browser, live_server, demo_course, shoot, viewport):
    page = browser.new_page(viewport=viewport)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url)

    # The first lesson explains fractions with TeX and a fraction bar.
    lesson = Lesson.objects.get(slug="lesson-fraction-part-of-whole")
    assert "<math" in lesson.body_html
    assert "<svg" in lesson.body_html
    page.goto(f"{live_server.url}/learn/fractions/")
    expect(page.locator(".lesson-body")).to_be_visible()
    assert_maths_rendered(page, ".lesson-body")
    assert_figure_visible(page, ".lesson-body", "A bar in 8 equal parts, 3 shaded")
    assert page.evaluate(NO_PAGE_OVERFLOW)
    shoot(page, "lesson")

    # A practice item whose stem is a fraction bar and whose feedback is maths.
    page.get_by_role("button", name="I've read it: start practising").click()
    expect(page.get_by_role("heading", name="Question")).to_be_visible()
    item = Item.objects.get(pk=page.locator("input[name=item]").first.get_attribute("value"))
    shoot(page, "item")
    assert page.evaluate(NO_PAGE_OVERFLOW)
    if "<svg" in item.stem_html:
        assert_figure_visible(page, ".stem", "A bar in")
    if "<math" in item.stem_html + "".join(item.hints_html):
        assert_maths_rendered(page, "#practice")
    assert not errors
    page.close()


WIDE_SUM = " + ".join(rf"\frac{{{n}}}{{{n + 1}}}" for n in range(1, 41))


def test_admin_preview_shows_maths_a_number_line_and_scrolls_wide_display_maths(
    browser, live_server, demo_course, shoot
):
    # given a demo item whose stem is a number line, with a long display equation added
    item = Item.objects.filter(stem__contains="[[number-line").first()
    assert item is not None
    item.stem = f"{item.stem}\n\n$${WIDE_SUM}$$"
    item.stem_html = render_markdown(item.stem)
    item.save(update_fields=["stem", "stem_html"])
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # when
    page.goto(f"{live_server.url}/admin/curriculum/item/{item.pk}/change/")

    # then
    preview = ".curriculum-item-preview"
    expect(page.locator(preview)).to_be_visible()
    assert_figure_visible(page, preview, "A number line from")
    assert_maths_rendered(page, preview)
    wide = page.locator(f'{preview} math[display="block"]')
    sizes = wide.evaluate(
        "m => ({scroll: m.scrollWidth, client: m.clientWidth,"
        " parent: m.parentElement.clientWidth, overflow: getComputedStyle(m).overflowX})"
    )
    assert sizes["overflow"] == "auto"
    assert sizes["scroll"] > sizes["client"]  # too wide: it scrolls inside its own box
    assert sizes["client"] <= sizes["parent"]
    wide.scroll_into_view_if_needed()
    shoot(page, "admin-preview")
    page.close()
