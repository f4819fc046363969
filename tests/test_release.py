"""Releases that never change and terms that never vanish; the ontology page and release files are the same bytes
on every build and are reused while the ontology is unchanged."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from conftest import REPO
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

import graph.ontodoc as ontodoc
from graph.errors import InputError
from graph.ontology_release import Ontology, check_release, declared_terms, record_release, recorded_releases
from graph.resources import ontology_file

R2P = "https://w3id.org/r2pkg/ontology#"


@pytest.fixture
def onto_copy(tmp_path: Path) -> Path:
    """A copy of the ontology folder (ontology, shapes, release records)."""
    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    return tmp_path / "ontology" / "r2p.ttl"


def drop_term(path: Path, local: str) -> None:
    """Delete every statement of one term (the way a careless edit would) and its uses as an object."""
    g = rdflib.Graph().parse(path)
    term = rdflib.URIRef(R2P + local)
    for t in list(g.triples((term, None, None))) + list(g.triples((None, None, term))):
        g.remove(t)
    g.serialize(path, format="turtle")


def test_no_term_of_the_last_release_vanished():
    onto = Ontology.read(ontology_file())
    releases = recorded_releases(onto)
    assert releases, "the last release is recorded"
    check_release(onto, R2P)  # raises on a vanished term or a changed released version
    last = rdflib.Graph().parse(list(releases.values())[-1], format="nt")
    assert declared_terms(last, R2P) <= declared_terms(onto.graph(), R2P)


@pytest.mark.parametrize("term", ["viaConsequence", "Trigger", "RapporteurSummary"])
def test_a_term_removed_in_a_copy_fails_the_release_check(onto_copy, term):
    drop_term(onto_copy, term)
    with pytest.raises(InputError, match=rf"vanished \(.*{term}"):
        check_release(Ontology.read(onto_copy), R2P)


def test_removed_terms_stay_deprecated_with_their_successor():
    g = rdflib.Graph().parse(ontology_file())
    deprecated = set(g.subjects(OWL.deprecated, rdflib.Literal(True)))
    assert {rdflib.URIRef(R2P + t) for t in ("ConsequencePathway", "viaConsequence", "AuthorPosition",
                                              "RapporteurSummary", "RequiresRelation")} <= deprecated
    replaced = rdflib.URIRef("http://purl.org/dc/terms/isReplacedBy")
    assert g.value(rdflib.URIRef(R2P + "viaConsequence"), replaced) == rdflib.URIRef(R2P + "meetingPoint")
    for term in deprecated:  # a successor is a term the ontology declares
        for successor in g.objects(term, replaced):
            assert (successor, RDF.type, None) in g, successor


def test_a_released_version_is_immutable(onto_copy):
    record_release(Ontology.read(onto_copy), R2P)
    text = onto_copy.read_text(encoding="utf-8").replace('"trigger"@en', '"short-term trigger"@en')
    onto_copy.write_text(text, encoding="utf-8")
    changed = Ontology.read(onto_copy)
    with pytest.raises(InputError, match="is released"):
        check_release(changed, R2P)
    with pytest.raises(InputError, match="is released"):
        ontodoc.write_ontology_release(onto_copy.parent.parent / "out", onto_copy)


def test_every_release_is_published_from_its_record(tmp_path):
    written = ontodoc.write_ontology_release(tmp_path, ontology_file())
    assert written["ttl"].parent.name == Ontology.read(ontology_file()).version()
    old = rdflib.Graph().parse(tmp_path / "0.3.0" / "r2p.ttl")
    record = rdflib.Graph().parse(REPO / "ontology" / "releases" / "0.3.0.nt", format="nt")
    assert isomorphic(old, record)
    header = rdflib.URIRef("https://w3id.org/r2pkg/ontology")
    assert str(old.value(header, OWL.versionInfo)) == "0.3.0"


SITE_SCRIPT = "import sys; from pathlib import Path; from graph.ontodoc import write_ontology_site; " \
              "write_ontology_site(Path(sys.argv[1]), Path(sys.argv[2]))"


def test_two_builds_give_identical_release_files_and_page(tmp_path):
    """Two processes with different hash seeds (set and dict order differ) write the same bytes."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", SITE_SCRIPT, str(out), str(ontology_file())], check=True, env=env,
                       cwd=REPO)
        outs.append(out)
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    assert {"ontology.html", "ontology/latest/r2p.owl", "ontology/latest/r2p.jsonld"} <= {str(f) for f in files}
    assert files == sorted(p.relative_to(outs[1]) for p in outs[1].rglob("*") if p.is_file())
    different = [str(f) for f in files if (outs[0] / f).read_bytes() != (outs[1] / f).read_bytes()]
    assert different == []


def test_a_second_build_reuses_the_cache_and_a_changed_ontology_rebuilds(onto_copy, tmp_path, monkeypatch):
    cache_root = tmp_path / "site"
    first = ontodoc.write_ontology_site(tmp_path / "staging-1", onto_copy, cache_root=cache_root)
    page = (tmp_path / "staging-1" / "ontology.html").read_text(encoding="utf-8")

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the page was made again although the ontology did not change")

    monkeypatch.setattr(ontodoc, "ontology_html", no_rebuild)
    second = ontodoc.write_ontology_site(tmp_path / "staging-2", onto_copy, cache_root=cache_root)
    assert [p.relative_to(tmp_path / "staging-2") for p in second] == \
        [p.relative_to(tmp_path / "staging-1") for p in first]
    assert (tmp_path / "staging-2" / "ontology.html").read_text(encoding="utf-8") == page
    monkeypatch.undo()
    text = onto_copy.read_text(encoding="utf-8").replace('"trigger"@en', '"short-term trigger"@en')
    onto_copy.write_text(text, encoding="utf-8")
    ontodoc.write_ontology_site(tmp_path / "staging-3", onto_copy, cache_root=cache_root)
    rebuilt = (tmp_path / "staging-3" / "ontology.html").read_text(encoding="utf-8")
    assert "short-term trigger" in rebuilt and "short-term trigger" not in page
    assert len(list((cache_root / "ontology").iterdir())) == 1, "older entries are dropped"
