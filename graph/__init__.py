"""r2pkg: a structured-argument knowledge graph of atrocity-prevention policy briefs.

The library API (what the `r2pkg` CLI wraps; see graph.api):

    import graph
    kg = graph.load_graph()             # asserted triples of the project you stand in (or the packaged brief)
    report = graph.validate(kg)         # SHACL, QC queries, quotes: report.ok, report.findings
    graph.derive(kg)                    # shortcut rules and prevention pathways, into the derived graph
    rows = graph.run_query(kg, name="CQ02", params={"measure": "security-sector-reform"}).records()
    graph.export(kg, "trig", "graph.trig")
    summary = graph.build()             # the main job, as `r2pkg build`
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: `r2pkg query` forks before it
if TYPE_CHECKING:
    from typing import Any

# The API is imported on first use, so a command that needs little starts fast.
_API = {
    "BuildSummary": "graph.api", "build": "graph.api", "derive": "graph.api", "export": "graph.api",
    "load_graph": "graph.api", "pathway_report": "graph.api", "run_query": "graph.api", "validate": "graph.api",
    "InputError": "graph.errors", "KnowledgeGraph": "graph.store",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("r2pkg")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0+source"
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'graph' has no attribute {name!r}")


__all__ = ["BuildSummary", "InputError", "KnowledgeGraph", "__version__", "build", "derive", "export",
           "load_graph", "pathway_report", "run_query", "validate"]
