"""Courses: skills on a prerequisite graph, modules, lessons and items (questions).

Authored content only; learners' answers live in assessments, learner state in recommendations.
Rendered HTML (``*_html``) is produced by services from the Markdown source and sanitised.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.accounts.models import Classroom
from apps.core.models import TimeStampedModel

SLUG_HELP = "Lowercase letters, digits and hyphens; unique within the course."


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Course(TimeStampedModel):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    language = models.CharField(max_length=16, default="en")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_public = models.BooleanField(
        default=False, help_text="Public courses are open to every learner, not only to classes."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_courses",
    )
    # Co-authors may change the course and read its answer keys, like its creator; any other
    # teacher sees only what learners see (apps.curriculum.selectors.is_course_author).
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coauthored_courses",
        help_text="Teachers who may edit this course and see its answer keys, besides its creator.",
    )
    classrooms = models.ManyToManyField(Classroom, blank=True, related_name="courses")
    # Bumped by every authoring change to skills, edges or items: the cache key of the graph.
    content_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField(max_length=80, help_text=SLUG_HELP)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="unique_module_slug")
        ]

    def __str__(self) -> str:
        return self.title


class Skill(models.Model):
    """A knowledge component. ``prerequisites`` point at skills to master first (a DAG)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="skills")
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="skills"
    )
    slug = models.SlugField(max_length=80, help_text=SLUG_HELP)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        through="SkillPrerequisite",
        related_name="dependents",
        blank=True,
    )

    class Meta:
        ordering = ["course", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "slug"], name="unique_skill_slug")]

    def __str__(self) -> str:
        return self.name


class SkillPrerequisite(models.Model):
    """``prerequisite`` must be mastered before ``skill``. Created only by the service,
    which rejects an edge that would close a cycle."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="prerequisite_links")
    prerequisite = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="dependent_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["skill", "prerequisite"], name="unique_prerequisite"),
            models.CheckConstraint(
                condition=~Q(skill=models.F("prerequisite")), name="no_self_prerequisite"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prerequisite} before {self.skill}"


class Lesson(TimeStampedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    slug = models.SlugField(max_length=80, help_text=SLUG_HELP)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, default="")
    skills = models.ManyToManyField(Skill, blank=True, related_name="lessons")
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )

    class Meta:
        ordering = ["course", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="unique_lesson_slug")
        ]

    def __str__(self) -> str:
        return self.title


class ItemType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    NUMERIC = "numeric", "Numeric"
    SHORT_TEXT = "short_text", "Short text"


CHOICE_TYPES = (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE)


class Item(TimeStampedModel):
    """A question. The answer key (choices' ``is_correct``, ``numeric_answer``, ``tolerance``,
    ``accepted_answers``) and ``explanation`` never appear in a learner-facing payload."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="items")
    slug = models.SlugField(max_length=80, help_text=SLUG_HELP)
    type = models.CharField(max_length=20, choices=ItemType.choices)
    stem = models.TextField(help_text="The question, in Markdown.")
    stem_html = models.TextField(editable=False, default="")
    skills = models.ManyToManyField(Skill, through="ItemSkill", related_name="items")
    hints = models.JSONField(default=list, blank=True, help_text="Markdown hints, gentlest first.")
    hints_html = models.JSONField(default=list, editable=False)
    explanation = models.TextField(blank=True, help_text="Shown after answering (Markdown).")
    explanation_html = models.TextField(editable=False, default="")
    numeric_answer = models.FloatField(null=True, blank=True)
    tolerance = models.FloatField(default=0.0, help_text="Absolute tolerance for numeric answers.")
    accepted_answers = models.JSONField(default=list, blank=True, help_text="Short-text answers.")
    # IRT 3PL parameters: discrimination a, difficulty b, guessing c. Defaults are neutral;
    # the nightly calibration replaces them once there is enough evidence.
    irt_a = models.FloatField(default=1.0)
    irt_b = models.FloatField(default=0.0)
    irt_c = models.FloatField(default=0.0)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="unique_item_slug"),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0), name="item_tolerance_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(irt_c__gte=0) & Q(irt_c__lt=1), name="item_guessing_range"
            ),
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return self.slug


class ItemSkill(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="item_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "skill"], name="unique_item_skill")]

    def __str__(self) -> str:
        return f"{self.item} · {self.skill}"


class Choice(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="choices")
    key = models.CharField(max_length=16, help_text="Short id the answer refers to, e.g. 'a'.")
    text = models.TextField()
    text_html = models.TextField(editable=False, default="")
    is_correct = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["item", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="unique_choice_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"
