"""Logs as one JSON object per line on stdout, each carrying the request id."""

from typing import Any


def build_logging(level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "django_guid.log_filters.CorrelationId"},
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
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django": {"handlers": ["stdout"], "level": level, "propagate": False},
            # Access lines come from gunicorn; Django's own request log would double them.
            "django.server": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
            "celery": {"handlers": ["stdout"], "level": level, "propagate": False},
            # It reports every request without an X-Request-ID header; our request log has it.
            "django_guid": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        },
    }
