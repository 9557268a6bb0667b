"""Spaced-repetition memory per (learner, skill): a thin wrapper over py-fsrs (`fsrs`).

The FSRS scheduler itself is not reimplemented: this module only
- maps a graded answer to an FSRS rating,
- reviews a card stored as a JSON-able dict (the database keeps that dict as it is),
- reads the retrievability now, i.e. the predicted probability of recall.
Datetimes must be timezone-aware; they are converted to UTC, which py-fsrs requires.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fsrs import Card, Rating, Scheduler, State
from fsrs.card import CardDict

# The JSON-able card as py-fsrs serialises it: store it as it is (e.g. in a JSONField).
CardState = CardDict
_CARD_KEYS = frozenset(CardDict.__annotations__)


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    card_state: CardState  # store this; pass it back for the next review
    rating: Rating
    due: datetime
    stability: float
    difficulty: float
    retrievability: float  # right after the review, as py-fsrs computes it (1.0)


def default_scheduler() -> Scheduler:
    """py-fsrs defaults, without interval fuzzing so that schedules are reproducible."""
    return Scheduler(enable_fuzzing=False)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC)


def rating_from_response(*, correct: bool, hint_used: bool = False) -> Rating:
    """Again for a wrong answer, Good for a right one, Hard for a right one after a hint (it
    was recalled with help, so the next review comes sooner).

    Response time is not used: rating by speed needs an expected time per item, which the
    system does not estimate, and a guess would only add noise to the schedule."""
    if not correct:
        return Rating.Again
    return Rating.Hard if hint_used else Rating.Good


def credited_card(
    card_state: CardState | None, *, at: datetime, scheduler: Scheduler | None = None
) -> ReviewOutcome:
    """The memory card of a skill credited without an answer of its own (placement, or a
    mastered skill that builds on it): the credit counts as one successful review, so the
    skill's recall decays and a review falls due like any other's. A card that exists keeps
    its history: it is returned reviewed only if it had never been reviewed."""
    if card_state and card_state.get("last_review") is not None:
        card = Card.from_dict(card_state)
        return ReviewOutcome(
            card_state=card_state,
            rating=Rating.Good,
            due=card.due,
            stability=float(card.stability or 0.0),
            difficulty=float(card.difficulty or 0.0),
            retrievability=retrievability(card_state, at=at, scheduler=scheduler),
        )
    return review(None, rating=Rating.Good, reviewed_at=at, scheduler=scheduler)


def new_card_state(*, created_at: datetime, card_id: int = 0) -> CardState:
    """A card never reviewed. `card_id` only labels py-fsrs' logs; the default avoids its
    clock-based id (which sleeps a millisecond to stay unique)."""
    return Card(card_id=card_id, due=_utc(created_at)).to_dict()


def card_state_from_json(value: Mapping[str, Any]) -> CardState:
    """Check a stored dict (e.g. loaded from a JSONField) and type it as a card state."""
    missing = _CARD_KEYS - value.keys()
    if missing:
        raise ValueError(f"card state lacks {', '.join(sorted(missing))}")
    card = Card.from_dict(CardDict(**{key: value[key] for key in _CARD_KEYS}))  # type: ignore[typeddict-item]
    return card.to_dict()


def review(
    card_state: CardState | None,
    *,
    rating: Rating,
    reviewed_at: datetime,
    scheduler: Scheduler | None = None,
) -> ReviewOutcome:
    """Review the stored card (None for a first review) and return its next state.

    A review dated before the card's last one (an answer queued offline and synced after a
    later one) counts at the last review's time: FSRS needs time to go forward."""
    moment = _utc(reviewed_at)
    card = Card.from_dict(card_state) if card_state else Card(card_id=0, due=moment)
    if card.last_review is not None and moment < card.last_review:
        moment = card.last_review
    updated, _ = (scheduler or default_scheduler()).review_card(card, rating, moment)
    # Both are set by a review.
    assert updated.stability is not None
    assert updated.difficulty is not None
    return ReviewOutcome(
        card_state=updated.to_dict(),
        rating=rating,
        due=updated.due,
        stability=float(updated.stability),
        difficulty=float(updated.difficulty),
        retrievability=retrievability(updated.to_dict(), at=moment, scheduler=scheduler),
    )


def retrievability(
    card_state: CardState | None, *, at: datetime, scheduler: Scheduler | None = None
) -> float:
    """Predicted probability of recall at `at`; 0.0 for a card never reviewed."""
    if not card_state:
        return 0.0
    card = Card.from_dict(card_state)
    return float((scheduler or default_scheduler()).get_card_retrievability(card, _utc(at)))


def card_phase(card_state: CardState | None) -> str:
    """'new', 'learning', 'review' or 'relearning' (py-fsrs' State, plus never reviewed)."""
    if card_state is None or card_state["last_review"] is None:
        return "new"
    return State(int(card_state["state"])).name.lower()
