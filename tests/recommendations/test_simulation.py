"""simulate_learners: realistic histories in the database, learner state rebuilt, never in
production by accident."""

import itertools
import json
from datetime import timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Min
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.assessments.grading import AnswerKey, grade
from apps.assessments.models import ItemResponse
from apps.curriculum.exchange import course_import
from apps.demo.seed.course import DEMO_FILE
from apps.demo.simulation import simulate_history, simulate_learners
from apps.recommendations.answer_log import mastery_steps
from apps.recommendations.models import LearnerAbility, SkillMastery
from apps.recommendations.recalculation.log import course_responses_load, course_structure_load
from apps.recommendations.recalculation.rebuild import evidence_responses
from apps.recommendations.snapshot import course_snapshot
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return chain_course(slug="sim", skills=3, items_per_skill=4)


def test_learners_responses_and_state_are_created(course):
    now = timezone.now()
    result = simulate_learners(course=course, learners=30, days=10, seed=7, now=now)

    learners = User.objects.filter(username__startswith="sim-sim-")
    assert learners.count() == result.learners == 30
    assert set(learners.values_list("role", flat=True)) == {Role.LEARNER}
    assert not any(user.has_usable_password() for user in learners)
    responses = ItemResponse.objects.all()
    assert responses.count() == result.responses > 30 * 5
    assert responses.values("client_id").distinct().count() == result.responses
    assert responses.values("learner").distinct().count() == 30  # everyone practised
    span = responses.order_by("created_at")
    assert now - timedelta(days=10) <= span.first().created_at == result.first_at
    assert span.last().created_at == result.last_at <= now
    taken = responses.values_list("time_taken_ms", flat=True)
    assert min(taken) >= 2_000
    assert max(taken) <= 300_000
    assert result.rebuild is not None
    assert result.rebuild.learners_written == 30
    pairs = responses.values("learner", "item__skills").distinct().count()
    assert SkillMastery.objects.count() == pairs
    assert not SkillMastery.objects.filter(memory_state=None).exists()
    assert LearnerAbility.objects.count() == 30


def test_answers_are_graded_consistently(course):
    simulate_learners(course=course, learners=5, days=3, seed=1)
    for item_slug, answer, correct, score in ItemResponse.objects.values_list(
        "item__slug", "answer", "correct", "score"
    )[:200]:
        key = float(item_slug.split("-i")[1])  # the builders' items answer their index
        graded = grade(AnswerKey(type="numeric", numeric_answer=key), answer)
        assert graded.correct is correct
        assert score == float(correct)
        assert isinstance(answer, str)  # as a learner types it


def test_on_the_demo_course_every_stored_answer_grades_as_recorded():
    demo = course_import(source_name=DEMO_FILE.name, content=DEMO_FILE.read_bytes(), author=None)
    simulate_learners(course=demo.course, learners=8, days=5, seed=3, rebuild=False)
    keys = {item_id: node.key for item_id, node in course_snapshot(demo.course).items.items()}
    rows = ItemResponse.objects.values_list("item_id", "answer", "correct")
    assert rows.count() > 100
    for item_id, answer, correct in rows:
        assert grade(keys[item_id], answer).correct is correct, (item_id, answer)
    typed = [a for a in rows.values_list("answer", flat=True) if isinstance(a, str) and "/" in a]
    assert typed  # fractions as learners type them, e.g. "7/13"


def test_learners_start_a_skill_only_after_its_prerequisites(course):
    simulate_learners(course=course, learners=40, days=15, seed=2, rebuild=False)
    first = {
        (row["learner"], row["item__skills__slug"]): row["first"]
        for row in ItemResponse.objects.values("learner", "item__skills__slug").annotate(
            first=Min("created_at")
        )
    }
    checked = 0
    for (learner, skill), started in first.items():
        if skill in ("s2", "s3"):
            prerequisite = "s1" if skill == "s2" else "s2"
            assert first[(learner, prerequisite)] < started
            checked += 1
    assert checked > 20  # most learners got past the first skill


def test_the_same_seed_gives_the_same_history(course):
    snapshot, now = course_snapshot(course), timezone.now()
    one = simulate_history(snapshot=snapshot, n_learners=20, days=5, now=now, seed=3)
    two = simulate_history(snapshot=snapshot, n_learners=20, days=5, now=now, seed=3)
    other = simulate_history(snapshot=snapshot, n_learners=20, days=5, now=now, seed=4)
    assert np.array_equal(one.correct, two.correct)
    assert np.array_equal(one.item_id, two.item_id)
    assert np.array_equal(one.created_us, two.created_us)
    assert not np.array_equal(one.created_us[:50], other.created_us[:50])
    assert set(one.true_params) == {"s1", "s2", "s3"}


def test_a_second_simulation_continues_the_usernames(course):
    simulate_learners(course=course, learners=3, days=2, seed=1, rebuild=False)
    simulate_learners(course=course, learners=2, days=2, seed=2, rebuild=False)
    names = sorted(
        User.objects.filter(username__startswith="sim-").values_list("username", flat=True)
    )
    assert names == [f"sim-sim-{n:05d}" for n in range(1, 6)]


def test_some_learners_spin_their_wheels_and_are_flagged(course):
    simulate_learners(course=course, learners=60, days=20, seed=5)
    spinning = SkillMastery.objects.filter(wheel_spinning=True)
    assert spinning.exists()
    assert all(row.attempts >= 10 and row.mastered_at is None for row in spinning)


def test_the_command_reports_what_it_made(course):
    out = StringIO()
    call_command(
        "simulate_learners",
        "--course=sim",
        "--learners=4",
        "--days=3",
        "--seed=9",
        "--prefix=demo",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert (report["course"], report["learners"]) == ("sim", 4)
    assert report["responses"] == ItemResponse.objects.count()
    assert report["abilities_written"] == 4
    assert User.objects.filter(username__startswith="demo-sim-").count() == 4


def test_with_history_every_answer_moves_its_skills_as_the_final_mastery_says(course):
    out = StringIO()
    call_command(
        "simulate_learners",
        "--course=sim",
        "--learners=6",
        "--days=4",
        "--seed=3",
        "--history",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    # The builders' items carry one skill each: one change per answer that is evidence (a
    # simulated learner re-answering an item it just saw moves nothing: engine.evidence).
    structure = course_structure_load(course_id=course.pk)
    evidence = evidence_responses(structure, course_responses_load(structure=structure))
    answers = ItemResponse.objects.order_by("learner", "created_at", "id")
    stored = list(answers.values_list("learner", "mastery_changes"))
    assert all(steps is not None for _, steps in stored)  # every answer says, repeats too
    assert report["history_written"] == evidence.size == sum(len(steps) for _, steps in stored)
    assert 0 < evidence.size <= report["responses"]
    chains: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for learner, steps in stored:
        for step in mastery_steps(steps):
            chains.setdefault((learner, step.skill_id), []).append((step.before, step.after))
    for (learner, skill), chain in chains.items():
        assert all(after == nxt[0] for (_, after), nxt in itertools.pairwise(chain))
        mastery = SkillMastery.objects.get(learner_id=learner, skill_id=skill)
        assert chain[-1][1] == pytest.approx(mastery.p_known, abs=1e-12)
        assert len(chain) == mastery.attempts
    without = simulate_learners(course=course, learners=2, days=2, seed=4)
    assert without.history_written == 0
    assert not ItemResponse.objects.filter(
        learner_id__in=without.learner_ids, mastery_changes__isnull=False
    ).exists()


def test_the_command_refuses_production_settings_unless_forced(course, settings):
    settings.ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="production settings"):
        call_command("simulate_learners", "--course=sim", "--learners=2", "--days=2")
    assert not User.objects.exists()
    assert not ItemResponse.objects.exists()
    call_command(
        "simulate_learners",
        "--course=sim",
        "--learners=2",
        "--days=2",
        "--force",
        stdout=StringIO(),
    )
    assert User.objects.count() == 2


def test_the_command_names_an_unknown_course():
    with pytest.raises(CommandError, match="No course with slug 'nope'"):
        call_command("simulate_learners", "--course=nope", "--learners=1", "--days=1")


def test_two_hundred_learners_practise_thirty_days_of_the_demo_course():
    # Its time is reported by bench/recalculation.py, which builds its logs the same way.
    demo = course_import(source_name=DEMO_FILE.name, content=DEMO_FILE.read_bytes(), author=None)
    result = simulate_learners(course=demo.course, learners=200, days=30, seed=1)
    assert result.responses > 20_000
    per_learner = ItemResponse.objects.values("learner").annotate(n=Count("id"))
    assert per_learner.count() == 200
    assert set(result.timings) == {"generate", "insert", "rebuild"}
    assert LearnerAbility.objects.filter(course=demo.course).count() == 200
