"""Today's answers toward the course's daily goal, and the streak: days in a row with practice.

Days are the site's calendar days (``TIME_ZONE``). The streak counts back from today, or from
yesterday while today has no answer yet (a streak is not lost before the day is over). Both are
optional per course (``CoursePolicy.daily_goal``, ``show_streak``) and read in one query.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course
from apps.recommendations.snapshot import course_snapshot

# Streaks longer than this show as "365+ days": enough to read the log back that far.
STREAK_HORIZON_DAYS = 365


@dataclass(frozen=True)
class Motivation:
    daily_goal: int  # 0: no daily goal in this course
    answered_today: int
    streak_days: int | None  # None: streaks not shown in this course
    practised_today: bool

    @property
    def goal_met(self) -> bool:
        return self.daily_goal > 0 and self.answered_today >= self.daily_goal

    @property
    def shown(self) -> bool:
        return self.daily_goal > 0 or self.streak_days is not None


def motivation_for(*, learner: User, course: Course, now: datetime | None = None) -> Motivation:
    policy = course_snapshot(course).policy
    if not policy.daily_goal and not policy.show_streak:
        return Motivation(0, 0, None, False)
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = _answers_per_day(learner, course, since=today - timedelta(days=STREAK_HORIZON_DAYS))
    answered_today = counts.get(today, 0)
    return Motivation(
        daily_goal=policy.daily_goal,
        answered_today=answered_today,
        streak_days=_streak(set(counts), today) if policy.show_streak else None,
        practised_today=answered_today > 0,
    )


def _answers_per_day(learner: User, course: Course, *, since: date) -> dict[date, int]:
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    rows = (
        ItemResponse.objects.filter(learner=learner, item__course=course, created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("day", "n")
    )
    return dict(rows)


def _streak(days: set[date], today: date) -> int:
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak
