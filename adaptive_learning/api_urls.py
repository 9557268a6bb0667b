"""Version 1 of the JSON API: one list per app, mounted at /api/v1/. Changes stay additive."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.curriculum.api.urls")),
    path("", include("apps.recommendations.api.urls")),
    path("", include("apps.privacy.api.urls")),
]
