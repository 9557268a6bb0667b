from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from apps.accounts import services
from apps.accounts.models import Classroom, Enrollment, Role, User
from apps.accounts.usernames import username_clean


class UserAddForm(AdminUserCreationForm):
    def clean_username(self) -> str:
        return username_clean(self.cleaned_data.get("username") or "")


class UserEditForm(UserChangeForm):
    def clean_username(self) -> str:
        # Renaming: the user's own current name is not a clash.
        return username_clean(self.cleaned_data.get("username") or "", exclude_pk=self.instance.pk)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm
    form = UserEditForm
    list_display = [
        "username",
        "display_name",
        "email",
        "role",
        "is_active",
        "last_login",
        "date_joined",
    ]
    list_filter = ["role", "is_active", "is_staff", "date_joined"]
    search_fields = ["username", "display_name", "email", "first_name", "last_name"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Role", {"fields": ("role", "display_name")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Role", {"fields": ("role", "display_name", "email")}),
    )
    actions = ["make_learner", "make_teacher", "make_admin"]

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        # Admins are staff (so they reach this site); the role decides, not a second checkbox.
        if obj.role == Role.ADMIN:
            obj.is_staff = True
        super().save_model(request, obj, form, change)

    def _set_role(self, request: HttpRequest, queryset: QuerySet[User], role: str) -> None:
        for user in queryset:
            services.user_set_role(user=user, role=role)
        self.message_user(request, f"{queryset.count()} user(s) are now {role}s.")

    @admin.action(description="Make selected users learners")
    def make_learner(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_role(request, queryset, Role.LEARNER)

    @admin.action(description="Make selected users teachers")
    def make_teacher(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_role(request, queryset, Role.TEACHER)

    @admin.action(description="Make selected users admins")
    def make_admin(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_role(request, queryset, Role.ADMIN)


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ["learner"]
    readonly_fields = ["joined_at"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "join_code", "join_enabled", "learner_count", "created_at"]
    list_filter = ["join_enabled", "created_at"]
    search_fields = ["name", "join_code", "owner__username"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["join_code", "created_at", "updated_at"]
    inlines = [EnrollmentInline]
    actions = ["regenerate_codes", "close_joining", "open_joining"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Classroom]:
        return super().get_queryset(request).annotate(n_learners=Count("enrollments"))

    @admin.display(description="Learners", ordering="n_learners")
    def learner_count(self, classroom: Classroom) -> int:
        return classroom.n_learners  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Classroom, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        if change:
            super().save_model(request, obj, form, change)
            return
        # New classrooms get their code from the service, which retries on a collision.
        created = services.classroom_create(
            owner=obj.owner, name=obj.name, join_enabled=obj.join_enabled
        )
        obj.pk, obj.join_code, obj.created_at = created.pk, created.join_code, created.created_at
        obj.updated_at = created.updated_at

    @admin.action(description="Issue new join codes")
    def regenerate_codes(self, request: HttpRequest, queryset: QuerySet[Classroom]) -> None:
        for classroom in queryset:
            services.classroom_regenerate_code(classroom=classroom)
        self.message_user(request, "New join codes issued; the old ones no longer work.")

    @admin.action(description="Close joining")
    def close_joining(self, request: HttpRequest, queryset: QuerySet[Classroom]) -> None:
        for classroom in queryset:
            services.classroom_set_joining(classroom=classroom, enabled=False)

    @admin.action(description="Open joining")
    def open_joining(self, request: HttpRequest, queryset: QuerySet[Classroom]) -> None:
        for classroom in queryset:
            services.classroom_set_joining(classroom=classroom, enabled=True)
