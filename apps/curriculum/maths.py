"""TeX to MathML, server-side, for the ``$...$`` and ``$$...$$`` spans authors write.

latex2mathml does the conversion but neither escapes text (``\\text{<b>}`` comes out raw)
nor rejects what it does not know (``\\foo`` becomes ``<mi>\\foo</mi>``, ``\\frac{3`` an
``<mfrac>`` with one child). So its output is parsed, checked against the elements and
attributes we allow, and serialised again by us: what reaches the page is MathML we built,
and nh3 then cleans it once more with the same allow-list (``MATHML_TAGS``/``MATHML_ATTRIBUTES``).
Anything that fails a check is not maths: the caller shows the source text instead.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape, unescape
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from latex2mathml.converter import convert

_NS = "{http://www.w3.org/1998/Math/MathML}"

# Every element latex2mathml emits for the school maths we support, each with its arity
# (None: any number of children). Nothing here can carry a script or a link.
_ARITY: dict[str, int | None] = {
    "math": None,
    "mrow": None,
    "mi": 0,
    "mn": 0,
    "mo": 0,
    "mtext": 0,
    "mspace": 0,
    "mfrac": 2,
    "msup": 2,
    "msub": 2,
    "msubsup": 3,
    "msqrt": None,
    "mroot": 2,
    "mover": 2,
    "munder": 2,
    "munderover": 3,
    "mstyle": None,
    "mpadded": None,
    "mphantom": None,
    "menclose": None,
    "mtable": None,
    "mtr": None,
    "mtd": None,
}
MATHML_TAGS = frozenset(_ARITY)
MATHML_ATTRIBUTES: dict[str, set[str]] = {
    "math": {"display", "alttext"},
    "mi": {"mathvariant"},
    "mo": {"stretchy", "fence", "form", "accent", "separator", "lspace", "rspace", "largeop"},
    "mstyle": {"displaystyle", "scriptlevel"},
    "mspace": {"width"},
    "mfrac": {"linethickness"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "menclose": {"notation"},
    "mtd": {"columnspan", "rowspan"},
}
_SAFE_VALUE = re.compile(r"^[\w.\- ]{0,40}$")
# An unknown command survives conversion as text such as "\foo": the sign it was not TeX
# we understand (a typo, or a command we do not render).
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]")
# Links and styling hooks have no place in school maths; their attributes would be dropped
# anyway, so refusing them shows the author what happened instead of a silent change.
_REFUSED_COMMAND = re.compile(r"\\(?:href|url|class|cssId|style|html)(?![A-Za-z])")
MAX_TEX_LENGTH = 2000


def _braces_balanced(tex: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\.|[{}]", tex):
        piece = match.group(0)
        if piece == "{":
            depth += 1
        elif piece == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _checked(element: ElementTree.Element) -> bool:
    tag = element.tag.removeprefix(_NS)
    if tag not in _ARITY:
        return False
    children = list(element)
    arity = _ARITY[tag]
    if arity is not None and len(children) != arity:
        return False
    if _UNKNOWN_COMMAND.search(element.text or ""):
        return False
    return all(_checked(child) for child in children)


def _serialise(element: ElementTree.Element) -> str:
    tag = element.tag.removeprefix(_NS)
    allowed = MATHML_ATTRIBUTES.get(tag, set())
    attributes = "".join(
        f' {name}="{escape(value)}"'
        for name, value in element.attrib.items()
        if name in allowed and _SAFE_VALUE.match(value)
    )
    inner = escape(element.text or "", quote=False) + "".join(
        _serialise(child) + escape(child.tail or "", quote=False) for child in element
    )
    return f"<{tag}{attributes}>{inner}</{tag}>"


# Courses repeat the same small formulas (1/2, 3/4) across hundreds of texts.
@lru_cache(maxsize=8192)
def tex_to_mathml(tex: str, *, display: bool = False) -> str | None:
    """MathML for ``tex`` with the TeX as its ``alttext``, or None if it is not valid TeX."""
    tex = tex.strip()
    if not tex or len(tex) > MAX_TEX_LENGTH or _REFUSED_COMMAND.search(tex):
        return None
    if not _braces_balanced(tex):
        return None
    try:
        # defusedxml: the XML comes from author text (through latex2mathml), so no DOCTYPE or
        # entity expansion is ever honoured; a bad one only fails the parse.
        mathml = convert(tex, display="block" if display else "inline")
        root = parse_xml(mathml)
    except Exception:  # latex2mathml raises many types on bad input; all mean "not maths"
        return None
    if not _checked(root) or not len(root):
        return None
    inner = "".join(_serialise(child) for child in root)
    mode = "block" if display else "inline"
    return f'<math display="{mode}" alttext="{escape(tex)}">{inner}</math>'


def tex_problem(tex: str) -> str | None:
    """Why ``tex`` cannot be shown as maths, or None if it can (for import validation)."""
    if tex_to_mathml(tex) is None:
        return f"${tex}$ is not TeX we can show as maths; it will appear as text."
    return None


_MATH_ELEMENT = re.compile(r"<math\b[^>]*>.*?</math>", re.S)
_FIGURE_ELEMENT = re.compile(r'<svg\b[^>]*\baria-label="([^"]*)"[^>]*>.*?</svg>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _reading(element: ElementTree.Element) -> str:
    tag = element.tag.removeprefix(_NS)
    parts = [_reading(child) for child in element]
    if tag == "mfrac" and len(parts) == 2:
        return f"{parts[0]}/{parts[1]}"
    if tag == "msup" and len(parts) == 2:
        return f"{parts[0]}^{parts[1]}"
    text = (element.text or "").strip()
    joined = ""
    for child, part in zip(element, parts, strict=True):
        # A whole number then a fraction is a mixed number: 2 1/3, not 21/3.
        if joined and child.tag.removeprefix(_NS) == "mfrac" and joined[-1].isdigit():
            joined += " "
        joined += part
    return text + joined


def _math_as_text(match: re.Match[str]) -> str:
    try:
        return _reading(parse_xml(match.group(0)))
    except (ElementTree.ParseError, DefusedXmlException):
        return _TAG.sub("", match.group(0))


def plain_text(html: str) -> str:
    """Rendered Markdown as one line of text, maths readable (2/3, 2 1/3) and each figure as
    its description: for places that show text only (tables, history, CSV)."""
    text = _FIGURE_ELEMENT.sub(lambda m: f"[{m.group(1)}]", html)
    text = _MATH_ELEMENT.sub(_math_as_text, text)
    return " ".join(unescape(_TAG.sub("", text)).split())
