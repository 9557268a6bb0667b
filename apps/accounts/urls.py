from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

# The home page ("home") and the classroom pages are mounted by apps.recommendations.urls.
urlpatterns = [
    path("accounts/signup/", views.signup_view, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
]
