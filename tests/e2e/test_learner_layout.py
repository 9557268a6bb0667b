"""The learner's pages in a real browser at 1280 px and 375 px: the answered question stays on
screen with the answer marked, the history reopens an answer, today's goal and the streak
show, the header fits one row on a phone, and no page scrolls sideways. Screenshots in
tests/artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import PASSWORD, LearnerFactory
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import answer_for, log_in, no_horizontal_scroll
from tests.recommendations.builders import chain_course, choice_item


@pytest.fixture
def learner(transactional_db):  # type: ignore[no-untyped-def]
    course = chain_course(slug="fractions", skills=2, items_per_skill=5)
    choice_item(course, "s1-pick", ("s1",), b=-3.0)
    return LearnerFactory(username="sam")


def practise_once(page: Page, base: str, *, right: bool) -> None:
    page.goto(f"{base}/learn/fractions/")
    expect(page.get_by_role("heading", name="Question")).to_be_visible()
    if page.locator("input[type=radio]").count():
        page.locator("input[type=radio][value=b]").check()
    else:
        page.get_by_label("Your answer").fill(answer_for(page) if right else "99")
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".feedback-title")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_feedback_history_and_home_read_well(browser, live_server, learner, shoot, viewport):
    base = live_server.url
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, learner.username, PASSWORD)

    # A wrong answer: the question stays, the answer marked against the right one.
    practise_once(page, base, right=False)
    expect(page.get_by_role("heading", name="Not quite")).to_be_visible()
    expect(page.locator(".answer-review .stem")).to_be_visible()
    expect(
        page.locator(".review-choice--right, .review-typed-row.review-choice--right")
    ).to_be_visible()
    assert (
        page.locator(".answer-review").bounding_box()["y"]
        < page.locator(".feedback-mastery").bounding_box()["y"]
    )
    expect(page.get_by_test_id("motivation")).to_contain_text("Today: 1 of 10 answers")
    no_horizontal_scroll(page)
    shoot(page, "feedback-wrong")

    # Reloading the practice page shows the same question.
    page.goto(f"{base}/learn/fractions/")
    first = page.locator("form.question").get_attribute("data-item-slug")
    page.reload()
    assert page.locator("form.question").get_attribute("data-item-slug") == first

    # History: the whole question, the answer in words, the right answer; an answer reopens.
    page.goto(f"{base}/history/")
    expect(page.get_by_role("columnheader", name="Right answer")).to_be_visible()
    no_horizontal_scroll(page)
    shoot(page, "history")
    page.get_by_role("link", name=re.compile("^Open")).first.click()
    expect(page.get_by_role("heading", name="Your answer")).to_be_visible()
    expect(page.locator(".answer-review")).to_be_visible()
    no_horizontal_scroll(page)
    shoot(page, "history-answer")

    # Home: today's goal and the streak.
    page.goto(f"{base}/")
    expect(page.get_by_test_id("motivation").first).to_contain_text("Today: 1 of 10 answers")
    expect(page.get_by_test_id("motivation").first).to_contain_text("1 day in a row")
    no_horizontal_scroll(page)
    shoot(page, "home-motivation")

    # The header is one row: every link's box on the brand's line, none wrapped onto two.
    brand = page.locator(".brand").bounding_box()
    for link in page.locator(".nav-links a, .nav-logout button").all():
        box = link.bounding_box()
        assert box["y"] < brand["y"] + brand["height"] / 2, f"{link.inner_text()} on a 2nd row"
        assert box["height"] < 2 * brand["height"], f"{link.inner_text()} wraps"
    assert page.locator(".site-header").bounding_box()["height"] < 64

    # The placement test: no hints, the finish button inside the panel.
    page.goto(f"{base}/learn/fractions/placement/")
    page.get_by_role("button", name=re.compile("^Start the placement test")).click()
    expect(page.get_by_role("heading", name=re.compile("^Question 1"))).to_be_visible()
    expect(page.locator("details.hint")).to_have_count(0)
    expect(
        page.locator("#practice").get_by_role("button", name=re.compile("^Finish now"))
    ).to_be_visible()
    no_horizontal_scroll(page)
    shoot(page, "placement")
    assert not errors
    context.close()
