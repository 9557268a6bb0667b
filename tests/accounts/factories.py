import factory
from factory.django import DjangoModelFactory

from apps.accounts.models import Classroom, Enrollment, Role, User

PASSWORD = "a-long-test-passphrase"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.LEARNER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class LearnerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"learner{n}")
    role = Role.LEARNER


class TeacherFactory(UserFactory):
    username = factory.Sequence(lambda n: f"teacher{n}")
    role = Role.TEACHER


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class ClassroomFactory(DjangoModelFactory[Classroom]):
    class Meta:
        model = Classroom

    name = factory.Sequence(lambda n: f"Class {n}")
    owner = factory.SubFactory(TeacherFactory)
    join_code = factory.Sequence(lambda n: f"CODE{n:04d}")


class EnrollmentFactory(DjangoModelFactory[Enrollment]):
    class Meta:
        model = Enrollment

    classroom = factory.SubFactory(ClassroomFactory)
    learner = factory.SubFactory(LearnerFactory)
