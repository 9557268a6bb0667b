"""The per-(learner, skill) feature state of the combined next-answer model, vectorised.

Everything here is history of one learner on one skill, as it stands before an answer: the
HMM state distribution, right and wrong answers decayed per answer, the attempt count, the
current streak, and, when answers carry times, the gap since the last answer and right/wrong
counts decayed in time (an exponential forgetting curve per time scale, in the spirit of the
time windows of DAS3H, Choffin et al. 2019). Nothing spans skills: public logs are often
ordered by skill within a learner, and cross-skill history would then leak the future.

`feature_matrix` and `advance` work on n pairs at once; the online update calls them with
n = 1 and the batch replay once per time step, so the two give the same numbers.
`SkillState` is one pair's state as stored between answers (a small JSON-able dict).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import logit

from apps.recommendations.engine.arrays import BoolArray, FloatArray
from apps.recommendations.engine.hmm_skill import observe_and_advance, predict_correct

# Per-answer decay of the right/wrong counts: 0.5 is "the last few answers", 0.9 "this run".
ANSWER_DECAYS = (0.5, 0.9)
# Time scales (seconds) of the time-decayed counts: an hour, a day, a week.
TIME_SCALES = (3_600.0, 86_400.0, 604_800.0)


@dataclass(frozen=True, eq=False, slots=True)
class FeatureState:
    """Arrays over n (learner, skill) pairs; `last_at` is NaN before the first timed answer."""

    hmm: FloatArray  # (n, K) predicted state distribution before the next answer
    right: FloatArray  # (n, len(ANSWER_DECAYS))
    wrong: FloatArray  # (n, len(ANSWER_DECAYS))
    attempts: FloatArray  # (n,)
    streak: FloatArray  # (n,) > 0: consecutive right answers, < 0: consecutive wrong ones
    last_at: FloatArray  # (n,) seconds
    right_recent: FloatArray  # (n, len(TIME_SCALES)) as of last_at
    wrong_recent: FloatArray  # (n, len(TIME_SCALES)) as of last_at

    @classmethod
    def initial(cls, start: FloatArray) -> "FeatureState":
        """Pairs with no answers yet; `start` (n, K) is each pair's HMM start distribution."""
        n = len(start)
        return cls(
            hmm=np.array(start, dtype=np.float64),
            right=np.zeros((n, len(ANSWER_DECAYS))),
            wrong=np.zeros((n, len(ANSWER_DECAYS))),
            attempts=np.zeros(n),
            streak=np.zeros(n),
            last_at=np.full(n, np.nan),
            right_recent=np.zeros((n, len(TIME_SCALES))),
            wrong_recent=np.zeros((n, len(TIME_SCALES))),
        )

    def head(self, count: int) -> "FeatureState":
        """The first `count` pairs (views, not copies)."""
        return FeatureState(
            hmm=self.hmm[:count],
            right=self.right[:count],
            wrong=self.wrong[:count],
            attempts=self.attempts[:count],
            streak=self.streak[:count],
            last_at=self.last_at[:count],
            right_recent=self.right_recent[:count],
            wrong_recent=self.wrong_recent[:count],
        )

    def assign_head(self, new: "FeatureState") -> None:
        """Overwrite the first len(new) pairs with `new` (the batch replay's step)."""
        count = len(new.attempts)
        for name in FeatureState.__slots__:
            getattr(self, name)[:count] = getattr(new, name)


def feature_names(n_states: int, *, uses_time: bool, uses_irt: bool) -> tuple[str, ...]:
    names = ["hmm_logit", *(f"hmm_state_{k}" for k in range(n_states - 1))]
    names += ["first_attempt", "log_attempts"]
    for decay in ANSWER_DECAYS:
        names += [f"log_right_decay_{decay}", f"log_wrong_decay_{decay}"]
    names += ["log_right_streak", "log_wrong_streak"]
    if uses_time:
        names += ["log_gap_minutes", "gap_unknown"]
        for scale in TIME_SCALES:
            names += [f"log_right_within_{scale:.0f}s", f"log_wrong_within_{scale:.0f}s"]
    if uses_irt:
        names.append("irt_shift")
    return tuple(names)


def _gap(state: FeatureState, at: FloatArray) -> FloatArray:
    """Seconds since the pair's last answer; NaN when either time is unknown."""
    gap: FloatArray = np.maximum(at - state.last_at, 0.0)
    return gap


def feature_matrix(
    state: FeatureState,
    emission: FloatArray,
    at: FloatArray,
    irt_shift: FloatArray,
    *,
    uses_time: bool,
    uses_irt: bool,
) -> FloatArray:
    """Features (n, F) of the next answer of each pair, in `feature_names` order.

    `emission` (n, K) is each pair's P(correct | state); `at` (n,) the answer times (NaN when
    unknown); `irt_shift` (n,) a (theta - b) where known, else 0.
    """
    columns = [
        logit(predict_correct(state.hmm, emission)),
        *(state.hmm[:, k] for k in range(state.hmm.shape[1] - 1)),
        (state.attempts == 0).astype(np.float64),
        np.log1p(state.attempts),
    ]
    for index in range(len(ANSWER_DECAYS)):
        columns += [np.log1p(state.right[:, index]), np.log1p(state.wrong[:, index])]
    columns += [np.log1p(np.maximum(state.streak, 0.0)), np.log1p(np.maximum(-state.streak, 0.0))]
    if uses_time:
        gap = _gap(state, at)
        known = np.isfinite(gap)
        safe_gap = np.where(known, gap, 0.0)
        columns += [np.log1p(safe_gap / 60.0), (~known).astype(np.float64)]
        for index, scale in enumerate(TIME_SCALES):
            fade = np.where(known, np.exp(-safe_gap / scale), 0.0)
            columns += [
                np.log1p(state.right_recent[:, index] * fade),
                np.log1p(state.wrong_recent[:, index] * fade),
            ]
    if uses_irt:
        columns.append(irt_shift)
    return np.column_stack(columns)


def advance(
    state: FeatureState,
    emission: FloatArray,
    transition: FloatArray,
    correct: BoolArray,
    at: FloatArray,
) -> FeatureState:
    """The state after each pair's answer `correct` given at `at` (NaN: time unknown).

    An answer without a time keeps the previous time; time-decayed counts then decay only
    over the gaps that are known.
    """
    hit = correct.astype(np.float64)
    decays = np.array(ANSWER_DECAYS)
    gap = _gap(state, at)
    fade = np.exp(-np.where(np.isfinite(gap), gap, 0.0)[:, None] / np.array(TIME_SCALES))
    streak = np.where(
        correct, np.maximum(state.streak, 0.0) + 1.0, np.minimum(state.streak, 0.0) - 1.0
    )
    return FeatureState(
        hmm=observe_and_advance(state.hmm, emission, transition, correct),
        right=state.right * decays + hit[:, None],
        wrong=state.wrong * decays + (1.0 - hit)[:, None],
        attempts=state.attempts + 1.0,
        streak=streak,
        last_at=np.where(np.isfinite(at), at, state.last_at),
        right_recent=state.right_recent * fade + hit[:, None],
        wrong_recent=state.wrong_recent * fade + (1.0 - hit)[:, None],
    )


@dataclass(frozen=True, slots=True)
class SkillState:
    """What is stored per (learner, skill) between answers; `as_json` is a small dict."""

    skill: str
    hmm: tuple[float, ...]
    right: tuple[float, ...]
    wrong: tuple[float, ...]
    attempts: int
    streak: int
    last_at: float | None
    right_recent: tuple[float, ...]
    wrong_recent: tuple[float, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "skill": self.skill,
            "hmm": list(self.hmm),
            "right": list(self.right),
            "wrong": list(self.wrong),
            "attempts": self.attempts,
            "streak": self.streak,
            "last_at": self.last_at,
            "right_recent": list(self.right_recent),
            "wrong_recent": list(self.wrong_recent),
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> "SkillState":
        def floats(name: str, length: int) -> tuple[float, ...]:
            numbers = tuple(float(x) for x in value[name])
            if len(numbers) != length:
                raise ValueError(f"state {name!r} needs {length} numbers")
            return numbers

        last_at = value.get("last_at")
        return cls(
            skill=str(value["skill"]),
            hmm=tuple(float(x) for x in value["hmm"]),
            right=floats("right", len(ANSWER_DECAYS)),
            wrong=floats("wrong", len(ANSWER_DECAYS)),
            attempts=int(value["attempts"]),
            streak=int(value["streak"]),
            last_at=None if last_at is None else float(last_at),
            right_recent=floats("right_recent", len(TIME_SCALES)),
            wrong_recent=floats("wrong_recent", len(TIME_SCALES)),
        )

    def arrays(self) -> FeatureState:
        return FeatureState(
            hmm=np.array([self.hmm]),
            right=np.array([self.right]),
            wrong=np.array([self.wrong]),
            attempts=np.array([float(self.attempts)]),
            streak=np.array([float(self.streak)]),
            last_at=np.array([np.nan if self.last_at is None else self.last_at]),
            right_recent=np.array([self.right_recent]),
            wrong_recent=np.array([self.wrong_recent]),
        )

    @classmethod
    def from_arrays(cls, skill: str, state: FeatureState, index: int = 0) -> "SkillState":
        last_at = float(state.last_at[index])
        return cls(
            skill=skill,
            hmm=tuple(float(x) for x in state.hmm[index]),
            right=tuple(float(x) for x in state.right[index]),
            wrong=tuple(float(x) for x in state.wrong[index]),
            attempts=round(float(state.attempts[index])),
            streak=round(float(state.streak[index])),
            last_at=None if np.isnan(last_at) else last_at,
            right_recent=tuple(float(x) for x in state.right_recent[index]),
            wrong_recent=tuple(float(x) for x in state.wrong_recent[index]),
        )
