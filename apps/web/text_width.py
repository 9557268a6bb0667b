"""How wide a line of text is in the mastery map's font, so the server can wrap a skill's name
to fit its box without a browser to measure it.

The map's text is set in DejaVu Sans (static/css/map.css), which Debian and most Linux systems
ship; the advances below are its own, read from the font files (units of 1/2048 em). Elsewhere
the map falls back to Verdana, a few per cent wider in bold, so ``SAFETY`` pads every
measurement. Characters outside the table count as a full em: too wide is safe, too narrow
would let a label spill out of its box.
"""

import unicodedata
from functools import lru_cache

UNITS_PER_EM = 2048
SAFETY = 1.06

# Advances of the printable ASCII characters, space (32) to tilde (126).
_BOOK = (
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087,
    2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612,
    1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024,
    1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253,
    1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
)  # fmt: skip
_BOLD = (
    713, 934, 1067, 1716, 1425, 2052, 1786, 627, 936, 936, 1071, 1716, 778, 850, 778, 748,
    1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 819, 819, 1716, 1716, 1716, 1188,
    2048, 1585, 1561, 1503, 1700, 1399, 1399, 1681, 1714, 762, 762, 1587, 1305, 2038, 1714, 1741,
    1501, 1741, 1577, 1475, 1397, 1663, 1585, 2259, 1579, 1483, 1485, 936, 748, 936, 1716, 1024,
    1024, 1382, 1466, 1214, 1466, 1389, 891, 1466, 1458, 702, 702, 1362, 702, 2134, 1458, 1407,
    1466, 1466, 1010, 1219, 979, 1458, 1335, 1892, 1321, 1335, 1192, 1458, 748, 1458, 1716,
)  # fmt: skip
# The state symbols and punctuation the map draws (the same in both weights, but "·").
_EXTRA_BOOK = {"✓": 1716, "↻": 1716, "◐": 1787, "○": 1787, "⊘": 1716, "·": 651, "…": 2048}
_EXTRA_BOLD = {**_EXTRA_BOOK, "·": 778}


def _advance(char: str, bold: bool) -> int:
    table, extra = (_BOLD, _EXTRA_BOLD) if bold else (_BOOK, _EXTRA_BOOK)
    if char in extra:
        return extra[char]
    code = ord(char)
    if 32 <= code <= 126:
        return table[code - 32]
    # An accented letter is as wide as its base letter ("é" as "e").
    base = unicodedata.normalize("NFKD", char)[:1]
    if base and base != char and 32 <= ord(base) <= 126:
        return table[ord(base) - 32]
    return UNITS_PER_EM


@lru_cache(maxsize=8192)  # the map measures the same words and lines many times over
def text_width(text: str, *, size: float, bold: bool = False) -> float:
    """The width in px of ``text`` at ``size`` px, padded by ``SAFETY``."""
    units = sum(_advance(char, bold) for char in text)
    return units * size / UNITS_PER_EM * SAFETY
