"""The FSRS wrapper reproduces py-fsrs's own published schedules."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from fsrs import Rating, Scheduler

from apps.recommendations.engine.memory import (
    card_phase,
    card_state_from_json,
    new_card_state,
    rating_from_response,
    retrievability,
    review,
)

START = datetime(2022, 11, 29, 12, 30, tzinfo=UTC)


def test_interval_sequence_is_py_fsrs_published_one() -> None:
    # py-fsrs tests/test_basic.py::test_review_card (enable_fuzzing=False, default parameters)
    ratings = [Rating.Good] * 6 + [Rating.Again] * 2 + [Rating.Good] * 5
    state, moment, intervals = None, START, []
    for rating in ratings:
        outcome = review(state, rating=rating, reviewed_at=moment)
        intervals.append((outcome.due - moment).days)
        state, moment = outcome.card_state, outcome.due
    assert intervals == [0, 2, 11, 46, 163, 498, 0, 0, 2, 4, 7, 12, 21]


def test_memory_state_is_py_fsrs_published_one() -> None:
    # py-fsrs tests/test_basic.py::test_memo_state (default scheduler, fuzzing on)
    scheduler = Scheduler()
    ratings = [Rating.Again] + [Rating.Good] * 5
    state, moment = None, START
    for rating, days in zip(ratings, [0, 0, 1, 3, 8, 21], strict=True):
        moment += timedelta(days=days)
        outcome = review(state, rating=rating, reviewed_at=moment, scheduler=scheduler)
        state = outcome.card_state
    assert outcome.stability == pytest.approx(53.62691, abs=1e-4)
    assert outcome.difficulty == pytest.approx(6.3574867, abs=1e-4)


def test_retrievability_decays_after_a_review() -> None:
    outcome = review(None, rating=Rating.Good, reviewed_at=START)
    outcome = review(outcome.card_state, rating=Rating.Good, reviewed_at=outcome.due)
    later = [
        retrievability(outcome.card_state, at=outcome.due + timedelta(days=days))
        for days in (0, 5, 30, 300)
    ]
    assert later == sorted(later, reverse=True)
    assert later[0] == pytest.approx(retrievability(outcome.card_state, at=outcome.due), abs=1e-12)
    assert 0.0 < later[-1] < 0.6
    assert retrievability(None, at=START) == 0.0


def test_card_state_round_trips_through_json() -> None:
    import json

    outcome = review(new_card_state(created_at=START), rating=Rating.Hard, reviewed_at=START)
    stored = json.loads(json.dumps(outcome.card_state))
    assert card_state_from_json(stored) == outcome.card_state
    assert card_phase(stored) == "learning"
    assert card_phase(new_card_state(created_at=START)) == "new"


def test_stored_state_missing_fields_is_rejected() -> None:
    with pytest.raises(ValueError, match="lacks"):
        card_state_from_json({"card_id": 1, "state": 1})


def test_times_are_converted_to_utc_and_naive_ones_refused() -> None:
    eastern = timezone(timedelta(hours=-5))
    local = review(None, rating=Rating.Good, reviewed_at=START.astimezone(eastern))
    utc = review(None, rating=Rating.Good, reviewed_at=START)
    assert local.card_state == utc.card_state
    with pytest.raises(ValueError, match="timezone-aware"):
        review(None, rating=Rating.Good, reviewed_at=START.replace(tzinfo=None))


@pytest.mark.parametrize(("correct", "rating"), [(False, Rating.Again), (True, Rating.Good)])
def test_rating_from_a_graded_answer(correct: bool, rating: Rating) -> None:
    assert rating_from_response(correct=correct) == rating
