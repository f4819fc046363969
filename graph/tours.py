"""Tours as data: a trainer's walk through the brief's arguments (data/tours/*.yaml), read and checked.

    title: When mass atrocities occur
    summary: one line for the index
    order: 1                       # optional: the index lists tours by it
    steps:
      - caption: Three conditions
        nodes: [will-to-commit-atrocities, mass-atrocities]   # local names under r2pr:, CURIEs or IRIs
        narration: what the step shows, in our own words
        claim: claim-p10-01        # optional: its quote, speaker and breadth come from the data
        quote: "..."               # optional: one of that claim's quotes, verbatim
        apart: why no stated link ties some of the step's nodes (said after the narration)

This module reads tours and checks them against the graph (`check_tours`, which
validate runs); it imports nothing from rendering. graph.render.tour_views turns a
tour into a map whose presentation plays it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from graph.findings import Finding
from graph.namespaces import R2P, R2PR, curie

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

CHECK = "tour"


@dataclass
class TourStep:
    caption: str
    nodes: list[str]
    narration: str = ""
    claim: str = ""
    quote: str = ""
    line: int = 0
    apart: str = ""  # why the step lights nodes that no link of the brief ties


@dataclass
class Tour:
    name: str
    title: str
    summary: str
    path: Path
    steps: list[TourStep] = field(default_factory=list)
    order: int = 1000  # `order:` in the file; the index lists tours by it, then by file name


class TourError(ValueError):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


def default_tours_dir() -> Path:
    from graph.resources import data_dir

    return data_dir() / "tours"


def expand(name: str) -> str:
    """A node name in a tour: a full IRI, r2pr:/r2p: CURIE, or a local name under r2pr:."""
    name = str(name).strip()
    if name.startswith(("http://", "https://")):
        return name
    if name.startswith("r2pr:"):
        return str(R2PR) + name[5:]
    if name.startswith("r2p:"):
        return str(R2P) + name[4:]
    return str(R2PR) + name


class _LineLoader(yaml.SafeLoader):
    """Safe YAML that remembers the line of every mapping, for messages that point at the step."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    out = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    out["__line__"] = node.start_mark.line + 1
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_tour(path: Path) -> Tour:
    """One tour file; a malformed one raises TourError with file and line."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TourError(path, mark.line + 1 if mark else 1, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TourError(path, 1, f"cannot read: {exc}") from None
    if not isinstance(doc, dict):
        raise TourError(path, 1, "a tour is a mapping with title and steps")
    title = _text(doc.get("title"))
    if not title:
        raise TourError(path, doc.get("__line__", 1), "the tour has no title")
    steps_raw = doc.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise TourError(path, doc.get("__line__", 1), "the tour has no steps")
    order = doc.get("order", 1000)
    if not isinstance(order, int) or isinstance(order, bool):
        raise TourError(path, doc.get("__line__", 1), "order must be a whole number")
    tour = Tour(path.stem, title, _text(doc.get("summary")), path, order=order)
    for i, raw in enumerate(steps_raw, 1):
        if not isinstance(raw, dict):
            raise TourError(path, doc.get("__line__", 1), f"step {i} is not a mapping")
        line = raw.get("__line__", 1)
        nodes = raw.get("nodes")
        if isinstance(nodes, str):
            nodes = [nodes]
        if not isinstance(nodes, list) or not nodes:
            raise TourError(path, line, f"step {i} names no nodes")
        caption = _text(raw.get("caption"))
        if not caption:
            raise TourError(path, line, f"step {i} has no caption")
        tour.steps.append(
            TourStep(
                caption,
                [expand(n) for n in nodes],
                _text(raw.get("narration")),
                expand(raw["claim"]) if raw.get("claim") else "",
                _text(raw.get("quote")),
                line,
                _text(raw.get("apart")),
            )
        )
    return tour


def tour_files(tours_dir: Path) -> list[Path]:
    return sorted([*tours_dir.glob("*.yaml"), *tours_dir.glob("*.yml")]) if tours_dir.is_dir() else []


def load_tours(tours_dir: Path | None = None) -> list[Tour]:
    tours = [read_tour(p) for p in tour_files(tours_dir or default_tours_dir())]
    return sorted(tours, key=lambda t: (t.order, t.name))


def check_tours(kg: KnowledgeGraph, tours_dir: str | Path | None = None) -> list[Finding]:
    """ERROR findings for every tour that cannot be read, every node a tour names that the graph
    does not have, every `claim` that is not a claim and every `quote` that is not that claim's."""
    folder = Path(tours_dir) if tours_dir is not None else default_tours_dir()
    findings: list[Finding] = []
    every_subject = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"
    subjects = {str(r["s"]) for r in kg.select(every_subject, asserted_only=True)}
    claims = {str(r["c"]) for r in kg.select("SELECT ?c WHERE { ?c a r2p:Claim }", asserted_only=True)}
    quotes: dict[str, set[str]] = {}
    for r in kg.select(
        "SELECT ?c ?q WHERE { ?c a r2p:Claim ; r2p:hasQuote ?sr . ?sr oa:hasSelector ?s . ?s oa:exact ?q }",
        asserted_only=True,
    ):
        quotes.setdefault(str(r["c"]), set()).add(str(r["q"]))
    for path in tour_files(folder):
        try:
            tour = read_tour(path)
        except TourError as exc:
            findings.append(Finding("ERROR", CHECK, str(path), f"line {exc.line}: {exc.message}", str(path)))
            continue
        for i, step in enumerate(tour.steps, 1):
            where = f"{path.name}:{step.line} (step {i})"
            for n in step.nodes:
                if n not in subjects:
                    findings.append(
                        Finding("ERROR", CHECK, curie(n), f"{where}: the tour names {curie(n)}, not in the graph",
                                str(path))
                    )
            if step.claim and step.claim not in claims:
                findings.append(
                    Finding("ERROR", CHECK, curie(step.claim), f"{where}: {curie(step.claim)} is not an r2p:Claim",
                            str(path))
                )
            elif step.quote and step.quote not in quotes.get(step.claim, set()):
                findings.append(
                    Finding(
                        "ERROR",
                        CHECK,
                        curie(step.claim),
                        f"{where}: the quote is not one of {curie(step.claim)}'s quotes, verbatim",
                        str(path),
                    )
                )
    return findings
