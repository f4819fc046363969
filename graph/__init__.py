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

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("r2p-kg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

from graph.api import (  # noqa: E402
    BuildSummary,
    build,
    derive,
    export,
    load_graph,
    pathway_report,
    run_query,
    validate,
)
from graph.errors import InputError  # noqa: E402
from graph.store import KnowledgeGraph  # noqa: E402

__all__ = ["BuildSummary", "InputError", "KnowledgeGraph", "__version__", "build", "derive", "export",
           "load_graph", "pathway_report", "run_query", "validate"]
