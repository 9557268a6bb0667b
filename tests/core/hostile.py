"""Content written to break out of its place in a page: script tags, attribute breakouts,
javascript: links, SVG with handlers, and closers for the <title> and CDATA of our SVGs."""

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)><script>alert(4)</script></svg>",
    "</title></text></svg><script>alert(5)</script>",
    "javascript:alert(6)",
    "]]><iframe src=javascript:alert(7)>",
    '<a href="javascript:alert(8)" style="color:red">x</a>',
]
HOSTILE_NAME = " ".join(PAYLOADS)[:200]

# Lesson and item Markdown: raw HTML, javascript: in every link form Markdown has, and an SVG.
HOSTILE_MARKDOWN = "\n\n".join(
    [
        "# Fractions <script>alert(11)</script>",
        '<img src=x onerror="alert(12)"> and <b onclick="alert(13)">bold</b>',
        "[plain](javascript:alert(14)) [mixed](JaVaScRiPt:alert(15)) "
        "[entity](&#106;avascript:alert(16)) [spaced]( javascript:alert(17))",
        "[ref][r]\n\n[r]: javascript:alert(18)",
        "<javascript:alert(19)> ![img](javascript:alert(20))",
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(21)"><script>alert(22)</script>'
        "<foreignObject><iframe src=javascript:alert(23)></iframe></foreignObject></svg>",
        '<style>body{display:none}</style><p style="color:red">styled</p>',
        '<a href="data:text/html,<script>alert(24)</script>">data</a>',
        "| a | b |\n|---|---|\n| <script>alert(25)</script> | `<img onerror=alert(26)>` |",
    ]
)

# What an escaped payload looks like in the page: the text is shown, not run.
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
