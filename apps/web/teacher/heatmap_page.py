"""The class heatmap as the overview page lays it out: skills grouped by module under short
numbered headers ("2.3"), the full name on hover and focus, and per-skill summary cards for
a phone. The read model itself (cells, counts, rankings) is ``class_mastery``; this only
arranges it for the page. The grid's rows are paged and searched by ``heatmap_grid``.

Module titles are not in the course snapshot; they are read once per course version and
cached, so the page costs no extra query per view.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from apps.curriculum.models import Course, Skill
from apps.recommendations.class_mastery import Heatmap, SkillColumn
from apps.recommendations.mastery_states import SkillCell

MODULES_CACHE_SECONDS = 600
UNPLACED = (1_000_000, 0)  # skills without a module come last
NO_MODULE = "Other skills"


@dataclass(frozen=True)
class SkillHeader:
    column: SkillColumn
    code: str  # "2.3": the module's number, then the skill's within it


@dataclass(frozen=True)
class ModuleGroup:
    number: int
    title: str
    skills: list[SkillHeader]


@dataclass(frozen=True)
class SkillCard:
    """One skill's line on the phone: how many of the class are where."""

    header: SkillHeader
    mastered: int
    due_review: int
    not_learnt: int
    not_started: int
    stuck: int
    class_size: int

    @property
    def learning_x(self) -> int:
        """Where the "not yet learnt" part of the card's bar starts."""
        return self.mastered + self.due_review

    @property
    def numbers_html(self) -> SafeString:
        """The bar and the counts, written in Python: thirty cards of a dozen template
        variables each cost more than the grid. Only numbers and constant text."""
        size, done, due = self.class_size, self.mastered, self.due_review
        stuck = f' <span class="flagged">⚠ {self.stuck} stuck</span>' if self.stuck else ""
        return mark_safe(  # noqa: S308  # nosec B308, B703
            f'<svg class="skill-card-bar" viewBox="0 0 {size} 4" preserveAspectRatio="none" '
            'width="100%" height="10" aria-hidden="true" focusable="false">'
            f'<rect class="bar-track" x="0" y="0" height="4" width="{size}"/>'
            f'<rect class="bar-mastered" x="0" y="0" height="4" width="{done}"/>'
            f'<rect class="bar-review" x="{done}" y="0" height="4" width="{due}"/>'
            f'<rect class="bar-learning" x="{self.learning_x}" y="0" height="4" '
            f'width="{self.not_learnt}"/></svg>'
            f'<p class="skill-card-counts"><span>✓ {done} mastered</span> '
            f"<span>↻ {due} due for review</span> "
            f"<span>◐ {self.not_learnt} not yet learnt</span> "
            f"<span>– {self.not_started} not started</span>{stuck}</p>"
        )


@dataclass(frozen=True)
class HeatmapLayout:
    heatmap: Heatmap
    modules: list[ModuleGroup]
    cards: list[SkillCard]
    order: tuple[int, ...]  # the heatmap's column index of each of the layout's columns

    @property
    def columns(self) -> list[SkillColumn]:
        return [header.column for header in self.headers]

    @property
    def headers(self) -> list[SkillHeader]:
        """Headers in the order of the heatmap's cells."""
        return [header for module in self.modules for header in module.skills]

    @property
    def cards_by_module(self) -> list[tuple[ModuleGroup, list[SkillCard]]]:
        grouped, start = [], 0
        for module in self.modules:
            grouped.append((module, self.cards[start : start + len(module.skills)]))
            start += len(module.skills)
        return grouped


def not_started(cell: SkillCell) -> bool:
    """No answer yet and not mastered (placement can master a skill without practice): the
    cell shows "not started", not the prior, which would read like a score."""
    return is_not_started(cell.state, cell.attempts)


def is_not_started(state: str, attempts: int) -> bool:
    return attempts == 0 and state not in ("mastered", "needs_review")


def _module_of_skills(course: Course) -> dict[int, tuple[tuple[int, int], str | None]]:
    """skill id -> (module position key, module title), cached per course version."""
    key = f"web:skill-modules:{course.pk}:{course.content_version}"
    found = cache.get(key)
    if found is None:
        found = {
            skill_id: ((position, module_id) if module_id else UNPLACED, title)
            for skill_id, position, module_id, title in Skill.objects.filter(
                course=course
            ).values_list("id", "module__position", "module_id", "module__title")
        }
        cache.set(key, found, timeout=MODULES_CACHE_SECONDS)
    return found


def heatmap_layout(heatmap: Heatmap) -> HeatmapLayout:
    """Columns grouped by module (modules in course order, skills in the heatmap's order
    within each). ``order`` maps the layout's columns to the heatmap's, so that headers and
    the cells a page writes line up; the heatmap itself is left as it is."""
    modules_of = _module_of_skills(heatmap.course)
    by_module: dict[tuple[int, int], list[int]] = {}
    titles: dict[tuple[int, int], str] = {}
    for index, column in enumerate(heatmap.columns):
        module_key, title = modules_of.get(column.skill_id, (UNPLACED, None))
        by_module.setdefault(module_key, []).append(index)
        titles[module_key] = title or NO_MODULE
    modules, order = [], []
    for number, module_key in enumerate(sorted(by_module), start=1):
        indexes = by_module[module_key]
        order.extend(indexes)
        headers = [
            SkillHeader(heatmap.columns[i], f"{number}.{n}") for n, i in enumerate(indexes, 1)
        ]
        modules.append(ModuleGroup(number, titles[module_key], headers))
    return HeatmapLayout(heatmap, modules, _cards(modules, len(heatmap.rows)), tuple(order))


def _cards(modules: list[ModuleGroup], class_size: int) -> list[SkillCard]:
    return [
        SkillCard(
            header=header,
            mastered=header.column.mastered,
            due_review=header.column.due_review,
            not_learnt=header.column.not_learnt,
            not_started=header.column.not_started,
            stuck=header.column.wheel_spinning,
            class_size=class_size,
        )
        for module in modules
        for header in module.skills
    ]
