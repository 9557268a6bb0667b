"""Assessments in the admin. Attempts and the response log are read-only here: they are the
learners' record, written only by the answering flow (and removed only with the learner)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from apps.assessments.models import Assessment, AssessmentItem, Attempt, ItemResponse


class AssessmentItemFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        course_id = self.instance.course_id
        foreign = [
            form.cleaned_data["item"].slug
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data["item"].course_id != course_id
        ]
        if course_id and foreign:
            raise ValidationError(f"Not items of this course: {', '.join(foreign)}.")


class AssessmentItemInline(admin.TabularInline):
    model = AssessmentItem
    formset = AssessmentItemFormSet
    fields = ["position", "item"]
    ordering = ["position", "id"]
    autocomplete_fields = ["item"]
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "course", "kind", "item_count", "max_items"]
    list_filter = ["kind", "course"]
    search_fields = ["title", "slug", "course__title"]
    list_select_related = ["course"]
    inlines = [AssessmentItemInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assessment]:
        links = (
            AssessmentItem.objects.filter(assessment=OuterRef("pk"))
            .order_by()
            .values("assessment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(n_items=Coalesce(Subquery(links), 0))

    @admin.display(description="Items", ordering="n_items")
    def item_count(self, assessment: Assessment) -> int:
        return assessment.n_items  # type: ignore[attr-defined]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ResponseInline(admin.TabularInline):
    model = ItemResponse
    fields = ["created_at", "item", "answer", "correct", "score", "time_taken_ms"]
    readonly_fields = ["created_at", "item", "answer", "correct", "score", "time_taken_ms"]
    ordering = ["created_at", "id"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ItemResponse]:
        return super().get_queryset(request).select_related("item")


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = [
        "learner",
        "assessment",
        "course",
        "status",
        "started_at",
        "finished_at",
        "n_answered",
        "n_correct",
        "score",
    ]
    list_filter = ["status", "assessment__kind", "assessment__course", "started_at"]
    search_fields = ["learner__username", "assessment__title", "assessment__slug"]
    list_select_related = ["learner", "assessment", "assessment__course"]
    date_hierarchy = "started_at"
    inlines = [ResponseInline]

    @admin.display(description="Course", ordering="assessment__course__title")
    def course(self, attempt: Attempt) -> str:
        return str(attempt.assessment.course)


@admin.register(ItemResponse)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "learner",
        "item",
        "course",
        "correct",
        "score",
        "time_taken_ms",
        "attempt_id",
    ]
    list_filter = ["correct", "item__course", "item__type", "created_at"]
    search_fields = ["learner__username", "item__slug", "=client_id"]
    list_select_related = ["learner", "item", "item__course"]
    date_hierarchy = "created_at"
    # The log grows without bound; counting it all on every page is the slow part.
    show_full_result_count = False
    ordering = ["-created_at", "-id"]

    @admin.display(description="Course", ordering="item__course__title")
    def course(self, response: ItemResponse) -> str:
        return str(response.item.course)
