"""One answer as the answer path takes it in, and when it was answered.

An answer queued offline carries the client's time (``answered_at``): the learner model and
the review schedule go by it, so a week of answers synced at once is spaced as it was given.
It must lie in the past, within ``OFFLINE_ANSWER_MAX_AGE_DAYS`` (a clock set years off would
otherwise schedule reviews from nonsense); a time up to ``OFFLINE_CLOCK_SKEW_SECONDS`` ahead of
the server's is a phone's clock running fast and counts as now.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError


@dataclass(frozen=True, slots=True)
class Submission:
    learner: User
    item_id: int
    answer: object
    client_id: uuid.UUID
    time_taken_ms: int | None
    attempt_id: int | None
    now: datetime  # when it was answered: the client's time (offline) or the server's
    hint_used: bool = False
    received_at: datetime | None = None  # the server's time, when later than ``now``

    @property
    def server_time(self) -> datetime:
        return self.received_at or self.now


def answer_time(answered_at: datetime | None, *, server_now: datetime) -> datetime:
    """When the answer counts as given: ``answered_at`` checked against the server's clock,
    or the server's time without one. An ApplicationError naming ``answered_at`` otherwise."""
    if answered_at is None:
        return server_now
    if answered_at.tzinfo is None or answered_at.utcoffset() is None:
        raise _refused("Give a time zone (e.g. 2026-11-28T10:15:00Z).")
    skew = timedelta(seconds=settings.OFFLINE_CLOCK_SKEW_SECONDS)
    if answered_at > server_now + skew:
        raise _refused(
            f"Is in the future (the server's time is {server_now.isoformat(timespec='seconds')})."
        )
    oldest = server_now - timedelta(days=settings.OFFLINE_ANSWER_MAX_AGE_DAYS)
    if answered_at < oldest:
        raise _refused(
            f"Is more than {settings.OFFLINE_ANSWER_MAX_AGE_DAYS} days ago; answers queued "
            "longer than that are not accepted."
        )
    return min(answered_at, server_now)


def _refused(why: str) -> ApplicationError:
    return ApplicationError(
        "answered_at: the answer's time is not accepted.", fields={"answered_at": [why]}
    )
