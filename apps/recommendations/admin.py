"""Admin for the learner model: recalculation runs, fitted parameters, learner state, policies.

Learner state and fitted parameters are derived from the response log, so they are read-only
here (edit the log's inputs, or run a recalculation, instead). Course policies are editable;
saving one bumps the course's content_version so the cached snapshot picks it up at once.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from apps.curriculum.services import course_touch
from apps.recommendations.models import (
    CoursePolicy,
    LearnerAbility,
    RecalculationRun,
    RecommendationLog,
    SkillMastery,
    SkillParameters,
)
from apps.recommendations.snapshot import policy_values_of
from apps.recommendations.tasks import recalculate_all

RUN_ACTIONS = ("run_recalculation_now", "run_full_recalculation_now")
SUMMARY_COUNTS = (
    ("courses", "courses"),
    ("skills_fitted", "skills fitted"),
    ("items_changed", "items recalibrated"),
    ("learners_rebuilt", "learners rebuilt"),
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RecalculationRun)
class RecalculationRunAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "started_at",
        "status",
        "trigger",
        "full",
        "course",
        "duration",
        "summary",
        "phase_timings",
    ]
    list_filter = ["status", "trigger", "full", "started_at"]
    list_select_related = ["course"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "started_at",
        "finished_at",
        "status",
        "trigger",
        "full",
        "course",
        "response_watermark",
        "pending_tasks",
        "counts",
        "timings",
        "error",
    ]
    actions = list(RUN_ACTIONS)
    # Django hides the actions of an empty changelist unless this is off, and the run actions
    # matter most before the first run.
    show_full_result_count = False

    @admin.display(description="Duration")
    def duration(self, run: RecalculationRun) -> str:
        total = run.timings.get("total")
        return "—" if total is None else f"{total:.1f} s"

    @admin.display(description="Counts")
    def summary(self, run: RecalculationRun) -> str:
        totals = run.counts.get("totals", {})
        parts = [f"{label}: {totals[key]}" for key, label in SUMMARY_COUNTS if key in totals]
        return ", ".join(parts) or "—"

    @admin.display(description="Phases (s)")
    def phase_timings(self, run: RecalculationRun) -> str:
        phases = run.timings.get("phases", {})
        return ", ".join(f"{phase} {seconds:.1f}" for phase, seconds in phases.items()) or "—"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Django only runs an action on a selection; these start a new run and ignore it, so
        # they must also work on an empty list (before the first run) with nothing ticked.
        starting = request.method == "POST" and request.POST.get("action") in RUN_ACTIONS
        if starting and not request.POST.getlist(ACTION_CHECKBOX_NAME):
            post = request.POST.copy()
            post.setlist(ACTION_CHECKBOX_NAME, ["0"])
            request.POST = post  # type: ignore[assignment]
        return super().changelist_view(request, extra_context)

    def _queue(self, request: HttpRequest, *, full: bool) -> None:
        transaction.on_commit(lambda: recalculate_all.delay(full=full, trigger="admin"))
        kind = "A full recalculation" if full else "A recalculation"
        self.message_user(request, f"{kind} is queued; its run appears here when it starts.")

    @admin.action(description="Run recalculation now (what changed since the last run)")
    def run_recalculation_now(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._queue(request, full=False)

    @admin.action(description="Run full recalculation now (every course, every skill)")
    def run_full_recalculation_now(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._queue(request, full=True)


@admin.register(SkillParameters)
class SkillParametersAdmin(ReadOnlyAdmin):
    list_display = [
        "skill",
        "course",
        "version",
        "is_active",
        "prior",
        "learn",
        "guess",
        "slip",
        "forget",
        "log_likelihood",
        "n_responses",
        "n_learners",
        "fitted_at",
        "run",
    ]
    list_filter = ["is_active", "skill__course", "fitted_at"]
    list_select_related = ["skill__course", "run"]
    search_fields = ["skill__slug", "skill__name"]
    ordering = ["skill__course", "skill__position", "skill_id", "-version"]

    @admin.display(description="Course", ordering="skill__course")
    def course(self, row: SkillParameters) -> str:
        return str(row.skill.course)


@admin.register(SkillMastery)
class SkillMasteryAdmin(ReadOnlyAdmin):
    list_display = [
        "learner",
        "skill",
        "course",
        "p_known",
        "attempts",
        "correct_count",
        "mastered_at",
        "wheel_spinning",
        "review_due_at",
        "last_practised_at",
    ]
    list_filter = ["course", "wheel_spinning", "seeded_by_placement"]
    list_select_related = ["learner", "skill", "course"]
    search_fields = ["learner__username", "learner__display_name", "skill__slug", "skill__name"]
    show_full_result_count = False  # a COUNT(*) over every learner x skill row per page view


@admin.register(LearnerAbility)
class LearnerAbilityAdmin(ReadOnlyAdmin):
    list_display = ["learner", "course", "theta", "standard_error", "n_responses", "updated_at"]
    list_filter = ["course"]
    list_select_related = ["learner", "course"]
    search_fields = ["learner__username", "learner__display_name"]
    show_full_result_count = False


@admin.register(CoursePolicy)
class CoursePolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "course",
        "mastery_threshold",
        "min_correct_answers",
        "min_retrievability",
        "desired_retention",
        "wheel_spinning_attempts",
        "max_in_a_row",
        "recent_items",
        "placement_max_items",
        "placement_target_se",
    ]
    list_select_related = ["course"]
    search_fields = ["course__slug", "course__title"]
    readonly_fields = ["mastery_rule"]

    @admin.display(description="Mastery, in plain words")
    def mastery_rule(self, obj: CoursePolicy) -> str:
        return policy_values_of(obj).describe()

    def save_model(self, request: HttpRequest, obj: CoursePolicy, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The policy is part of the cached course snapshot, keyed by content_version.
        course_touch(course=obj.course)

    def delete_model(self, request: HttpRequest, obj: CoursePolicy) -> None:
        course = obj.course
        super().delete_model(request, obj)
        course_touch(course=course)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CoursePolicy]) -> None:
        courses = [policy.course for policy in queryset.select_related("course")]
        super().delete_queryset(request, queryset)
        for course in courses:
            course_touch(course=course)


@admin.register(RecommendationLog)
class RecommendationLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "learner", "course", "kind", "skill", "item", "lesson", "reason"]
    list_filter = ["kind", "course", "created_at"]
    list_select_related = ["learner", "course", "skill", "item", "lesson"]
    search_fields = ["learner__username", "reason"]
    date_hierarchy = "created_at"
    show_full_result_count = False
