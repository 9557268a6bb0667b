"""What the authoring screens share: dry-running the service in ``clean()`` so a refusal
becomes a form error, slugs checked by the services' rule, the skill picker, and list-page
counts without N+1 queries."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from apps.core.exceptions import ApplicationError
from apps.curriculum.exchange.items import slug_error
from apps.curriculum.models import Skill


class _RollBack(Exception):
    """Raised to roll back a dry run's savepoint after the write succeeded."""


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


def fresh_copy(instance: models.Model) -> Any:
    """A separate copy for a dry run, so the rolled-back write cannot touch the form's object."""
    return type(instance)._default_manager.get(pk=instance.pk) if instance.pk else None


def related_count(model: type[models.Model], fk: str) -> Coalesce:
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


class SkillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Skill) -> str:
        return f"{obj.name} ({obj.slug})"
