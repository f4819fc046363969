"""Offline workshop maps: views of the graph as self-contained HTML pages.

    from graph.render import build_site, render_views
    build_site(kg, "build")                    # every view + graph export + index.html
    render_views(kg, "build", ["overview"])    # just some views

Views register themselves (graph.render.registry) where they are defined (graph.render.views,
graph.render.tour_views); each is built from the facts read once from the loaded graph, laid out
deterministically in Python (graph.render.layout), and written through our own
template around pyvis's network data with vis-network inlined (graph.render.page).
"""

from graph.render.site import (
    EXPORT_NAME,
    INDEX,
    RenderedView,
    build_site,
    export_turtle,
    list_views,
    render_reading_view,
    render_views,
)

__all__ = [
    "EXPORT_NAME",
    "INDEX",
    "RenderedView",
    "build_site",
    "export_turtle",
    "list_views",
    "render_reading_view",
    "render_views",
]
