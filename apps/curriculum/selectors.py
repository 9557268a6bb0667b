"""Reads of authored content, each scoped to who is asking.

Learners see published courses that are public or assigned to a class they are in, and only
published items and lessons. Teachers see every published course (to assign it to a class) plus
the drafts they author; admins see everything.

A course's authors are its creator and the teachers listed in ``Course.authors``. Only authors
and admins may change a course, see its drafts and read its answer keys (the author views of
items and lessons, the export): ``is_course_author`` is the one home of that rule. Any other
teacher sees a course as a learner does, so a second account cannot read the answers.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.curriculum.models import (
    Choice,
    Course,
    Item,
    Lesson,
    Module,
    Skill,
    SkillPrerequisite,
    Status,
)


def is_author_role(user: User) -> bool:
    """Whether the user's role may author courses at all (approved teachers and admins)."""
    return user.is_authenticated and (user.is_teacher or user.is_admin_role)


def _authored_by(user: User) -> Q:
    return Q(created_by=user) | Q(authors=user)


def is_course_author(*, user: User, course: Course) -> bool:
    """Whether ``user`` may change ``course`` and read its answer keys; at most one query."""
    if not user.is_authenticated:
        return False
    if user.is_admin_role:
        return True
    if not user.is_teacher:
        return False  # a learner listed as an author (e.g. demoted since) gets nothing
    if course.created_by_id == user.pk:
        return True
    return course.authors.filter(pk=user.pk).exists()


def course_list_for(*, user: User) -> QuerySet[Course]:
    courses = Course.objects.all()
    if user.is_admin_role:
        return courses
    if user.is_teacher:
        visible = courses.filter(Q(status=Status.PUBLISHED) | _authored_by(user))
        # The join through co-authors can repeat a course, as the enrolment join below does.
        return Course.objects.filter(pk__in=visible.values("pk"))
    enrolled = Q(classrooms__enrollments__learner=user)
    visible = courses.filter(Q(is_public=True) | enrolled, status=Status.PUBLISHED)
    # The join through enrolments can repeat a course; select ids first to stay portable.
    return Course.objects.filter(pk__in=visible.values("pk"))


def course_visible_to(*, user: User, course: Course) -> bool:
    """Whether ``user`` may see ``course``; at most one query (a learner's enrolment)."""
    if user.is_admin_role:
        return True
    if course.status != Status.PUBLISHED:
        return is_course_author(user=user, course=course)
    if user.is_teacher or course.is_public:
        return True
    return course.classrooms.filter(enrollments__learner=user).exists()


def course_get_for(*, user: User, slug: str) -> Course:
    course = course_list_for(user=user).filter(slug=slug).first()
    if course is None:
        raise Http404("No such course.")
    return course


def can_edit_course(*, user: User, course: Course) -> bool:
    return is_course_author(user=user, course=course)


def course_editable_by(*, user: User, slug: str) -> Course:
    """A course the user may change: 404 if they cannot see it, 403 if they only may read it."""
    course = course_get_for(user=user, slug=slug)
    if not can_edit_course(user=user, course=course):
        raise PermissionDenied("Only the course's authors or an admin may change it.")
    return course


def course_authors(*, course: Course) -> list[User]:
    """The creator first, then the co-authors by username."""
    authors = list(course.authors.order_by("username"))
    creator = course.created_by
    return [creator, *authors] if creator is not None else authors


def course_counts(*, courses: QuerySet[Course]) -> QuerySet[Course]:
    return (
        courses.annotate(
            skill_count=Count("skills", distinct=True),
            published_item_count=Count(
                "items", filter=Q(items__status=Status.PUBLISHED), distinct=True
            ),
        )
        .select_related("created_by")
        .order_by("title", "id")
    )


def module_list(*, course: Course) -> QuerySet[Module]:
    return course.modules.all()


def skill_list(*, course: Course) -> QuerySet[Skill]:
    return course.skills.select_related("module").prefetch_related(
        Prefetch("prerequisites", queryset=Skill.objects.only("id", "slug"))
    )


def skill_get(*, course: Course, slug: str) -> Skill:
    skill = skill_list(course=course).filter(slug=slug).first()
    if skill is None:
        raise Http404("No such skill.")
    return skill


def course_graph(*, course: Course) -> dict[str, list[dict[str, str]]]:
    """Nodes and edges of the prerequisite graph in two queries."""
    nodes: list[dict[str, str]] = [
        {"slug": slug, "name": name, "module": module}
        for slug, name, module in course.skills.values_list("slug", "name", "module__slug")
    ]
    edges = [
        {"skill": skill, "prerequisite": prerequisite}
        for skill, prerequisite in SkillPrerequisite.objects.filter(skill__course=course)
        .order_by("skill__position", "prerequisite__position")
        .values_list("skill__slug", "prerequisite__slug")
    ]
    return {"nodes": nodes, "edges": edges}


def lesson_list_for(*, user: User, course: Course) -> QuerySet[Lesson]:
    lessons = course.lessons.select_related("module").prefetch_related(
        Prefetch("skills", queryset=Skill.objects.only("id", "slug"))
    )
    if not is_course_author(user=user, course=course):
        lessons = lessons.filter(status=Status.PUBLISHED)
    return lessons


def lesson_get_for(*, user: User, course: Course, slug: str) -> Lesson:
    lesson = lesson_list_for(user=user, course=course).filter(slug=slug).first()
    if lesson is None:
        raise Http404("No such lesson.")
    return lesson


def item_list_for(*, user: User, course: Course) -> QuerySet[Item]:
    items = course.items.prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position", "id")),
        Prefetch("skills", queryset=Skill.objects.only("id", "slug")),
    )
    if not is_course_author(user=user, course=course):
        items = items.filter(status=Status.PUBLISHED)
    return items


def item_get_for(*, user: User, course: Course, slug: str) -> Item:
    item = item_list_for(user=user, course=course).filter(slug=slug).first()
    if item is None:
        raise Http404("No such item.")
    return item
