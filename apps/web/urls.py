"""Every server-rendered page, mounted at the site root by ``adaptive_learning.urls``."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.web import home
from apps.web.accounts import views as accounts
from apps.web.accounts.forms import QueuedPasswordResetForm
from apps.web.classrooms import views as classrooms
from apps.web.learner import placement_views as placement
from apps.web.learner import views as learner
from apps.web.privacy import views as privacy
from apps.web.teacher import views as teacher

urlpatterns = [
    path("", home.home_view, name="home"),
    # Accounts (login, logout and passwords are Django's views and templates/registration/)
    path("accounts/signup/", accounts.signup_view, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/teacher-request/", accounts.teacher_request_view, name="teacher-request"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Learners
    path("history/", learner.history_view, name="history"),
    path("history/<int:pk>/", learner.history_answer_view, name="history-answer"),
    path("account/data/", privacy.my_data_view, name="my-data"),
    path("account/data/download/", privacy.my_data_download_view, name="my-data-download"),
    path("account/data/delete/", privacy.deletion_request_view, name="my-data-deletion"),
    path(
        "account/data/delete/cancel/",
        privacy.deletion_cancel_view,
        name="my-data-deletion-cancel",
    ),
    path("classrooms/<int:pk>/leave/", privacy.classroom_leave_view, name="classroom-leave"),
    path("classrooms/join/", learner.classroom_join_view, name="classroom-join"),
    path("learn/<slug:slug>/", learner.practice_view, name="practice"),
    path("learn/<slug:slug>/answer/", learner.practice_answer_view, name="practice-answer"),
    path(
        "learn/<slug:slug>/lessons/<slug:lesson_slug>/read/",
        learner.lesson_read_view,
        name="lesson-read",
    ),
    path("learn/<slug:slug>/map/", learner.mastery_map_view, name="mastery-map"),
    path("learn/<slug:slug>/placement/", placement.placement_start_view, name="placement-start"),
    path("learn/<slug:slug>/placement/<int:pk>/", placement.placement_view, name="placement"),
    path(
        "learn/<slug:slug>/placement/<int:pk>/finish/",
        placement.placement_finish_view,
        name="placement-finish",
    ),
    # Teachers and admins
    path("classrooms/create/", classrooms.classroom_create_view, name="classroom-create"),
    path("classrooms/<int:pk>/", classrooms.classroom_detail_view, name="classroom-detail"),
    path(
        "classrooms/<int:pk>/regenerate-code/",
        classrooms.classroom_regenerate_code_view,
        name="classroom-regenerate-code",
    ),
    path(
        "classrooms/<int:pk>/joining/",
        classrooms.classroom_joining_view,
        name="classroom-joining",
    ),
    path(
        "classrooms/<int:pk>/courses/",
        classrooms.classroom_assign_course_view,
        name="classroom-assign-course",
    ),
    path(
        "classrooms/<int:pk>/courses/<slug:slug>/remove/",
        classrooms.classroom_unassign_course_view,
        name="classroom-unassign-course",
    ),
    path(
        "classrooms/<int:pk>/learners/<int:learner_pk>/remove/",
        privacy.classroom_remove_learner_view,
        name="classroom-remove-learner",
    ),
    path(
        "classrooms/<int:pk>/learners/<int:learner_pk>/remove/confirm/",
        classrooms.classroom_remove_learner_confirm_view,
        name="classroom-remove-learner-confirm",
    ),
    path("classrooms/<int:pk>/overview/", teacher.class_overview_view, name="class-overview"),
    path(
        "classrooms/<int:pk>/learners/<int:learner_pk>/",
        teacher.class_learner_view,
        name="class-learner",
    ),
    path("classrooms/<int:pk>/export.csv", teacher.class_export_view, name="class-export"),
    path("courses/<slug:slug>/items/", teacher.item_analysis_view, name="item-analysis"),
    path(
        "courses/<slug:slug>/items/<int:item_pk>/preview/",
        teacher.item_preview_view,
        name="item-preview",
    ),
]
