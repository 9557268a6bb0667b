"""Query filters of the practice and attempts lists (django-filter: a bad value is a 400 that
names the parameter, and the schema documents each one)."""

import django_filters

from apps.assessments.models import Attempt


class AttemptFilterSet(django_filters.FilterSet):
    course = django_filters.CharFilter(
        field_name="assessment__course__slug", help_text="Only this course (its slug)."
    )

    class Meta:
        model = Attempt
        fields = ["course"]
