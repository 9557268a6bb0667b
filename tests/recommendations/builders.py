"""Small real courses for the adaptive-loop tests, built through the authoring services."""

from apps.curriculum import services
from apps.curriculum.models import Course, Status
from apps.curriculum.validation import ChoiceSpec, ItemSpec


def numeric_item(course: Course, slug: str, skills: tuple[str, ...], answer: float, b: float = 0.0):
    return services.item_save(
        course=course,
        slug=slug,
        status=Status.PUBLISHED,
        spec=ItemSpec(
            type="numeric",
            stem=f"What is {answer}?",
            skills=skills,
            numeric_answer=answer,
            explanation=f"It is {answer}.",
            hints=("Think.",),
            irt_b=b,
        ),
    )


def choice_item(course: Course, slug: str, skills: tuple[str, ...], b: float = 0.0):
    return services.item_save(
        course=course,
        slug=slug,
        status=Status.PUBLISHED,
        spec=ItemSpec(
            type="single_choice",
            stem="Pick a",
            skills=skills,
            irt_b=b,
            irt_c=0.2,
            choices=(ChoiceSpec("a", "A", True), ChoiceSpec("b", "B", False)),
        ),
    )


def chain_course(
    *,
    slug: str = "chain",
    skills: int = 3,
    items_per_skill: int = 4,
    public: bool = True,
    lessons: bool = False,
) -> Course:
    """s1 <- s2 <- s3 ... (each requires the previous); numeric items answered by their index."""
    course = services.course_create(
        author=None, slug=slug, title=slug.title(), status=Status.PUBLISHED, is_public=public
    )
    previous = None
    for n in range(1, skills + 1):
        skill = services.skill_create(
            course=course,
            slug=f"s{n}",
            name=f"Skill {n}",
            prerequisites=[previous] if previous else [],
        )
        for k in range(items_per_skill):
            numeric_item(course, f"s{n}-i{k}", (f"s{n}",), answer=float(k), b=-1.0 + k * 0.5)
        if lessons:
            services.lesson_save(
                course=course,
                slug=f"lesson-s{n}",
                title=f"About skill {n}",
                body=f"Skill {n} explained.",
                skills=[f"s{n}"],
            )
        previous = skill
    course.refresh_from_db()
    return course
