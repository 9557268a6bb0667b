"""The whole adaptive loop end to end through the API, as a mobile client drives it."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.recommendations.answer_log import next_activity_of
from apps.recommendations.models import CoursePolicy, LessonView, SkillMastery
from apps.recommendations.selectors import skill_mastery_list
from apps.recommendations.services.placement import placement_finish, placement_start
from tests.accounts.factories import ClassroomFactory, EnrollmentFactory, LearnerFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


def answer_right(client, item):
    """Answers of the builders' items are the digit after '-i' in their slug."""
    body = {
        "client_id": str(uuid.uuid4()),
        "item": item["id"],
        "answer": item["slug"].split("-i")[1],
    }
    response = client.post("/api/v1/practice/answers/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_practise_until_mastered_then_move_to_the_next_skill():
    course = chain_course(skills=3, items_per_skill=5)
    client = client_for(LearnerFactory())
    nxt = client.get("/api/v1/practice/next/", {"course": course.slug}).json()
    assert (nxt["kind"], nxt["skill"]["slug"]) == ("practice", "s1")
    assert nxt["reason"] == "Start here: Skill 1 needs nothing learnt before it."
    mastered_after = None
    for n in range(1, 15):
        feedback = answer_right(client, nxt["item"])
        nxt = feedback["next"]
        if feedback["mastery"][0]["mastered_now"]:
            mastered_after = n
            break
    assert mastered_after is not None
    assert mastered_after >= 3
    assert (nxt["skill"]["slug"], nxt["reason"]) == ("s2", "Ready: you mastered Skill 1.")
    mastery = client.get("/api/v1/mastery/", {"course": course.slug}).json()
    assert (mastery["count"], mastery["next"], mastery["previous"]) == (3, None, None)
    states = {s["slug"]: s["state"] for s in mastery["results"]}
    assert states == {"s1": "mastered", "s2": "not_started", "s3": "locked"}
    s1 = mastery["results"][0]
    assert s1["evidence_count"] == mastered_after
    assert s1["interval_low"] < s1["p_known"] <= s1["interval_high"]
    assert mastery["ability"]["theta"] > 0
    assert mastery["ability_responses"] == mastered_after
    paged = client.get("/api/v1/mastery/", {"course": course.slug, "page_size": 2, "page": 2})
    assert [skill["slug"] for skill in paged.json()["results"]] == ["s3"]
    assert paged.json()["ability_responses"] == mastered_after
    assert client.get("/api/v1/mastery/", {"course": course.slug, "page": 9}).status_code == 404
    bad = client.get("/api/v1/mastery/", {"course": course.slug, "page_size": "abc"})
    assert list(bad.json()["error"]["fields"]) == ["page_size"]


def test_a_new_skill_with_a_lesson_starts_with_it():
    course = chain_course(skills=2, items_per_skill=3, lessons=True)
    learner = LearnerFactory()
    client = client_for(learner)
    first = client.get("/api/v1/practice/next/", {"course": course.slug}).json()
    assert (first["kind"], first["lesson"]["slug"]) == ("lesson", "lesson-s1")
    read = client.post(f"/api/v1/courses/{course.slug}/lessons/lesson-s1/read/")
    assert read.status_code == 204
    assert LessonView.objects.filter(learner=learner).count() == 1
    after = client.get("/api/v1/practice/next/", {"course": course.slug}).json()
    assert after["kind"] == "practice"
    assert after["item"]["skills"] == ["s1"]


def test_recommendations_and_due_reviews():
    course = chain_course(skills=3, items_per_skill=3)
    learner = LearnerFactory()
    client = client_for(learner)
    ranked = client.get("/api/v1/recommendations/", {"course": course.slug}).json()
    assert [r["skill"]["slug"] for r in ranked["results"]] == ["s1"]
    none_due = client.get("/api/v1/reviews/due/").json()
    assert (none_due["count"], none_due["results"]) == (0, [])
    # Mastered long ago and due: the review comes first, with a reason counting the days.
    long_ago = timezone.now() - timedelta(days=6)
    for skill in course.skills.filter(slug__in=["s1", "s2"]):
        SkillMastery.objects.create(
            learner=learner,
            skill=skill,
            course=course,
            p_known=0.99,
            attempts=6,
            last_practised_at=long_ago,
            mastered_at=long_ago,
            review_due_at=timezone.now() - timedelta(hours=1),
        )
    due = client.get("/api/v1/reviews/due/", {"course": course.slug}).json()
    assert due["count"] == 2
    assert [d["skill"] for d in due["results"]] == ["s1", "s2"]
    first_page = client.get("/api/v1/reviews/due/", {"course": course.slug, "page_size": 1})
    assert [d["skill"] for d in first_page.json()["results"]] == ["s1"]
    assert first_page.json()["next"] is not None
    nxt = client.get("/api/v1/practice/next/", {"course": course.slug}).json()
    assert nxt["kind"] == "review"
    assert nxt["reason"] == "Review due: you last practised Skill 1 6 days ago."


def test_course_query_parameter_is_required_and_validated():
    client = client_for(LearnerFactory())
    missing = client.get("/api/v1/practice/next/")
    assert missing.status_code == 400
    assert "course" in missing.json()["error"]["fields"]
    assert client.get("/api/v1/mastery/", {"course": "nope"}).status_code == 404


def test_placement_seeds_starting_mastery():
    course = chain_course(skills=3, items_per_skill=6)
    # Nine items: about three per skill, so some skills rest on placement seeding.
    CoursePolicy.objects.create(course=course, placement_max_items=9)
    learner = LearnerFactory()
    client = client_for(learner)
    started = client.post("/api/v1/placement/", {"course": course.slug}, format="json")
    assert started.status_code == 201
    body = started.json()
    attempt = body["attempt"]
    seen = []
    while body["status"] == "in_progress":
        item = body["next"]["item"]
        assert item["id"] not in seen  # never the same item twice
        seen.append(item["id"])
        response = client.post(
            "/api/v1/practice/answers/",
            {
                "client_id": str(uuid.uuid4()),
                "item": item["id"],
                "attempt": attempt,
                "answer": item["slug"].split("-i")[1],
            },
            format="json",
        ).json()
        nxt = response["next"]
        body = {
            "status": "finished" if nxt["kind"] == "placement_finished" else "in_progress",
            "next": nxt,
            "result": nxt.get("result"),
        }
    result = client.get(f"/api/v1/placement/{attempt}/").json()
    assert result["status"] == "finished"
    assert result["result"]["answered"] == len(seen) == 9
    assert result["result"]["theta"] > 1.0  # every answer right
    assert result["result"]["mastered_skills"] == ["s1", "s2", "s3"]
    states = {
        s["slug"]: s["state"]
        for s in client.get("/api/v1/mastery/", {"course": course.slug}).json()["results"]
    }
    assert set(states.values()) == {"mastered"}


def test_placement_finish_seeds_skills_known_by_ability_and_their_prerequisites():
    """Responses recorded without BKT updates isolate the seeding: only the ability counts."""
    course = chain_course(skills=3, items_per_skill=6)
    learner = LearnerFactory()
    attempt, _ = placement_start(learner=learner, course=course)
    hardest = list(course.items.filter(skills__slug__in=["s2", "s3"]).order_by("-irt_b")[:10])
    for item in hardest:
        ItemResponse.objects.create(
            learner=learner, item=item, attempt=attempt, answer="x", correct=True, score=1.0
        )
    result = placement_finish(learner=learner, attempt=attempt)
    assert result.answered == 10
    assert result.theta > 1.5
    assert result.mastered_skills == ["s1", "s2", "s3"]
    rows = SkillMastery.objects.filter(learner=learner)
    assert {(r.skill.slug, r.seeded_by_placement, r.p_known >= 0.95) for r in rows} == {
        ("s1", True, True),
        ("s2", True, True),
        ("s3", True, True),
    }
    # Seeded skills read as mastered although none of their items was answered in practice.
    views = skill_mastery_list(learner=learner, course=course)
    assert [(v.slug, v.state, v.attempts) for v in views] == [
        ("s1", "mastered", 0),
        ("s2", "mastered", 0),
        ("s3", "mastered", 0),
    ]
    # Placement never lowers what practice established.
    attempt2, _ = placement_start(learner=learner, course=course)
    placement_finish(learner=learner, attempt=attempt2)
    assert all(r.p_known >= 0.95 for r in SkillMastery.objects.filter(learner=learner))


def test_placement_all_wrong_seeds_nothing_and_finish_early_works():
    course = chain_course(skills=2, items_per_skill=6)
    learner = LearnerFactory()
    client = client_for(learner)
    body = client.post("/api/v1/placement/", {"course": course.slug}, format="json").json()
    for _ in range(3):
        item = body["next"]["item"]
        nxt = client.post(
            "/api/v1/practice/answers/",
            {
                "client_id": str(uuid.uuid4()),
                "item": item["id"],
                "attempt": body["attempt"],
                "answer": "99",
            },
            format="json",
        ).json()["next"]
        body["next"] = nxt
    finished = client.post(f"/api/v1/placement/{body['attempt']}/finish/").json()
    assert finished["status"] == "finished"
    assert finished["result"]["mastered_skills"] == []
    assert finished["result"]["theta"] < 0
    late = client.post(
        "/api/v1/practice/answers/",
        {
            "client_id": str(uuid.uuid4()),
            "item": body["next"]["item"]["id"],
            "attempt": body["attempt"],
            "answer": "1",
        },
        format="json",
    )
    assert late.status_code == 400
    assert "attempt" in late.json()["error"]["fields"]


def test_other_learners_placement_is_404():
    course = chain_course(skills=1, items_per_skill=3)
    body = (
        client_for(LearnerFactory())
        .post("/api/v1/placement/", {"course": course.slug}, format="json")
        .json()
    )
    other = client_for(LearnerFactory())
    assert other.get(f"/api/v1/placement/{body['attempt']}/").status_code == 404
    assert other.post(f"/api/v1/placement/{body['attempt']}/finish/").status_code == 404


def test_wheel_spinning_learners_are_flagged_for_their_teacher():
    course = chain_course(skills=1, items_per_skill=6)
    enrollment = EnrollmentFactory()
    course.classrooms.add(enrollment.classroom)
    learner = enrollment.learner
    client = client_for(learner)
    items = list(course.items.values_list("id", flat=True))
    for n in range(10):
        response = client.post(
            "/api/v1/practice/answers/",
            {
                "client_id": str(uuid.uuid4()),
                "item": items[n % len(items)],
                "answer": "99",
            },
            format="json",
        ).json()
    assert response["mastery"][0]["attempts"] == 10
    assert SkillMastery.objects.get(learner=learner).wheel_spinning is True
    url = f"/api/v1/classrooms/{enrollment.classroom.pk}/wheel-spinning/"
    flags = client_for(enrollment.classroom.owner).get(url).json()["results"]
    assert [(f["learner"], f["skill"], f["attempts"]) for f in flags] == [
        (learner.username, "s1", 10)
    ]
    assert client_for(ClassroomFactory().owner).get(url).status_code == 404
    assert client.get(url).status_code == 403


def test_every_recommendation_is_logged_with_its_reason():
    course = chain_course(skills=2, items_per_skill=3)
    learner = LearnerFactory()
    client = client_for(learner)
    nxt = client.get("/api/v1/practice/next/", {"course": course.slug}).json()
    feedback = answer_right(client, nxt["item"])
    # Recorded with the answer, as the feedback announced it.
    recorded = next_activity_of(ItemResponse.objects.get(learner=learner).next_activity)
    assert recorded is not None
    assert recorded.kind == "practice"
    assert recorded.reason.startswith(("Keep going", "Start here"))
    assert recorded.item_id == feedback["next"]["item"]["id"]
