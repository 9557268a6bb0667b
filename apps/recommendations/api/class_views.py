"""A teacher's class as JSON: the class mastery grid and one learner's drill-down, the data of
the heatmap and drill-down pages for mobile and other clients. Teachers reach only their own
classrooms (404 otherwise), admins all; the course must be assigned to the class."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors as account_selectors
from apps.accounts.models import Classroom, User
from apps.accounts.permissions import IsTeacherOrAdmin
from apps.accounts.requests import request_user
from apps.core.exceptions import ApplicationError, NotFound
from apps.curriculum.models import Course
from apps.curriculum.selectors import course_list_for
from apps.recommendations import selectors
from apps.recommendations.api import serializers as s
from apps.recommendations.api.history_views import HistoryEntrySerializer
from apps.recommendations.class_mastery import SORTS, class_heatmap
from apps.recommendations.history import HistoryFilter, history_entries, practice_history
from apps.recommendations.mastery_states import SkillCell

RECENT_ANSWERS = 20
ERRORS = {
    400: OpenApiResponse(description="A bad parameter; `error.fields` names it."),
    403: OpenApiResponse(description="Not a teacher or admin."),
    404: OpenApiResponse(
        description="Not your classroom, no such learner in it, or the course "
        "is not assigned to it."
    ),
}


def _class_course(request: Request, classroom: Classroom, slug: str) -> Course:
    course = course_list_for(user=request_user(request)).filter(classrooms=classroom, slug=slug)
    found = course.first()
    if found is None:
        raise NotFound(
            "That course is not assigned to this classroom.",
            fields={"slug": [f"No course {slug!r} assigned to this classroom."]},
        )
    return found


class ClassCellSerializer(serializers.Serializer):
    skill = serializers.SerializerMethodField(help_text="The skill's slug.")
    state = serializers.CharField(help_text="mastered, review, learning, not_started or locked")
    p_known = serializers.FloatField()
    attempts = serializers.IntegerField()
    wheel_spinning = serializers.BooleanField()
    last_practised_at = serializers.DateTimeField(allow_null=True)

    def get_skill(self, cell: SkillCell) -> str:
        return str(self.context["slugs"][cell.skill_id])


class ClassRowSerializer(serializers.Serializer):
    learner = serializers.IntegerField(source="learner.pk")
    username = serializers.CharField(source="learner.username")
    name = serializers.CharField(source="learner.shown_name")
    mastered = serializers.IntegerField()
    wheel_spinning = serializers.IntegerField()
    mean_p_known = serializers.FloatField()
    last_practised_at = serializers.DateTimeField(allow_null=True)
    cells = ClassCellSerializer(many=True, help_text="In course order, as `skills`.")


class ClassColumnSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    started = serializers.IntegerField()
    mastered = serializers.IntegerField()
    wheel_spinning = serializers.IntegerField()
    mean_p_known = serializers.FloatField()
    flagged = serializers.BooleanField(
        help_text="Most of the class started it and most has not mastered it."
    )


class ClassMasterySerializer(serializers.Serializer):
    course = serializers.CharField(source="course.slug")
    mastery_threshold = serializers.FloatField(source="threshold")
    sort = serializers.CharField()
    skills = ClassColumnSerializer(source="columns", many=True)
    learners = ClassRowSerializer(source="rows", many=True)


class ClassMasteryApi(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    serializer_class = ClassMasterySerializer
    queryset = Classroom.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("sort", enum=list(SORTS), description="default: stuck")],
        responses={200: ClassMasterySerializer, **ERRORS},
        summary="The class mastery grid: every learner against every skill (teachers)",
    )
    def get(self, request: Request, pk: int, slug: str) -> Response:
        classroom = account_selectors.classroom_managed_by(user=request_user(request), pk=pk)
        course = _class_course(request, classroom, slug)
        sort = request.query_params.get("sort", "stuck")
        if sort not in SORTS:
            raise ApplicationError(
                "Unknown sort.", fields={"sort": [f"Must be one of {', '.join(SORTS)}."]}
            )
        heatmap = class_heatmap(classroom=classroom, course=course, sort=sort)
        slugs = {column.skill_id: column.slug for column in heatmap.columns}
        return Response(ClassMasterySerializer(heatmap, context={"slugs": slugs}).data)


class ClassLearnerSerializer(serializers.Serializer):
    learner = serializers.IntegerField(source="learner.pk")
    username = serializers.CharField(source="learner.username")
    name = serializers.CharField(source="learner.shown_name")
    mastery = s.CourseMasteryOutputSerializer()
    recent_answers = HistoryEntrySerializer(many=True)


class ClassLearnerApi(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    serializer_class = ClassLearnerSerializer
    queryset = User.objects.none()

    @extend_schema(
        responses={200: ClassLearnerSerializer, **ERRORS},
        summary="One learner of your class in a course: mastery and recent answers (teachers)",
    )
    def get(self, request: Request, pk: int, learner_pk: int, slug: str) -> Response:
        classroom = account_selectors.classroom_managed_by(user=request_user(request), pk=pk)
        learner = (
            account_selectors.classroom_learners(classroom=classroom).filter(pk=learner_pk).first()
        )
        if learner is None:
            raise NotFound(
                "No such learner in this classroom.",
                fields={"learner_pk": [f"No learner {learner_pk} in this classroom."]},
            )
        course = _class_course(request, classroom, slug)
        recent = practice_history(learner=learner, only=HistoryFilter(course=course.slug))
        body = {
            "learner": learner,
            "mastery": selectors.course_mastery(learner=learner, course=course),
            "recent_answers": history_entries(list(recent[:RECENT_ANSWERS])),
        }
        return Response(ClassLearnerSerializer(body).data)
