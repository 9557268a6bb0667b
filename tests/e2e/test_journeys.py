"""The product's two journeys in a real browser against the live server.

A new learner signs up, joins a class with its code, practises until a skill is mastered (the
first answer keyboard-only, then with htmx swapping the panel in place) and sees the mastery map
change; the pages also work at 375px and without JavaScript. The teacher then finds the learner
in the heatmap, drills down and exports the class mastery as CSV.
"""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.models import Enrollment
from apps.accounts.services import classroom_create
from apps.assessments.models import ItemResponse
from apps.curriculum import services as curriculum_services
from apps.recommendations.models import SkillMastery
from tests.accounts.factories import PASSWORD, LearnerFactory, TeacherFactory
from tests.e2e.conftest import DESKTOP, PHONE
from tests.recommendations.builders import chain_course

LEARNER = "noor"
LEARNER_PASSWORD = "a long enough passphrase"


@pytest.fixture
def classroom(transactional_db):  # type: ignore[no-untyped-def]
    teacher = TeacherFactory(username="ms-lee", display_name="Ms Lee")
    course = chain_course(slug="fractions", skills=3, items_per_skill=6, public=False)
    classroom = classroom_create(owner=teacher, name="Year 7 maths")
    curriculum_services.classroom_assign_course(classroom=classroom, course=course)
    return classroom


def answer_for(page: Page) -> str:
    """The builders' items ask "What is 3.0?": the answer is in the question."""
    stem = page.locator(".stem").inner_text()
    return re.search(r"What is ([\d.]+)\?", stem).group(1)  # type: ignore[union-attr]


def sign_up(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Username").fill(LEARNER)
    page.get_by_label("Password", exact=True).fill(LEARNER_PASSWORD)
    page.get_by_label("Password again").fill(LEARNER_PASSWORD)
    # Sign-up makes a learner; a teacher account is only asked for, and an admin approves it.
    expect(page.get_by_label("I am a teacher: ask for a teacher account")).not_to_be_checked()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name=f"Hello, {LEARNER}")).to_be_visible()


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()


def answer_by_keyboard(page: Page) -> None:
    """Tab from the top of the page to the answer field, type, and press Enter."""
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "answer":
            break
    else:
        raise AssertionError("Tab never reached the answer field")
    page.keyboard.type(answer_for(page))
    page.keyboard.press("Enter")


WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !(e.parentElement && e.parentElement.closest(".table-wrap, .graph-wrap")))
  .slice(0, 5).map(e => e.tagName + "." + e.className + " " + e.getBoundingClientRect().right)"""


def no_horizontal_scroll(page: Page) -> None:
    """The page itself never scrolls sideways; wide tables and graphs scroll in their box."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px too wide: {page.evaluate(WIDEST)}"


def test_learner_masters_a_skill_and_the_teacher_sees_it(
    browser, live_server, classroom, shoot, tmp_path
):
    base = live_server.url
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Sign up and join the class with the teacher's code.
    sign_up(page, base)
    shoot(page, "home-new-learner")
    page.get_by_label("Join code").fill(classroom.join_code.lower())
    page.get_by_role("button", name="Join class").click()
    expect(page.get_by_text(f"You joined {classroom.name}.")).to_be_visible()
    expect(page.get_by_text("Start here: Skill 1 needs nothing learnt before it.")).to_be_visible()
    shoot(page, "home-joined")

    # The map before practising: Skill 1 ready, Skill 3 locked.
    page.get_by_role("link", name="Mastery map of Fractions").click()
    expect(page.locator('g[data-skill="s1"]')).to_have_class("map-node map-node--not_started")
    expect(page.locator('g[data-skill="s3"]')).to_have_class("map-node map-node--locked")
    shoot(page, "map-before")

    # Practise: the first answer keyboard-only, then click through until Skill 1 is mastered.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Start practising in Fractions").click()
    expect(page.get_by_role("heading", name="Question")).to_be_visible()
    expect(page.locator("summary", has_text="Hint 1")).to_be_visible()
    shoot(page, "practice-question")
    page.evaluate("window.stillTheSamePage = true")  # survives only an in-place (htmx) swap
    page.get_by_label("Your answer").fill("lots")
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a number")
    expect(page.get_by_label("Your answer")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Your answer").fill("")
    answer_by_keyboard(page)
    expect(page.get_by_role("heading", name="Right")).to_be_visible()
    expect(page.get_by_role("heading", name="Right")).to_be_focused()
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page.locator(".bar").first).to_have_attribute("aria-label", re.compile(r"from \d+% to"))
    shoot(page, "practice-feedback")
    # Opening a hint marks the answer as hinted (weaker evidence), in the stored response.
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="Question")).to_be_visible()
    page.locator("summary", has_text="Hint 1").click()
    page.get_by_label("Your answer").fill(answer_for(page))
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_role("heading", name="Right")).to_be_visible()
    assert list(ItemResponse.objects.order_by("id").values_list("hint_used", flat=True)) == [
        False,
        True,
    ]
    for _ in range(20):
        if page.get_by_text("You mastered Skill 1!").is_visible():
            break
        page.get_by_role("link", name="Continue").click()
        expect(page.get_by_role("heading", name="Question")).to_be_visible()
        page.get_by_label("Your answer").fill(answer_for(page))
        page.get_by_role("button", name="Check my answer").click()
        expect(page.get_by_role("heading", name="Right")).to_be_visible()
    else:
        raise AssertionError("Skill 1 never mastered")
    expect(page.get_by_text("Ready: you mastered Skill 1.")).to_be_visible()
    shoot(page, "practice-mastered")

    # The map has changed: Skill 1 mastered, Skill 2 now ready, and the table says the same.
    page.locator("#practice").get_by_role("link", name="Mastery map").click()
    expect(page.locator('g[data-skill="s1"]')).to_have_class("map-node map-node--mastered")
    expect(page.locator('g[data-skill="s2"]')).to_have_class("map-node map-node--not_started")
    expect(page.locator('tr[data-skill="s1"]')).to_contain_text("Mastered")
    shoot(page, "map-after")
    page.get_by_role("link", name="History").click()
    expect(page.locator(".attempts-table")).to_contain_text("✓ Right")
    shoot(page, "history")

    # A phone-sized screen: no sideways scrolling of the page itself.
    phone = browser.new_context(viewport=PHONE, storage_state=context.storage_state())
    small = phone.new_page()
    for path, step in [
        ("/", "phone-home"),
        ("/learn/fractions/", "phone-practice"),
        ("/learn/fractions/map/", "phone-map"),
    ]:
        small.goto(f"{base}{path}")
        no_horizontal_scroll(small)
        shoot(small, step)
    phone.close()

    # Without JavaScript the practice form still posts and shows feedback.
    plain = browser.new_context(
        viewport=DESKTOP, java_script_enabled=False, storage_state=context.storage_state()
    )
    nojs = plain.new_page()
    nojs.goto(f"{base}/learn/fractions/")
    nojs.get_by_label("Your answer").fill(answer_for(nojs))
    nojs.get_by_role("button", name="Check my answer").click()
    expect(nojs.get_by_role("heading", name="Right")).to_be_visible()
    assert nojs.url == f"{base}/learn/fractions/answer/"
    shoot(nojs, "no-javascript-feedback")
    plain.close()
    assert errors == []
    context.close()

    # The teacher finds the learner in the heatmap, drills down, exports the CSV.
    teacher = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    tpage = teacher.new_page()
    log_in(tpage, base, "ms-lee", PASSWORD)
    expect(tpage.get_by_role("cell", name=classroom.join_code)).to_be_visible()
    shoot(tpage, "teacher-home")
    tpage.get_by_role("link", name=f"Overview of {classroom.name}").click()
    row = tpage.locator(f'tr[data-learner="{LEARNER}"]')
    expect(row).to_be_visible()
    first_cell = row.locator("td.cell").first
    expect(first_cell).to_have_class(re.compile("cell--mastered"))
    assert int(re.match(r"\d+", first_cell.inner_text()).group()) >= 95  # type: ignore[union-attr]
    expect(row.locator("td").first).to_have_text("1/3")
    shoot(tpage, "teacher-heatmap")
    tpage.get_by_role("link", name="name").click()
    expect(tpage.get_by_role("link", name="name")).to_have_attribute("aria-current", "true")
    with tpage.expect_download() as download_info:
        tpage.get_by_role("link", name="Export CSV of Fractions mastery").click()
    download = download_info.value
    assert re.fullmatch(
        r"year-7-maths-fractions-mastery-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    )
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    mine = {r["skill"]: r for r in rows if r["learner"] == LEARNER}
    assert set(mine) == {"s1", "s2", "s3"}
    assert mine["s1"]["state"] == "mastered"
    assert float(mine["s1"]["p_known"]) >= 0.95
    assert int(mine["s1"]["attempts"]) >= 3
    assert mine["s1"]["last_practised"]
    assert mine["s3"]["state"] == "locked"
    assert mine["s3"]["attempts"] == "0"

    tpage.get_by_role("link", name=LEARNER).first.click()
    expect(tpage.get_by_role("heading", name="Mastery over time")).to_be_visible()
    expect(tpage.locator("svg.line-chart")).to_have_count(2)  # Skill 1, and the no-JS answer
    expect(tpage.get_by_text("Ready: you mastered Skill 1.").first).to_be_visible()
    shoot(tpage, "teacher-drill-down")
    tpage.go_back()
    tpage.get_by_role("link", name="Item analysis").click()
    expect(tpage.locator("tr[data-item]")).to_have_count(18)
    shoot(tpage, "teacher-item-analysis")
    tpage.goto(f"{base}/classrooms/{classroom.pk}/")
    shoot(tpage, "teacher-classroom")
    teacher.close()


def test_teacher_pages_fit_a_phone(browser, live_server, classroom, shoot):
    course = classroom.courses.get()
    for n in range(8):
        learner = LearnerFactory(username=f"learner-with-a-long-name-{n}")
        Enrollment.objects.create(classroom=classroom, learner=learner)
        SkillMastery.objects.bulk_create(
            SkillMastery(
                learner=learner,
                skill=skill,
                course=course,
                p_known=min(0.1 * (n + i), 0.99),
                attempts=n + i,
                wheel_spinning=n == 3 and i == 0,
            )
            for i, skill in enumerate(course.skills.order_by("position"))
        )
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    log_in(page, live_server.url, "ms-lee", PASSWORD)
    for path, step in [
        ("/", "phone-teacher-home"),
        (f"/classrooms/{classroom.pk}/", "phone-classroom"),
        (f"/classrooms/{classroom.pk}/overview/", "phone-heatmap"),
        ("/courses/fractions/items/", "phone-items"),
    ]:
        page.goto(f"{live_server.url}{path}")
        no_horizontal_scroll(page)
        shoot(page, step)
    heatmap = f"{live_server.url}/classrooms/{classroom.pk}/overview/"
    page.goto(heatmap)
    expect(page.locator("tr[data-learner]")).to_have_count(8)
    expect(page.locator("tr[data-learner]").first).to_have_attribute(
        "data-learner",
        "learner-with-a-long-name-3",  # the stuck one sorts first
    )
    # Three skills now fit a phone without scrolling (a wider grid scrolls inside its box with
    # the learner column in view: tests/e2e/test_teacher_pages_layout.py, 22 skills).
    box = page.locator(".heatmap-wrap")
    box.scroll_into_view_if_needed()
    box.evaluate("element => element.scrollBy(400, 0)")
    assert box.evaluate("element => element.scrollWidth - element.clientWidth") <= 0
    first_learner = page.locator("tr[data-learner] th").first.bounding_box()
    assert first_learner
    assert first_learner["x"] >= box.bounding_box()["x"]  # type: ignore[index]
    shoot(page, "phone-heatmap-scrolled", full_page=False)
    phone.close()


def test_placement_test_to_its_result(browser, live_server, classroom, shoot):
    learner = LearnerFactory(username="sam")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server.url, "sam", PASSWORD)
    page.get_by_role("link", name="Take the placement test for Fractions").click()
    shoot(page, "placement-intro")
    page.get_by_role("button", name="Start the placement test").click()
    expect(page.get_by_role("heading", name=re.compile("^Question 1"))).to_be_visible()
    shoot(page, "placement-question")
    for _ in range(20):  # the course's policy stops it after at most 15
        if page.get_by_role("heading", name="Your starting point").is_visible():
            break
        heading = page.locator("#practice h2")
        before = heading.inner_text()
        page.get_by_label("Your answer").fill(answer_for(page))
        page.get_by_role("button", name="Next question").click()
        expect(heading).not_to_have_text(before)  # the panel was swapped in place
    else:
        raise AssertionError("the placement test never finished")
    expect(page.get_by_text(re.compile(r"You answered \d+ of \d+ questions right"))).to_be_visible()
    expect(page.get_by_text("These skills start as mastered:")).to_be_visible()
    shoot(page, "placement-result")
    page.get_by_role("link", name="See the mastery map").click()
    expect(page.locator('g[data-skill="s1"]')).to_have_class(re.compile("map-node--"))
    shoot(page, "placement-map")
    context.close()
