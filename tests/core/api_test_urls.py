"""The project's URLs plus test-only API views: one that crashes and one marked deprecated.

The error handlers come along with the star import, as Django reads them from ROOT_URLCONF.
"""

from datetime import UTC, datetime

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adaptive_learning.urls import *  # noqa: F403
from adaptive_learning.urls import urlpatterns as project_urlpatterns
from apps.core.deprecation import deprecated

SINCE = datetime(2026, 6, 1, tzinfo=UTC)
SUNSET = datetime(2027, 6, 1, 12, 30, tzinfo=UTC)
NOTES = "https://example.org/api/changes#v1-ping"


class CrashApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise RuntimeError("a bug")


class PingApi(APIView):
    permission_classes = [AllowAny]

    @deprecated(since=SINCE, sunset=SUNSET, link=NOTES)
    def get(self, request: Request) -> Response:
        return Response({"pong": True})

    def post(self, request: Request) -> Response:
        return Response({"pong": True})


@deprecated(since=SINCE)
class OldApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"old": True})


urlpatterns = [
    path("api/v1/test/crash/", CrashApi.as_view()),
    path("api/v1/test/ping/", PingApi.as_view()),
    path("api/v1/test/old/", OldApi.as_view()),
    *project_urlpatterns,
]
