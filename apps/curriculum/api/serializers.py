"""Curriculum API payloads.

Learner-facing serializers (``*LearnerOutputSerializer``) carry no answer key, accepted answer,
correctness flag or explanation; author-facing ones (the course's authors and admins only:
``selectors.is_course_author``) carry everything.
"""

from typing import Any

from rest_framework import serializers

from apps.curriculum.models import Choice, Course, Item, ItemType, Lesson, Module, Skill, Status

# ``position`` is a PositiveIntegerField: PostgreSQL's integer, the narrowest of our databases.
# A larger number must be refused here, or the database's overflow becomes a 500.
POSITION_MAX = 2**31 - 1


class CourseOutputSerializer(serializers.ModelSerializer):
    author = serializers.CharField(
        source="created_by.username", default=None, read_only=True, allow_null=True
    )
    skill_count = serializers.IntegerField(read_only=True)
    published_item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "slug",
            "title",
            "description",
            "language",
            "status",
            "is_public",
            "author",
            "skill_count",
            "published_item_count",
            "content_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CourseAuthorOutputSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="shown_name")
    creator = serializers.SerializerMethodField(help_text="The course's creator (not removable).")

    def get_creator(self, user: Any) -> bool:
        return bool(user.pk == self.context["course"].created_by_id)


class CourseAuthorInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text="An approved teacher's username.")


class CourseCreateInputSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    language = serializers.CharField(required=False, max_length=16, default="en")
    status = serializers.ChoiceField(choices=Status.choices, default=Status.DRAFT)
    is_public = serializers.BooleanField(required=False, default=False)


class CourseUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    language = serializers.CharField(required=False, max_length=16)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    is_public = serializers.BooleanField(required=False)


class CourseImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A course file: JSON (format v1) or items CSV.")
    replace = serializers.BooleanField(
        required=False, default=False, help_text="Update the course with the same slug in place."
    )
    course = serializers.SlugField(
        required=False, help_text="For an items CSV: the slug of the course to add them to."
    )
    publish = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Take the course's status and visibility from the file. Without it a new "
        "course is a private draft and an existing one keeps its own.",
    )


class CourseImportOutputSerializer(serializers.Serializer):
    course = serializers.CharField(help_text="Slug of the imported course.")
    status = serializers.CharField(help_text="The course's status after the import.")
    is_public = serializers.BooleanField(help_text="Whether every learner may see it.")
    counts = serializers.DictField(child=serializers.IntegerField())


class ModuleOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Module
        fields = ["slug", "title", "description", "position"]
        read_only_fields = fields


class ModuleCreateInputSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    position = serializers.IntegerField(required=False, min_value=0, max_value=POSITION_MAX)


class SkillOutputSerializer(serializers.ModelSerializer):
    module = serializers.CharField(
        source="module.slug", default=None, read_only=True, allow_null=True
    )
    prerequisites = serializers.SerializerMethodField()

    class Meta:
        model = Skill
        fields = ["slug", "name", "description", "module", "position", "prerequisites"]
        read_only_fields = fields

    def get_prerequisites(self, skill: Skill) -> list[str]:
        return [p.slug for p in skill.prerequisites.all()]


class SkillCreateInputSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    module = serializers.SlugField(required=False, allow_null=True, default=None)
    position = serializers.IntegerField(required=False, min_value=0, max_value=POSITION_MAX)
    prerequisites = serializers.ListField(
        child=serializers.SlugField(), required=False, default=list
    )


class SkillUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    module = serializers.SlugField(required=False, allow_null=True)
    position = serializers.IntegerField(required=False, min_value=0, max_value=POSITION_MAX)
    prerequisites = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        help_text="Replaces the prerequisites; an edge closing a cycle is refused.",
    )


class GraphNodeOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    module = serializers.CharField(allow_null=True)


class GraphEdgeOutputSerializer(serializers.Serializer):
    skill = serializers.CharField(help_text="This skill...")
    prerequisite = serializers.CharField(help_text="...requires this one first.")


class CourseGraphOutputSerializer(serializers.Serializer):
    nodes = GraphNodeOutputSerializer(many=True)
    edges = GraphEdgeOutputSerializer(many=True)


class LessonOutputSerializer(serializers.ModelSerializer):
    module = serializers.CharField(
        source="module.slug", default=None, read_only=True, allow_null=True
    )
    skills: "serializers.SlugRelatedField[Skill]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )

    class Meta:
        model = Lesson
        fields = ["slug", "title", "module", "skills", "body_html", "position", "status"]
        read_only_fields = fields


class LessonAuthorOutputSerializer(LessonOutputSerializer):
    class Meta(LessonOutputSerializer.Meta):
        fields = [*LessonOutputSerializer.Meta.fields, "body"]
        read_only_fields = fields


class LessonInputSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(help_text="Markdown; rendered and sanitised.")
    module = serializers.SlugField(required=False, allow_null=True, default=None)
    skills = serializers.ListField(child=serializers.SlugField(), required=False, default=list)
    position = serializers.IntegerField(required=False, min_value=0, max_value=POSITION_MAX)
    status = serializers.ChoiceField(choices=Status.choices, default=Status.PUBLISHED)


class ChoiceLearnerOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["key", "text_html"]
        read_only_fields = fields


class ChoiceAuthorOutputSerializer(serializers.ModelSerializer):
    correct = serializers.BooleanField(source="is_correct")

    class Meta:
        model = Choice
        fields = ["key", "text", "text_html", "correct"]
        read_only_fields = fields


class ItemLearnerOutputSerializer(serializers.ModelSerializer):
    """What a learner may see of a question: no key, no explanation (shown after answering)."""

    skills: "serializers.SlugRelatedField[Skill]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    choices = ChoiceLearnerOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Item
        fields = ["id", "slug", "type", "stem_html", "choices", "hints_html", "skills"]
        read_only_fields = fields


class IrtSerializer(serializers.Serializer):
    a = serializers.FloatField(
        min_value=0.0001, max_value=10, default=1.0, help_text="Discrimination"
    )
    b = serializers.FloatField(min_value=-10, max_value=10, default=0.0, help_text="Difficulty")
    c = serializers.FloatField(min_value=0, max_value=0.4999, default=0.0, help_text="Guessing")


class ItemAuthorOutputSerializer(serializers.ModelSerializer):
    skills: "serializers.SlugRelatedField[Skill]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    choices = ChoiceAuthorOutputSerializer(many=True, read_only=True)
    irt = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "slug",
            "type",
            "stem",
            "stem_html",
            "choices",
            "numeric_answer",
            "tolerance",
            "accepted_answers",
            "hints",
            "hints_html",
            "explanation",
            "explanation_html",
            "skills",
            "irt",
            "status",
            "position",
            "updated_at",
        ]
        read_only_fields = fields

    def get_irt(self, item: Item) -> dict[str, float]:
        return {"a": item.irt_a, "b": item.irt_b, "c": item.irt_c}


class ChoiceInputSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=16)
    text = serializers.CharField()
    correct = serializers.BooleanField(default=False)


class ItemInputSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80)
    type = serializers.ChoiceField(choices=ItemType.choices)
    stem = serializers.CharField(help_text="Markdown.")
    skills = serializers.ListField(child=serializers.SlugField(), min_length=1)
    choices = ChoiceInputSerializer(many=True, required=False, default=list)
    answer = serializers.FloatField(
        required=False, allow_null=True, default=None, help_text="Numeric items: the correct value."
    )
    tolerance = serializers.FloatField(required=False, min_value=0, default=0.0)
    accepted_answers = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    hints = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    explanation = serializers.CharField(required=False, allow_blank=True, default="")
    irt = IrtSerializer(required=False)
    status = serializers.ChoiceField(choices=Status.choices, default=Status.DRAFT)
    position = serializers.IntegerField(required=False, min_value=0, max_value=POSITION_MAX)


class ItemUpdateInputSerializer(ItemInputSerializer):
    """Every field optional: unspecified fields keep their stored value."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class ClassroomCourseInputSerializer(serializers.Serializer):
    course = serializers.SlugField(help_text="Slug of a course you can see.")
