"""Skills with their prerequisites; a prerequisite that would close a cycle is a form error
naming the cycle."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.core.exceptions import ApplicationError
from apps.curriculum import services
from apps.curriculum.admin.common import (
    AuthoringFormMixin,
    SkillChoiceField,
    add_refusal,
    fresh_copy,
    related_count,
    service_refusal,
)
from apps.curriculum.models import Course, Item, Skill


class SkillForm(AuthoringFormMixin, forms.ModelForm):
    # Not named "prerequisites": edges are written by skill_set_prerequisites only, which
    # refuses cycles; the model field (with its through model) is not edited directly.
    requires = SkillChoiceField(
        queryset=Skill.objects.none(),
        required=False,
        label="Prerequisites",
        help_text="Skills to master first. A choice that would make a cycle is refused.",
        widget=FilteredSelectMultiple("prerequisites", is_stacked=False),
    )

    class Meta:
        model = Skill
        fields = ["course", "module", "slug", "name", "description", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skills = Skill.objects.select_related("course").order_by("course", "position", "id")
        if self.instance.pk:
            skills = skills.filter(course=self.instance.course_id).exclude(pk=self.instance.pk)
            self.fields["requires"].initial = list(
                self.instance.prerequisites.values_list("pk", flat=True)
            )
        self._skill_field("requires").queryset = skills

    def _course(self) -> Course:
        return self.cleaned_data.get("course") or self.instance.course

    def write(self, skill: Skill | None) -> Skill:
        data, requires = self.cleaned_data, list(self.cleaned_data["requires"])
        if skill is None:
            return services.skill_create(
                course=self._course(),
                slug=data["slug"],
                name=data["name"],
                description=data["description"],
                module=data["module"],
                position=data["position"],
                prerequisites=requires,
            )
        services.skill_update(
            skill=skill,
            name=data["name"],
            description=data["description"],
            module=data["module"],
            position=data["position"],
        )
        return services.skill_set_prerequisites(skill=skill, prerequisites=requires)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not self.errors:
            refusal = service_refusal(lambda: self.write(fresh_copy(self.instance)))
            if refusal is not None:
                add_refusal(self, _renamed(refusal, {"prerequisites": "requires"}))
        return cleaned


def _renamed(refusal: ApplicationError, names: dict[str, str]) -> ApplicationError:
    fields = {names.get(field, field): msgs for field, msgs in refusal.fields.items()}
    return ApplicationError(refusal.message, fields=fields)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    form = SkillForm
    list_display = ["name", "slug", "course", "module", "prerequisite_list", "item_count"]
    list_filter = ["course", "module"]
    search_fields = ["name", "slug", "description"]
    list_select_related = ["course", "module"]
    ordering = ["course", "position", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Skill]:
        queryset = super().get_queryset(request).prefetch_related("prerequisites")
        return queryset.annotate(n_items=related_count(Item.skills.through, "skill"))

    def get_readonly_fields(self, request: HttpRequest, obj: Skill | None = None) -> list[str]:
        # Items, lessons and files refer to skills by slug within their course.
        return ["course", "slug"] if obj else []

    @admin.display(description="Prerequisites")
    def prerequisite_list(self, skill: Skill) -> str:
        return ", ".join(p.slug for p in skill.prerequisites.all()) or "—"

    @admin.display(description="Items", ordering="n_items")
    def item_count(self, skill: Skill) -> int:
        return skill.n_items  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Skill, form: Any, change: bool) -> None:
        saved = form.write(obj if change else None)
        obj.pk, obj.position, obj._state.adding = saved.pk, saved.position, False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # prerequisites were written by the service in save_model
