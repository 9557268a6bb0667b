"""The teacher's pages in a real Chromium over the demo class (seed_demo: 24 simulated
classmates plus the demo learner, the demo course's 22 skills), at 1280 px and at 375 px: no
skill header cut off, no skill column behind a sideways scroll on a desktop, the learner
column sticky, every skill on the phone, and the page itself never wider than the window."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from apps.accounts.models import Classroom
from tests.e2e.conftest import DESKTOP, PHONE

DEMO_PASSWORD = "demo-password"

# Each header's text within its own cell, and each cell's content within its box.
CUT_HEADERS = """() => [...document.querySelectorAll('#heatmap thead th')].filter(th => {
  const box = th.getBoundingClientRect();
  const text = th.querySelector('.skill-code, .module-head-name') || th;
  const inner = text.getBoundingClientRect();
  return th.scrollWidth > th.clientWidth + 1 || inner.left < box.left - 1
    || inner.right > box.right + 1 || inner.bottom > box.bottom + 1;
}).map(th => th.innerText)"""
GRID_OVERFLOW = """() => { const w = document.querySelector('.heatmap-wrap');
  return w.scrollWidth - w.clientWidth; }"""
PAGE_OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def demo_class(transactional_db) -> Classroom:  # type: ignore[no-untyped-def]
    call_command("seed_demo")
    return Classroom.objects.get(name="Demo class")


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()


def no_page_overflow(page: Page) -> None:
    assert page.evaluate(PAGE_OVERFLOW) <= 0, f"{page.url} scrolls sideways"


def test_heatmap_fits_a_desktop_with_readable_headers(browser, live_server, demo_class, shoot):
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/classrooms/{demo_class.pk}/overview/")
    expect(page.locator("tr[data-learner]")).to_have_count(demo_class.enrollments.count())
    assert demo_class.enrollments.count() >= 25
    expect(page.locator("th.skill-col")).to_have_count(22)
    assert page.evaluate(CUT_HEADERS) == []
    assert page.evaluate(GRID_OVERFLOW) <= 0  # every skill column in view, no sideways scroll
    no_page_overflow(page)
    # The full name shows on keyboard focus, not only on hover.
    first = page.locator("th.skill-col .skill-code").first
    first.focus()
    tooltip = first.evaluate("e => getComputedStyle(e, '::after').display")
    assert tooltip == "block"
    assert first.get_attribute("title") == first.get_attribute("data-full")
    expect(page.locator(".skill-cards")).to_be_hidden()
    expect(page.get_by_test_id("not-learnt")).to_be_visible()
    shoot(page, "overview-desktop")

    page.locator("tr[data-learner] th a").first.click()
    expect(page.get_by_role("heading", name="What the system told them")).to_be_visible()
    expect(page.locator(".reasons li").first).to_be_visible()  # simulated logs are there
    expect(page.get_by_test_id("ability")).to_contain_text("give or take")
    no_page_overflow(page)
    shoot(page, "drill-down-desktop")

    page.goto(f"{live_server.url}/courses/fractions/items/")
    expect(page.locator("tr[data-item]").first).to_be_visible()
    no_page_overflow(page)
    shoot(page, "items-desktop")


def test_heatmap_on_a_phone_shows_every_skill(browser, live_server, demo_class, shoot):
    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/classrooms/{demo_class.pk}/overview/")
    cards = page.locator(".skill-card")
    expect(cards).to_have_count(22)
    for index in range(22):
        expect(cards.nth(index)).to_be_visible()
    no_page_overflow(page)
    # The grid below scrolls in its own box with the learner column staying put.
    box = page.locator(".heatmap-wrap")
    box.scroll_into_view_if_needed()
    learner = page.locator("tr[data-learner] th").first
    before = learner.bounding_box()
    box.evaluate("element => element.scrollBy(300, 0)")
    assert box.evaluate("element => element.scrollLeft") > 0
    after = learner.bounding_box()
    assert before
    assert after
    assert abs(after["x"] - before["x"]) < 1
    assert page.evaluate(CUT_HEADERS) == []
    shoot(page, "overview-phone")

    page.locator("tr[data-learner] th a").first.click()
    expect(page.get_by_role("heading", name="What the system told them")).to_be_visible()
    no_page_overflow(page)
    shoot(page, "drill-down-phone")

    page.goto(f"{live_server.url}/courses/fractions/items/")
    expect(page.locator("tr[data-item]").first).to_be_attached()
    no_page_overflow(page)
    shoot(page, "items-phone")
