"""Learner pages through Django's test client, posting forms the way a browser without
JavaScript does."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import Attempt, AttemptStatus, ItemResponse
from apps.recommendations.models import LessonView, SkillMastery
from tests.dashboards.conftest import (
    logged_in,
    post_answer,
    practise_until_mastered,
    shown_item,
)
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


def test_home_shows_the_next_activity_with_its_reason_progress_and_the_join_form(klass):
    page = logged_in(klass.learner).get(reverse("home"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Fractions" in html
    assert "Start here: Skill 1 needs nothing learnt before it." in html
    assert "0 of 3</strong> skills mastered" in html
    assert "No reviews due." in html
    assert reverse("practice", args=["fractions"]) in html
    assert "Take the placement test" in html
    assert "Join class" in html
    assert "Year 7" in html


def test_home_lists_reviews_that_are_due(klass):
    long_ago = timezone.now() - timedelta(days=9)
    skill = klass.course.skills.get(slug="s1")
    SkillMastery.objects.create(
        learner=klass.learner,
        skill=skill,
        course=klass.course,
        p_known=0.97,
        attempts=5,
        last_practised_at=long_ago,
        mastered_at=long_ago,
        review_due_at=long_ago + timedelta(days=2),
    )
    html = logged_in(klass.learner).get(reverse("home")).content.decode()
    assert "Review due: you last practised Skill 1 9 days ago." in html
    assert "<strong>Skill 1</strong>" in html
    assert "last practised 1" in html


def test_practice_page_is_a_plain_form_with_a_fresh_client_id_and_hints(klass):
    client = logged_in(klass.learner)
    first = client.get(reverse("practice", args=["fractions"])).content.decode()
    second = client.get(reverse("practice", args=["fractions"])).content.decode()
    ids = [re.search(r'name="client_id" value="([\w-]+)"', p).group(1) for p in (first, second)]
    assert ids[0] != ids[1]
    assert 'method="post"' in first
    assert 'action="/learn/fractions/answer/"' in first
    assert '<label for="answer">Your answer' in first
    assert "<summary>Hint 1 (if you are stuck)</summary>" in first
    assert shown_item(first)[1].startswith("s1-")


def test_a_right_answer_shows_feedback_explanation_mastery_and_what_comes_next(klass):
    client = logged_in(klass.learner)
    page = client.get(reverse("practice", args=["fractions"])).content.decode()
    response = post_answer(client, klass.course, page)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Right" in html
    assert "Explanation" in html
    assert "It is " in html
    assert re.search(r"\d+% → <strong>\d+%</strong>", html), "mastery bar before → after"
    assert "of 95% goal" in html
    assert "Keep going: Skill 1 is at" in html
    assert re.search(r'<a class="button" href="/learn/fractions/"[^>]*>Continue</a>', html)
    assert ItemResponse.objects.filter(learner=klass.learner).count() == 1


def test_a_double_submit_records_the_answer_once(klass):
    client = logged_in(klass.learner)
    page = client.get(reverse("practice", args=["fractions"])).content.decode()
    first = post_answer(client, klass.course, page)
    again = post_answer(client, klass.course, page)
    assert first.status_code == again.status_code == 200
    assert ItemResponse.objects.filter(learner=klass.learner).count() == 1
    assert SkillMastery.objects.get(learner=klass.learner, skill__slug="s1").attempts == 1


def test_a_wrong_answer_says_so(klass):
    client = logged_in(klass.learner)
    page = client.get(reverse("practice", args=["fractions"])).content.decode()
    html = post_answer(client, klass.course, page, right=False).content.decode()
    assert "Not quite" in html
    assert "<dt>Your answer</dt>" in html
    assert "<strong>99</strong>" in html
    assert "<dt>The right answer</dt>" in html


def test_an_unreadable_answer_shows_the_question_again_with_the_error_and_stores_nothing(klass):
    client = logged_in(klass.learner)
    page = client.get(reverse("practice", args=["fractions"])).content.decode()
    item_id, _ = shown_item(page)
    client_id = re.search(r'name="client_id" value="([\w-]+)"', page).group(1)
    response = client.post(
        reverse("practice-answer", args=["fractions"]),
        {"item": item_id, "client_id": client_id, "answer": "lots"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "is not a number" in html
    assert 'aria-invalid="true"' in html
    assert f'name="client_id" value="{client_id}"' in html
    assert not ItemResponse.objects.exists()


def test_a_tampered_form_is_refused(klass):
    client = logged_in(klass.learner)
    url = reverse("practice-answer", args=["fractions"])
    assert client.post(url, {"item": "x", "client_id": "nope"}).status_code == 400
    other = chain_course(slug="other", skills=1, items_per_skill=1)
    foreign = other.items.get().pk
    body = {"item": foreign, "client_id": "6f1c2a7e-3b1d-4c55-9e0f-2a8d7c9b1e42", "answer": "0"}
    assert client.post(url, body).status_code == 404
    assert not ItemResponse.objects.exists()


def test_practising_until_mastered_moves_on_and_the_map_shows_it(klass):
    client = logged_in(klass.learner)
    answers = practise_until_mastered(client, klass.course)
    assert answers >= 3
    page = client.get(reverse("mastery-map", args=["fractions"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<g class="map-node map-node--mastered" data-skill="s1">' in html
    assert '<g class="map-node map-node--not_started" data-skill="s2">' in html
    assert '<g class="map-node map-node--locked" data-skill="s3">' in html
    assert "✓ Mastered · 9" in html
    assert '<tr data-skill="s1" data-state="mastered">' in html
    home = client.get(reverse("home")).content.decode()
    assert "Ready: you mastered Skill 1." in home
    assert "1 of 3</strong> skills mastered" in home


def test_a_lesson_comes_first_and_i_have_read_it_moves_to_practice(db, learner):
    course = chain_course(slug="withlessons", skills=1, items_per_skill=2, lessons=True)
    client = logged_in(learner)
    page = client.get(reverse("practice", args=[course.slug])).content.decode()
    assert "About skill 1" in page
    assert "Skill 1 explained." in page
    assert "I&#x27;ve read it" in page or "I've read it" in page
    done = client.post(reverse("lesson-read", args=[course.slug, "lesson-s1"]))
    assert done.status_code == 302
    assert done["Location"] == reverse("practice", args=[course.slug])
    assert LessonView.objects.filter(learner=learner).count() == 1
    after = client.get(done["Location"]).content.decode()
    assert shown_item(after)[1].startswith("s1-")


def test_history_is_paginated_and_filtered_by_course(klass):
    client = logged_in(klass.learner)
    for _ in range(3):
        page = client.get(reverse("practice", args=["fractions"])).content.decode()
        post_answer(client, klass.course, page, right=False)
    html = client.get(reverse("history")).content.decode()
    assert html.count("✗ Wrong") == 3
    assert "3 attempts." in html
    from apps.web import history_page as history

    paged = history.attempt_page(learner=klass.learner, course=None, page=2, per_page=2)
    assert paged[0].number == 2
    assert len(paged[1]) == 1
    other = client.get(reverse("history"), {"course": "nothing-like-this"}).content.decode()
    assert other.count("✗ Wrong") == 3  # an unknown course filter shows everything


def test_placement_start_answer_finish_and_result(db, learner):
    course = chain_course(slug="placed", skills=3, items_per_skill=4)
    client = logged_in(learner)
    intro = client.get(reverse("placement-start", args=[course.slug]))
    assert intro.status_code == 200
    assert b"Start the placement test" in intro.content
    started = client.post(reverse("placement-start", args=[course.slug]))
    attempt = Attempt.objects.get(learner=learner)
    assert started["Location"] == reverse("placement", args=[course.slug, attempt.pk])
    page = client.get(started["Location"]).content.decode()
    assert "Question 1" in page
    assert "Next question" in page
    item_id, slug = shown_item(page)
    client_id = re.search(r'name="client_id" value="([\w-]+)"', page).group(1)
    answered = client.post(
        started["Location"],
        {"item": item_id, "client_id": client_id, "answer": slug.split("-i")[1]},
    )
    assert answered.status_code == 302
    assert ItemResponse.objects.get(learner=learner).attempt_id == attempt.pk
    assert "Question 2" in client.get(started["Location"]).content.decode()
    client.post(reverse("placement-finish", args=[course.slug, attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FINISHED
    result = client.get(started["Location"]).content.decode()
    assert "Placement result" in result
    assert "1 of 1</strong> questions right" in result


def test_someone_elses_placement_attempt_is_not_found(db, learner):
    from tests.accounts.factories import LearnerFactory

    course = chain_course(slug="placed", skills=2, items_per_skill=3)
    other = LearnerFactory()
    logged_in(other).post(reverse("placement-start", args=[course.slug]))
    attempt = Attempt.objects.get(learner=other)
    client = logged_in(learner)
    assert client.get(reverse("placement", args=[course.slug, attempt.pk])).status_code == 404
    finish = client.post(reverse("placement-finish", args=[course.slug, attempt.pk]))
    assert finish.status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS


def test_join_a_class_from_the_home_page_errors_inline(klass):
    from tests.accounts.factories import LearnerFactory

    client = logged_in(LearnerFactory())
    wrong = client.post(reverse("classroom-join"), {"code": "WRONG"})
    assert wrong.status_code == 400
    assert b"No classroom has this join code" in wrong.content
    ok = client.post(reverse("classroom-join"), {"code": klass.classroom.join_code}, follow=True)
    assert b"You joined Year 7" in ok.content
    assert b"Fractions" in ok.content
