"""Which answers are evidence on a skill: the one rule the answer path and the nightly rebuild
both apply, so the online state and the rebuilt one agree.

Answering one item over and over is not learning it: after the first answer the learner has
seen the feedback, so eight answers to one item would otherwise take a skill from 0.70 to
mastered. An answer to an item the learner answered among their previous ``depth`` answers in
the course and less than ``REPEAT_WINDOW`` ago is a *repeat*: it is stored (the log is
append-only) and counts for the ability, but the skill's BKT posterior, right-answer streak,
attempts and memory card ignore it. After a day, or once enough other items came between, it
counts again.

The depth mirrors what practice itself would ask (``policy.choose_item``): nothing among the
last ``recent_items`` answers, unless the skill has fewer items than that, when it asks the one
seen longest ago. So ``repeat_depth`` is ``recent_items``, but at most one less than the item
pool of the item's smallest skill: an item practice would present always counts.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np

from apps.recommendations.engine.arrays import BoolArray, IntArray

REPEAT_WINDOW = timedelta(hours=24)
REPEAT_WINDOW_US = int(REPEAT_WINDOW.total_seconds() * 1_000_000)


def repeat_depth(*, recent_items: int, pool: int) -> int:
    """How many earlier answers a repeat of an item is looked for in; ``pool``: the number of
    items of the item's smallest skill."""
    return max(0, min(recent_items, pool - 1))


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
