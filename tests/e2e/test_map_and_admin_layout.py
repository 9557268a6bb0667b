"""Layout facts of the mastery map and the admin, measured in a real Chromium on the demo course:
labels inside their boxes at 14px or more, no page wider than the window, the admin branded with
its course page unclipped and the item's skills picker shown."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from apps.curriculum.models import Course, Item
from tests.e2e.conftest import DESKTOP, PHONE

PASSWORD = "demo-password"  # seed_demo's

# For every node: its rect and the bounding box of each of its texts, in page px, with each
# text's computed font size.
NODE_GEOMETRY = """() => [...document.querySelectorAll(".mastery-map g.map-node")].map(g => ({
  skill: g.dataset.skill,
  rect: g.querySelector("rect").getBoundingClientRect().toJSON(),
  texts: [...g.querySelectorAll("text")].map(t => ({
    text: t.textContent,
    box: t.getBoundingClientRect().toJSON(),
    size: parseFloat(getComputedStyle(t).fontSize),
  })),
}))"""
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    return Course.objects.get(slug="fractions")


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()


def assert_labels_fit(page: Page) -> int:
    nodes = page.evaluate(NODE_GEOMETRY)
    assert nodes, "the map drew no nodes"
    problems = []
    for node in nodes:
        rect = node["rect"]
        for text in node["texts"]:
            box = text["box"]
            inside = (
                box["left"] >= rect["left"]
                and box["right"] <= rect["right"]
                and box["top"] >= rect["top"]
                and box["bottom"] <= rect["bottom"]
            )
            if not inside or text["size"] < 14:
                problems.append((node["skill"], text["text"], text["size"], box, rect))
    assert problems == []
    return len(nodes)


def test_the_mastery_map_keeps_labels_in_boxes_at_14px_on_desktop_and_phone(
    browser, live_server, demo, shoot
):  # type: ignore[no-untyped-def]
    skills = demo.skills.count()
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = browser.new_page(viewport=viewport)
        log_in(page, live_server.url, "learner")
        page.goto(f"{live_server.url}/learn/fractions/map/")
        expect(page.get_by_role("heading", name="Prerequisite graph")).to_be_visible()
        assert assert_labels_fit(page) == skills
        assert page.evaluate(PAGE_OVERFLOW) <= 0
        # Drawn at its own size, never shrunk: on a phone the map scrolls in its box.
        svg = page.locator("svg.mastery-map")
        drawn = svg.evaluate("s => s.getBoundingClientRect().width")
        assert drawn == pytest.approx(float(svg.get_attribute("width")), abs=0.5)
        # States are written out, and the table alternative is there.
        expect(page.locator("g.map-node text.map-node-state").first).to_contain_text("%")
        expect(page.locator("table.skills-table tbody tr")).to_have_count(skills)
        shoot(page, f"map-{name}")
        if name == "phone":
            wrap = page.locator(".graph-wrap")
            assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
            wrap.evaluate("w => { w.scrollLeft = w.scrollWidth / 3; }")
            shoot(page, "map-phone-scrolled", full_page=False)
        page.close()


def test_the_admin_is_branded_unclipped_and_shows_the_skills_picker(
    browser, live_server, demo, shoot
):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/admin/login/")
    expect(page.locator("#site-name")).to_have_text("Adaptive Learning administration")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_title(re.compile(r"\| Adaptive Learning administration$"))
    favicon = page.locator('link[rel="icon"]')
    expect(favicon).to_have_attribute("href", re.compile(r"favicon\.svg$"))
    assert page.request.get(live_server.url + favicon.get_attribute("href")).ok  # type: ignore[operator]

    page.goto(f"{live_server.url}/admin/curriculum/course/{demo.pk}/change/")
    expect(page.locator("#modules-group")).to_be_visible()
    assert page.evaluate(PAGE_OVERFLOW) <= 0
    shoot(page, "admin-course")

    item = Item.objects.filter(course=demo).order_by("position", "id").first()
    page.goto(f"{live_server.url}/admin/curriculum/item/{item.pk}/change/")
    chosen = page.locator("#id_tags_to")
    expect(chosen).to_be_visible()
    # The picker: a search box, and only this course's skills, by name.
    expect(page.locator("#id_tags_input")).to_be_visible()
    names = set(demo.skills.values_list("name", flat=True))
    offered = page.locator("#id_tags_from option, #id_tags_to option").all_inner_texts()
    assert offered
    assert all(label.split(" (")[0] in names for label in offered)
    # The field's label stays in front of the lists, which take the rest of the row.
    label = page.locator(".field-tags label[for='id_tags']").bounding_box()
    lists = page.locator(".field-tags .selector").bounding_box()
    assert label["x"] + label["width"] <= lists["x"]
    assert lists["width"] >= 600
    assert page.evaluate(PAGE_OVERFLOW) <= 0
    shoot(page, "admin-item")
    page.close()
