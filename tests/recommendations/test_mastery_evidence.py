"""Mastery needs evidence, and evidence flows down the graph: through the real answer path and
the nightly rebuild."""

import uuid

import pytest

from apps.recommendations.models import SkillMastery
from apps.recommendations.recalculation.rebuild import learner_state_rebuild
from apps.recommendations.selectors import skill_mastery_list
from apps.recommendations.services.answers import answer_submit
from tests.accounts.factories import LearnerFactory
from tests.recommendations.builders import chain_course, choice_item

pytestmark = pytest.mark.django_db


def answer(learner, course, slug, value):
    item = course.items.get(slug=slug)
    return answer_submit(learner=learner, item_id=item.pk, answer=value, client_id=uuid.uuid4())


def states(learner, course):
    return {view.slug: view.state for view in skill_mastery_list(learner=learner, course=course)}


def test_one_right_answer_is_not_mastery_even_with_a_high_prior():
    course = chain_course(skills=1, items_per_skill=4)
    SkillMastery.objects.create(
        learner=(learner := LearnerFactory()),
        skill=course.skills.get(slug="s1"),
        course=course,
        p_known=0.94,
    )
    body = answer(learner, course, "s1-i1", "1").body
    [change] = body["mastery"]
    assert change["after"] >= 0.95
    assert (change["mastered"], change["mastered_now"]) == (False, False)
    assert states(learner, course)["s1"] == "learning"
    answer(learner, course, "s1-i2", "2")
    third = answer(learner, course, "s1-i3", "3").body["mastery"][0]
    assert (third["mastered"], third["mastered_now"]) == (True, True)
    assert states(learner, course)["s1"] == "mastered"


def test_mastering_a_skill_credits_everything_it_builds_on():
    """s1 <- s2 <- s3: three right answers on s3 alone say s1 and s2 are known."""
    course = chain_course(skills=3, items_per_skill=4)
    learner = LearnerFactory()
    for k in (0, 1, 2, 3):
        body = answer(learner, course, f"s3-i{k}", str(k)).body
        if body["mastery"][0]["mastered"]:
            break
    assert body["mastery"][0]["mastered_now"]
    rows = {row.skill.slug: row for row in SkillMastery.objects.filter(learner=learner)}
    assert rows["s1"].credited_by.slug == rows["s2"].credited_by.slug == "s3"
    assert rows["s1"].attempts == 0
    assert rows["s1"].p_known >= 0.95
    # A credit is a review: recall decays from it and a review falls due.
    assert rows["s1"].memory_state["last_review"] is not None
    assert rows["s1"].review_due_at > rows["s1"].mastered_at
    assert states(learner, course) == {"s1": "mastered", "s2": "mastered", "s3": "mastered"}
    # The nightly rebuild keeps credits: the skills' own log does not hold that evidence.
    learner_state_rebuild(course=course)
    assert states(learner, course) == {"s1": "mastered", "s2": "mastered", "s3": "mastered"}


def test_without_credit_a_dependent_skill_is_not_shown_mastered_above_an_unstarted_one():
    course = chain_course(skills=2, items_per_skill=4)
    learner = LearnerFactory()
    SkillMastery.objects.create(
        learner=learner,
        skill=course.skills.get(slug="s2"),
        course=course,
        p_known=0.99,
        attempts=5,
        correct_count=5,
        right_streak=5,
    )
    assert states(learner, course) == {"s1": "not_started", "s2": "learning"}


def test_the_rebuild_counts_right_streak_before_setting_mastered_at():
    course = chain_course(skills=1, items_per_skill=4)
    learner = LearnerFactory()
    for k in (1, 2, 3):
        answer(learner, course, f"s1-i{k}", str(k))
    live = SkillMastery.objects.get(learner=learner)
    learner_state_rebuild(course=course)
    rebuilt = SkillMastery.objects.get(learner=learner)
    assert rebuilt.mastered_at == live.mastered_at is not None
    assert (rebuilt.attempts, rebuilt.correct_count) == (3, 3)


def test_right_picks_among_choices_count_less_and_the_rebuild_agrees_with_the_answer_path():
    course = chain_course(skills=1, items_per_skill=0)
    for k in range(8):
        choice_item(
            course, f"pick-{k}", ("s1",), b=0.0
        )  # two choices: a guess is right half the time
    learner = LearnerFactory()
    shown = []
    for k in range(8):
        body = answer(learner, course, f"pick-{k}", "a").body
        shown.append(body["mastery"][0]["mastered"])
    live = SkillMastery.objects.get(learner=learner)
    assert live.correct_count == 8
    assert live.right_streak == pytest.approx(8 * 0.25)  # the least a right answer counts
    assert not any(shown[:7])  # three lucky picks are not three right answers
    learner_state_rebuild(course=course)
    rebuilt = SkillMastery.objects.get(learner=learner)
    assert rebuilt.p_known == pytest.approx(live.p_known, abs=1e-9)
    assert rebuilt.right_streak == pytest.approx(live.right_streak)
    assert rebuilt.mastered_at == live.mastered_at


def test_a_wrong_answer_starts_the_streak_again_and_the_rebuild_agrees():
    course = chain_course(skills=1, items_per_skill=6)
    learner = LearnerFactory()
    for slug, value in [("s1-i1", "1"), ("s1-i2", "2"), ("s1-i3", "9"), ("s1-i4", "4")]:
        answer(learner, course, slug, value)
    live = SkillMastery.objects.get(learner=learner)
    assert (live.correct_count, live.right_streak) == (3, 1.0)
    learner_state_rebuild(course=course)
    assert SkillMastery.objects.get(learner=learner).right_streak == 1.0
