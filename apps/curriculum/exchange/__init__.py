"""Course import and export in the documented exchange format (FORMAT.md): JSON for a whole
course, CSV for its items."""

from apps.curriculum.exchange.csv_format import COLUMNS as CSV_COLUMNS
from apps.curriculum.exchange.csv_format import items_to_csv
from apps.curriculum.exchange.decoding import MAX_FILE_BYTES
from apps.curriculum.exchange.export import FORMAT_NAME, FORMAT_VERSION, course_export
from apps.curriculum.exchange.importing import ImportResult, course_import
from apps.curriculum.exchange.problems import ImportFailed, Problem
from apps.curriculum.exchange.writer import Counts

__all__ = [
    "CSV_COLUMNS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "Counts",
    "ImportFailed",
    "ImportResult",
    "Problem",
    "course_export",
    "course_import",
    "items_to_csv",
]
