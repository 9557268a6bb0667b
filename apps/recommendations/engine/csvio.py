"""CSV and JSON input/output for the engine's command-line entry points.

Every problem with an input file raises `EngineInputError` naming the file and, where it applies,
the row (1-based line number in the file) and the column, so commands can report it as it is.
"""

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from apps.recommendations.engine.arrays import FloatArray
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.sequences import ResponseLog

LOG_COLUMNS = ("learner", "skill", "correct")
_MISSING = ("", "NA", "na", "NaN", "nan")


class TextSink(Protocol):
    """Anything with write(str): a file, io.StringIO, a management command's stdout."""

    def write(self, text: str, /) -> object: ...


class EngineInputError(ValueError):
    def __init__(
        self, path: str | Path, message: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        where = [str(path)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")
        self.path, self.row, self.column = str(path), row, column


def _read_rows(path: str | Path) -> list[list[str]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = [[field.strip() for field in row] for row in csv.reader(handle)]
    except FileNotFoundError:
        raise EngineInputError(path, "file not found") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise EngineInputError(path, f"not a readable CSV file ({error})") from None
    # Blank lines carry nothing; keep the line numbers of the others for messages.
    return rows


def _numbered(rows: list[list[str]]) -> tuple[list[list[str]], list[int]]:
    kept = [(row, number) for number, row in enumerate(rows, start=1) if any(row)]
    return [row for row, _ in kept], [number for _, number in kept]


def _check_width(path: str | Path, rows: list[list[str]], numbers: list[int], width: int) -> None:
    widths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    bad = np.flatnonzero(widths != width)
    if len(bad):
        index = int(bad[0])
        raise EngineInputError(
            path, f"expected {width} fields, found {widths[index]}", row=numbers[index]
        )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_response_log(path: str | Path) -> ResponseLog:
    """Rows `learner,skill,correct` in time order; a header row with those names is optional."""
    rows, numbers = _numbered(_read_rows(path))
    if not rows:
        raise EngineInputError(path, "no rows")
    first = [field.lower() for field in rows[0]]
    # A first row whose last field is not a number is a header; a number there is data, and a
    # wrong one (e.g. 2) is reported as a bad value below rather than as a bad header.
    if first and not _is_number(first[-1]):
        if tuple(first) != LOG_COLUMNS:
            raise EngineInputError(
                path,
                f"bad header {','.join(rows[0])!r}: expected {','.join(LOG_COLUMNS)} "
                "(or no header, with correct = 0 or 1)",
                row=numbers[0],
            )
        rows, numbers = rows[1:], numbers[1:]
        if not rows:
            raise EngineInputError(path, "no rows after the header")
    _check_width(path, rows, numbers, len(LOG_COLUMNS))
    table = np.array(rows, dtype=str)
    for index, name in enumerate(LOG_COLUMNS[:2]):
        empty = np.flatnonzero(table[:, index] == "")
        if len(empty):
            raise EngineInputError(path, "empty value", row=numbers[empty[0]], column=name)
    correct = table[:, 2]
    bad = np.flatnonzero((correct != "0") & (correct != "1"))
    if len(bad):
        raise EngineInputError(
            path,
            f"expected 0 or 1, found {str(correct[bad[0]])!r}",
            row=numbers[bad[0]],
            column="correct",
        )
    return ResponseLog.from_labels(learners=table[:, 0], skills=table[:, 1], correct=correct == "1")


@dataclass(frozen=True, eq=False, slots=True)
class ResponseTable:
    item_names: tuple[str, ...]
    values: FloatArray  # persons x items; 0, 1 or NaN (not answered)


def _is_header(row: Sequence[str]) -> bool:
    return any(field not in ("0", "1", *_MISSING) for field in row)


def read_response_table(path: str | Path) -> ResponseTable:
    """A persons x items 0/1 table; blank (or NA) = not answered; item-name header optional."""
    rows, numbers = _numbered(_read_rows(path))
    if not rows:
        raise EngineInputError(path, "no rows")
    if _is_header(rows[0]):
        names = tuple(rows[0])
        if any(name == "" for name in names) or len(set(names)) != len(names):
            raise EngineInputError(
                path, "item names in the header must be unique and non-empty", row=numbers[0]
            )
        rows, numbers = rows[1:], numbers[1:]
    else:
        names = tuple(f"item{index + 1}" for index in range(len(rows[0])))
    if not rows:
        raise EngineInputError(path, "no rows after the header")
    _check_width(path, rows, numbers, len(names))
    table = np.array(rows, dtype=str)
    missing = np.isin(table, _MISSING)
    bad = np.argwhere(~missing & (table != "0") & (table != "1"))
    if len(bad):
        row, column = int(bad[0][0]), int(bad[0][1])
        raise EngineInputError(
            path,
            f"expected 0, 1 or blank, found {str(table[row, column])!r}",
            row=numbers[row],
            column=names[column],
        )
    values = np.where(missing, np.nan, (table == "1").astype(np.float64))
    return ResponseTable(item_names=names, values=values)


def _params_from_mapping(path: str | Path, skill: str, values: Any) -> BktParams:
    if not isinstance(values, Mapping):
        raise EngineInputError(path, f"skill {skill!r}: expected an object of parameters")
    try:
        return BktParams(
            prior=float(values["prior"]),
            learn=float(values["learn"]),
            guess=float(values["guess"]),
            slip=float(values["slip"]),
            forget=float(values.get("forget", 0.0)),
        )
    except KeyError as error:
        raise EngineInputError(path, f"skill {skill!r}: missing parameter {error}") from None
    except (TypeError, ValueError) as error:
        raise EngineInputError(path, f"skill {skill!r}: {error}") from None


_REQUIRED_PARAMS = ("prior", "learn", "guess", "slip")


@dataclass(frozen=True, slots=True)
class BktParamsFile:
    """A parameters file: the parameters per skill, and the skills whose parameters are not
    fitted ones, with the reason (the fit fell back to defaults, or the values are null)."""

    params: dict[str, BktParams]
    not_fitted: dict[str, str]


def read_bkt_params(path: str | Path) -> dict[str, BktParams]:
    """BKT parameters per skill, as `fit_bkt` prints them ({"skills": {name: {...}}}); a
    skill whose parameters are null is left out."""
    return read_bkt_params_file(path).params


def read_bkt_params_file(path: str | Path) -> BktParamsFile:
    """`read_bkt_params`, also saying which skills have no fitted parameters and why."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise EngineInputError(path, "file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EngineInputError(path, f"not valid JSON ({error})") from None
    skills = document.get("skills", document) if isinstance(document, Mapping) else None
    if not isinstance(skills, Mapping) or not skills:
        raise EngineInputError(path, 'expected {"skills": {skill: {prior, learn, ...}}}')
    params, not_fitted = {}, {}
    for name, values in skills.items():
        skill = str(name)
        if values is None or (
            isinstance(values, Mapping)
            and all(key in values and values[key] is None for key in _REQUIRED_PARAMS)
        ):
            not_fitted[skill] = "no parameters"
            continue
        params[skill] = _params_from_mapping(path, skill, values)
        if values.get("fallback") is not None:
            not_fitted[skill] = f"fit fell back: {values['fallback']}"
    return BktParamsFile(params=params, not_fitted=not_fitted)


def write_rows(stream: TextSink, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def write_response_log(stream: TextSink, log: ResponseLog) -> None:
    """The `learner,skill,correct` CSV that `read_response_log` (and `fit_bkt`) read."""
    learners = np.asarray(log.learner_names, dtype=object)[log.learner]
    skills = np.asarray(log.skill_names, dtype=object)[log.skill]
    rows = list(zip(learners, skills, log.correct.astype(np.int64).tolist(), strict=True))
    write_rows(stream, LOG_COLUMNS, rows)
