"""Demo accounts for `manage.py seed_demo`: learner, teacher and admin, and a demo classroom."""

from django.db import transaction

from apps.accounts import services
from apps.accounts.models import Classroom, Enrollment, Role, User

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed in the README; refused in production
DEMO_USERS = [("learner", Role.LEARNER), ("teacher", Role.TEACHER), ("admin", Role.ADMIN)]
DEMO_CLASSROOM = "Demo class"


@transaction.atomic
def seed(log) -> None:  # type: ignore[no-untyped-def]
    users = {}
    for username, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                email=f"{username}@example.com",
                display_name=f"Demo {role}",
                allow_any_role=True,
            )
        else:
            services.user_set_role(user=user, role=role)
        user.set_password(DEMO_PASSWORD)
        user.is_superuser = role == Role.ADMIN
        user.save(update_fields=["password", "is_superuser"])
        users[username] = user
    classroom = Classroom.objects.filter(owner=users["teacher"], name=DEMO_CLASSROOM).first()
    if classroom is None:
        classroom = services.classroom_create(owner=users["teacher"], name=DEMO_CLASSROOM)
    Enrollment.objects.get_or_create(classroom=classroom, learner=users["learner"])
    log(f"demo accounts: learner, teacher, admin (password {DEMO_PASSWORD!r})")
    log(f"demo classroom: {classroom.name!r}, join code {classroom.join_code}")
