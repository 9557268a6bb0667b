from django.urls import path

from apps.curriculum.api import exchange_views, views

urlpatterns = [
    path("courses/", views.CourseListApi.as_view(), name="api-courses"),
    path("courses/import/", exchange_views.CourseImportApi.as_view(), name="api-course-import"),
    path(
        "courses/<slug:slug>/export/",
        exchange_views.CourseExportApi.as_view(),
        name="api-course-export",
    ),
    path("courses/<slug:slug>/", views.CourseDetailApi.as_view(), name="api-course"),
    path(
        "courses/<slug:slug>/authors/", views.CourseAuthorsApi.as_view(), name="api-course-authors"
    ),
    path(
        "courses/<slug:slug>/authors/<str:username>/",
        views.CourseAuthorDetailApi.as_view(),
        name="api-course-author",
    ),
    path(
        "courses/<slug:slug>/graph/",
        views.CourseGraphApi.as_view(),
        name="api-course-graph",
    ),
    path(
        "courses/<slug:slug>/modules/",
        views.ModuleListApi.as_view(),
        name="api-modules",
    ),
    path("courses/<slug:slug>/skills/", views.SkillListApi.as_view(), name="api-skills"),
    path(
        "courses/<slug:slug>/skills/<slug:skill_slug>/",
        views.SkillDetailApi.as_view(),
        name="api-skill",
    ),
    path(
        "courses/<slug:slug>/lessons/",
        views.LessonListApi.as_view(),
        name="api-lessons",
    ),
    path(
        "courses/<slug:slug>/lessons/<slug:lesson_slug>/",
        views.LessonDetailApi.as_view(),
        name="api-lesson",
    ),
    path("courses/<slug:slug>/items/", views.ItemListApi.as_view(), name="api-items"),
    path(
        "courses/<slug:slug>/items/<slug:item_slug>/",
        views.ItemDetailApi.as_view(),
        name="api-item",
    ),
    path(
        "classrooms/<int:pk>/courses/",
        views.ClassroomCoursesApi.as_view(),
        name="api-classroom-courses",
    ),
    path(
        "classrooms/<int:pk>/courses/<slug:slug>/",
        views.ClassroomCourseDetailApi.as_view(),
        name="api-classroom-course",
    ),
]
