from django.urls import path

from apps.recommendations.api import (
    attempt_views,
    batch_views,
    class_views,
    history_views,
    practice_views,
    views,
)

urlpatterns = [
    path(
        "courses/<slug:slug>/assessments/",
        attempt_views.AssessmentListApi.as_view(),
        name="api-assessments",
    ),
    path(
        "assessments/<int:pk>/attempts/",
        attempt_views.AttemptStartApi.as_view(),
        name="api-attempt-start",
    ),
    path("attempts/", attempt_views.AttemptListApi.as_view(), name="api-attempts"),
    path("attempts/<int:pk>/", attempt_views.AttemptDetailApi.as_view(), name="api-attempt"),
    path(
        "attempts/<int:pk>/finish/",
        attempt_views.AttemptFinishApi.as_view(),
        name="api-attempt-finish",
    ),
    path("practice/next/", views.NextActivityApi.as_view(), name="api-practice-next"),
    path("practice/answers/", views.AnswerSubmitApi.as_view(), name="api-practice-answers"),
    path(
        "practice/answers/batch/",
        batch_views.AnswerBatchApi.as_view(),
        name="api-practice-answers-batch",
    ),
    path("practice/skip/", practice_views.PracticeSkipApi.as_view(), name="api-practice-skip"),
    path(
        "practice/history/",
        history_views.PracticeHistoryApi.as_view(),
        name="api-practice-history",
    ),
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
        "classrooms/<int:pk>/courses/<slug:slug>/mastery/",
        class_views.ClassMasteryApi.as_view(),
        name="api-classroom-course-mastery",
    ),
    path(
        "classrooms/<int:pk>/learners/<int:learner_pk>/courses/<slug:slug>/",
        class_views.ClassLearnerApi.as_view(),
        name="api-classroom-learner-course",
    ),
    path(
        "classrooms/<int:pk>/wheel-spinning/",
        views.WheelSpinningApi.as_view(),
        name="api-classroom-wheel-spinning",
    ),
]
