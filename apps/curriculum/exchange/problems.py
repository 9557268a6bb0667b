"""What is wrong with an import file: one ``Problem`` per mistake, raised together."""

from collections.abc import Iterable
from dataclasses import dataclass

from apps.core.exceptions import ApplicationError

# A file broken everywhere would otherwise produce a wall of text nobody reads.
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """``path`` is a JSON path (``$.course.items[17].choices``) or, for CSV, a row and column
    (``row 12, column "answer"``); rows count as a spreadsheet shows them (header is row 1)."""

    source: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.path}: {self.message}"


def capped(problems: Iterable[Problem], source: str) -> list[Problem]:
    listed = list(problems)
    if len(listed) <= MAX_PROBLEMS:
        return listed
    more = len(listed) - MAX_PROBLEMS
    return [*listed[:MAX_PROBLEMS], Problem(source, "$", f"... and {more} more problem(s).")]


class ImportFailed(ApplicationError):
    """Nothing was written. ``fields`` maps each path to its messages, so an API client gets the
    same shape as any other validation error; ``problems`` keeps the order they were found in."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem.path, []).append(problem.message)
        source = problems[0].source if problems else "the file"
        count = len(problems)
        super().__init__(
            f"{source} was not imported: {count} problem{'s' if count != 1 else ''}.",
            code="import_failed",
            fields=fields,
        )
