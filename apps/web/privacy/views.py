"""The learner's "Your data" page (download, deletion), leaving a class, and a teacher removing
a learner from theirs. Each view parses the form, calls one privacy service, redirects."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts import selectors as account_selectors
from apps.accounts.models import Classroom
from apps.core.exceptions import ApplicationError
from apps.privacy.document import learner_data_document
from apps.privacy.models import AuditSource, DeletionStatus
from apps.privacy.selectors import learner_data_summary
from apps.privacy.services.deletion import deletion_request_cancel, deletion_request_create
from apps.privacy.services.departures import classroom_learner_remove, classroom_leave
from apps.privacy.services.export import data_export
from apps.web.access import AuthedRequest, learner_required, teacher_required
from apps.web.privacy.forms import DeletionConfirmForm


def _data_page(
    request: AuthedRequest, form: DeletionConfirmForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "summary": learner_data_summary(learner=request.user),
        "form": form or DeletionConfirmForm(),
        "grace_days": settings.PRIVACY_ERASURE_GRACE_DAYS,
        "erase_responses": settings.PRIVACY_ERASURE_RESPONSES,
    }
    return render(request, "web/privacy/my_data.html", context, status=status)


@learner_required
def my_data_view(request: AuthedRequest) -> HttpResponse:
    return _data_page(request)


@learner_required
@require_POST
def my_data_download_view(request: AuthedRequest) -> HttpResponse:
    # POST, not GET: each download is written to the audit log.
    export = data_export(learner=request.user, actor=request.user, source=AuditSource.WEB)
    body = json.dumps(learner_data_document(export), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


@learner_required
@require_POST
def deletion_request_view(request: AuthedRequest) -> HttpResponse:
    form = DeletionConfirmForm(request.POST)
    if not form.is_valid():
        return _data_page(request, form=form, status=400)
    try:
        deletion = deletion_request_create(
            learner=request.user, password=form.cleaned_data["password"], source=AuditSource.WEB
        )
    except ApplicationError as error:
        for message in error.fields.get("password", [error.message]):
            form.add_error("password", message)
        return _data_page(request, form=form, status=400)
    if deletion.status == DeletionStatus.COMPLETED:
        logout(request)
        messages.success(request, "Your account and your data have been erased.")
        return redirect("login")
    messages.success(
        request, f"Your account will be erased on {deletion.due_at:%d %B %Y, %H:%M} UTC."
    )
    return redirect("my-data")


@learner_required
@require_POST
def deletion_cancel_view(request: AuthedRequest) -> HttpResponse:
    try:
        deletion_request_cancel(learner=request.user, source=AuditSource.WEB)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your deletion request is cancelled; your account stays.")
    return redirect("my-data")


@learner_required
@require_POST
def classroom_leave_view(request: AuthedRequest, pk: int) -> HttpResponse:
    classroom = get_object_or_404(account_selectors.classroom_list_for(user=request.user), pk=pk)
    classroom_leave(learner=request.user, classroom=classroom)
    messages.success(request, f"You left {classroom.name}.")
    return redirect("home")


@teacher_required
@require_POST
def classroom_remove_learner_view(request: AuthedRequest, pk: int, learner_pk: int) -> HttpResponse:
    classroom: Classroom = account_selectors.classroom_managed_by(user=request.user, pk=pk)
    learner = get_object_or_404(
        account_selectors.classroom_learners(classroom=classroom), pk=learner_pk
    )
    classroom_learner_remove(classroom=classroom, learner=learner, removed_by=request.user)
    messages.success(request, f"{learner.shown_name} is no longer in {classroom.name}.")
    return redirect("classroom-detail", pk=classroom.pk)
