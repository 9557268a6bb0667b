import pytest

from apps.accounts import services
from apps.accounts.models import Classroom, Enrollment, Role, User
from apps.core.exceptions import ApplicationError, status_for
from tests.accounts.factories import ClassroomFactory, LearnerFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def test_user_create_makes_a_learner_by_default():
    user = services.user_create(username="ada", password="correct horse battery")
    assert (user.role, user.is_staff, user.check_password("correct horse battery")) == (
        Role.LEARNER,
        False,
        True,
    )


def test_user_create_refuses_duplicate_username_case_insensitively_and_names_the_field():
    LearnerFactory(username="Ada")
    with pytest.raises(ApplicationError) as error:
        services.user_create(username="ada", password="correct horse battery")
    assert list(error.value.fields) == ["username"]
    assert User.objects.filter(username__iexact="ada").count() == 1


def test_user_create_refuses_weak_password_and_self_made_admin_together():
    with pytest.raises(ApplicationError) as error:
        services.user_create(username="eve", password="123", role=Role.ADMIN)
    assert set(error.value.fields) == {"password", "role"}
    assert not User.objects.filter(username="eve").exists()


def test_admin_role_is_staff():
    user = services.user_create(
        username="root2", password="correct horse battery", role=Role.ADMIN, allow_any_role=True
    )
    assert user.is_staff is True


def test_learner_cannot_create_a_classroom():
    with pytest.raises(ApplicationError) as error:
        services.classroom_create(owner=LearnerFactory(), name="Mine")
    assert status_for(error.value) == 403
    assert Classroom.objects.count() == 0


def test_classroom_gets_a_readable_unique_code():
    classroom = services.classroom_create(owner=TeacherFactory(), name="Maths 7B")
    assert len(classroom.join_code) == services.JOIN_CODE_LENGTH
    assert set(classroom.join_code) <= set(services.JOIN_CODE_ALPHABET)


def test_join_normalises_the_code_and_is_idempotent():
    classroom = services.classroom_create(owner=TeacherFactory(), name="Maths")
    learner = LearnerFactory()
    typed = f" {classroom.join_code[:4].lower()}-{classroom.join_code[4:]} "
    first = services.classroom_join(learner=learner, code=typed)
    second = services.classroom_join(learner=learner, code=classroom.join_code)
    assert first.pk == second.pk
    assert Enrollment.objects.filter(learner=learner).count() == 1


@pytest.mark.parametrize("code", ["", "NOPE-NOPE", "!!!"])
def test_join_with_a_wrong_code_names_the_code_field(code):
    ClassroomFactory()
    learner = LearnerFactory()
    with pytest.raises(ApplicationError) as error:
        services.classroom_join(learner=learner, code=code)
    assert list(error.value.fields) == ["code"]
    assert error.value.code == "invalid_code"
    assert not Enrollment.objects.exists()


def test_join_a_disabled_classroom_is_refused():
    classroom = ClassroomFactory(join_enabled=False)
    with pytest.raises(ApplicationError) as error:
        services.classroom_join(learner=LearnerFactory(), code=classroom.join_code)
    assert error.value.code == "joining_disabled"
    assert not Enrollment.objects.exists()


def test_teachers_do_not_join_as_learners():
    classroom = ClassroomFactory()
    with pytest.raises(ApplicationError):
        services.classroom_join(learner=TeacherFactory(), code=classroom.join_code)
    assert not Enrollment.objects.exists()


def test_regenerated_code_replaces_the_old_one():
    classroom = services.classroom_create(owner=TeacherFactory(), name="Maths")
    old = classroom.join_code
    services.classroom_regenerate_code(classroom=classroom)
    assert classroom.join_code != old
    with pytest.raises(ApplicationError):
        services.classroom_join(learner=LearnerFactory(), code=old)
    services.classroom_join(learner=LearnerFactory(), code=classroom.join_code)
