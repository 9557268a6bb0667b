"""The assessments app's models, resolved through the app registry.

A course file carries its assessments, yet curriculum must not import the assessments app
(dependencies point recommendations -> assessments -> curriculum). Looking the models up by
name keeps the module graph acyclic; the exchange format is the one place that spans both apps.
"""

from django.apps import apps
from django.db.models import Model


def assessment_model() -> type[Model]:
    return apps.get_model("assessments", "Assessment")


def assessment_item_model() -> type[Model]:
    return apps.get_model("assessments", "AssessmentItem")
