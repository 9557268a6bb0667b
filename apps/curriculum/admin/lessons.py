"""Lessons: Markdown rendered and sanitised by the services, with a preview."""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from apps.curriculum import services
from apps.curriculum.admin.common import (
    AuthoringFormMixin,
    add_refusal,
    fresh_copy,
    service_refusal,
)
from apps.curriculum.models import Lesson, Skill


class LessonForm(AuthoringFormMixin, forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["course", "module", "slug", "title", "body", "skills", "position", "status"]
        widgets = {"skills": FilteredSelectMultiple("skills", is_stacked=False)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            field = cast(forms.ModelMultipleChoiceField, self.fields["skills"])
            field.queryset = Skill.objects.filter(course=self.instance.course_id)

    def clean_skills(self) -> Any:
        course = self.cleaned_data.get("course") or getattr(self.instance, "course", None)
        skills = self.cleaned_data["skills"]
        foreign = [s.slug for s in skills if course is not None and s.course_id != course.pk]
        if foreign:
            raise ValidationError(f"Not skills of this course: {', '.join(foreign)}.")
        return skills

    def write(self, lesson: Lesson | None) -> Lesson:
        data = self.cleaned_data
        return services.lesson_save(
            course=data.get("course") or self.instance.course,
            slug=data["slug"],
            title=data["title"],
            body=data["body"],
            module=data["module"],
            skills=[skill.slug for skill in data["skills"]],
            position=data["position"],
            status=data["status"],
            lesson=lesson,
        )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not self.errors:
            refusal = service_refusal(lambda: self.write(fresh_copy(self.instance)))
            if refusal is not None:
                add_refusal(self, refusal)
        return cleaned


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonForm
    list_display = ["title", "slug", "course", "module", "status", "position"]
    list_filter = ["course", "status", "module"]
    search_fields = ["title", "slug", "body"]
    list_select_related = ["course", "module"]
    readonly_fields = ["preview"]
    ordering = ["course", "position", "id"]

    def get_readonly_fields(self, request: HttpRequest, obj: Lesson | None = None) -> list[str]:
        return ["course", "preview"] if obj else ["preview"]

    @admin.display(description="Preview (as saved)")
    def preview(self, lesson: Lesson) -> SafeString:
        if not lesson.pk:
            return format_html("<em>{}</em>", "Save to see the preview.")
        # Safe to mark safe (bandit B308, B703): body_html is written only by the lesson
        # services, as Markdown rendered and cleaned by nh3 (apps.curriculum.markdown: no
        # script, no attributes but href/title/align, http(s)/mailto links only), the same HTML
        # learners are shown.
        body = mark_safe(lesson.body_html)  # noqa: S308  # nosec B308, B703
        return format_html('<div class="curriculum-preview">{}</div>', body)

    def save_model(self, request: HttpRequest, obj: Lesson, form: Any, change: bool) -> None:
        form.write(obj)  # lesson_save fills ``obj`` in place, new or not

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # lesson_save already set the skills
