"""A run in bounded memory (``recalculation.stream``): chunks of learners, a sample for the fits."""

import numpy as np
import pytest

from apps.demo.simulation import simulate_learners
from apps.recommendations.models import LearnerAbility, SkillMastery, SkillParameters
from apps.recommendations.recalculation import stream
from apps.recommendations.recalculation.course import recalculate_course, recalculation_start
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db

MASTERY = (
    "learner_id",
    "skill_id",
    "p_known",
    "attempts",
    "correct_count",
    "attempts_since_mastery",
    "last_practised_at",
    "mastered_at",
    "wheel_spinning",
    "right_streak",
    "model_state",
)
ABILITY = ("learner_id", "theta", "standard_error", "n_responses")


@pytest.fixture
def course():
    course = chain_course(slug="stream", skills=3, items_per_skill=4)
    simulate_learners(course=course, learners=120, days=12, seed=5)
    course.refresh_from_db()
    return course


def full_run():
    run = recalculation_start(trigger="command", full=True)
    [course_id] = run.counts["planned_course_ids"]
    outcome = recalculate_course(run_id=run.pk, course_id=course_id, full=True)
    assert outcome is not None
    return outcome


def written_state():
    masteries = list(SkillMastery.objects.order_by("learner_id", "skill_id").values_list(*MASTERY))
    abilities = list(LearnerAbility.objects.order_by("learner_id").values_list(*ABILITY))
    return masteries, abilities


@pytest.mark.parametrize("fit_learners", [10_000, 60], ids=["fits-on-everyone", "fits-on-60"])
def test_a_run_in_chunks_of_learners_writes_what_one_chunk_writes(
    course, monkeypatch, fit_learners
):
    # given: the fits on everyone (the log is in memory) or on 60 of the 120 learners (each
    # chunk is read from the database)
    monkeypatch.setattr(stream, "FIT_LEARNERS", fit_learners)
    monkeypatch.setattr(stream, "CHUNK_LEARNERS", 10_000)
    one_chunk = full_run()
    once = written_state()

    # when: the same run in chunks of 7 learners (18 chunks, the last one short)
    monkeypatch.setattr(stream, "CHUNK_LEARNERS", 7)
    chunked = full_run()

    # then: every learner and every row is written as in one chunk
    assert chunked.counts["learners_rebuilt"] == one_chunk.counts["learners_rebuilt"] == 120
    assert chunked.counts["masteries_written"] == one_chunk.counts["masteries_written"]
    assert chunked.counts["fit_sample_learners"] == min(fit_learners, 120)
    masteries, abilities = written_state()
    assert [row[:2] for row in masteries] == [row[:2] for row in once[0]]
    for row, expected in zip(masteries, once[0], strict=True):
        assert row[2] == pytest.approx(expected[2], rel=1e-12, abs=1e-15)
        assert row[3:] == expected[3:]
    for row, expected in zip(abilities, once[1], strict=True):
        assert row[0] == expected[0]
        assert row[1:3] == pytest.approx(expected[1:3], rel=1e-12, abs=1e-15)
        assert row[3] == expected[3]


def test_the_fits_read_the_sample_and_the_rebuild_everyone(course, monkeypatch):
    # given: fits on at most 50 learners
    monkeypatch.setattr(stream, "FIT_LEARNERS", 50)
    monkeypatch.setattr(stream, "CHUNK_LEARNERS", 16)

    # when
    outcome = full_run()

    # then: each skill's fit saw at most the 50 sampled learners; all 120 were rebuilt
    assert outcome.counts["fit_sample_learners"] == 50
    assert outcome.counts["learner_model_learners"] == 50
    fitted = SkillParameters.objects.filter(is_active=True, skill__course=course)
    assert fitted.count() == 3
    assert max(fitted.values_list("n_learners", flat=True)) <= 50
    assert outcome.counts["learners_rebuilt"] == 120
    assert LearnerAbility.objects.filter(course=course).count() == 120


def test_the_sample_is_everyone_up_to_the_limit_and_stable_as_learners_join():
    ids = np.arange(1, 101, dtype=np.int64)
    assert stream.fit_sample(ids, limit=100) is ids

    sample = stream.fit_sample(ids, limit=10)
    grown = stream.fit_sample(np.arange(1, 121, dtype=np.int64), limit=10)

    assert len(sample) == len(grown) == 10
    assert list(sample) == sorted(sample)
    # the old learners still in the sample are among those sampled before: new learners only
    # push out the old ones with the largest hashes
    assert set(grown[grown <= 100]) <= set(sample)
    assert list(stream.fit_sample(ids, limit=10)) == list(sample)


def test_learner_chunks_cover_every_learner_once_in_order():
    ids = np.array([3, 5, 8, 13, 21, 34, 55], dtype=np.int64)

    chunks = stream.learner_chunks(ids, size=3)

    assert [chunk.tolist() for chunk in chunks] == [[3, 5, 8], [13, 21, 34], [55]]
