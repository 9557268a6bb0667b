"""Point 7, erasure: what is removed, what is kept anonymised (per PRIVACY_ERASURE_RESPONSES),
and that the next nightly recalculation still runs and stays consistent."""

import pytest

from apps.accounts.models import Enrollment, User
from apps.assessments.models import Attempt, ItemResponse
from apps.core.exceptions import ApplicationError, Conflict, Forbidden
from apps.demo.simulation import simulate_learners
from apps.privacy.models import (
    AuditAction,
    AuditOutcome,
    AuditSource,
    ClassroomDeparture,
    PrivacyAuditEntry,
)
from apps.privacy.services.erasure import learner_erase
from apps.recommendations.models import (
    LearnerAbility,
    LessonView,
    RecommendationLog,
    RunStatus,
    SkillMastery,
)
from tests.accounts.factories import LearnerFactory
from tests.privacy.history import learner_history
from tests.recommendations.test_recalculation import run_now

pytestmark = pytest.mark.django_db

PERSONAL = (SkillMastery, LearnerAbility, LessonView, Attempt)
# What the answer path stored on each answer about the learner, besides the answer itself.
DERIVED = ("feedback", "mastery_changes", "next_activity")


def _counts(user: User) -> dict[str, int]:
    rows = {model.__name__: model.objects.filter(learner=user).count() for model in PERSONAL}
    rows["RecommendationLog"] = RecommendationLog.objects.filter(learner=user).count()
    rows["Enrollment"] = Enrollment.objects.filter(learner=user).count()
    for column in DERIVED:
        answers = ItemResponse.objects.filter(learner=user, **{f"{column}__isnull": False})
        rows[f"answers with {column}"] = answers.count()
    return rows


def test_erasure_empties_the_account_and_keeps_answers_anonymised(
    with_history, enrolled, admin_user, course
):
    learner = with_history
    other = LearnerFactory()
    learner_history(learner=other, course=course, answers=3)
    before_other = _counts(other)
    answers = list(ItemResponse.objects.filter(learner=learner).values_list("id", flat=True))
    carried = _counts(learner)
    assert all(carried[f"answers with {column}"] > 0 for column in DERIVED)

    result = learner_erase(learner=learner, actor=admin_user, source=AuditSource.ADMIN)

    erased = User.objects.get(pk=learner.pk)
    assert (erased.username, erased.email, erased.display_name, erased.is_active) == (
        f"erased-{learner.pk}",
        "",
        "",
        False,
    )
    assert not erased.has_usable_password()
    assert set(_counts(erased).values()) == {0}
    assert list(ItemResponse.objects.filter(learner=erased).values_list("id", flat=True)) == answers
    assert (result.responses_kept, result.responses_removed) == (len(answers), 0)
    assert result.masteries_removed == 2
    assert _counts(other) == before_other  # nobody else's data moved
    entry = PrivacyAuditEntry.objects.get(action=AuditAction.ERASURE)
    assert (entry.actor, entry.actor_label, entry.learner_ref, entry.outcome) == (
        admin_user,
        admin_user.username,
        learner.pk,
        AuditOutcome.SUCCEEDED,
    )
    assert learner.username not in f"{entry.learner_label} {entry.detail}"


def test_the_remove_policy_deletes_the_answers_too(settings, with_history, admin_user):
    settings.PRIVACY_ERASURE_RESPONSES = "remove"
    n = ItemResponse.objects.filter(learner=with_history).count()

    result = learner_erase(learner=with_history, actor=admin_user, source=AuditSource.ADMIN)

    assert ItemResponse.objects.filter(learner=with_history).count() == 0
    assert (result.responses_kept, result.responses_removed) == (0, n)
    assert not User.objects.get(pk=with_history.pk).is_active


def test_an_unknown_policy_refuses_rather_than_guessing(settings, with_history, admin_user):
    settings.PRIVACY_ERASURE_RESPONSES = "anonymize-ish"
    with pytest.raises(ApplicationError):
        learner_erase(learner=with_history, actor=admin_user, source=AuditSource.ADMIN)
    assert User.objects.get(pk=with_history.pk).is_active
    assert SkillMastery.objects.filter(learner=with_history).count() == 2


def test_only_the_learner_or_an_admin_erases_and_only_learners_are_erased(
    with_history, teacher, admin_user
):
    with pytest.raises(Forbidden):
        learner_erase(learner=with_history, actor=teacher, source=AuditSource.ADMIN)
    with pytest.raises(Forbidden):
        learner_erase(learner=with_history, actor=LearnerFactory(), source=AuditSource.API)
    with pytest.raises(ApplicationError) as refused:
        learner_erase(learner=teacher, actor=admin_user, source=AuditSource.ADMIN)
    assert "learner" in refused.value.fields
    assert User.objects.get(pk=with_history.pk).is_active
    assert User.objects.get(pk=teacher.pk).is_active
    assert SkillMastery.objects.filter(learner=with_history).count() == 2
    refusals = PrivacyAuditEntry.objects.filter(outcome=AuditOutcome.REFUSED)
    assert refusals.count() == 3
    learner_erase(learner=with_history, actor=admin_user, source=AuditSource.ADMIN)
    with pytest.raises(Conflict):
        learner_erase(learner=with_history, actor=admin_user, source=AuditSource.ADMIN)


def test_the_teacher_sees_an_erased_learner_left_without_their_name(with_history, enrolled):
    learner_erase(learner=with_history, actor=with_history, source=AuditSource.API)
    departure = ClassroomDeparture.objects.get()
    assert (departure.classroom, departure.reason, departure.learner) == (
        enrolled.classroom,
        "erased",
        None,
    )
    assert departure.learner_label == "An erased learner"
    assert departure.joined_at == enrolled.joined_at


@pytest.fixture
def simulated(course):  # type: ignore[no-untyped-def]
    simulate_learners(course=course, learners=12, days=4, seed=5)
    return User.objects.filter(username__startswith="sim").order_by("pk")


@pytest.mark.parametrize("policy", ["anonymise", "remove"])
def test_the_nightly_recalculation_runs_after_an_erasure(settings, policy, course, simulated):
    settings.PRIVACY_ERASURE_RESPONSES = policy
    assert run_now(full=True).status == RunStatus.SUCCEEDED
    gone, stays = simulated[0], simulated[1]
    stays_before = SkillMastery.objects.filter(learner=stays).count()
    assert stays_before > 0

    learner_erase(learner=gone, actor=None, source=AuditSource.TASK)
    # new answers after the erasure, so the incremental run has work to do
    learner_history(learner=LearnerFactory(), course=course, answers=6)

    incremental = run_now(full=False)
    full = run_now(full=True)

    assert (incremental.status, full.status) == (RunStatus.SUCCEEDED, RunStatus.SUCCEEDED)
    assert SkillMastery.objects.filter(learner=stays).count() == stays_before
    if policy == "remove":
        assert ItemResponse.objects.filter(learner=gone).count() == 0
        assert SkillMastery.objects.filter(learner=gone).count() == 0
        assert LearnerAbility.objects.filter(learner=gone).count() == 0
    else:
        # the anonymised answers still count as evidence for the course's parameters, but no
        # rebuild writes a learner state for the emptied account again
        assert full.counts["courses"]["privacy"]["responses"] == (
            ItemResponse.objects.filter(item__course=course).count()
        )
        assert ItemResponse.objects.filter(learner=gone).count() > 0
        assert SkillMastery.objects.filter(learner=gone).count() == 0
        assert LearnerAbility.objects.filter(learner=gone).count() == 0
        assert Enrollment.objects.filter(learner=gone).count() == 0
        assert not User.objects.get(pk=gone.pk).is_active
