"""The project's URLs plus the baselines the answer benchmark compares against."""

import uuid

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from adaptive_learning.urls import urlpatterns as project_urlpatterns
from apps.assessments.models import ItemResponse
from apps.curriculum.models import Item


def bare_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


_ITEM_ID: list[int] = []


@csrf_exempt
def insert_one_row(request: HttpRequest) -> JsonResponse:
    """One INSERT in a transaction: the floor for any view that records an answer."""
    if not _ITEM_ID:
        _ITEM_ID.append(Item.objects.values_list("id", flat=True).first())
    with transaction.atomic():
        row = ItemResponse.objects.create(
            client_id=uuid.uuid4(),
            learner_id=1,
            item_id=_ITEM_ID[0],
            answer="1",
            correct=True,
            score=1.0,
        )
    return JsonResponse({"id": row.pk})


urlpatterns = [
    path("bench/bare/", bare_json),
    path("bench/insert/", insert_one_row),
    *project_urlpatterns,
]
