"""Ontology releases: one canonical form, immutable released versions, no vanished terms, a content-hash cache.

- The canonical form is RDFC-1.0 (pyoxigraph), as sorted N-Triples: the same ontology gives the same bytes on
  every run and machine, so the release files, the documentation page and the release record are stable.
- A version is released when its canonical N-Triples are recorded in `releases/<version>.nt` beside the ontology
  file (`r2pkg release-ontology`). A recorded version never changes: building an ontology that carries a released
  version IRI with other content is refused. Every release is published again with each build, from its record.
- A term of an earlier release never vanishes: it stays, `owl:deprecated true` (with `dcterms:isReplacedBy` where it
  has a successor). Building an ontology that lost one is refused.
- The documentation page and the release files are cached by the content hash of the ontology file and of the
  software that writes them, so a build whose ontology did not change reuses them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF

from graph.errors import InputError
from graph.store import parse_turtle
from graph.terms import node

RELEASES_DIR = "releases"
CACHE_DIR = ".r2pkg-cache"


def canonical_ntriples(path: Path) -> str:
    """The ontology file as RDFC-1.0 canonical N-Triples, one sorted line per triple."""
    dataset = ox.Dataset(parse_turtle(path))  # a syntax error is an InputError with file and line
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(f"{q.subject} {q.predicate} {q.object} .\n" for q in dataset)
    return "".join(lines)


def graph_from_ntriples(text: str, prefixes: dict[str, str] | None = None) -> rdflib.Graph:
    """An rdflib graph of canonical N-Triples, triples added in their sorted order (which serialisers follow)."""
    g = rdflib.Graph()
    for prefix, ns in (prefixes or {}).items():
        g.bind(prefix, ns, override=True)
    for triple in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        g.add((node(triple.subject), node(triple.predicate), node(triple.object)))
    return g


def turtle_prefixes(path: Path) -> dict[str, str]:
    """The prefixes the ontology file declares, in the file's order."""
    out = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "@prefix" and parts[2].startswith("<"):
            out[parts[1].rstrip(":")] = parts[2].strip("<>")
    return out


@dataclass(frozen=True)
class Ontology:
    """One ontology file in canonical form."""

    path: Path
    ntriples: str
    prefixes: dict[str, str]

    @classmethod
    def read(cls, path: Path) -> Ontology:
        return cls(path, canonical_ntriples(path), turtle_prefixes(path))

    def graph(self) -> rdflib.Graph:
        return graph_from_ntriples(self.ntriples, self.prefixes)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.ntriples.encode("utf-8")).hexdigest()

    def version(self) -> str:
        g = self.graph()
        header = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)
        version_iri = g.value(header, OWL.versionIRI) if header is not None else None
        if version_iri is None:
            raise InputError("the ontology has no owl:versionIRI to release under", self.path)
        return str(version_iri).rstrip("/").rsplit("/", 1)[-1]

    @property
    def releases_dir(self) -> Path:
        return self.path.parent / RELEASES_DIR


def declared_terms(g: rdflib.Graph, namespace: str) -> set[str]:
    """IRIs of the namespace that the graph declares (gives an rdf:type)."""
    return {str(s) for s in g.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef) and str(s).startswith(namespace)}


def recorded_releases(onto: Ontology) -> dict[str, Path]:
    """Released version -> its record, oldest first (by version number)."""
    if not onto.releases_dir.is_dir():
        return {}
    records = {p.stem: p for p in onto.releases_dir.glob("*.nt")}
    return dict(sorted(records.items(), key=lambda kv: tuple(int(x) if x.isdigit() else 0 for x in kv[0].split("."))))


def vanished_terms(current: rdflib.Graph, released: rdflib.Graph, namespace: str) -> list[str]:
    """Terms of the namespace the release declared that the current ontology no longer declares."""
    return sorted(declared_terms(released, namespace) - declared_terms(current, namespace))


def check_release(onto: Ontology, namespace: str) -> None:
    """Refuse a released version with other content, and a term of any release that vanished."""
    version = onto.version()
    current = onto.graph()
    for released_version, record in recorded_releases(onto).items():
        text = record.read_text(encoding="utf-8")
        if released_version == version and text != onto.ntriples:
            raise InputError(f"version {version} is released ({record.name}) and differs from this ontology: "
                             "give the changed ontology a new owl:versionIRI and owl:versionInfo", onto.path)
        gone = vanished_terms(current, graph_from_ntriples(text), namespace)
        if gone:
            raise InputError(f"{len(gone)} term(s) of release {released_version} vanished ({', '.join(gone[:5])}): "
                             "keep each one, owl:deprecated true with dcterms:isReplacedBy its successor", onto.path)


def record_release(onto: Ontology, namespace: str) -> Path:
    """Record the ontology's version as released (refused if it is already released with other content)."""
    check_release(onto, namespace)
    target = onto.releases_dir / f"{onto.version()}.nt"
    if target.exists():
        return target
    onto.releases_dir.mkdir(parents=True, exist_ok=True)
    _write_atomic(target, onto.ntriples.encode("utf-8"))
    return target


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    partial.replace(target)


def software_key() -> str:
    """What else decides the bytes of the page and release files: our version and pyLODE's, the writers' code."""
    from importlib.metadata import version

    from graph import __version__

    here = Path(__file__).resolve().parent
    code = b"".join((here / name).read_bytes() for name in ("ontodoc.py", "ontology_release.py"))
    return f"{__version__}|pylode {version('pylode')}|rdflib {rdflib.__version__}|{hashlib.sha256(code).hexdigest()}"


def cache_key(onto: Ontology) -> str:
    records = "".join(f"{v}:{hashlib.sha256(p.read_bytes()).hexdigest()}" for v, p in recorded_releases(onto).items())
    raw = "\n".join((onto.digest, records, software_key(), str(sorted(onto.prefixes.items()))))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def cache_root_for(project) -> Path:
    """Where a project keeps its cache: `.r2pkg-cache/` beside its r2pkg.toml; for the packaged brief, the user's
    cache folder (XDG_CACHE_HOME, else ~/.cache) under r2pkg/."""
    if not project.packaged:
        return Path(project.root) / CACHE_DIR
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "r2pkg"


def cached_files(cache_root: Path, key: str) -> Path | None:
    folder = cache_root / "ontology" / key
    return folder if (folder / "complete").exists() else None


def store_in_cache(cache_root: Path, key: str, made: Path) -> None:
    """Keep a copy of the made files under the key (written whole, then marked complete); drop older keys.
    A cache that cannot be written is skipped: the files were made anyway."""
    try:
        _store(cache_root / "ontology", key, made)
    except OSError:
        return


def _store(base: Path, key: str, made: Path) -> None:
    folder = base / key
    tmp = base / f".{key}.part"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(made, tmp)
    (tmp / "complete").write_text(key, encoding="utf-8")
    mask = os.umask(0)
    os.umask(mask)
    for path in [tmp, *tmp.rglob("*")]:  # the modes a plain mkdir and open give, not the temporary folder's 0700
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~mask)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    for old in base.iterdir():
        if old.name != key and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)


__all__ = ["Ontology", "canonical_ntriples", "check_release", "record_release", "recorded_releases",
           "vanished_terms", "declared_terms", "cache_key", "cache_root_for", "cached_files", "store_in_cache"]
