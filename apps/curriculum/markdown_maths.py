"""Python-Markdown patterns for maths and figures.

The rule for a dollar sign (the one Pandoc uses, so prices in prose stay prose):

* ``$$...$$`` is display maths;
* ``$...$`` is inline maths only when the opening ``$`` is not followed by a space, the
  closing ``$`` is not preceded by a space and not followed by a digit, and both are on one
  line. ``$5 and $6`` is text; ``$\\frac{3}{4}$`` is maths;
* ``\\$`` is always a dollar sign, and code spans keep their dollars.

The patterns run before Markdown's backslash escapes and emphasis (so ``\\{`` and ``a_1``
inside TeX reach the converter unchanged) but after code spans. Invalid TeX and shortcodes
with bad arguments are kept as their source text.
"""

from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as etree
from html import escape

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from apps.curriculum.figures import SHORTCODE_RE, figure_svg, parse_figure
from apps.curriculum.maths import tex_to_mathml

DISPLAY_MATH_RE = r"(?<!\\)\$\$(?P<tex>.+?)(?<!\\)\$\$"
INLINE_MATH_RE = r"(?<![\\$])\$(?P<tex>[^\s$](?:[^$\n]*?[^\s\\$])?)\$(?![\d$])"


class _MathProcessor(InlineProcessor):
    def __init__(self, pattern: str, md: Markdown, *, display: bool) -> None:
        super().__init__(pattern, md)
        self.compiled_re = re.compile(pattern, re.DOTALL | re.UNICODE)
        self.display = display

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str, int, int]:
        mathml = tex_to_mathml(m.group("tex"), display=self.display)
        html = mathml if mathml is not None else escape(m.group(0), quote=False)
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


class _FigureProcessor(InlineProcessor):
    def __init__(self, md: Markdown, extension: MathsExtension) -> None:
        super().__init__(SHORTCODE_RE.pattern, md)
        self.extension = extension

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str | etree.Element, int, int]:
        figure = parse_figure(m.group(1), m.group(2))
        if figure is None:
            return self.md.htmlStash.store(escape(m.group(0), quote=False)), m.start(0), m.end(0)
        return self.extension.placeholder(figure_svg(figure)), m.start(0), m.end(0)


class MathsExtension(Extension):
    """Registers the patterns; holds the figures of the text being converted."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        md.ESCAPED_CHARS = [*md.ESCAPED_CHARS, "$"]
        patterns = md.inlinePatterns
        patterns.register(_MathProcessor(DISPLAY_MATH_RE, md, display=True), "display_math", 187)
        patterns.register(_MathProcessor(INLINE_MATH_RE, md, display=False), "inline_math", 186)
        patterns.register(_FigureProcessor(md, self), "figure_shortcode", 185)
        md.maths_extension = self  # type: ignore[attr-defined]
        self.reset()

    def reset(self) -> None:
        # A fresh random token per text: an author cannot type a placeholder to smuggle one
        # text's figure into another place.
        self.token = "fig" + secrets.token_hex(8)
        self.figures: list[str] = []

    def placeholder(self, svg: str) -> str:
        self.figures.append(svg)
        return f"{self.token}n{len(self.figures) - 1}x"

    def insert_figures(self, html: str) -> str:
        if not self.figures:
            return html
        return re.sub(rf"{self.token}n(\d+)x", lambda m: self.figures[int(m.group(1))], html)

    @staticmethod
    def of(md: Markdown) -> MathsExtension:
        return md.maths_extension  # type: ignore[attr-defined, no-any-return]
