from django.urls import path

from apps.privacy.api import views

urlpatterns = [
    path("me/data/", views.MyDataApi.as_view(), name="api-my-data"),
    path("me/deletion-request/", views.DeletionRequestApi.as_view(), name="api-deletion-request"),
    path(
        "classrooms/<int:pk>/leave/", views.ClassroomLeaveApi.as_view(), name="api-classroom-leave"
    ),
    path(
        "classrooms/<int:pk>/learners/<int:learner_pk>/remove/",
        views.ClassroomLearnerRemoveApi.as_view(),
        name="api-classroom-learner-remove",
    ),
    path(
        "classrooms/<int:pk>/departures/",
        views.ClassroomDepartureListApi.as_view(),
        name="api-classroom-departures",
    ),
]
