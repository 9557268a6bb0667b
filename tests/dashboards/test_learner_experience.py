"""The learner's experience (issue 15, learner points): feedback you can learn from, history
with the question and the right answer, practice integrity on the page, motivation that can be
turned off, and small wording rules."""

import re
import uuid
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import Attempt, ItemResponse
from apps.recommendations.models import CoursePolicy
from apps.recommendations.services.answers import answer_submit
from tests.accounts.factories import LearnerFactory
from tests.dashboards.conftest import logged_in, post_answer, right_answer, shown_item
from tests.recommendations.builders import chain_course, choice_item

pytestmark = pytest.mark.django_db


def practice_page(client, course) -> str:
    return client.get(reverse("practice", args=[course.slug])).content.decode()


def test_feedback_keeps_the_question_with_the_answer_marked_against_the_right_one(db):
    course = chain_course(slug="marked", skills=1, items_per_skill=0)
    item = choice_item(course, "s1-pick", ("s1",))
    learner = LearnerFactory()
    client = logged_in(learner)
    page = practice_page(client, course)
    client_id = re.search(r'name="client_id" value="([\w-]+)"', page).group(1)
    body = {"item": item.pk, "client_id": client_id, "answer": "b"}
    html = client.post(reverse("practice-answer", args=[course.slug]), body).content.decode()
    assert "Not quite" in html
    assert "Pick a" in html  # the question stays on screen
    chosen = re.search(r'<li class="review-choice[^"]*review-choice--wrong">(.*?)</li>', html, re.S)
    right = re.search(r'<li class="review-choice review-choice--right">(.*?)</li>', html, re.S)
    assert chosen
    assert "your answer" in chosen.group(1)
    assert "B" in chosen.group(1)
    assert right
    assert "the right answer" in right.group(1)
    assert "A" in right.group(1)
    # order: the question and answers, then the explanation and mastery
    assert html.index("review-choices") < html.index("Your mastery")


def test_a_wrong_typed_answer_shows_the_right_answer_as_a_fraction_or_number(klass):
    client = logged_in(klass.learner)
    page = practice_page(client, klass.course)
    html = post_answer(client, klass.course, page, right=False).content.decode()
    _, slug = shown_item(page)
    assert "<dt>The right answer</dt>" in html
    assert f"<strong>{right_answer(slug)}</strong>" in html


def test_reloading_practice_keeps_the_unanswered_item_and_the_address_bar_cannot_swap_it(klass):
    client = logged_in(klass.learner)
    first = shown_item(practice_page(client, klass.course))
    other = klass.course.items.exclude(pk=first[0]).first()
    url = reverse("practice", args=[klass.course.slug])
    reloads = [shown_item(client.get(url).content.decode()) for _ in range(5)]
    chosen = shown_item(client.get(f"{url}?item={other.pk}").content.decode())
    assert reloads == [first] * 5
    assert chosen == first


def test_no_item_comes_back_within_the_recent_window(db):
    course = chain_course(slug="window", skills=1, items_per_skill=12)
    recent = CoursePolicy.objects.create(course=course, recent_items=8).recent_items
    client = logged_in(LearnerFactory())
    page = practice_page(client, course)
    seen = []
    for _ in range(20):
        item_id, _ = shown_item(page)
        assert item_id not in seen[-recent:], f"item {item_id} again within {recent} answers"
        seen.append(item_id)
        post_answer(client, course, page, right=False)  # wrong: the skill stays in practice
        page = practice_page(client, course)


def test_placement_items_show_no_hints_and_the_finish_button_lives_in_the_swapped_panel(db):
    course = chain_course(slug="placed", skills=2, items_per_skill=4)
    client = logged_in(LearnerFactory())
    started = client.post(reverse("placement-start", args=[course.slug]))
    page = client.get(started["Location"]).content.decode()
    assert "Question 1" in page
    assert "Hint 1" not in page
    panel = page[page.index('id="practice"') : page.index("</section>")]
    assert "Finish now and set my starting point" in panel
    # the practice page keeps its hints
    assert "Hint 1" in practice_page(client, course)


def test_history_shows_the_whole_question_the_answer_in_words_and_the_right_answer(db):
    course = chain_course(slug="hist", skills=1, items_per_skill=0)
    item = choice_item(course, "s1-pick", ("s1",))
    learner = LearnerFactory()
    answer_submit(learner=learner, item_id=item.pk, answer="b", client_id=uuid.uuid4())
    client = logged_in(learner)
    html = client.get(reverse("history")).content.decode()
    assert "Pick a" in html
    assert "b. B" in html  # the answer in words
    assert '<th scope="col">Right answer</th>' in html
    assert "a. A" in html
    response = ItemResponse.objects.get(learner=learner)
    assert reverse("history-answer", args=[response.pk]) in html
    # the answer reopens on its own page, for its learner only
    page = client.get(reverse("history-answer", args=[response.pk])).content.decode()
    assert "the right answer" in page
    assert "your answer" in page
    stranger = logged_in(LearnerFactory())
    assert stranger.get(reverse("history-answer", args=[response.pk])).status_code == 404


def test_the_teachers_drill_down_shows_no_right_answers(klass):
    client = logged_in(klass.learner)
    post_answer(client, klass.course, practice_page(client, klass.course), right=False)
    teacher = logged_in(klass.teacher)
    url = reverse("class-learner", args=[klass.classroom.pk, klass.learner.pk])
    html = teacher.get(url).content.decode()
    assert teacher.get(url).status_code == 200
    assert "Right answer" not in html


def render(source: str, **context) -> str:
    return Template("{% load learner_tags %}" + source).render(Context(context)).strip()


def test_percentages_round_down_so_the_goal_shows_reached_only_when_it_is():
    assert render("{{ p|pct }}", p=0.949) == "94"
    assert render("{{ p|pct }}", p=0.95) == "95"
    assert render("{{ p|pct }}", p=0.9999) == "99"
    bar = render('{% mastery_bar "Halves" 0.96 0.95 before=0.9 mastered=False %}')
    assert "✓ Mastered" not in bar
    assert "in a row to master it" in bar
    done = render('{% mastery_bar "Halves" 0.96 0.95 before=0.9 mastered=True %}')
    assert "✓ Mastered" in done


def test_just_now_instead_of_zero_minutes():
    assert render("{{ t|ago }}", t=timezone.now()) == "just now"
    assert render("{{ t|ago }}", t=timezone.now() - timedelta(minutes=5)) == "5\xa0minutes ago"


def test_a_whole_number_answer_gets_the_numeric_keyboard(klass):
    html = practice_page(logged_in(klass.learner), klass.course)
    _item_id, slug = shown_item(html)
    expected = "numeric" if float(right_answer(slug)).is_integer() else "text"
    assert f'inputmode="{expected}"' in html


def test_the_daily_goal_and_the_streak_count_days_in_a_row(klass):
    learner = klass.learner
    items = list(klass.course.items.order_by("slug"))
    now = timezone.now()
    for days_ago, item in ((2, items[0]), (1, items[1]), (0, items[2]), (0, items[3])):
        answer_submit(
            learner=learner,
            item_id=item.pk,
            answer="0",
            client_id=uuid.uuid4(),
            now=now - timedelta(days=days_ago),
        )
    html = logged_in(learner).get(reverse("home")).content.decode()
    assert "Today: 2 of 10 answers" in html
    assert "3 days in a row" in html
    practice = practice_page(logged_in(learner), klass.course)
    assert "Today: 2 of 10 answers" in practice


def test_motivation_can_be_turned_off_per_course(klass):
    CoursePolicy.objects.create(course=klass.course, daily_goal=0, show_streak=False)
    answer_submit(
        learner=klass.learner,
        item_id=klass.course.items.first().pk,
        answer="0",
        client_id=uuid.uuid4(),
    )
    html = logged_in(klass.learner).get(reverse("home")).content.decode()
    assert 'data-testid="motivation"' not in html
    assert "in a row" not in html


def test_a_streak_survives_until_the_day_is_over(klass):
    items = list(klass.course.items.order_by("slug"))
    now = timezone.now()
    for days_ago, item in ((2, items[0]), (1, items[1])):
        answer_submit(
            learner=klass.learner,
            item_id=item.pk,
            answer="0",
            client_id=uuid.uuid4(),
            now=now - timedelta(days=days_ago),
        )
    html = logged_in(klass.learner).get(reverse("home")).content.decode()
    assert "2 days in a row" in html
    assert "practise today to keep it" in html
    assert not Attempt.objects.exists()


def test_the_reasons_never_round_a_skill_up_to_its_goal():
    from apps.recommendations.engine.mastery import shown_percent

    # 0.9499999999 is below a 0.95 goal (not mastered), so it shows 94
    assert [shown_percent(p) for p in (0.949, 0.95, 0.9499999999, 0.0, 1.0)] == [94, 95, 94, 0, 100]


def test_the_placement_api_gives_no_hints_either(db):
    from tests.helpers import client_for

    course = chain_course(slug="placed-api", skills=2, items_per_skill=4)
    client = client_for(LearnerFactory())
    started = client.post("/api/v1/placement/", {"course": course.slug}, format="json").json()
    assert started["next"]["item"]["hints_html"] == []
    practice = client.get("/api/v1/practice/next/", {"course": course.slug}).json()
    assert practice["item"]["hints_html"]
