"""The one pagination of every API list: ``?page=`` and ``?page_size=``, validated.

DRF's ``PageNumberPagination`` quietly replaces a bad ``page_size`` (``abc``, ``0``, ``-1``,
``100000``) with its default or its maximum, so a client's bug shows up as a page of the wrong
size. Here each of those is a 400 naming the parameter, and a ``page`` past the last one a 404
naming ``page``. An empty value (``?page_size=``) means the default, as for the filters.
"""

from typing import Any

from django.core.paginator import InvalidPage
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.core.exceptions import NotFound


def positive_int_param(request: Request, name: str, *, default: int, maximum: int) -> int:
    """The query parameter ``name`` as a whole number from 1 to ``maximum``, else a 400."""
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ValidationError({name: [f"Must be a whole number from 1 to {maximum}."]})
    return int(raw)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # Far above any real list: a number this large is a client bug, not a page.
    max_page_number = 1_000_000

    def get_page_size(self, request: Request) -> int:
        return positive_int_param(
            request, self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any]:
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        if request.query_params.get(self.page_query_param, "") in self.last_page_strings:
            number = paginator.num_pages
        else:
            number = positive_int_param(
                request, self.page_query_param, default=1, maximum=self.max_page_number
            )
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(
                "No such page.",
                fields={self.page_query_param: [f"There are {paginator.num_pages} pages."]},
            ) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = list(super().get_schema_operation_parameters(view))
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
                parameter["description"] = f"Results per page, 1 to {self.max_page_size}."
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
