from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home_view, name="home"),
    path("accounts/signup/", views.signup_view, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("classrooms/join/", views.classroom_join_view, name="classroom-join"),
    path("classrooms/create/", views.classroom_create_view, name="classroom-create"),
    path(
        "classrooms/<int:pk>/regenerate-code/",
        views.classroom_regenerate_code_view,
        name="classroom-regenerate-code",
    ),
    path("classrooms/<int:pk>/joining/", views.classroom_joining_view, name="classroom-joining"),
]
