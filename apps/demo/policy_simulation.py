"""Policy simulation: learners whose knowledge is known practise through the real services.

The learner-model benchmarks score predictions; this scores the loop. Each simulated learner
has a true set of known skills and takes the placement test (``placement_start``, answers
through ``answer_submit`` until it finishes), then follows what the system recommends: the
practice page's activity (``selectors.recommendations_for``) at the start of a session or after
a lesson, then each answer's ``next``. All in-process, on a simulated clock: sessions of 40
answers (placement included) a day apart, answers 10-40 s apart, passed as ``now=`` and seen by
services that read the clock themselves. The services' own randomness (randomesque item
choice) is drawn from a seeded stream, so a run is repeatable.

Truth: an answer is right with probability 1 - SLIP when every skill of the item is known, else
a guess (1 / number of choices for choice items, TYPED_GUESS for numbers and text). A practice
answer on a skill whose prerequisites are known makes it known with probability ``learn``;
reading its lesson with ``lesson_learn``. A "stuck" learner never learns one skill; a
"forgetting" one is away ``away_days`` after its first sessions and loses each known skill with
probability ``forget_share`` (at least one, and what builds on it), then practises daily.

What is recorded is a timeline of checks (after each answer or lesson: the states the pages
show, from ``selectors.skill_mastery_list``, and the truth); ``policy_metrics`` reduces it.
The baseline policy ("course_order") skips the placement and practises skills in course order
until each is shown mastered, through the same answer service.
"""

import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction
from typing import Any
from unittest import mock

import numpy as np
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.curriculum.models import Course, ItemType, Lesson
from apps.demo.seed.course import DEMO_SLUG, seed
from apps.recommendations.activity import activity_view
from apps.recommendations.engine.course import CourseSnapshot, ItemNode
from apps.recommendations.selectors import recommendations_for, skill_mastery_list
from apps.recommendations.services.answers import answer_submit
from apps.recommendations.services.lessons import lesson_mark_read
from apps.recommendations.services.placement import placement_finish, placement_start
from apps.recommendations.snapshot import course_snapshot

SLIP = 0.1
TYPED_GUESS = 0.02  # a numeric or text answer right by chance
MASTERED = "mastered"
PLACEMENT = "placement"
LESSON = "lesson"
COMPLETE = "complete"
MAX_LESSONS_IN_A_ROW = 3  # a policy that keeps offering lessons would otherwise never end
# The goal "no skill recommended more than N times in a row without progress" reads N from the
# course policy (``max_in_a_row``, a setting being added with the policy rewrite); a snapshot
# without it is held to this default.
MAX_RUN_WITHOUT_PROGRESS = 6


@dataclass(frozen=True, slots=True)
class LearnerType:
    name: str
    known: str  # "none", "all" or "half" (the first prerequisite-closed half in course order)
    learn: float = 0.2
    lesson_learn: float = 0.3
    stuck_skill: str | None = None
    away_days: int | None = None  # forgetting learners: days away after the first sessions
    forget_share: float = 0.25
    return_days: int = 14
    answers_per_return_day: int = 10


def standard_types(stuck_skill: str = "add-subtract-like-denominators") -> list[LearnerType]:
    return [
        LearnerType("knows nothing", "none"),
        LearnerType("pure guesser", "none", learn=0.0, lesson_learn=0.0),
        LearnerType("knows all", "all"),
        LearnerType("knows half", "half"),
        LearnerType("stuck", "half", stuck_skill=stuck_skill),
        LearnerType("forgets", "half", away_days=30),
    ]


@dataclass(frozen=True, slots=True)
class Check:
    """The state after one answer (or lesson): what the pages show and what is true."""

    answers: int  # answers so far, placement included
    day: float  # days since the learner's first answer
    kind: str  # placement, practice, review, complete, lesson
    skill: str | None  # the recommended skill (None in the placement)
    shown_mastered: frozenset[str]
    known: frozenset[str]


@dataclass(slots=True)
class LearnerRun:
    learner_type: LearnerType
    policy: str
    all_skills: frozenset[str]
    initially_known: frozenset[str]
    checks: list[Check] = field(default_factory=list)
    forgotten: frozenset[str] = frozenset()
    return_day: float | None = None
    stopped: str = "budget"


@dataclass(frozen=True, slots=True)
class _Activity:
    kind: str
    skill: str | None
    item_id: int | None
    lesson: str | None


def demo_course() -> Course:
    """The demo course (22 skills, 267 items, lessons), imported, published and public."""
    seed(lambda _message: None)
    return Course.objects.get(slug=DEMO_SLUG)


def run_limit(snapshot: CourseSnapshot) -> int:
    return int(getattr(snapshot.policy, "max_in_a_row", MAX_RUN_WITHOUT_PROGRESS))


def prerequisite_closed_part(snapshot: CourseSnapshot, share: float) -> frozenset[str]:
    """The first skills in course position order that keep the set prerequisite-closed."""
    wanted = round(share * len(snapshot.skills))
    taken: set[int] = set()
    for skill in sorted(snapshot.skills.values(), key=lambda s: (s.position, s.id)):
        if len(taken) < wanted and set(skill.prerequisite_ids) <= taken:
            taken.add(skill.id)
    return frozenset(snapshot.skills[s].slug for s in taken)


@contextmanager
def seeded_service_randomness(seed_words: list[int]) -> Iterator[None]:
    """The services draw exposure-control randomness (randomesque item choice) from generators
    they create unseeded; routing those through one seeded stream makes a run repeatable."""
    stream = np.random.SeedSequence(seed_words)
    original_rng = np.random.default_rng

    def next_seed() -> int:
        return int(stream.spawn(1)[0].generate_state(1, dtype=np.uint64)[0])

    def default_rng(seed: Any = None) -> np.random.Generator:
        return original_rng(next_seed() if seed is None else seed)

    class SeededRandom(random.Random):  # defined before the patch: a subclass of the real one
        def __init__(self, x: Any = None) -> None:
            super().__init__(next_seed() if x is None else x)

    with (
        mock.patch.object(np.random, "default_rng", default_rng),
        mock.patch.object(random, "Random", SeededRandom),
    ):
        yield


def _number_text(value: float) -> str:
    """A number as a learner would type it: 7/13 rather than 0.5384615384615384."""
    fraction = Fraction(value).limit_denominator(1000)
    return str(fraction) if abs(float(fraction) - value) < 1e-9 else f"{value:.6g}"


class SimulatedLearner:
    """The known truth behind one simulated learner, and how it answers and learns."""

    def __init__(
        self, kind: LearnerType, snapshot: CourseSnapshot, rng: np.random.Generator
    ) -> None:
        self.kind, self.snapshot, self.rng = kind, snapshot, rng
        slugs = frozenset(s.slug for s in snapshot.skills.values())
        part = {"none": frozenset(), "all": slugs, "half": prerequisite_closed_part(snapshot, 0.5)}
        self.known: set[str] = set(part[kind.known])

    def knows(self, node: ItemNode) -> bool:
        return all(self.snapshot.skills[s].slug in self.known for s in node.skill_ids)

    def answer(self, node: ItemNode) -> object:
        key = node.key
        if self.knows(node):
            right = self.rng.random() >= SLIP
        elif key.choice_keys:
            right = self.rng.random() < 1 / len(key.choice_keys)
        else:
            right = self.rng.random() < TYPED_GUESS
        return self._right_answer(node) if right else self._wrong_answer(node)

    def _right_answer(self, node: ItemNode) -> object:
        key = node.key
        if key.type == ItemType.NUMERIC and key.numeric_answer is not None:
            return _number_text(key.numeric_answer)
        if key.type == ItemType.SINGLE_CHOICE:
            return sorted(key.correct_keys)[0]
        if key.type == ItemType.MULTIPLE_CHOICE:
            return sorted(key.correct_keys)
        return key.accepted_answers[0]

    def _wrong_answer(self, node: ItemNode) -> object:
        key = node.key
        if key.type == ItemType.NUMERIC and key.numeric_answer is not None:
            offset = float(self.rng.choice([-1.0, 1.0, 0.5])) + 2 * key.tolerance
            return _number_text(key.numeric_answer + offset)
        wrong = sorted(set(key.choice_keys) - key.correct_keys)
        if key.type == ItemType.SINGLE_CHOICE:
            return str(self.rng.choice(wrong))
        if key.type == ItemType.MULTIPLE_CHOICE:  # a wrong pick, or one correct option missed
            return [str(self.rng.choice(wrong))] if wrong else sorted(key.correct_keys)[:-1]
        return "not sure"

    def practise(self, node: ItemNode) -> None:
        for skill_id in node.skill_ids:
            self._may_learn(skill_id, self.kind.learn)

    def read_lesson(self, skill_slug: str) -> None:
        skill_id = next(s.id for s in self.snapshot.skills.values() if s.slug == skill_slug)
        self._may_learn(skill_id, self.kind.lesson_learn)

    def _may_learn(self, skill_id: int, chance: float) -> None:
        skill = self.snapshot.skills[skill_id]
        ready = all(self.snapshot.skills[p].slug in self.known for p in skill.prerequisite_ids)
        if skill.slug in self.known or not ready or skill.slug == self.kind.stuck_skill:
            return
        if self.rng.random() < chance:
            self.known.add(skill.slug)

    def forget(self) -> frozenset[str]:
        """Lose each known skill with ``forget_share`` (at least one), and with it what builds
        on it: what is known stays prerequisite-closed, as the placement and the credits for
        prerequisites assume."""
        known = sorted(self.known)
        lost = {s for s in known if self.rng.random() < self.kind.forget_share}
        if not lost and known:
            lost = {str(self.rng.choice(known))}
        for skill_id in self.snapshot.skill_order:  # prerequisites first
            skill = self.snapshot.skills[skill_id]
            if any(self.snapshot.skills[p].slug in lost for p in skill.prerequisite_ids):
                lost.add(skill.slug)
        lost &= self.known
        self.known -= lost
        return frozenset(lost)


class _Driver:
    """One simulated learner's account, clock and timeline in one course."""

    def __init__(self, course: Course, user: User, sim: SimulatedLearner, run: LearnerRun) -> None:
        self.course, self.user, self.sim, self.run = course, user, sim, run
        self.snapshot = sim.snapshot
        self.start = self.now = timezone.now().replace(microsecond=0)
        self.answers = 0
        self.recent: list[int] = []

    def at_session(self, day: int) -> None:
        self.now = max(self.now, self.start + timedelta(days=day))

    @contextmanager
    def clock(self) -> Iterator[None]:
        """Services that read the clock themselves (a lesson read, the placement's start) see
        the simulated time too, so every timestamp of the run is on one clock."""
        with mock.patch.object(timezone, "now", return_value=self.now):
            yield

    def states(self) -> frozenset[str]:
        with self.clock():
            views = skill_mastery_list(learner=self.user, course=self.course, now=self.now)
        return frozenset(view.slug for view in views if view.state == MASTERED)

    def check(self, kind: str, skill: str | None) -> None:
        day = (self.now - self.start) / timedelta(days=1)
        known = frozenset(self.sim.known)
        self.run.checks.append(Check(self.answers, day, kind, skill, self.states(), known))

    def submit(self, item_id: int, attempt_id: int | None = None) -> dict[str, Any]:
        node = self.snapshot.items[item_id]
        seconds = float(self.sim.rng.uniform(10, 40))
        self.now += timedelta(seconds=seconds)
        with self.clock():
            outcome = answer_submit(
                learner=self.user,
                item_id=item_id,
                answer=self.sim.answer(node),
                client_id=uuid.uuid4(),
                time_taken_ms=int(seconds * 800),
                attempt_id=attempt_id,
                now=self.now,
            )
        self.answers += 1
        self.recent = [item_id, *self.recent[:7]]
        if attempt_id is None:
            self.sim.practise(node)
        return outcome.body

    def placement(self) -> None:
        with self.clock():
            attempt, step = placement_start(learner=self.user, course=self.course)
        item = step.item
        while item is not None:
            body = self.submit(int(item["id"]), attempt_id=attempt.pk)
            self.check(PLACEMENT, None)
            following = body.get("next") or {}
            item = following.get("item") if following.get("kind") == PLACEMENT else None
        with self.clock():
            placement_finish(learner=self.user, attempt=attempt, now=self.now)
        self.check(PLACEMENT, None)

    def page_activity(self) -> _Activity:
        """What the practice page shows now (the selector it calls, at simulated time)."""
        with self.clock():
            snapshot, ranked = recommendations_for(
                learner=self.user, course=self.course, limit=1, now=self.now
            )
        view = activity_view(snapshot, ranked[0])
        item_id = view.item["id"] if view.item else None
        skill, lesson = view.skill, view.lesson
        return _Activity(
            view.kind, skill.slug if skill else None, item_id, lesson.slug if lesson else None
        )

    def read(self, activity: _Activity) -> None:
        lesson = Lesson.objects.get(course=self.course, slug=activity.lesson)
        self.now += timedelta(minutes=3)
        with self.clock():
            lesson_mark_read(learner=self.user, lesson=lesson)
        if activity.skill:
            self.sim.read_lesson(activity.skill)
        self.check(LESSON, activity.skill)

    def follow(self, answers: int, stop_when_complete: bool) -> bool:
        """Practise ``answers`` answers as recommended; False once the course is complete."""
        activity, lessons, budget = self.page_activity(), 0, self.answers + answers
        while self.answers < budget:
            if activity.kind == COMPLETE and stop_when_complete:
                return False
            if activity.lesson and activity.item_id is None and lessons < MAX_LESSONS_IN_A_ROW:
                self.read(activity)
                activity, lessons = self.page_activity(), lessons + 1
                continue
            if activity.item_id is None:
                self.run.stopped = f"no item ({activity.kind})"
                return False
            body = self.submit(activity.item_id)
            self.check(activity.kind, activity.skill)
            activity, lessons = _activity_of(body.get("next") or {}), 0
        return True

    def course_order(self, answers: int) -> bool:
        """The baseline: the first skill in course order not shown mastered, a random item of
        it not among the last eight answered."""
        budget = self.answers + answers
        shown = self.states()
        while self.answers < budget:
            skill = next((s for s in self.snapshot.skill_order if self._open(s, shown)), None)
            if skill is None:
                return False
            items = list(self.snapshot.skills[skill].item_ids)
            fresh = [i for i in items if i not in self.recent] or items
            self.submit(int(self.sim.rng.choice(fresh)))
            self.check("practice", self.snapshot.skills[skill].slug)
            shown = self.run.checks[-1].shown_mastered
        return True

    def _open(self, skill_id: int, shown: frozenset[str]) -> bool:
        skill = self.snapshot.skills[skill_id]
        return bool(skill.item_ids) and skill.slug not in shown


def _activity_of(following: dict[str, Any]) -> _Activity:
    """An answer's ``next`` as the API renders it (kind, skill, item, lesson)."""
    skill, item, lesson = following.get("skill"), following.get("item"), following.get("lesson")
    return _Activity(
        str(following.get("kind", COMPLETE)),
        skill["slug"] if skill else None,
        int(item["id"]) if item else None,
        lesson["slug"] if lesson else None,
    )


def _new_learner(name: str) -> User:
    username, n = name, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{name}-{n}"
    return User.objects.create(
        username=username,
        role=Role.LEARNER,
        password=make_password(None),  # unusable: nobody signs in as a simulated learner
        display_name=f"Policy simulation {username}",
    )


def simulate_learner(
    *,
    course: Course,
    learner_type: LearnerType,
    seed_words: list[int],
    answers: int,
    answers_per_session: int = 40,
    policy: str = "adaptive",
) -> LearnerRun:
    """One learner of ``learner_type`` for ``answers`` answers (placement included), in sessions
    a day apart; a forgetting learner then is away, forgets and comes back daily."""
    snapshot = course_snapshot(course)
    sim = SimulatedLearner(learner_type, snapshot, np.random.default_rng(seed_words))
    run = LearnerRun(
        learner_type=learner_type,
        policy=policy,
        all_skills=frozenset(s.slug for s in snapshot.skills.values()),
        initially_known=frozenset(sim.known),
    )
    user = _new_learner(f"policy-{policy}-{learner_type.name.replace(' ', '-')}-{seed_words[-1]}")
    driver = _Driver(course, user, sim, run)
    practise: Callable[[int], bool] = (
        driver.course_order
        if policy == "course_order"
        else lambda n: driver.follow(n, stop_when_complete=True)
    )
    with seeded_service_randomness([*seed_words, 1 if policy == "course_order" else 0]):
        if policy != "course_order":
            driver.placement()
        day = 0
        while driver.answers < answers:
            driver.at_session(day)
            if not practise(min(answers_per_session, answers - driver.answers)):
                run.stopped = run.stopped if run.stopped.startswith("no item") else COMPLETE
                break
            day += 1
        if learner_type.away_days is not None:
            _away_and_back(driver, learner_type, day + learner_type.away_days)
    return run


def _away_and_back(driver: _Driver, kind: LearnerType, return_day: int) -> None:
    driver.at_session(return_day)
    driver.run.forgotten = driver.sim.forget()
    driver.run.return_day = (driver.now - driver.start) / timedelta(days=1)
    driver.check("return", None)
    for day in range(kind.return_days):
        driver.at_session(return_day + day)
        if driver.run.policy == "course_order":
            driver.course_order(kind.answers_per_return_day)
        else:
            driver.follow(kind.answers_per_return_day, stop_when_complete=False)


def simulate_policy(
    *,
    course: Course,
    learner_types: list[LearnerType],
    learners: int,
    answers: int,
    seed: int = 0,
    policies: tuple[str, ...] = ("adaptive", "course_order"),
    progress: Callable[[LearnerRun], None] | None = None,
) -> list[LearnerRun]:
    """``learners`` of every type under every policy; learner k of a type has the same seed
    under each policy (the same truth at the start)."""
    runs = []
    for policy in policies:
        for type_index, learner_type in enumerate(learner_types):
            for k in range(learners):
                run = simulate_learner(
                    course=course,
                    learner_type=learner_type,
                    seed_words=[seed, type_index, k],
                    answers=answers,
                    policy=policy,
                )
                runs.append(run)
                if progress is not None:
                    progress(run)
    return runs


@dataclass(frozen=True, slots=True)
class RunMetrics:
    answers: int
    false_max: int  # most skills shown mastered but not known at any one check
    false_ever: frozenset[str]  # every skill ever shown mastered while not known
    recognised: dict[int, float | None]  # N -> share of the known part shown mastered then
    answers_to_known: int | None  # until the whole known part was shown mastered
    answers_to_complete: int | None  # until every skill was shown mastered
    longest_without_progress: int
    longest_without_progress_skill: str | None
    longest_any: int  # answers in a row on one skill, progress or not
    stuck_answers: int | None
    stuck_longest: int | None
    stuck_share: float | None  # of the answers from the stuck skill's first on
    moved_off_stuck: bool | None
    forgotten: int
    review_days: tuple[float | None, ...]  # per forgotten skill: days back until recommended
    stale_at_return: int  # forgotten but shown mastered when the learner came back
    stale_at_end: int  # ... and still so at the end (not relearnt)


CHECK_POINTS = (20, 40, 60, 120)


def _false(run: LearnerRun, check: Check) -> frozenset[str]:
    """Shown mastered, not known; a forgotten skill after the return is stale, not false."""
    back = run.return_day is not None and check.day >= run.return_day
    return check.shown_mastered - check.known - (run.forgotten if back else frozenset())


def _recognised(run: LearnerRun, checks: list[Check], answers: int) -> float | None:
    before = [c for c in checks if c.answers <= answers] or checks[:1]
    if not before:
        return None
    last = before[-1]
    target = run.initially_known & last.known
    return len(target & last.shown_mastered) / len(target) if target else None


def _first_answers(checks: list[Check], covered: Callable[[Check], bool]) -> int | None:
    return next((c.answers for c in checks if covered(c)), None)


@dataclass(slots=True)
class _Runs:
    longest: int = 0
    longest_skill: str | None = None
    longest_any: int = 0
    by_skill: dict[str, int] = field(default_factory=dict)


def _runs(checks: list[Check]) -> _Runs:
    """Answers in a row on one recommended skill. Without progress: none of them took the skill
    to shown mastered, nor was it shown mastered already; a lesson of the same skill neither
    extends nor ends a run (reading is not progress), anything else ends it."""
    result, current, run, run_any = _Runs(), None, 0, 0
    shown_before: frozenset[str] = frozenset()
    for check in checks:
        if check.skill != current:
            current, run, run_any = check.skill, 0, 0
        if check.skill is not None and check.kind != LESSON:
            run_any += 1
            result.longest_any = max(result.longest_any, run_any)
            progress = check.skill in shown_before or check.skill in check.shown_mastered
            run = 0 if progress else run + 1
            if run > result.longest:
                result.longest, result.longest_skill = run, check.skill
            result.by_skill[check.skill] = max(result.by_skill.get(check.skill, 0), run)
        shown_before = check.shown_mastered
    return result


def _stuck(
    run: LearnerRun, runs: _Runs
) -> tuple[int | None, int | None, float | None, bool | None]:
    stuck = run.learner_type.stuck_skill
    answered = [c for c in run.checks if c.skill is not None and c.kind != LESSON]
    first = next((n for n, c in enumerate(answered) if c.skill == stuck), None)
    if stuck is None or first is None:
        return None, None, None, None
    since = answered[first:]
    on_it = sum(1 for c in since if c.skill == stuck)
    moved_off = any(c.skill != stuck for c in since)
    return on_it, runs.by_skill.get(stuck, 0), on_it / len(since), moved_off


def _review_days(run: LearnerRun) -> tuple[float | None, ...]:
    if run.return_day is None:
        return ()
    first: dict[str, float] = {}
    for check in run.checks:
        if check.day >= run.return_day and check.skill is not None:
            first.setdefault(check.skill, check.day - run.return_day)
    return tuple(first.get(skill) for skill in sorted(run.forgotten))


def _stale(run: LearnerRun, check: Check | None) -> int:
    return 0 if check is None else len((run.forgotten - check.known) & check.shown_mastered)


def policy_metrics(run: LearnerRun) -> RunMetrics:
    before_away = [c for c in run.checks if run.return_day is None or c.day < run.return_day]
    runs = _runs(run.checks)
    stuck_answers, stuck_longest, stuck_share, moved_off = _stuck(run, runs)
    returned = next((c for c in run.checks if c.kind == "return"), None)
    return RunMetrics(
        answers=run.checks[-1].answers if run.checks else 0,
        false_max=max((len(_false(run, c)) for c in run.checks), default=0),
        false_ever=frozenset().union(*(_false(run, c) for c in run.checks)),
        recognised={n: _recognised(run, before_away, n) for n in CHECK_POINTS},
        answers_to_known=_first_answers(
            before_away,
            lambda c: (
                bool(run.initially_known) and (run.initially_known & c.known) <= c.shown_mastered
            ),
        ),
        answers_to_complete=_first_answers(
            run.checks, lambda c: run.all_skills <= c.shown_mastered
        ),
        longest_without_progress=runs.longest,
        longest_without_progress_skill=runs.longest_skill,
        longest_any=runs.longest_any,
        stuck_answers=stuck_answers,
        stuck_longest=stuck_longest,
        stuck_share=stuck_share,
        moved_off_stuck=moved_off,
        forgotten=len(run.forgotten),
        review_days=_review_days(run),
        stale_at_return=_stale(run, returned),
        stale_at_end=_stale(run, run.checks[-1] if run.checks else None),
    )
