"""The privacy admin: learners with "export data" and "erase" actions, and the read-only audit
log, deletion requests and departures. Only admins (role admin or superuser) see any of it."""

import json
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.core.exceptions import ApplicationError
from apps.privacy.document import learner_data_document
from apps.privacy.models import (
    AuditSource,
    ClassroomDeparture,
    DeletionRequest,
    LearnerAccount,
    PrivacyAuditEntry,
)
from apps.privacy.services.erasure import learner_erase, responses_policy
from apps.privacy.services.export import data_export


def _is_admin(request: HttpRequest) -> bool:
    user = request.user
    return isinstance(user, User) and user.is_active and user.is_admin_role


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows written by the privacy services only: viewable, never edited here."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PrivacyAuditEntry)
class PrivacyAuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "learner_label", "source", "outcome"]
    list_filter = ["action", "outcome", "source", "created_at"]
    search_fields = ["actor_label", "learner_label", "=learner_ref"]
    date_hierarchy = "created_at"
    list_select_related = True


@admin.register(DeletionRequest)
class DeletionRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "learner_id", "status", "requested_at", "due_at", "completed_at"]
    list_filter = ["status"]


@admin.register(ClassroomDeparture)
class ClassroomDepartureAdmin(ReadOnlyAdmin):
    list_display = ["left_at", "classroom", "learner_label", "reason", "removed_by"]
    list_filter = ["reason"]
    list_select_related = ["classroom", "removed_by"]


@admin.register(LearnerAccount)
class LearnerAccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "username", "display_name", "email", "is_active", "date_joined"]
    list_filter = ["is_active"]
    search_fields = ["username", "display_name", "email"]
    actions = ["export_data", "erase_learners"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LearnerAccount]:
        return super().get_queryset(request).filter(role=Role.LEARNER)

    @admin.action(description="Export the selected learners' data (JSON)")
    def export_data(self, request: HttpRequest, queryset: QuerySet[LearnerAccount]) -> HttpResponse:
        admin_user = request.user
        assert isinstance(admin_user, User)
        documents = [
            learner_data_document(
                data_export(learner=learner, actor=admin_user, source=AuditSource.ADMIN)
            )
            for learner in queryset.order_by("pk")
        ]
        body = documents[0] if len(documents) == 1 else {"learners": documents}
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = HttpResponse(
            json.dumps(body, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="learner-data-{stamp}.json"'
        return response

    @admin.action(description="Erase the selected learners")
    def erase_learners(
        self, request: HttpRequest, queryset: QuerySet[LearnerAccount]
    ) -> HttpResponse | None:
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Erase learners",
                "learners": list(queryset.order_by("pk")),
                "policy": responses_policy(),
                "opts": self.model._meta,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/privacy/erase_confirmation.html", context)
        admin_user = request.user
        assert isinstance(admin_user, User)
        erased = 0
        for learner in queryset.order_by("pk"):
            try:
                learner_erase(learner=learner, actor=admin_user, source=AuditSource.ADMIN)
            except ApplicationError as error:
                self.message_user(request, f"{learner}: {error.message}", messages.ERROR)
            else:
                erased += 1
        self.message_user(request, f"Erased {erased} learner(s).", messages.SUCCESS)
        return None
