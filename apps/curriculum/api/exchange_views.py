"""Course import and export over the API, for teachers and admins (the format: FORMAT.md)."""

import json
from dataclasses import asdict

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import IsTeacherOrAdmin
from apps.accounts.requests import request_user
from apps.core.exceptions import ApplicationError, Forbidden
from apps.curriculum import selectors
from apps.curriculum.api import serializers as s
from apps.curriculum.exchange import MAX_FILE_BYTES, course_export, course_import, items_to_csv
from apps.curriculum.models import Course


def _target_slug(content: bytes, name: str, course_slug: str | None) -> str | None:
    """The slug a file would write to, when it can be read; the importer reports the rest."""
    if course_slug or name.lower().endswith(".csv"):
        return course_slug
    try:
        document = json.loads(content)
        slug = document["course"]["slug"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return None  # course_import refuses the file with the reason
    return slug if isinstance(slug, str) else None


class CourseImportApi(APIView):
    permission_classes = [IsTeacherOrAdmin]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.CourseImportInputSerializer},
        responses={
            201: s.CourseImportOutputSerializer,
            400: OpenApiResponse(
                description="Nothing imported; `error.fields` maps each JSON path "
                "or CSV row/column to its problems."
            ),
            403: OpenApiResponse(description="Replacing a course you do not own."),
        },
        summary="Import a course (JSON) or items (CSV); all or nothing",
    )
    def post(self, request: Request) -> Response:
        data = s.CourseImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ApplicationError(
                "File too large.", fields={"file": [f"Over {MAX_FILE_BYTES} bytes."]}
            )
        content = upload.read()
        course_slug = data.validated_data.get("course")
        slug = _target_slug(content, upload.name, course_slug)
        existing = Course.objects.filter(slug=slug).first() if slug else None
        writes_existing = data.validated_data["replace"] or course_slug
        if (
            existing is not None
            and writes_existing
            and not selectors.can_edit_course(user=request_user(request), course=existing)
        ):
            raise Forbidden("Only the course's authors or an admin may change it.")
        result = course_import(
            source_name=upload.name,
            content=content,
            author=request_user(request),
            replace=data.validated_data["replace"],
            course_slug=course_slug,
            publish=data.validated_data["publish"],
        )
        course = result.course
        body = {
            "course": course.slug,
            "status": course.status,
            "is_public": course.is_public,
            "counts": asdict(result.written),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class CourseExportApi(APIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as",
                enum=["json", "csv"],
                description="json (default): the whole course; csv: its items",
            )
        ],
        responses={
            (200, "application/json"): dict,
            (200, "text/csv"): str,
            400: OpenApiResponse(description="`as` is neither json nor csv."),
            403: OpenApiResponse(description="Not an author of the course nor an admin."),
            404: OpenApiResponse(description="No such course you can see."),
        },
        summary="Export a course with its answer keys (the course's authors and admins)",
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        if not selectors.is_course_author(user=request_user(request), course=course):
            raise Forbidden(
                "Only the course's authors or an admin may export it: the file holds the "
                "answer keys."
            )
        as_format = request.query_params.get("as", "json")
        if as_format not in ("json", "csv"):
            raise ApplicationError(
                "Unknown export format.",
                fields={"as": [f"Must be json or csv, not {as_format!r}."]},
            )
        if as_format == "csv":
            response = HttpResponse(items_to_csv(course), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{course.slug}-items.csv"'
            return response
        body = json.dumps(course_export(course=course), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{course.slug}.json"'
        return response
