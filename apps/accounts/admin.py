from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import (
    Classroom,
    Enrollment,
    Role,
    TeacherInvitation,
    TeacherRequest,
    TeacherRequestStatus,
    User,
)
from apps.accounts.requests import request_user
from apps.accounts.usernames import username_clean
from apps.core.exceptions import ApplicationError


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


@admin.register(TeacherRequest)
class TeacherRequestAdmin(admin.ModelAdmin):
    """Where admins vet teacher requests: filter on "Pending", select, approve or decline."""

    list_display = ["user", "user_email", "note", "status", "created_at", "decided_by"]
    list_filter = ["status", "created_at"]
    search_fields = ["user__username", "user__email", "note"]
    list_select_related = ["user", "decided_by"]
    fields = ("user", "note", "status", "decided_by", "decided_at", "created_at")
    readonly_fields = fields  # decisions go through the actions (and so the services)
    actions = ["approve", "decline"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people ask for themselves; admins who want a teacher set the role

    @admin.display(description="E-mail", ordering="user__email")
    def user_email(self, teacher_request: TeacherRequest) -> str:
        return teacher_request.user.email

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[TeacherRequest], approve: bool
    ) -> None:
        decide = services.teacher_request_approve if approve else services.teacher_request_decline
        done = 0
        for teacher_request in queryset.filter(status=TeacherRequestStatus.PENDING):
            decide(request=teacher_request, by=request_user(request))
            done += 1
        skipped = queryset.count() - done
        verb = "approved" if approve else "declined"
        self.message_user(request, f"{done} request(s) {verb}; {skipped} already decided skipped.")

    @admin.action(description="Approve: make these people teachers")
    def approve(self, request: HttpRequest, queryset: QuerySet[TeacherRequest]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Decline selected requests")
    def decline(self, request: HttpRequest, queryset: QuerySet[TeacherRequest]) -> None:
        self._decide(request, queryset, approve=False)


class TeacherInvitationForm(forms.ModelForm):
    valid_days = forms.IntegerField(
        min_value=1, max_value=90, initial=7, help_text="The link stops working after this."
    )

    class Meta:
        model = TeacherInvitation
        fields = ["email"]


@admin.register(TeacherInvitation)
class TeacherInvitationAdmin(admin.ModelAdmin):
    """Invite a teacher: the link is shown once after saving (only its hash is stored)."""

    form = TeacherInvitationForm
    list_display = ["email", "created_at", "expires_at", "created_by", "used_at", "used_by"]
    list_filter = ["created_at", "used_at"]
    search_fields = ["email"]
    list_select_related = ["created_by", "used_by"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: TeacherInvitation, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        try:
            issued = services.teacher_invitation_create(
                email=obj.email,
                by=request_user(request),
                valid_for=timedelta(days=form.cleaned_data["valid_days"]),
            )
        except ApplicationError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return
        obj.pk, obj.created_at = issued.invitation.pk, issued.invitation.created_at
        link = request.build_absolute_uri(f"{reverse('signup')}?invitation={issued.token}")
        self.message_user(
            request,
            f"Send this one-time sign-up link to {issued.invitation.email} "
            f"(it is not shown again): {link}",
            level=messages.WARNING,
        )
