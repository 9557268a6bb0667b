"""Query-string filters of the curriculum list endpoints.

The views run them through ``filter_queryset`` (DRF's default backend, ``DjangoFilterBackend``),
which also documents them in the OpenAPI schema. An invalid value (``?status=bogus``) makes the
backend raise DRF's ``ValidationError`` with the FilterSet's errors, which
``apps.core.exceptions`` turns into the one error shape naming the parameter. Empty values
(``?status=``) filter nothing; text values are used as given (no stripping), as before.
"""

from typing import Any

from django_filters import rest_framework as filters

from apps.accounts.requests import request_user
from apps.curriculum import selectors
from apps.curriculum.models import Course, Item, ItemType, Status


class CourseFilter(filters.FilterSet):
    q = filters.CharFilter(
        field_name="title", lookup_expr="icontains", strip=False, help_text="Search in titles"
    )
    status = filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Course
        fields = ["q", "status"]


class ItemFilter(filters.FilterSet):
    """``status`` is an authors' filter: for learners it is dropped, so whatever they pass
    (even an invalid value) they get the published items ``item_list_for`` gives them."""

    skill = filters.CharFilter(
        field_name="skills__slug", strip=False, help_text="Only items tagged with this skill slug"
    )
    type = filters.ChoiceFilter(choices=ItemType.choices)
    status = filters.ChoiceFilter(
        choices=Status.choices,
        help_text="Authors only; ignored for learners, who always get published items.",
    )

    class Meta:
        model = Item
        fields = ["skill", "type", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.request is None or not selectors.is_author_role(request_user(self.request)):
            del self.filters["status"]
