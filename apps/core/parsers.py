"""The API's JSON parser: DRF's, with deep nesting refused as a 400 instead of a 500."""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """``[`` x 100,000 exhausts the stack in ``json.loads``: a RecursionError, which DRF's
    parser (catching ValueError) lets through as a 500. (Lone surrogates such as ``"\\ud800"``
    need nothing here: DRF's CharField refuses them, naming the field.)"""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
