from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

# Under /api/ the errors Django answers itself are JSON in the API's one shape; HTML elsewhere.
handler400 = "apps.core.api_errors.handler400"
handler403 = "apps.core.api_errors.handler403"
handler404 = "apps.core.api_errors.handler404"
handler500 = "apps.core.api_errors.handler500"

# Swagger UI and ReDoc set inline styles (their templates and their JavaScript), so these two
# pages alone may use them; scripts stay 'self' (the Swagger page loads its start script from
# its own URL) and ReDoc runs its search in a blob: worker.
swagger_view = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)
redoc_view = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(url_name="schema")
)

urlpatterns = [
    # /health, /ready and /metrics are answered by apps.core.middleware.OpsEndpointsMiddleware.
    path("admin/", admin.site.urls),
    path("api/v1/", include("adaptive_learning.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", swagger_view, name="swagger-ui"),
    path("api/redoc/", redoc_view, name="redoc"),
    # Every page: accounts, learner and teacher pages, including the home page "/".
    path("", include("apps.web.urls")),
]
