from apps.accounts.models import User
from apps.core.exceptions import Forbidden
from apps.privacy.models import AuditAction, AuditOutcome
from apps.privacy.selectors import LearnerDataExport, learner_data_export
from apps.privacy.services.audit import audit_record


def may_act_for(*, actor: User, learner: User) -> bool:
    """A learner acts on their own data; an admin on anyone's; a teacher on nobody's."""
    return actor.pk == learner.pk or actor.is_admin_role


def data_export(*, learner: User, actor: User, source: str) -> LearnerDataExport:
    """Everything stored about ``learner``, for the learner or an admin, logged either way."""
    if not may_act_for(actor=actor, learner=learner):
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            source=source,
            learner=learner,
            outcome=AuditOutcome.REFUSED,
        )
        raise Forbidden("Only the learner or an admin may export a learner's data.")
    export = learner_data_export(learner=learner)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        source=source,
        learner=learner,
        outcome=AuditOutcome.SUCCEEDED,
        detail=f"{len(export.answers)} answers, {len(export.attempts)} attempts",
    )
    return export
