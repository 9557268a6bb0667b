"""Markdown rendering for bulk import, byte-identical to ``apps.curriculum.markdown``.

``render_markdown`` there builds a new ``markdown.Markdown`` per call, and building one (loading
extensions through entry points) costs more than converting a question. A course of 267 items
has ~1,500 texts, so import reuses one converter per thread (``reset()`` between texts, as
Python-Markdown documents for reuse) and renders each distinct text once. The sanitiser is the
same call with the same allow-lists; a test renders every text of the demo course, and hostile
inputs, both ways and requires equal output.
"""

import threading

import markdown as md
import nh3

from apps.curriculum.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

_local = threading.local()


def _converter() -> md.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = md.Markdown(extensions=["extra", "sane_lists"], output_format="html")
        _local.converter = converter
    return converter


class Renderer:
    """Renders for one import; repeated texts (shared hints, choices like ``1/2``) once."""

    def __init__(self) -> None:
        self._blocks: dict[str, str] = {}

    def block(self, text: str) -> str:
        html = self._blocks.get(text)
        if html is None:
            raw = _converter().reset().convert(text or "")
            html = nh3.clean(
                raw,
                tags=ALLOWED_TAGS,
                attributes=ALLOWED_ATTRIBUTES,
                url_schemes={"http", "https", "mailto"},
                link_rel="noopener noreferrer",
            )
            self._blocks[text] = html
        return html

    def inline(self, text: str) -> str:
        html = self.block(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html
