"""Nightly housekeeping: derived per-answer logs are pruned, the response log is kept."""

import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.recommendations.models import RecommendationLog
from apps.recommendations.services.retention import recommendation_log_prune
from apps.recommendations.tasks import prune_recommendation_log
from tests.accounts.factories import LearnerFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course


def answer(client, item_id):
    body = {"client_id": str(uuid.uuid4()), "item": item_id, "answer": "1"}
    assert client.post("/api/v1/practice/answers/", body, format="json").status_code == 201


@pytest.mark.django_db
@override_settings(RECOMMENDATION_LOG_RETENTION_DAYS=180)
def test_old_recommendations_are_pruned_and_recent_ones_and_responses_kept():
    course = chain_course(skills=2, items_per_skill=3)
    client = client_for(LearnerFactory())
    for item in course.items.order_by("pk")[:5]:
        answer(client, item.pk)
    responses = list(ItemResponse.objects.order_by("pk"))
    assert all(response.next_activity for response in responses)  # recorded with each answer
    now = timezone.now()
    # Two just past the retention, one just inside it, two recent.
    ItemResponse.objects.filter(pk__in=[responses[0].pk, responses[1].pk]).update(
        created_at=now - timedelta(days=181)
    )
    ItemResponse.objects.filter(pk=responses[2].pk).update(created_at=now - timedelta(days=179))

    assert prune_recommendation_log() == 2
    kept = ItemResponse.objects.order_by("pk").values_list("next_activity", flat=True)
    assert [bool(activity) for activity in kept] == [False, False, True, True, True]
    assert ItemResponse.objects.count() == 5  # the evidence is never pruned
    assert prune_recommendation_log() == 0


@pytest.mark.django_db
def test_pruning_walks_the_table_in_batches():
    course = chain_course(skills=1, items_per_skill=4)
    client = client_for(LearnerFactory())
    for item in course.items.order_by("pk"):
        answer(client, item.pk)
    skipped = client.post("/api/v1/practice/skip/", {"course": course.slug}, format="json")
    assert skipped.status_code == 200  # two skip log rows: the skip and what came next
    RecommendationLog.objects.update(created_at=timezone.now() - timedelta(days=400))
    ItemResponse.objects.update(created_at=timezone.now() - timedelta(days=400))
    assert recommendation_log_prune(older_than=timedelta(days=1), batch_size=3) == 4 + 2
    assert not RecommendationLog.objects.exists()
    assert not ItemResponse.objects.filter(next_activity__isnull=False).exists()
