"""What a page may not contain under our Content-Security-Policy, found by parsing it.

``executable_markup`` lists everything in a page that would run script or apply styles from the
markup itself: inline <script> (anything but an empty element with a same-site src), <style>,
style="" attributes, on* event handlers, javascript:/data:/vbscript: URLs, and elements that
embed other documents or script (iframe, object, embed, SVG foreignObject/animation of href).
The SVG drawings inside a page are parsed a second time as XML, as a browser does, so markup
smuggled into them is found too.
"""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
EMBEDDING = {"iframe", "object", "embed", "frame", "frameset", "foreignobject", "base"}
# SVG animation elements can set an href to javascript: when the attribute is animated.
SVG_ANIMATION = {"animate", "set", "animatetransform", "animatemotion"}


def _bad_url(value: str) -> bool:
    # Browsers ignore ASCII whitespace and control characters inside a scheme.
    squeezed = re.sub(r"[\x00-\x20]+", "", value).lower()
    return squeezed.startswith(BAD_SCHEMES)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value or "" for name, value in attrs}
        tag = tag.lower()
        if tag == "script" and names.get("type") == "application/json":
            return  # a data block (json_script): never run, and CSP does not govern it
        if tag == "script":
            self._in_script = True
            src = names.get("src", "")
            if not src.startswith("/") or src.startswith("//"):
                self.found.append(f"<script> without a same-site src: {attrs}")
        if tag == "style":
            self.found.append("<style> element")
        if tag in EMBEDDING or tag in SVG_ANIMATION:
            self.found.append(f"<{tag}> element")
        if tag == "meta" and names.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        for name, value in names.items():
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}>')
            elif name.startswith("on") or (name in URL_ATTRIBUTES and _bad_url(value)):
                self.found.append(f'{name}="{value}" on <{tag}>')
            elif name == "srcdoc":
                self.found.append(f"srcdoc on <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() == "script":
            self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline script body: {data.strip()[:80]!r}")


def _svg_problems(html: str) -> list[str]:
    found = []
    for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL | re.IGNORECASE):
        # HTML lets an inline SVG use xlink: and leave out xmlns (the admin's icons do).
        if "xmlns=" not in svg.split(">", 1)[0]:
            svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
        if "xmlns:xlink" not in svg:
            svg = svg.replace("<svg", '<svg xmlns:xlink="http://www.w3.org/1999/xlink"', 1)
        # A drawing must be well-formed XML, or the browser's repair could open a new element.
        root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to be checked
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1].lower()
            if tag in {"script", "style", "foreignobject", "iframe", *SVG_ANIMATION}:
                found.append(f"<{tag}> inside an SVG")
            for name, value in element.attrib.items():
                local = name.rsplit("}", 1)[-1].lower()
                if local.startswith("on") or local == "style":
                    found.append(f"{local} attribute inside an SVG <{tag}>")
                if local == "href" and _bad_url(value):
                    found.append(f"href={value!r} inside an SVG <{tag}>")
    return found


def executable_markup(html: str) -> list[str]:
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found + _svg_problems(html)


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def policy_problems(header: str | None) -> list[str]:
    """What makes a Content-Security-Policy header too weak for our pages (empty: none)."""
    if not header:
        return ["no Content-Security-Policy header"]
    directives = csp_directives(header)
    problems = []
    for name in ("default-src", "script-src", "style-src", "object-src", "base-uri"):
        if name not in directives:
            problems.append(f"{name} missing")
    for name in ("script-src", "style-src", "default-src"):
        for weak in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
            if weak in directives.get(name, []):
                problems.append(f"{name} allows {weak}")
    if directives.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    return problems
