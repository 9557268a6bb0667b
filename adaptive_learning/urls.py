from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    # /health, /ready and /metrics are answered by apps.core.middleware.OpsEndpointsMiddleware.
    path("admin/", admin.site.urls),
    path("api/v1/", include("adaptive_learning.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    # Every page: accounts, learner and teacher pages, including the home page "/".
    path("", include("apps.web.urls")),
]
