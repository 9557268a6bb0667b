"""The class heatmap as the overview page lays it out: skills grouped by module under short
numbered headers ("2.3"), the full name on hover and focus, and per-skill summary cards for
a phone. The read model itself (cells, counts, rankings) is ``class_mastery``; this only
arranges it for the page.

Module titles are not in the course snapshot; they are read once per course version and
cached, so the page costs no extra query per view.
"""

from dataclasses import dataclass

from django.core.cache import cache

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

    @property
    def learning_x(self) -> int:
        """Where the "not yet learnt" part of the card's bar starts."""
        return self.mastered + self.due_review


@dataclass(frozen=True)
class HeatmapLayout:
    heatmap: Heatmap
    modules: list[ModuleGroup]
    cards: list[SkillCard]

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
    return cell.attempts == 0 and cell.state not in ("mastered", "needs_review")


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
    within each). The rows' cells are reordered to match, so headers and cells line up."""
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
    # The page built this heatmap for itself: reorder its lists in place (rows are frozen).
    for row in heatmap.rows:
        row.cells[:] = [row.cells[i] for i in order]
    heatmap.columns[:] = [heatmap.columns[i] for i in order]
    return HeatmapLayout(heatmap, modules, _cards(heatmap, modules))


def _cards(heatmap: Heatmap, modules: list[ModuleGroup]) -> list[SkillCard]:
    headers = [header for module in modules for header in module.skills]
    cards = []
    for index, header in enumerate(headers):
        cells = [row.cells[index] for row in heatmap.rows]
        column = header.column
        cards.append(
            SkillCard(
                header=header,
                mastered=column.mastered,
                due_review=column.due_review,
                not_learnt=column.not_learnt,
                not_started=sum(not_started(c) for c in cells),
                stuck=column.wheel_spinning,
            )
        )
    return cards
