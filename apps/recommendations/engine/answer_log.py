"""An answer log for the next-answer predictors: learner, skill, correct in answer order, and
optionally the item and the time of each answer; with its CSV reader.

The CSV has a header naming its columns: `learner`, `skill`, `correct` are required, `item`
and `timestamp` optional, other columns are ignored. A file of exactly three columns may also
come without a header (learner, skill, correct). `correct` is 0/1 (also 0.0/1.0,
true/false); `timestamp` is numeric seconds or ISO 8601 (a time without an offset is taken as
UTC; only differences between times matter). An empty item or timestamp means unknown. Errors
name the file, the row (line number in the file) and the column (`csvio.EngineInputError`).
"""

import contextlib
import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray, as_int_array
from apps.recommendations.engine.csvio import EngineInputError
from apps.recommendations.engine.sequences import ResponseLog

REQUIRED_COLUMNS = ("learner", "skill", "correct")
OPTIONAL_COLUMNS = ("item", "timestamp")
_TRUE = frozenset({"1", "1.0", "true", "True", "TRUE"})
_FALSE = frozenset({"0", "0.0", "false", "False", "FALSE"})


@dataclass(frozen=True, eq=False, slots=True)
class AnswerLog:
    """Rows in answer order; codes index the name tuples (item -1: none, seconds NaN: none)."""

    learner: IntArray
    skill: IntArray
    correct: BoolArray
    item: IntArray
    seconds: FloatArray
    learner_names: tuple[str, ...]
    skill_names: tuple[str, ...]
    item_names: tuple[str, ...]

    def __post_init__(self) -> None:
        sizes = {len(self.learner), len(self.skill), len(self.correct), len(self.item)}
        if len(sizes | {len(self.seconds)}) != 1:
            raise ValueError("every column of an answer log must have the same length")

    @property
    def size(self) -> int:
        return len(self.correct)

    @property
    def has_items(self) -> bool:
        return bool(np.any(self.item >= 0))

    @property
    def has_times(self) -> bool:
        return bool(np.any(np.isfinite(self.seconds)))

    def response_log(self) -> ResponseLog:
        return ResponseLog(
            learner=self.learner,
            skill=self.skill,
            correct=self.correct,
            learner_names=self.learner_names,
            skill_names=self.skill_names,
        )

    def rows(self, mask: BoolArray) -> "AnswerLog":
        """The rows where `mask` holds, in order, with the same name tuples."""
        return AnswerLog(
            learner=self.learner[mask],
            skill=self.skill[mask],
            correct=self.correct[mask],
            item=self.item[mask],
            seconds=self.seconds[mask],
            learner_names=self.learner_names,
            skill_names=self.skill_names,
            item_names=self.item_names,
        )

    @classmethod
    def from_labels(
        cls,
        *,
        learners: Sequence[str] | npt.ArrayLike,
        skills: Sequence[str] | npt.ArrayLike,
        correct: npt.ArrayLike,
        items: Sequence[str] | npt.ArrayLike | None = None,
        seconds: npt.ArrayLike | None = None,
    ) -> "AnswerLog":
        """Code string labels (sorted order); an empty item label means no item."""
        learner_names, learner_codes = np.unique(
            np.asarray(learners, dtype=str), return_inverse=True
        )
        skill_names, skill_codes = np.unique(np.asarray(skills, dtype=str), return_inverse=True)
        n = len(learner_codes)
        item_names: tuple[str, ...] = ()
        item_codes = np.full(n, -1, dtype=np.int64)
        if items is not None:
            labels = np.asarray(items, dtype=str)
            present = labels != ""
            names, codes = np.unique(labels[present], return_inverse=True)
            item_codes[present] = codes
            item_names = tuple(str(name) for name in names)
        times = np.full(n, np.nan) if seconds is None else np.asarray(seconds, dtype=np.float64)
        return cls(
            learner=as_int_array(learner_codes),
            skill=as_int_array(skill_codes),
            correct=np.asarray(correct, dtype=np.bool_),
            item=item_codes,
            seconds=times,
            learner_names=tuple(str(name) for name in learner_names),
            skill_names=tuple(str(name) for name in skill_names),
            item_names=item_names,
        )


def _read(path: str | Path) -> tuple[list[list[str]], list[int]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            numbered = [
                ([field.strip() for field in row], number)
                for number, row in enumerate(csv.reader(handle), start=1)
                if any(field.strip() for field in row)
            ]
    except FileNotFoundError:
        raise EngineInputError(path, "file not found") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise EngineInputError(path, f"not a readable CSV file ({error})") from None
    return [row for row, _ in numbered], [number for _, number in numbered]


def _header(
    path: str | Path, rows: list[list[str]], numbers: list[int]
) -> tuple[dict[str, int], bool]:
    """Column positions by name, and whether the first row is a header; a headerless
    three-column file is learner, skill, correct."""
    first = [field.lower() for field in rows[0]]
    if len(first) == 3 and first[2] in _TRUE | _FALSE:
        return {name: index for index, name in enumerate(REQUIRED_COLUMNS)}, False
    positions = {name: index for index, name in reversed(list(enumerate(first)))}
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise EngineInputError(
            path,
            f"bad header {','.join(rows[0])!r}: needs columns {', '.join(REQUIRED_COLUMNS)} "
            f"(optional: {', '.join(OPTIONAL_COLUMNS)}); missing {', '.join(missing)}",
            row=numbers[0],
        )
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    return {name: positions[name] for name in known if name in positions}, True


def parse_seconds(values: npt.NDArray[np.str_]) -> tuple[FloatArray, int | None]:
    """Numeric seconds or ISO 8601 per value ('' = unknown); also the index of a bad value."""
    seconds = np.full(len(values), np.nan)
    present = np.flatnonzero(values != "")
    with contextlib.suppress(ValueError):  # all numeric: one vectorised conversion
        seconds[present] = values[present].astype(np.float64)
        return seconds, None
    for index in present:
        value = _seconds_of(str(values[index]))
        if value is None:
            return seconds, int(index)
        seconds[index] = value
    return seconds, None


def _seconds_of(text: str) -> float | None:
    """Seconds from a number or an ISO 8601 time (UTC when it has no zone); None if neither."""
    with contextlib.suppress(ValueError):
        return float(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def read_answer_log(path: str | Path) -> AnswerLog:
    rows, numbers = _read(path)
    if not rows:
        raise EngineInputError(path, "no rows")
    columns, has_header = _header(path, rows, numbers)
    width = len(rows[0])
    if has_header:
        rows, numbers = rows[1:], numbers[1:]
    if not rows:
        raise EngineInputError(path, "no rows after the header")
    for row, number in zip(rows, numbers, strict=True):
        if len(row) != width:
            raise EngineInputError(path, f"expected {width} fields, found {len(row)}", row=number)
    table = np.array(rows, dtype=str)

    def column(name: str) -> npt.NDArray[np.str_]:
        values: npt.NDArray[np.str_] = table[:, columns[name]]
        return values

    for name in ("learner", "skill"):
        empty = np.flatnonzero(column(name) == "")
        if len(empty):
            raise EngineInputError(path, "empty value", row=numbers[empty[0]], column=name)
    correct_text = column("correct")
    is_true = np.isin(correct_text, list(_TRUE))
    bad = np.flatnonzero(~is_true & ~np.isin(correct_text, list(_FALSE)))
    if len(bad):
        raise EngineInputError(
            path,
            f"expected 0 or 1, found {str(correct_text[bad[0]])!r}",
            row=numbers[bad[0]],
            column="correct",
        )
    seconds = None
    if "timestamp" in columns:
        seconds, bad_time = parse_seconds(column("timestamp"))
        if bad_time is not None:
            raise EngineInputError(
                path,
                "expected seconds or an ISO 8601 time, "
                f"found {str(column('timestamp')[bad_time])!r}",
                row=numbers[bad_time],
                column="timestamp",
            )
    return AnswerLog.from_labels(
        learners=column("learner"),
        skills=column("skill"),
        correct=is_true,
        items=column("item") if "item" in columns else None,
        seconds=seconds,
    )
