"""Items with their choices inline, a preview as learners see it (without the key), and
the answer key checked by the same rules as the API and import."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.text import Truncator

from apps.core.exceptions import ApplicationError
from apps.curriculum import services
from apps.curriculum.admin.common import (
    AuthoringFormMixin,
    SkillChoiceField,
    fresh_copy,
    service_refusal,
)
from apps.curriculum.models import CHOICE_TYPES, Choice, Course, Item, Skill, Status
from apps.curriculum.validation import ChoiceSpec, ItemSpec, item_spec_errors


class LinesField(forms.CharField):
    """A list of one-line texts (hints, accepted answers) edited one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ItemForm(AuthoringFormMixin, forms.ModelForm):
    # Not "skills": the model field has a through model, tagged by item_save only.
    tags = SkillChoiceField(
        queryset=Skill.objects.none(),
        label="Skills",
        # Stacked: side by side, the two lists were too narrow for a skill's name (admin.css
        # gives them the row's width).
        widget=FilteredSelectMultiple("skills", is_stacked=True),
    )
    hints = LinesField(required=False, help_text="Markdown, one hint per line, gentlest first.")
    accepted_answers = LinesField(
        required=False, help_text="Short text: one accepted answer per line."
    )

    class Meta:
        model = Item
        fields = [
            "course",
            "slug",
            "type",
            "status",
            "position",
            "stem",
            "tags",
            "numeric_answer",
            "tolerance",
            "accepted_answers",
            "hints",
            "explanation",
            "irt_a",
            "irt_b",
            "irt_c",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skills = Skill.objects.select_related("course").order_by("course", "position", "id")
        if self.instance.pk:
            skills = skills.filter(course=self.instance.course_id)
            self.fields["tags"].initial = list(self.instance.skills.values_list("pk", flat=True))
        self._skill_field("tags").queryset = skills

    def item_spec(self, choices: Iterable[ChoiceSpec] = ()) -> ItemSpec:
        data = self.cleaned_data
        return ItemSpec(
            type=data["type"],
            stem=data["stem"],
            choices=tuple(choices),
            numeric_answer=data.get("numeric_answer"),
            tolerance=data["tolerance"] if data.get("tolerance") is not None else 0.0,
            accepted_answers=tuple(data["accepted_answers"]),
            hints=tuple(data["hints"]),
            explanation=data["explanation"],
            irt_a=data["irt_a"],
            irt_b=data["irt_b"],
            irt_c=data["irt_c"],
            skills=tuple(skill.slug for skill in data["tags"]),
        )

    def course(self) -> Course:
        return self.cleaned_data.get("course") or self.instance.course

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        foreign = [s.slug for s in self.cleaned_data["tags"] if s.course_id != self.course().pk]
        if foreign:
            self.add_error("tags", f"Not skills of this course: {', '.join(foreign)}.")
        # Everything but the choices, which the choice formset checks with the whole spec.
        for field, messages_ in item_spec_errors(self.item_spec()).items():
            if field != "choices":
                self.add_error(field if field in self.fields else None, messages_)
        return cleaned


class ChoiceFormSet(forms.BaseInlineFormSet):
    def choice_specs(self) -> list[ChoiceSpec]:
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        kept.sort(key=lambda data: data.get("position") or 0)
        return [ChoiceSpec(d["key"], d["text"], d.get("is_correct", False)) for d in kept]

    def clean(self) -> None:
        super().clean()
        item_form = getattr(self.instance, "_admin_form", None)
        if any(self.errors) or item_form is None:
            return  # the item form has errors of its own: those are shown first
        spec = item_form.item_spec(self.choice_specs())
        errors = item_spec_errors(spec).get("choices")
        if errors:
            raise ValidationError(errors)
        refusal = service_refusal(lambda: _save_item(item_form, spec, fresh_copy(self.instance)))
        if refusal is not None:
            raise ValidationError(
                [f"{field}: {' '.join(msgs)}" for field, msgs in refusal.fields.items()]
                or [refusal.message]
            )


def _save_item(form: ItemForm, spec: ItemSpec, item: Item | None) -> Item:
    data = form.cleaned_data
    return services.item_save(
        course=form.course(),
        slug=data["slug"],
        spec=spec,
        status=data["status"],
        position=data["position"],
        item=item,
    )


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ["position", "key", "text", "is_correct"]
    ordering = ["position", "id"]
    extra = 0

    def get_extra(self, request: HttpRequest, obj: Item | None = None, **kwargs: Any) -> int:
        return 4 if obj is None else 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    form = ItemForm
    inlines = [ChoiceInline]
    list_display = ["slug", "course", "type", "status", "skill_list", "short_stem", "position"]
    list_filter = ["course", "type", "status", "skills"]
    search_fields = ["slug", "stem"]
    list_select_related = ["course"]
    readonly_fields = ["preview"]
    ordering = ["course", "position", "id"]
    actions = ["publish", "unpublish", "archive"]
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Item]:
        return super().get_queryset(request).prefetch_related("skills")

    def get_readonly_fields(self, request: HttpRequest, obj: Item | None = None) -> list[str]:
        return ["course", "preview"] if obj else ["preview"]

    def get_fieldsets(self, request: HttpRequest, obj: Item | None = None) -> Any:
        fields: list[Any] = [name for name in ItemForm.Meta.fields if not name.startswith("irt_")]
        if obj:
            fields.remove("course")  # shown read-only: items move between courses by export
        fieldsets: list[Any] = [
            (None, {"fields": [*fields, ("irt_a", "irt_b", "irt_c")]}),
        ]
        if obj:
            fieldsets.append(("Preview", {"fields": ["course", "preview"]}))
        return fieldsets

    @admin.display(description="Skills")
    def skill_list(self, item: Item) -> str:
        return ", ".join(skill.slug for skill in item.skills.all())

    @admin.display(description="Question")
    def short_stem(self, item: Item) -> str:
        return Truncator(item.stem).chars(80)

    @admin.display(description="Preview: as the learner sees it, then the key")
    def preview(self, item: Item) -> str:
        if not item.pk:
            return "Save to see the preview."
        context = {
            "item": item,
            "choices": item.choices.all(),
            "is_choice": item.type in CHOICE_TYPES,
        }
        return render_to_string("admin/curriculum/item/preview.html", context)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Item:
        item = super().save_form(request, form, change)
        item._admin_form = form  # the choice formset validates the whole item with it
        return item

    def save_model(self, request: HttpRequest, obj: Item, form: Any, change: bool) -> None:
        pass  # saved with its choices in save_related, in one item_save call

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        [choices] = formsets
        _save_item(form, form.item_spec(choices.choice_specs()), form.instance)
        # item_save replaced the choices; the formset saved nothing (for the change message).
        choices.new_objects, choices.changed_objects, choices.deleted_objects = [], [], []

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Item], status: str) -> None:
        try:
            changed = services.items_set_status(items=queryset, status=status)
        except ApplicationError as exc:
            details = "; ".join(f"{f}: {' '.join(m)}" for f, m in exc.fields.items())
            self.message_user(request, f"{exc.message} {details} Nothing changed.", messages.ERROR)
            return
        self.message_user(request, f"{changed} item(s) are now {status}.")

    @admin.action(
        description="Publish selected items (checks each answer key)", permissions=["change"]
    )
    def publish(self, request: HttpRequest, queryset: QuerySet[Item]) -> None:
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(description="Unpublish selected items (back to draft)", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Item]) -> None:
        self._set_status(request, queryset, Status.DRAFT)

    @admin.action(description="Archive selected items", permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Item]) -> None:
        self._set_status(request, queryset, Status.ARCHIVED)
