"""Offline workshop maps: views of the graph as self-contained HTML pages (issue 6).

    from graph.render import build_site, render_views
    build_site(kg, "build")                    # every view + graph export + index.html
    render_views(kg, "build", ["overview"])    # just some views

Views are built from SPARQL over the loaded graph (graph.render.views), laid out
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
