"""Authoring in the Django admin. Saves go through the services, so the admin renders Markdown,
checks answer keys and refuses prerequisite cycles exactly as the API and import do.

A service's refusal must be a form error, not a 500 after the admin has begun saving: each form
runs the same service call in ``clean()`` inside a savepoint that is always rolled back
(``service_refusal``), then the admin runs it for real when saving.
"""

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from apps.core.exceptions import ApplicationError

from . import services
from .exchange import MAX_FILE_BYTES, ImportFailed, course_export, course_import
from .exchange.items import slug_error
from .models import CHOICE_TYPES, Choice, Course, Item, Lesson, Module, Skill, Status
from .validation import ChoiceSpec, ItemSpec, item_spec_errors


class _RollBack(Exception):
    pass


def service_refusal(write: Callable[[], object]) -> ApplicationError | None:
    """Run ``write`` in a savepoint that is always rolled back; the service's refusal, if any."""
    try:
        with transaction.atomic():
            write()
            raise _RollBack
    except _RollBack:
        return None
    except ApplicationError as exc:
        return exc


def add_refusal(form: forms.BaseForm, refusal: ApplicationError) -> None:
    if not refusal.fields:
        form.add_error(None, refusal.message)
    for field, messages_ in refusal.fields.items():
        form.add_error(field if field in form.fields else None, messages_)


def _fresh(instance: models.Model) -> Any:
    """A separate copy for a dry run, so the rolled-back write cannot touch the form's object."""
    return type(instance)._default_manager.get(pk=instance.pk) if instance.pk else None


def _count(model: type[models.Model], fk: str) -> Coalesce:
    # Correlated subqueries, not Count() over joins: three joined counts multiply rows.
    rows = model._default_manager.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


class AuthoringFormMixin:
    """Slugs by the services' rule (so every slug the admin saves can be exported and imported
    again), and typed access to the skill pickers."""

    fields: dict[str, forms.Field]

    def _skill_field(self, name: str) -> forms.ModelMultipleChoiceField:
        return cast(forms.ModelMultipleChoiceField, self.fields[name])

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]  # type: ignore[attr-defined]
        if (message := slug_error(slug)) is not None:
            raise ValidationError(message)
        return slug


# ----------------------------------------------------------------------------------- courses


class ModuleForm(AuthoringFormMixin, forms.ModelForm):
    class Meta:
        model = Module
        fields = ["course", "position", "slug", "title", "description"]


class ModuleInline(admin.TabularInline):
    # Modules carry no rule beyond their slug, so the inline saves them directly.
    model = Module
    form = ModuleForm
    extra = 0
    fields = ["position", "slug", "title", "description"]
    ordering = ["position", "id"]


class CourseForm(AuthoringFormMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = ["slug", "title", "description", "language", "status", "is_public", "classrooms"]


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A course (.json) or items (.csv). At most 10 MB.")
    replace = forms.BooleanField(
        required=False,
        help_text="Update the existing course with the same slug to match the file.",
    )
    course_slug = forms.SlugField(
        required=False,
        label="Course",
        help_text="For a CSV file: the course the items go into. For JSON: import under "
        "this slug instead of the file's.",
    )
    dry_run = forms.BooleanField(required=False, help_text="Check the file; save nothing.")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(f"The file is {upload.size:,} bytes; the limit is 10 MB.")
        return upload


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    form = CourseForm
    list_display = [
        "title",
        "slug",
        "status",
        "is_public",
        "language",
        "module_count",
        "skill_count",
        "item_count",
        "created_by",
        "updated_at",
    ]
    list_filter = ["status", "is_public", "language"]
    search_fields = ["title", "slug", "description"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_by", "content_version", "created_at", "updated_at"]
    autocomplete_fields = ["classrooms"]
    inlines = [ModuleInline]
    actions = ["publish", "unpublish", "export_json"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_modules=_count(Module, "course"),
                n_skills=_count(Skill, "course"),
                n_items=_count(Item, "course"),
            )
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Course | None = None) -> list[str]:
        # The slug is how import/export and the API find a course; the services never change it.
        return [*self.readonly_fields, "slug"] if obj else list(self.readonly_fields)

    @admin.display(description="Modules", ordering="n_modules")
    def module_count(self, course: Course) -> int:
        return course.n_modules  # type: ignore[attr-defined]

    @admin.display(description="Skills", ordering="n_skills")
    def skill_count(self, course: Course) -> int:
        return course.n_skills  # type: ignore[attr-defined]

    @admin.display(description="Items", ordering="n_items")
    def item_count(self, course: Course) -> int:
        return course.n_items  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        fields = {
            name: form.cleaned_data[name]
            for name in ("title", "description", "language", "status", "is_public")
        }
        if change:
            services.course_update(course=obj, **fields)
            return
        created = services.course_create(author=request.user, slug=obj.slug, **fields)  # type: ignore[arg-type]
        obj.pk, obj.created_by, obj._state.adding = created.pk, created.created_by, False
        obj.created_at, obj.updated_at = created.created_at, created.updated_at

    @admin.action(description="Publish selected courses", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        changed = services.course_set_status(courses=queryset, status=Status.PUBLISHED)
        self.message_user(request, f"{changed} course(s) published.")

    @admin.action(description="Unpublish selected courses (back to draft)", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        changed = services.course_set_status(courses=queryset, status=Status.DRAFT)
        self.message_user(request, f"{changed} course(s) unpublished.")

    @admin.action(description="Export as JSON (a .zip for several)")
    def export_json(self, request: HttpRequest, queryset: QuerySet[Course]) -> HttpResponse:
        files = {
            f"{course.slug}.json": json.dumps(
                course_export(course=course), ensure_ascii=False, indent=2
            )
            + "\n"
            for course in queryset.order_by("slug")
        }
        if len(files) == 1:
            [(name, text)] = files.items()
            response = HttpResponse(text, content_type="application/json; charset=utf-8")
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for member, text in files.items():
                    archive.writestr(member, text)
            name = "courses.zip"
            response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def get_urls(self) -> list[Any]:
        upload = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="curriculum_course_import",
        )
        return [upload, *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        problems: list[Any] = []
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["replace"] and not self.has_change_permission(request):
                raise PermissionDenied
            upload = form.cleaned_data["file"]
            try:
                result = course_import(
                    source_name=upload.name,
                    content=upload.read(),
                    author=request.user,  # type: ignore[arg-type]
                    replace=form.cleaned_data["replace"],
                    course_slug=form.cleaned_data["course_slug"] or None,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ImportFailed as exc:
                problems = exc.problems
                self.message_user(request, exc.message + " Nothing was saved.", messages.ERROR)
            else:
                self.message_user(request, result.summary(), messages.SUCCESS)
                if result.dry_run:
                    return HttpResponseRedirect(request.path)
                url = reverse("admin:curriculum_course_change", args=[result.course.pk])
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import course",
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/curriculum/course/import.html", context)


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    form = ModuleForm
    list_display = ["title", "slug", "course", "position", "skill_count"]
    list_filter = ["course"]
    search_fields = ["title", "slug", "course__title"]
    list_select_related = ["course"]
    ordering = ["course", "position", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Module]:
        return super().get_queryset(request).annotate(n_skills=_count(Skill, "module"))

    @admin.display(description="Skills", ordering="n_skills")
    def skill_count(self, module: Module) -> int:
        return module.n_skills  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------ skills


class SkillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Skill) -> str:
        return f"{obj.name} ({obj.slug})"


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
            refusal = service_refusal(lambda: self.write(_fresh(self.instance)))
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
        return queryset.annotate(n_items=_count(Item.skills.through, "skill"))

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


# ----------------------------------------------------------------------------------- lessons


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
            refusal = service_refusal(lambda: self.write(_fresh(self.instance)))
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
        # body_html is produced by the service and sanitised with nh3: safe to show as is.
        return format_html('<div class="curriculum-preview">{}</div>', mark_safe(lesson.body_html))  # noqa: S308

    def save_model(self, request: HttpRequest, obj: Lesson, form: Any, change: bool) -> None:
        form.write(obj)  # lesson_save fills ``obj`` in place, new or not

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # lesson_save already set the skills


# ------------------------------------------------------------------------------------- items


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
        widget=FilteredSelectMultiple("skills", is_stacked=False),
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
        refusal = service_refusal(lambda: _save_item(item_form, spec, _fresh(self.instance)))
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
