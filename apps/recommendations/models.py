"""Learner state derived from the response log, and the parameters and runs that produce it.

Everything here can be rebuilt from ``assessments.ItemResponse`` (``manage.py recalculate --full``);
the nightly refit changes parameters, never the log.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from apps.curriculum.models import Course, Item, Lesson, Skill


class CoursePolicy(models.Model):
    """How the adaptive loop behaves in one course (defaults apply until an admin edits it)."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="policy")
    mastery_threshold = models.FloatField(
        default=0.95, help_text="BKT probability at or above which a skill counts as mastered."
    )
    min_retrievability = models.FloatField(
        default=0.8, help_text="Below this predicted recall a mastered skill needs review."
    )
    desired_retention = models.FloatField(default=0.9, help_text="FSRS target recall at review.")
    min_correct_answers = models.PositiveIntegerField(
        default=3,
        help_text="Right answers on a skill needed before it can count as mastered (a placement "
        "credit, or mastering a skill that builds on it, counts instead).",
    )
    wheel_spinning_attempts = models.PositiveIntegerField(
        default=10,
        help_text="Attempts on a skill without mastering it before it counts as stuck: the "
        "teacher is told and practice steps away from it for a while.",
    )
    max_in_a_row = models.PositiveIntegerField(
        default=6,
        help_text="Most answers in a row on one skill without mastering it; then the learner "
        "is given something else (another ready skill, the lesson again, a prerequisite).",
    )
    step_away_answers = models.PositiveIntegerField(
        default=8, help_text="Answers on other things before a stuck skill is offered again."
    )
    target_success = models.FloatField(
        default=0.7,
        help_text="Chance of a right answer the practice items aim at (the learner model's "
        "prediction).",
    )
    recent_items = models.PositiveIntegerField(
        default=8, help_text="Items among the learner's last N answers are not asked again."
    )
    placement_max_items = models.PositiveIntegerField(
        default=30,
        help_text="Longest placement test. It stops earlier once every skill is settled "
        "(about 10 answers for a learner who knows little).",
    )
    placement_target_se = models.FloatField(
        default=0.4,
        help_text="Only for courses with too many knowledge states to list: the ability's "
        "standard error at which the fallback test stops.",
    )
    # Motivation, shown to learners and quiet by design; each can be turned off per course.
    daily_goal = models.PositiveIntegerField(
        default=10,
        validators=[MaxValueValidator(500)],
        help_text="Answers a day the learner's home and practice pages count toward (0: no "
        "daily goal shown).",
    )
    show_streak = models.BooleanField(
        default=True, help_text="Show the learner how many days in a row they have practised."
    )

    class Meta:
        verbose_name_plural = "course policies"

    def __str__(self) -> str:
        return f"Policy for {self.course}"


class SkillParameters(models.Model):
    """BKT parameters of a skill, versioned: each refit adds a version and activates it."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="parameter_versions")
    version = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True, db_index=True)
    prior = models.FloatField()
    learn = models.FloatField()
    guess = models.FloatField()
    slip = models.FloatField()
    forget = models.FloatField(default=0.0)
    log_likelihood = models.FloatField(null=True, blank=True)
    n_responses = models.PositiveIntegerField(default=0)
    n_learners = models.PositiveIntegerField(default=0)
    standard_errors = models.JSONField(default=dict, blank=True)
    fitted_at = models.DateTimeField(default=timezone.now)
    run = models.ForeignKey(
        "RecalculationRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["skill", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["skill", "version"], name="unique_skill_param_version")
        ]
        verbose_name_plural = "skill parameters"

    def __str__(self) -> str:
        return f"{self.skill} v{self.version}"


class LearnerModelFit(models.Model):
    """A course's next-answer predictor (``engine.learner_model``), fitted by the nightly run:
    each refit adds a version and activates it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True, db_index=True)
    params = models.JSONField(help_text="engine.learner_model_json, as fitted.")
    n_answers = models.PositiveIntegerField(default=0)
    n_learners = models.PositiveIntegerField(default=0)
    fitted_at = models.DateTimeField(default=timezone.now)
    run = models.ForeignKey(
        "RecalculationRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["course", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "version"], name="unique_learner_model_version"
            )
        ]

    def __str__(self) -> str:
        return f"Learner model of {self.course} v{self.version}"


class SkillMastery(models.Model):
    """One learner's state on one skill: BKT posterior, counts, and the FSRS memory card."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_masteries"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="masteries")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    p_known = models.FloatField()
    attempts = models.PositiveIntegerField(default=0)
    correct_count = models.PositiveIntegerField(default=0)
    right_streak = models.FloatField(
        default=0.0,
        db_default=0.0,  # bulk SQL writers that predate the field leave it out
        help_text="Right answers in a row, each weighed by how hard its item is to guess "
        "(engine.mastery.answer_weight): the evidence the mastery rule counts.",
    )
    attempts_since_mastery = models.PositiveIntegerField(default=0)
    last_practised_at = models.DateTimeField(null=True, blank=True)
    mastered_at = models.DateTimeField(null=True, blank=True)
    seeded_by_placement = models.BooleanField(
        default=False, help_text="The placement test credited this skill as known."
    )
    credited_by = models.ForeignKey(
        Skill,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Credited as known because the learner mastered this skill, which builds on it.",
    )
    memory_state = models.JSONField(null=True, blank=True, help_text="py-fsrs card, as stored.")
    review_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    wheel_spinning = models.BooleanField(default=False, db_index=True)
    model_state = models.JSONField(
        null=True,
        blank=True,
        help_text="The next-answer predictor's state on this skill (engine.learner_model); "
        "rebuilt by the nightly run after each refit.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "skill"], name="unique_skill_mastery")
        ]
        indexes = [models.Index(fields=["learner", "course"])]
        verbose_name_plural = "skill masteries"

    def __str__(self) -> str:
        return f"{self.learner} · {self.skill}: {self.p_known:.2f}"

    @property
    def credited(self) -> bool:
        """Evidence from elsewhere than this skill's own answers (see ``engine.mastery``)."""
        return self.seeded_by_placement or self.credited_by_id is not None


class LearnerAbility(models.Model):
    """A learner's state in a course: the IRT ability, plus what the answer path needs besides
    the skills' rows (recent answers, lessons read), so one locked row gives it all. The row is
    also the lock that serialises one learner's concurrent answers in that course
    (``services.locks``)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abilities"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    theta = models.FloatField(default=0.0)
    standard_error = models.FloatField(default=1.0)
    n_responses = models.PositiveIntegerField(default=0)
    # Null: not tracked yet (rows written by bulk loaders), read from the log instead.
    recent = models.JSONField(
        null=True,
        blank=True,
        help_text="The latest answers in the course, newest first: [[item id, answered at in "
        "microseconds since the epoch], ...], as many as the policy looks back.",
    )
    lessons_read = models.JSONField(
        null=True,
        blank=True,
        help_text="When the learner last read each lesson of the course: {lesson id: "
        "microseconds since the epoch}.",
    )
    content_version = models.PositiveIntegerField(
        default=0,
        db_default=0,  # bulk SQL writers (the nightly rebuild) leave it out
        help_text="The course's content version when this row was last locked (the answer "
        "path reads it with the lock to pick the cached course snapshot).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="unique_learner_ability")
        ]
        verbose_name_plural = "learner abilities"

    def __str__(self) -> str:
        return f"{self.learner} · {self.course}: θ={self.theta:.2f} ± {self.standard_error:.2f}"


class LessonView(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="views")
    first_viewed_at = models.DateTimeField(default=timezone.now)
    # When the policy sends a stuck learner back to the lesson, the re-reading ends the run.
    last_viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="unique_lesson_view")
        ]

    def __str__(self) -> str:
        return f"{self.learner} read {self.lesson}"


class RecommendationLog(models.Model):
    """What the system told a learner to do next, and why (teachers see these)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["learner", "course", "created_at"])]

    def __str__(self) -> str:
        return f"{self.learner}: {self.kind} ({self.reason})"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (another run held the lock)"


class RecalculationRun(models.Model):
    """One nightly (or manual) refit: what it covered, what it changed, how long it took."""

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(max_length=16, default="beat", help_text="beat, command or admin")
    full = models.BooleanField(default=False)
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response_watermark = models.BigIntegerField(
        default=0, help_text="Highest response id this run covered; the next run starts after it."
    )
    pending_tasks = models.IntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.status}) {self.started_at:%Y-%m-%d %H:%M}"


class RecalculationLock(models.Model):
    """A lock row: inserted to take it, deleted to release it. Works across processes on
    SQLite and PostgreSQL alike, so overlapping runs never double the work."""

    name = models.CharField(max_length=64, unique=True)
    run = models.ForeignKey(RecalculationRun, null=True, on_delete=models.CASCADE, related_name="+")
    acquired_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
