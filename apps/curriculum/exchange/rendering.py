"""Markdown rendering for bulk import: the same functions the services use.

``apps.curriculum.markdown`` reuses one converter per thread and caches repeated texts (shared
hints, choices like ``1/2``), so a 267-item course renders its ~1,500 texts quickly.
"""

from apps.curriculum.markdown import render_inline, render_markdown


class Renderer:
    """Renders for one import (kept as a seam: import code calls ``block`` and ``inline``)."""

    def block(self, text: str) -> str:
        return render_markdown(text)

    def inline(self, text: str) -> str:
        return render_inline(text)
