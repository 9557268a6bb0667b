"""Markdown to safe HTML. Authors write Markdown; raw HTML and scripts never reach a page.

Maths (``$...$``, ``$$...$$``) becomes MathML and figure shortcodes become SVG through the
inline patterns in ``markdown_maths``; MathML goes through nh3 with the rest, figures are put in
after it (see ``render_markdown``).
"""

import threading
from functools import lru_cache

import markdown as md
import nh3

from apps.curriculum.markdown_maths import MathsExtension
from apps.curriculum.maths import MATHML_ATTRIBUTES, MATHML_TAGS

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "a",
    "sup",
    "sub",
    "del",
    *MATHML_TAGS,
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    **MATHML_ATTRIBUTES,
}

_local = threading.local()


def _converter() -> md.Markdown:
    # Building a Markdown instance (extensions load through entry points) costs more than
    # converting a question, so each thread keeps one and resets it between texts, as
    # Python-Markdown documents for reuse.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = md.Markdown(
            extensions=["extra", "sane_lists", MathsExtension()], output_format="html"
        )
        _local.converter = converter
    return converter


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    converter = _converter().reset()
    html = converter.convert(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # Figures are SVG built from validated numbers only; they replace their placeholders
    # after cleaning so nh3 need not allow SVG (and author text never meets it).
    return MathsExtension.of(converter).insert_figures(cleaned)


def render_inline(text: str) -> str:
    """Markdown for one line (a choice, a hint): drop the wrapping paragraph."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
