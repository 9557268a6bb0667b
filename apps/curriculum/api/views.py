"""Curriculum API: thin views over selectors (reads) and services (writes)."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors as account_selectors
from apps.accounts.permissions import IsTeacherOrAdmin
from apps.accounts.requests import request_user
from apps.core.exceptions import ApplicationError
from apps.curriculum import selectors, services
from apps.curriculum.api import serializers as s
from apps.curriculum.api.caching import RevalidatedView
from apps.curriculum.api.filters import CourseFilter, ItemFilter
from apps.curriculum.models import Course, Item, Lesson, Module, Skill
from apps.curriculum.validation import ChoiceSpec, ItemSpec

ERRORS = {
    400: OpenApiResponse(description="Invalid input; `error.fields` names each bad field."),
    403: OpenApiResponse(description="Not allowed for your role or not your course."),
    404: OpenApiResponse(description="No such course (or not visible to you)."),
}


def _validated(serializer_class: type, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _module(course: Course, slug: str | None) -> Module | None:
    if slug is None:
        return None
    module = course.modules.filter(slug=slug).first()
    if module is None:
        raise ApplicationError(
            "Unknown module.", fields={"module": [f"No module {slug!r} in this course."]}
        )
    return module


def _skills(course: Course, slugs: list[str], field: str) -> list[Skill]:
    found = {skill.slug: skill for skill in course.skills.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ApplicationError(
            "Unknown skills.", fields={field: [f"No such skill: {', '.join(missing)}."]}
        )
    return [found[slug] for slug in slugs]


class CourseListApi(RevalidatedView, GenericAPIView):
    serializer_class = s.CourseOutputSerializer
    queryset = Course.objects.none()
    filterset_class = CourseFilter

    def get_permissions(self):  # type: ignore[no-untyped-def]
        return [IsTeacherOrAdmin()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        responses={200: s.CourseOutputSerializer(many=True), 400: ERRORS[400]},
        summary="Courses you can see",
    )
    def get(self, request: Request) -> Response:
        courses = self.filter_queryset(selectors.course_list_for(user=request_user(request)))
        page = self.paginate_queryset(selectors.course_counts(courses=courses))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=s.CourseCreateInputSerializer,
        responses={201: s.CourseOutputSerializer, **ERRORS},
        summary="Create a course (teachers and admins)",
    )
    def post(self, request: Request) -> Response:
        data = _validated(s.CourseCreateInputSerializer, request.data)
        course = services.course_create(author=request_user(request), **data)
        course = selectors.course_counts(courses=Course.objects.filter(pk=course.pk)).get()
        return Response(self.get_serializer(course).data, status=status.HTTP_201_CREATED)


class CourseDetailApi(RevalidatedView, GenericAPIView):
    serializer_class = s.CourseOutputSerializer
    queryset = Course.objects.none()

    @extend_schema(responses={200: s.CourseOutputSerializer, **ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        course = selectors.course_counts(courses=Course.objects.filter(pk=course.pk)).get()
        return Response(self.get_serializer(course).data)

    @extend_schema(
        request=s.CourseUpdateInputSerializer, responses={200: s.CourseOutputSerializer, **ERRORS}
    )
    def patch(self, request: Request, slug: str) -> Response:
        course = selectors.course_editable_by(user=request_user(request), slug=slug)
        services.course_update(
            course=course, **_validated(s.CourseUpdateInputSerializer, request.data)
        )
        course = selectors.course_counts(courses=Course.objects.filter(pk=course.pk)).get()
        return Response(self.get_serializer(course).data)


class CourseAuthorsApi(GenericAPIView):
    """Who may change the course and read its answer keys; its creator (or an admin) chooses."""

    permission_classes = [IsTeacherOrAdmin]
    serializer_class = s.CourseAuthorOutputSerializer
    queryset = Course.objects.none()  # the schema's; requests use the course's authors
    pagination_class = None  # a short list, answered whole (and so documented)

    def _listed(self, course: Course) -> Response:
        authors = selectors.course_authors(course=course)
        context = {"course": course}
        return Response(s.CourseAuthorOutputSerializer(authors, many=True, context=context).data)

    @extend_schema(
        responses={200: s.CourseAuthorOutputSerializer(many=True), **ERRORS},
        summary="List the course's authors (its authors and admins)",
    )
    def get(self, request: Request, slug: str) -> Response:
        return self._listed(selectors.course_editable_by(user=request_user(request), slug=slug))

    @extend_schema(
        request=s.CourseAuthorInputSerializer,
        responses={200: s.CourseAuthorOutputSerializer(many=True), **ERRORS},
        summary="Add an approved teacher as a co-author (the creator or an admin)",
    )
    def post(self, request: Request, slug: str) -> Response:
        course = selectors.course_editable_by(user=request_user(request), slug=slug)
        data = _validated(s.CourseAuthorInputSerializer, request.data)
        services.course_author_add(course=course, by=request_user(request), **data)
        return self._listed(course)


class CourseAuthorDetailApi(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(request=None, responses={204: None, **ERRORS}, summary="Remove a co-author")
    def delete(self, request: Request, slug: str, username: str) -> Response:
        course = selectors.course_editable_by(user=request_user(request), slug=slug)
        services.course_author_remove(course=course, by=request_user(request), username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CourseGraphApi(RevalidatedView, GenericAPIView):
    serializer_class = s.CourseGraphOutputSerializer

    @extend_schema(
        responses={200: s.CourseGraphOutputSerializer, **ERRORS},
        summary="The prerequisite graph: skills and 'requires' edges",
    )
    def get(self, request: Request, slug: str) -> Response:
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        return Response(selectors.course_graph(course=course))


class ModuleListApi(RevalidatedView, GenericAPIView):
    serializer_class = s.ModuleOutputSerializer
    queryset = Module.objects.none()

    @extend_schema(responses={200: s.ModuleOutputSerializer(many=True), **ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        page = self.paginate_queryset(selectors.module_list(course=course))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=s.ModuleCreateInputSerializer, responses={201: s.ModuleOutputSerializer, **ERRORS}
    )
    def post(self, request: Request, slug: str) -> Response:
        course = selectors.course_editable_by(user=request_user(request), slug=slug)
        module = services.module_create(
            course=course, **_validated(s.ModuleCreateInputSerializer, request.data)
        )
        return Response(self.get_serializer(module).data, status=status.HTTP_201_CREATED)


class SkillListApi(RevalidatedView, GenericAPIView):
    serializer_class = s.SkillOutputSerializer
    queryset = Skill.objects.none()

    @extend_schema(responses={200: s.SkillOutputSerializer(many=True), **ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        page = self.paginate_queryset(selectors.skill_list(course=course))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=s.SkillCreateInputSerializer, responses={201: s.SkillOutputSerializer, **ERRORS}
    )
    def post(self, request: Request, slug: str) -> Response:
        course = selectors.course_editable_by(user=request_user(request), slug=slug)
        data = _validated(s.SkillCreateInputSerializer, request.data)
        skill = services.skill_create(
            course=course,
            slug=data["slug"],
            name=data["name"],
            description=data["description"],
            module=_module(course, data["module"]),
            position=data.get("position"),
            prerequisites=_skills(course, data["prerequisites"], "prerequisites"),
        )
        return Response(
            self.get_serializer(selectors.skill_get(course=course, slug=skill.slug)).data,
            status=status.HTTP_201_CREATED,
        )


class SkillDetailApi(RevalidatedView, GenericAPIView):
    serializer_class = s.SkillOutputSerializer
    queryset = Skill.objects.none()

    @extend_schema(responses={200: s.SkillOutputSerializer, **ERRORS})
    def get(self, request: Request, slug: str, skill_slug: str) -> Response:
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        return Response(
            self.get_serializer(selectors.skill_get(course=course, slug=skill_slug)).data
        )

    @extend_schema(
        request=s.SkillUpdateInputSerializer,
        responses={200: s.SkillOutputSerializer, **ERRORS},
        summary="Change a skill; `prerequisites` replaces its edges (cycles refused)",
    )
    def patch(self, request: Request, slug: str, skill_slug: str) -> Response:
        course = selectors.course_editable_by(user=request_user(request), slug=slug)
        skill = selectors.skill_get(course=course, slug=skill_slug)
        data = _validated(s.SkillUpdateInputSerializer, request.data)
        prerequisites = data.pop("prerequisites", None)
        if "module" in data:
            data["module"] = _module(course, data["module"])
        services.skill_edit(
            skill=skill,
            prerequisites=None
            if prerequisites is None
            else _skills(course, prerequisites, "prerequisites"),
            **data,
        )
        return Response(
            self.get_serializer(selectors.skill_get(course=course, slug=skill_slug)).data
        )


def _lesson_output(request: Request, course: Course) -> type[serializers.Serializer]:
    if selectors.is_course_author(user=request_user(request), course=course):
        return s.LessonAuthorOutputSerializer
    return s.LessonOutputSerializer


def _item_output(request: Request, course: Course) -> type[serializers.Serializer]:
    # The answer key goes to the course's authors and admins only, never to every teacher.
    if selectors.is_course_author(user=request_user(request), course=course):
        return s.ItemAuthorOutputSerializer
    return s.ItemLearnerOutputSerializer


class LessonListApi(RevalidatedView, GenericAPIView):
    queryset = Lesson.objects.none()
    serializer_class = s.LessonOutputSerializer  # the schema's; requests use _lesson_output

    @extend_schema(
        responses={200: s.LessonOutputSerializer(many=True), **ERRORS},
        description="The course's authors and admins get `LessonAuthorOutput` (drafts too).",
    )
    def get(self, request: Request, slug: str) -> Response:
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        page = self.paginate_queryset(
            selectors.lesson_list_for(user=request_user(request), course=course)
        )
        output = _lesson_output(request, course)
        return self.get_paginated_response(output(page, many=True).data)

    @extend_schema(
        request=s.LessonInputSerializer, responses={201: s.LessonAuthorOutputSerializer, **ERRORS}
    )
    def post(self, request: Request, slug: str) -> Response:
        course = selectors.course_editable_by(user=request_user(request), slug=slug)
        data = _validated(s.LessonInputSerializer, request.data)
        data["module"] = _module(course, data["module"])
        lesson = services.lesson_save(course=course, **data)
        return Response(s.LessonAuthorOutputSerializer(lesson).data, status=status.HTTP_201_CREATED)


class LessonDetailApi(RevalidatedView, GenericAPIView):
    queryset = Lesson.objects.none()
    serializer_class = s.LessonOutputSerializer

    @extend_schema(responses={200: s.LessonOutputSerializer, **ERRORS})
    def get(self, request: Request, slug: str, lesson_slug: str) -> Response:
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        lesson = selectors.lesson_get_for(
            user=request_user(request), course=course, slug=lesson_slug
        )
        return Response(_lesson_output(request, course)(lesson).data)


def _spec_from_input(data: dict[str, Any], base: ItemSpec | None = None) -> ItemSpec:
    base = base or ItemSpec(type=data.get("type", ""), stem="")
    irt = data.get("irt") or {}
    return ItemSpec(
        type=data.get("type", base.type),
        stem=data.get("stem", base.stem),
        choices=tuple(ChoiceSpec(c["key"], c["text"], c["correct"]) for c in data["choices"])
        if "choices" in data
        else base.choices,
        numeric_answer=data.get("answer", base.numeric_answer),
        tolerance=data.get("tolerance", base.tolerance),
        accepted_answers=tuple(data.get("accepted_answers", base.accepted_answers)),
        hints=tuple(data.get("hints", base.hints)),
        explanation=data.get("explanation", base.explanation),
        irt_a=irt.get("a", base.irt_a),
        irt_b=irt.get("b", base.irt_b),
        irt_c=irt.get("c", base.irt_c),
        skills=tuple(data.get("skills", base.skills)),
    )


class ItemListApi(RevalidatedView, GenericAPIView):
    queryset = Item.objects.none()
    filterset_class = ItemFilter
    serializer_class = s.ItemLearnerOutputSerializer  # the schema's; requests use _item_output

    @extend_schema(
        responses={200: s.ItemLearnerOutputSerializer(many=True), **ERRORS},
        description="Learners and teachers who are not the course's authors get "
        "`ItemLearnerOutput` (no answer key, no explanation); the course's authors and admins "
        "get `ItemAuthorOutput`.",
    )
    def get(self, request: Request, slug: str) -> Response:
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        items = self.filter_queryset(
            selectors.item_list_for(user=request_user(request), course=course)
        )
        page = self.paginate_queryset(items)
        return self.get_paginated_response(_item_output(request, course)(page, many=True).data)

    @extend_schema(
        request=s.ItemInputSerializer, responses={201: s.ItemAuthorOutputSerializer, **ERRORS}
    )
    def post(self, request: Request, slug: str) -> Response:
        course = selectors.course_editable_by(user=request_user(request), slug=slug)
        data = _validated(s.ItemInputSerializer, request.data)
        item = services.item_save(
            course=course,
            slug=data["slug"],
            spec=_spec_from_input(data),
            status=data["status"],
            position=data.get("position"),
        )
        item = selectors.item_get_for(user=request_user(request), course=course, slug=item.slug)
        return Response(s.ItemAuthorOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class ItemDetailApi(RevalidatedView, GenericAPIView):
    queryset = Item.objects.none()
    serializer_class = s.ItemLearnerOutputSerializer

    @extend_schema(responses={200: s.ItemLearnerOutputSerializer, **ERRORS})
    def get(self, request: Request, slug: str, item_slug: str) -> Response:
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        item = selectors.item_get_for(user=request_user(request), course=course, slug=item_slug)
        return Response(_item_output(request, course)(item).data)

    @extend_schema(
        request=s.ItemUpdateInputSerializer, responses={200: s.ItemAuthorOutputSerializer, **ERRORS}
    )
    def patch(self, request: Request, slug: str, item_slug: str) -> Response:
        course = selectors.course_editable_by(user=request_user(request), slug=slug)
        item = selectors.item_get_for(user=request_user(request), course=course, slug=item_slug)
        data = _validated(s.ItemUpdateInputSerializer, request.data)
        spec = _spec_from_input(data, base=services.item_spec_from(item))
        services.item_save(
            course=course,
            slug=data.get("slug", item.slug),
            spec=spec,
            status=data.get("status", item.status),
            position=data.get("position"),
            item=item,
        )
        item = selectors.item_get_for(
            user=request_user(request), course=course, slug=data.get("slug", item.slug)
        )
        return Response(s.ItemAuthorOutputSerializer(item).data)


class ClassroomCoursesApi(GenericAPIView):
    serializer_class = s.CourseOutputSerializer
    queryset = Course.objects.none()

    def get_permissions(self):  # type: ignore[no-untyped-def]
        return [IsTeacherOrAdmin()] if self.request.method != "GET" else [IsAuthenticated()]

    @extend_schema(
        responses={200: s.CourseOutputSerializer(many=True), **ERRORS},
        summary="Courses assigned to a classroom",
    )
    def get(self, request: Request, pk: int) -> Response:
        classroom = account_selectors.classroom_get_for(user=request_user(request), pk=pk)
        courses = selectors.course_list_for(user=request_user(request)).filter(classrooms=classroom)
        page = self.paginate_queryset(selectors.course_counts(courses=courses))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=s.ClassroomCourseInputSerializer,
        responses={201: s.CourseOutputSerializer, **ERRORS},
        summary="Assign a course to your classroom",
    )
    def post(self, request: Request, pk: int) -> Response:
        classroom = account_selectors.classroom_managed_by(user=request_user(request), pk=pk)
        data = _validated(s.ClassroomCourseInputSerializer, request.data)
        course = (
            selectors.course_list_for(user=request_user(request))
            .filter(slug=data["course"])
            .first()
        )
        if course is None:
            raise ApplicationError(
                "Unknown course.",
                fields={"course": [f"No course {data['course']!r} you can assign."]},
            )
        services.classroom_assign_course(classroom=classroom, course=course)
        course = selectors.course_counts(courses=Course.objects.filter(pk=course.pk)).get()
        return Response(self.get_serializer(course).data, status=status.HTTP_201_CREATED)


class ClassroomCourseDetailApi(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(request=None, responses={204: None, **ERRORS}, summary="Unassign a course")
    def delete(self, request: Request, pk: int, slug: str) -> Response:
        classroom = account_selectors.classroom_managed_by(user=request_user(request), pk=pk)
        course = selectors.course_get_for(user=request_user(request), slug=slug)
        services.classroom_unassign_course(classroom=classroom, course=course)
        return Response(status=status.HTTP_204_NO_CONTENT)
