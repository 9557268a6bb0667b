from apps.accounts.models import User
from apps.privacy.models import PrivacyAuditEntry, learner_label

SYSTEM_LABEL = "system"
SELF_LABEL = "self"


def audit_record(
    *,
    actor: User | None,
    action: str,
    source: str,
    learner: User,
    outcome: str,
    detail: str = "",
) -> PrivacyAuditEntry:
    """One line of the privacy log. The learner is named by id only, and a learner acting on
    their own data is "self", so no entry needs rewriting when the learner is erased."""
    if actor is None:
        actor_label = SYSTEM_LABEL
    elif actor.pk == learner.pk:
        actor_label = SELF_LABEL
    else:
        actor_label = actor.username
    return PrivacyAuditEntry.objects.create(
        actor=actor,
        actor_label=actor_label,
        action=action,
        source=source,
        learner=learner,
        learner_ref=learner.pk,
        learner_label=learner_label(learner.pk),
        outcome=outcome,
        detail=detail[:300],
    )
