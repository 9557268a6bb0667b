"""Courses (with their modules inline, publish and export actions, and the import page) and
modules."""

import io
import json
import zipfile
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet, TextField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from apps.curriculum import services
from apps.curriculum.admin.common import AuthoringFormMixin, related_count
from apps.curriculum.exchange import MAX_FILE_BYTES, ImportFailed, course_export, course_import
from apps.curriculum.models import Course, Item, Module, Skill, Status


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
    # The admin's default textarea is 48em wide: in this table it pushed the course page to
    # 1736px at a 1280px window. Three rows here, the width from admin.css (#modules-group).
    formfield_overrides = {TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 30})}}


class CourseForm(AuthoringFormMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "slug",
            "title",
            "description",
            "language",
            "status",
            "is_public",
            "authors",
            "classrooms",
        ]


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
    publish = forms.BooleanField(
        required=False,
        help_text="Take the course's status and visibility from the file. Without this a new "
        "course is a private draft and an existing one keeps its own.",
    )
    dry_run = forms.BooleanField(required=False, help_text="Check the file; save nothing.")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(f"The file is {upload.size:,} bytes; the limit is 10 MB.")
        return upload


def _keep_name_as_typed(message: str) -> str:
    """The import messages start with the file's name, and the admin capitalises every
    message's first letter ("halves.json" became "Halves.json"): a leading word keeps the
    name as the author typed it."""
    return f"File {message}"


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
    autocomplete_fields = ["authors", "classrooms"]
    inlines = [ModuleInline]
    actions = ["publish", "unpublish", "export_json"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_modules=related_count(Module, "course"),
                n_skills=related_count(Skill, "course"),
                n_items=related_count(Item, "course"),
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
                    publish=form.cleaned_data["publish"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ImportFailed as exc:
                problems = exc.problems
                message = f"{exc.message} Nothing was saved."
                self.message_user(request, _keep_name_as_typed(message), messages.ERROR)
            else:
                self.message_user(request, _keep_name_as_typed(result.summary()), messages.SUCCESS)
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
        return super().get_queryset(request).annotate(n_skills=related_count(Skill, "module"))

    @admin.display(description="Skills", ordering="n_skills")
    def skill_count(self, module: Module) -> int:
        return module.n_skills  # type: ignore[attr-defined]
