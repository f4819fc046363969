"""A synthetic corpus in the ontology's shape: N briefs' worth of the real brief's data.

Each synthetic brief is a copy of data/ with its own claims, quotes, arguments,
issues, causal links, requirements, sections and document (IRIs suffixed -bK,
blank nodes renamed, the document's title marked "(synthetic copy K)"), so every
claim's quote names the copy it comes from (oa:hasSource) as real data names its
document, and every link, requirement and section of copy K rests on claims or
sections of copy K alone. Domain nodes (actors, measures, risk factors,
places...), cases, the meeting and people are shared across briefs, as they would
be in a real corpus: queries that join claims through shared nodes grow with N.

    python scripts/synthetic_corpus.py 200 -o /tmp/corpus.nt
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from graph.resources import data_dir  # noqa: E402
from graph.store import expand_inputs, parse_turtle  # noqa: E402

R2PR = "https://w3id.org/r2pkg/resource/"
# Resources that belong to one brief (copied per brief); everything else is shared.
PER_BRIEF = re.compile(r"^(claim|link|requirement|support|attack|issue|section|brief|participant-)")


def brief_quads() -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for f in expand_inputs([data_dir()]):
        quads.extend(parse_turtle(f))
    return quads


def _rename(term, k: int):
    if isinstance(term, ox.NamedNode) and term.value.startswith(R2PR):
        local = term.value[len(R2PR):]
        if PER_BRIEF.match(local):
            return ox.NamedNode(f"{term.value}-b{k}")
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(f"{term.value}b{k}")
    return term


TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
DOCUMENT = ox.NamedNode("https://w3id.org/r2pkg/ontology#SourceDocument")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def generate(n_briefs: int, base: list[ox.Quad] | None = None) -> list[ox.Quad]:
    """The quads of n_briefs synthetic briefs (shared nodes appear once), each copy a document of its own."""
    base = base if base is not None else brief_quads()
    documents = {q.subject for q in base if q.predicate == TYPE and q.object == DOCUMENT}
    out: set[ox.Quad] = set()
    for k in range(n_briefs):
        for q in base:
            obj = q.object
            if q.subject in documents and q.predicate == TITLE and isinstance(obj, ox.Literal):
                obj = ox.Literal(f"{obj.value} (synthetic copy {k})")  # the copies' titles tell them apart
            out.add(ox.Quad(_rename(q.subject, k), q.predicate, _rename(obj, k), ox.DefaultGraph()))
    return sorted(out, key=str)


# --- a multi-file project: one file per brief, one for the shared nodes ---------------------------------------
_OWN_BNODE = re.compile(r"b(\d+)$")
_OWN_IRI = re.compile(r"-b(\d+)$")


def brief_of(q: ox.Quad) -> str:
    """Which file a triple goes to: the brief whose blank node it holds (a blank node stays in one file, as in
    Turtle), else the brief of its subject, else the shared file."""
    for t in (q.subject, q.object):
        if isinstance(t, ox.BlankNode) and (m := _OWN_BNODE.search(t.value)):
            return f"brief-{int(m.group(1)):04d}"
    m = _OWN_IRI.search(q.subject.value) if isinstance(q.subject, ox.NamedNode) else None
    return f"brief-{int(m.group(1)):04d}" if m else "shared"


def write_files(quads: list[ox.Quad], folder: Path) -> list[Path]:
    """The corpus as N-Triples files (.ttl: N-Triples is Turtle) in `folder`, one per brief and one shared."""
    parts: dict[str, list[ox.Triple]] = {}
    for q in quads:
        parts.setdefault(brief_of(q), []).append(ox.Triple(q.subject, q.predicate, q.object))
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, triples in sorted(parts.items()):
        path = folder / f"{name}.ttl"
        ox.serialize(triples, str(path), format=ox.RdfFormat.N_TRIPLES)
        out.append(path)
    return out
# --- end of the multi-file project -----------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of briefs")
    ap.add_argument("-o", "--output", required=True, help="N-Triples file to write (a folder with --files)")
    ap.add_argument("--files", action="store_true", help="write one file per brief and one shared into the folder")
    args = ap.parse_args()
    quads = generate(args.n)
    if args.files:
        files = write_files(quads, Path(args.output))
        print(f"{len(quads)} triples -> {len(files)} files in {args.output}")
        return
    ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], args.output,
                 format=ox.RdfFormat.N_TRIPLES)
    print(f"{len(quads)} triples -> {args.output}")


if __name__ == "__main__":
    main()
