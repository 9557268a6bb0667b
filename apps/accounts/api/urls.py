from django.urls import path

from apps.accounts.api import views

urlpatterns = [
    path("auth/register/", views.RegisterApi.as_view(), name="api-register"),
    path("auth/token/", views.TokenObtainApi.as_view(), name="api-token"),
    path("auth/token/refresh/", views.TokenRefreshApi.as_view(), name="api-token-refresh"),
    path("auth/logout/", views.LogoutApi.as_view(), name="api-logout"),
    path("me/", views.MeApi.as_view(), name="api-me"),
    path("me/teacher-request/", views.TeacherRequestApi.as_view(), name="api-teacher-request"),
    path("classrooms/", views.ClassroomListCreateApi.as_view(), name="api-classrooms"),
    path("classrooms/join/", views.ClassroomJoinApi.as_view(), name="api-classroom-join"),
    path("classrooms/<int:pk>/", views.ClassroomDetailApi.as_view(), name="api-classroom"),
    path(
        "classrooms/<int:pk>/regenerate-code/",
        views.ClassroomRegenerateCodeApi.as_view(),
        name="api-classroom-regenerate-code",
    ),
    path(
        "classrooms/<int:pk>/learners/",
        views.ClassroomLearnersApi.as_view(),
        name="api-classroom-learners",
    ),
]
