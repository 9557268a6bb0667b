"""The Celery app and the default beat schedule.

The schedule below is the default; ``manage.py sync_beat_schedule`` copies any entry that is
missing into django-celery-beat's tables, where admins can change or disable it. Entries already
in the database are left alone, so an admin's edits survive restarts and deploys.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adaptive_learning.settings.base")

app = Celery("adaptive_learning")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

DEFAULT_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Daily at 03:30: drop expired JWT refresh tokens from the outstanding/blacklist tables.
    "flush-expired-tokens": {
        "task": "apps.accounts.tasks.flush_expired_tokens",
        "schedule": crontab(hour="3", minute="30"),
    },
    # Daily at 03:45: delete stored answer feedback older than ANSWER_RECEIPT_RETENTION_DAYS.
    "prune-answer-receipts": {
        "task": "apps.recommendations.tasks.prune_answer_receipts",
        "schedule": crontab(hour="3", minute="45"),
    },
    # Daily at 04:00: delete recommendation records older than RECOMMENDATION_LOG_RETENTION_DAYS.
    "prune-recommendation-log": {
        "task": "apps.recommendations.tasks.prune_recommendation_log",
        "schedule": crontab(hour="4", minute="0"),
    },
    # Hourly at minute 20: erase learners whose deletion request's grace period is over.
    "erase-due-learners": {
        "task": "apps.privacy.tasks.erase_due_learners",
        "schedule": crontab(minute="20"),
    },
    # Nightly at 02:15: refit BKT per skill, calibrate IRT items per course, then rebuild the
    # affected learners' mastery and ability (only what has new responses since the last run).
    "recalculate-learner-models": {
        "task": "apps.recommendations.tasks.recalculate_all",
        "schedule": crontab(hour="2", minute="15"),
        "kwargs": {"full": False},
        "description": "Nightly BKT refit, IRT calibration and learner-state rebuild.",
    },
    # Every minute: a recalculation run whose worker died (no lock heartbeat for
    # RECALCULATION_LOCK_TTL_SECONDS) is marked failed and started again. Checks queued while
    # no worker was up are cheap and idempotent: the first one restarts, the rest find nothing.
    "recalculation-watchdog": {
        "task": "apps.recommendations.tasks.recalculation_watchdog",
        "schedule": crontab(minute="*"),
        "description": "Fail and restart a recalculation run whose worker stopped responding.",
    },
}
