"""The class overview's grid page, from the query string: ``{% heatmap_grid_of layout as grid %}``.

The overview view builds the heatmap and its layout; which page of learners to show and the
name search only concern the grid, so they are read here from the request (as a pagination
tag does) rather than threaded through the view.
"""

from typing import Any

from django import template

from apps.web.teacher.heatmap_grid import HeatmapGrid, heatmap_grid
from apps.web.teacher.heatmap_page import HeatmapLayout

register = template.Library()


@register.simple_tag(takes_context=True)
def heatmap_grid_of(context: dict[str, Any], layout: HeatmapLayout) -> HeatmapGrid:
    query = context["request"].GET
    return heatmap_grid(
        layout, classroom_pk=context["classroom"].pk, page=query.get("page"), query=query.get("q")
    )
