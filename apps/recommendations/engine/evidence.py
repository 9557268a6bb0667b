"""Which answers are evidence on a skill: the one rule the answer path and the nightly rebuild
both apply, so the online state and the rebuilt one agree.

Answering one item over and over is not learning it: after the first answer the learner has
seen the feedback, so eight answers to one item would otherwise take a skill from 0.70 to
mastered. An answer to an item the learner answered among their previous ``depth`` answers in
the course and less than ``REPEAT_WINDOW`` ago is a *repeat*: it is stored (the log is
append-only) and counts for the ability, but the skill's BKT posterior, right-answer streak,
attempts and memory card ignore it. After a day, or once enough other items came between, it
counts again.

A right answer given after a hint is weaker evidence: with the hint, a learner who does not
know the skill gets it right more often, so the answer is weighed as one to an item that can
be guessed with chance ``HINTED_GUESS_FLOOR`` at least (``answer_guess_floor``). Its BKT update
credits less, its right answer counts less towards the streak ``min_correct`` asks for, and its
FSRS rating is Hard, not Good. A wrong answer after a hint is a wrong answer: it keeps the
item's floor (a raised guess would make a wrong answer look less like not knowing).

The depth mirrors what practice itself would ask (``policy.choose_item``): nothing among the
last ``recent_items`` answers, unless the skill has fewer items than that, when it asks the one
seen longest ago. So ``repeat_depth`` is ``recent_items``, but at most one less than the item
pool of the item's smallest skill: an item practice would present always counts.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray

REPEAT_WINDOW = timedelta(hours=24)
# With a hint, a right answer from a learner who does not know the skill is taken to be as
# likely as a coin toss: a hint usually gives the method away, rarely the answer itself.
HINTED_GUESS_FLOOR = 0.5
REPEAT_WINDOW_US = int(REPEAT_WINDOW.total_seconds() * 1_000_000)


def repeat_depth(*, recent_items: int, pool: int) -> int:
    """How many earlier answers a repeat of an item is looked for in; ``pool``: the number of
    items of the item's smallest skill."""
    return max(0, min(recent_items, pool - 1))


def answer_guess_floor(item_floor: float, *, hint_used: bool, correct: bool) -> float:
    """The chance of a right answer without the skill, as one answer is weighed: the item's
    (its IRT c or one over its choices), raised to ``HINTED_GUESS_FLOOR`` for a right answer
    after a hint."""
    return max(item_floor, HINTED_GUESS_FLOOR) if hint_used and correct else item_floor


def answer_guess_floors(
    item_floor: FloatArray, hint_used: BoolArray, correct: BoolArray
) -> FloatArray:
    """``answer_guess_floor`` for every answer of a log at once."""
    floors: FloatArray = np.where(
        hint_used & correct, np.maximum(item_floor, HINTED_GUESS_FLOOR), item_floor
    )
    return floors


def counts_as_evidence(
    *,
    item_id: int,
    at: datetime,
    recent: Sequence[tuple[int, datetime]],
    depth: int,
    window: timedelta = REPEAT_WINDOW,
) -> bool:
    """Whether an answer to ``item_id`` at ``at`` is evidence, given the learner's earlier
    answers in the course as (item id, answered at), newest first."""
    return not any(
        earlier_item == item_id and at - earlier_at < window
        for earlier_item, earlier_at in recent[:depth]
    )


def evidence_mask(
    *,
    learner: IntArray,
    item: IntArray,
    created_us: IntArray,
    depth: IntArray,
    window_us: int = REPEAT_WINDOW_US,
) -> BoolArray:
    """``counts_as_evidence`` for every answer of a log at once (any order; ties in time keep
    the log's order), ``depth`` per answer: True where the answer is evidence."""
    size = len(learner)
    if size == 0:
        return np.zeros(0, dtype=np.bool_)
    # Each answer's position among its learner's answers, in time order.
    by_time = np.lexsort((np.arange(size), created_us, learner))
    sorted_learner = learner[by_time]
    starts = np.r_[0, np.flatnonzero(sorted_learner[1:] != sorted_learner[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, size]))
    rank = np.empty(size, dtype=np.int64)
    rank[by_time] = np.arange(size) - group_start
    # The previous answer by the same learner to the same item (the nearest one decides: an
    # older one is further back both in answers and in time).
    by_item = np.lexsort((rank, item, learner))
    same = (learner[by_item][1:] == learner[by_item][:-1]) & (
        item[by_item][1:] == item[by_item][:-1]
    )
    gap_answers = rank[by_item][1:] - rank[by_item][:-1]
    gap_us = created_us[by_item][1:] - created_us[by_item][:-1]
    repeat = same & (gap_answers <= depth[by_item][1:]) & (gap_us < window_us)
    counts = np.ones(size, dtype=np.bool_)
    counts[by_item[1:][repeat]] = False
    return counts
