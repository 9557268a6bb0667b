"""Logs as one JSON object per line on stdout, each carrying the request id; errors also mailed
to ADMINS (Django's error reporting), which ``parse_admins`` reads from the environment."""

from email.utils import getaddresses
from typing import Any


def parse_admins(value: str) -> list[tuple[str, str]]:
    """``"Ada Ops <ada@example.com>, bob@example.com"`` as Django's ADMINS: (name, address).

    Addresses are split the way mail headers are, so a comma inside a quoted name is kept;
    anything without an "@" is refused rather than silently dropped: an ADMINS that mails no
    one would hide every error report.
    """
    admins = []
    for name, address in getaddresses([value]):
        if not name and not address:
            continue
        if "@" not in address or address.startswith("@") or address.endswith("@"):
            raise ValueError(f"DJANGO_ADMINS: {address or name!r} is not an e-mail address")
        admins.append((name or address, address))
    return admins


def build_logging(level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "django_guid.log_filters.CorrelationId"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
                "rename_fields": {
                    "asctime": "time",
                    "levelname": "level",
                    "name": "logger",
                    "correlation_id": "request_id",
                },
            },
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["request_id"],
            },
            # Errors (an unhandled exception in a request, a failed task) by mail to ADMINS,
            # besides the JSON line; it sends nothing while ADMINS is empty or DEBUG is on.
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["require_debug_false"],
            },
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django": {"handlers": ["stdout", "mail_admins"], "level": level, "propagate": False},
            # Access lines come from gunicorn; Django's own request log would double them.
            "django.server": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
            "celery": {"handlers": ["stdout", "mail_admins"], "level": level, "propagate": False},
            # It reports every request without an X-Request-ID header; our request log has it.
            "django_guid": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        },
    }
