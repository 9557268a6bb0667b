"""Every server-rendered page and what only pages use: views by audience (``learner/``,
``teacher/``, ``classrooms/``, ``accounts/``), the page read-models (``*_page.py``: what one
page shows, read in a fixed number of queries), SVG charts, forms, template tags and templates.

No models. It depends on the domain apps; no domain app imports it.
"""
