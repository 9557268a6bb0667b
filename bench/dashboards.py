"""Server time of the dashboards with a full class: 200 learners x 30 skills.

    python bench/dashboards.py [--learners 200] [--skills 30] [--repeats 40]

Builds a scratch database with bulk inserts (SQLite under var/ by default, PostgreSQL with
BENCH_DATABASE_URL): one 30-skill course, a classroom of 200 learners, a mastery row with a
memory card for every learner and skill they reached, and their answers (~10 per skill
practised) with the mastery changes they caused. Then times requests in-process through
Django's test client (the whole middleware stack and the templates; no network, no server
process): the learner home, the class heatmap, the CSV export, a learner's drill-down and
the item analysis, against a trivial page measured in the same run: the password-change
form, which costs the same session, user and template machinery and nothing else. Prints
median and p95 milliseconds, SQL statements per request, and the ratio of medians.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.scratch import scratch_environment  # noqa: E402


def build(learners: int, skills: int, seed: int) -> dict[str, object]:
    """The class, its course and every learner's state, by bulk inserts. Returns the ids."""
    import numpy as np
    from django.utils import timezone

    from apps.accounts.models import Enrollment, Role, User
    from apps.accounts.services import classroom_create
    from apps.assessments.models import ItemResponse
    from apps.curriculum import services as curriculum_services
    from apps.recommendations.engine.memory import rating_from_response, review
    from apps.recommendations.models import LearnerAbility, SkillMastery
    from apps.recommendations.scheduling import scheduler_for
    from tests.recommendations.builders import chain_course

    rng = np.random.default_rng(seed)
    now = timezone.now()
    course = chain_course(slug="bench", skills=skills, items_per_skill=6, public=False)
    teacher = User.objects.create(username="bench-teacher", role=Role.TEACHER, password="!")  # noqa: S106
    classroom = classroom_create(owner=teacher, name="Bench class")
    curriculum_services.classroom_assign_course(classroom=classroom, course=course)
    users = User.objects.bulk_create(
        User(username=f"bench{n:04d}", role=Role.LEARNER, password="!")  # noqa: S106
        for n in range(learners)
    )
    Enrollment.objects.bulk_create(Enrollment(classroom=classroom, learner=u) for u in users)
    skill_rows = list(course.skills.order_by("position"))
    items_of = {s.pk: list(s.items.values_list("pk", flat=True)) for s in skill_rows}
    scheduler = scheduler_for(0.9)
    cards = {  # a few memory cards reviewed 0..20 days ago, shared by many rows
        days: review(
            None,
            rating=rating_from_response(correct=True),
            reviewed_at=now - timedelta(days=days),
            scheduler=scheduler,
        )
        for days in range(0, 21, 2)
    }
    masteries, responses, abilities = [], [], []
    for user in users:
        reached = int(rng.integers(1, skills + 1))  # skills started; all but the last mastered
        for index, skill in enumerate(skill_rows[:reached]):
            days = int(rng.choice(list(cards)))
            attempts = int(rng.integers(4, 16))
            mastered = index < reached - 1
            p = float(rng.uniform(0.95, 0.999)) if mastered else float(rng.uniform(0.2, 0.9))
            when = now - timedelta(days=days)
            masteries.append(
                SkillMastery(
                    learner=user,
                    skill=skill,
                    course=course,
                    p_known=p,
                    attempts=attempts,
                    correct_count=attempts // 2,
                    last_practised_at=when,
                    mastered_at=when if mastered else None,
                    memory_state=cards[days].card_state,
                    review_due_at=cards[days].due,
                    wheel_spinning=not mastered and attempts >= 10,
                )
            )
            for k in range(attempts):
                responses.append(
                    ItemResponse(
                        client_id=uuid.uuid4(),
                        learner=user,
                        item_id=items_of[skill.pk][k % len(items_of[skill.pk])],
                        answer="1",
                        correct=bool(rng.random() < 0.7),
                        score=1.0,
                        created_at=when - timedelta(minutes=attempts - k),
                        mastery_changes=[[skill.pk, 0.5, 0.6]],  # what drill-down charts read
                    )
                )
        abilities.append(LearnerAbility(learner=user, course=course, theta=float(rng.normal())))
    SkillMastery.objects.bulk_create(masteries, batch_size=2000)
    LearnerAbility.objects.bulk_create(abilities)
    ItemResponse.objects.bulk_create(responses, batch_size=2000)
    busiest = max(users, key=lambda u: sum(1 for m in masteries if m.learner_id == u.pk))
    return {
        "classroom": classroom.pk,
        "teacher": teacher,
        "learner": busiest,
        "responses": len(responses),
        "masteries": len(masteries),
    }


def measure(client, url: str, repeats: int, before=None) -> tuple[float, float, int, int]:  # type: ignore[no-untyped-def]
    """(median ms, p95 ms, SQL statements, response bytes) of GET url, after warming up;
    ``before()``, when given, runs untimed before each request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        size = len(client.get(url).content)
    statements = len(queries)  # now: each request clears the connection's query log
    times = []
    for _ in range(repeats):
        if before:
            before()
        started = time.perf_counter()
        client.get(url)
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], statements, size


def answer_one(classroom_pk: int):  # type: ignore[no-untyped-def]
    """A callable that changes one mastery row of the class, another learner's each time, as
    an answer would (P(known), answers, updated_at)."""
    from django.utils import timezone

    from apps.recommendations.models import SkillMastery

    rows = SkillMastery.objects.filter(learner__enrollments__classroom_id=classroom_pk)
    firsts = list({row.learner_id: row for row in rows.order_by("-skill_id")}.values())
    turn = iter(range(10**9))

    def answer() -> None:
        row = firsts[next(turn) % len(firsts)]
        row.attempts += 1
        row.p_known = min(0.999, row.p_known + 0.001)
        row.updated_at = timezone.now()
        row.save(update_fields=["attempts", "p_known", "updated_at"])

    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--skills", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ.update(scratch_environment("dashboards"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    data = build(args.learners, args.skills, args.seed)
    built = time.perf_counter() - started
    teacher, learner = Client(), Client()
    teacher.force_login(data["teacher"])  # type: ignore[arg-type]
    learner.force_login(data["learner"])  # type: ignore[arg-type]
    pk = data["classroom"]
    pages = [
        ("trivial page (password form)", learner, reverse("password_change")),
        ("learner home", learner, reverse("home")),
        ("mastery map", learner, reverse("mastery-map", args=["bench"])),
        ("class heatmap (stuck first)", teacher, reverse("class-overview", args=[pk])),
        ("class heatmap (by name)", teacher, reverse("class-overview", args=[pk]) + "?sort=name"),
        ("CSV export", teacher, reverse("class-export", args=[pk])),
        (
            "learner drill-down",
            teacher,
            reverse("class-learner", args=[pk, data["learner"].pk]),  # type: ignore[attr-defined]
        ),
        ("item analysis", teacher, reverse("item-analysis", args=["bench"])),
    ]
    results = [(name, *measure(client, url, args.repeats)) for name, client, url in pages]
    after_answer = answer_one(pk)  # type: ignore[arg-type]
    # A class at work: one learner's mastery row changes (as an answer changes it) before
    # each view, so the class heatmap's cached cells are stale for that learner.
    results.insert(
        5,
        (
            "class heatmap (after an answer)",
            *measure(teacher, reverse("class-overview", args=[pk]), args.repeats, after_answer),
        ),
    )
    baseline = results[0][1]
    print(
        f"{args.learners} learners x {args.skills} skills, {data['masteries']} mastery rows, "
        f"{data['responses']} answers; {connection.vendor}; built in {built:.1f} s; "
        f"{args.repeats} timed requests each (test client, in-process, warm caches)"
    )
    print(f"{'page':<32}{'median ms':>10}{'p95 ms':>10}{'SQL':>6}{'KiB':>8}{'x trivial':>11}")
    for name, median, p95, queries, size in results:
        print(
            f"{name:<32}{median:>10.1f}{p95:>10.1f}{queries:>6}{size / 1024:>8.0f}"
            f"{median / baseline:>11.1f}"
        )


if __name__ == "__main__":
    main()
