from django.urls import path

from . import views

urlpatterns = [
    path("practice/next/", views.NextActivityApi.as_view(), name="api-practice-next"),
    path("practice/answers/", views.AnswerSubmitApi.as_view(), name="api-practice-answers"),
    path("mastery/", views.MasteryApi.as_view(), name="api-mastery"),
    path("reviews/due/", views.DueReviewsApi.as_view(), name="api-reviews-due"),
    path("recommendations/", views.RecommendationListApi.as_view(), name="api-recommendations"),
    path("placement/", views.PlacementStartApi.as_view(), name="api-placement-start"),
    path("placement/<int:pk>/", views.PlacementDetailApi.as_view(), name="api-placement"),
    path(
        "placement/<int:pk>/finish/",
        views.PlacementFinishApi.as_view(),
        name="api-placement-finish",
    ),
    path(
        "courses/<slug:slug>/lessons/<slug:lesson_slug>/read/",
        views.LessonReadApi.as_view(),
        name="api-lesson-read",
    ),
    path(
        "classrooms/<int:pk>/wheel-spinning/",
        views.WheelSpinningApi.as_view(),
        name="api-classroom-wheel-spinning",
    ),
]
