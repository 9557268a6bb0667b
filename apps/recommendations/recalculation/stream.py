"""How a recalculation bounds its memory: fits on a sample of learners, rebuilds in chunks.

A course's whole log does not fit in memory at every size (at 1e7 responses the arrays, the
per-skill log and the learner model's features come to gigabytes), so a run never loads it:

- Fits (BKT, item calibration, the learner model) read the whole histories of at most
  ``FIT_LEARNERS`` learners. Up to that many learners in the course that is everyone, and the
  fits are exactly those of the whole log. Above it, the sample is the learners with the
  smallest multiplicative hash of their id: deterministic, and stable from night to night (a
  new learner enters it only if their hash falls below the cutoff), so parameters do not jump
  with the draw. 5,000 learners of ~200 answers are a million responses, ~45,000 per skill:
  the BKT and item estimates' sampling error is already far below authoring precision
  (bench/README.md, "Nightly recalculation", compares a half sample with the full fit).
- The rebuild (replay and write) is exact at any size: each learner's state depends on their
  own answers only, so learners are replayed and written ``CHUNK_LEARNERS`` at a time, each
  chunk read on its own (a range of learner ids), and memory holds one chunk.
"""

import numpy as np

from apps.recommendations.engine.arrays import IntArray

FIT_LEARNERS = 5_000
CHUNK_LEARNERS = 5_000
# Knuth's multiplicative hash (2^32 / golden ratio): spreads consecutive ids over 32 bits.
_HASH_MULTIPLIER = np.uint64(2_654_435_761)
_HASH_MODULUS = np.uint64(2**32)


def fit_sample(learner_ids: IntArray, limit: int | None = None) -> IntArray:
    """The learners (ascending ids) whose answers the fits read: all of them up to `limit`
    (``FIT_LEARNERS``), else the `limit` with the smallest hash of their id."""
    limit = FIT_LEARNERS if limit is None else limit
    if len(learner_ids) <= limit:
        return learner_ids
    key = (learner_ids.astype(np.uint64) * _HASH_MULTIPLIER) % _HASH_MODULUS
    chosen = np.argsort(key, kind="stable")[:limit]
    return np.sort(learner_ids[chosen])


def learner_chunks(learner_ids: IntArray, size: int | None = None) -> list[IntArray]:
    """`learner_ids` (ascending) cut into consecutive chunks of at most `size`."""
    size = CHUNK_LEARNERS if size is None else size
    return [learner_ids[start : start + size] for start in range(0, len(learner_ids), size)]
