"""Course import and export in the documented exchange format (FORMAT.md): JSON for a whole
course, CSV for its items."""

from .csv_format import COLUMNS as CSV_COLUMNS
from .csv_format import items_to_csv
from .decoding import MAX_FILE_BYTES
from .export import FORMAT_NAME, FORMAT_VERSION, course_export
from .importing import ImportResult, course_import
from .problems import ImportFailed, Problem
from .writer import Counts

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
