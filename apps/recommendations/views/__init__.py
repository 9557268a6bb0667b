"""Server-rendered learner and teacher pages (thin: parse input, call a selector or service,
render). Reads that aggregate live in ``..dashboards``."""
