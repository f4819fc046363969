"""Releases that never change and terms that never vanish; the ontology page and release files are the same bytes
on every build and are reused while the ontology is unchanged."""

from __future__ import annotations

import os
import re
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


def as_next_version(text: str) -> str:
    """The ontology's text under a version not yet released, as a developer changes a released ontology."""
    version = re.search(r'owl:versionInfo "([^"]+)"', text).group(1)
    return (text.replace(f"ontology/{version}>", f"ontology/{version}-next>")
            .replace(f'owl:versionInfo "{version}"', f'owl:versionInfo "{version}-next"'))


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
    text = as_next_version(onto_copy.read_text(encoding="utf-8")).replace('"trigger"@en', '"short-term trigger"@en')
    onto_copy.write_text(text, encoding="utf-8")
    ontodoc.write_ontology_site(tmp_path / "staging-3", onto_copy, cache_root=cache_root)
    rebuilt = (tmp_path / "staging-3" / "ontology.html").read_text(encoding="utf-8")
    assert "short-term trigger" in rebuilt and "short-term trigger" not in page
    assert len(list((cache_root / "ontology").iterdir())) == 1, "older entries are dropped"


# --- resolvable IRIs: w3id.org rules generated from the project's publishing site -------------------------------

SITE = "https://pages.example.net/r2pkg"


def resolve(rules: str, path: str, accept: str) -> str | None:
    """Where Apache's mod_rewrite sends https://w3id.org/r2pkg/<path> for this Accept header (the subset the rules
    use: RewriteCond on HTTP_ACCEPT with [OR], RewriteRule with $1 and [R=303,L])."""
    import re

    conds: list[tuple[str, bool]] = []
    for line in rules.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] == "RewriteCond":
            conds.append((parts[2], parts[-1] == "[OR]"))
        elif parts[0] == "RewriteRule":
            pattern, target, flags = parts[1], parts[2], parts[3]
            ok, pending_or = True, False
            for i, (cond, is_or) in enumerate(conds):
                hit = re.search(cond, accept) is not None
                ok = (ok or hit) if pending_or else (hit if i == 0 else ok and hit)
                pending_or = is_or
            conds = []
            m = re.search(pattern, path)
            if ok and m:
                assert flags == "[R=303,L]", line
                return target.replace("$1", m.group(1) if m.groups() else "")
    return None


def run_w3id_rules(tmp_path: Path, monkeypatch, publish: str) -> tuple:
    from click.testing import CliRunner

    from graph.cli import cli

    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "r2pkg.toml").write_text(f'[project]\nname = "t"\ndata = ["data"]\n{publish}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["w3id-rules", "-o", str(tmp_path / "w3id" / ".htaccess")])
    rules = tmp_path / "w3id" / ".htaccess"
    return result, rules.read_text(encoding="utf-8") if rules.exists() else None


def test_w3id_rules_send_every_iri_and_format_to_the_published_files(tmp_path, monkeypatch):
    """Generated from [publish] site: each ontology IRI and Accept header lands on a file the build publishes."""
    result, rules = run_w3id_rules(tmp_path, monkeypatch, f'[publish]\nsite = "{SITE}/"\n')
    assert result.exit_code == 0, result.output
    site_files = {str(p.relative_to(tmp_path / "site")) for p in
                  ontodoc.write_ontology_site(tmp_path / "site") if p.is_file()}
    version = Ontology.read(ontology_file()).version()
    released = sorted(recorded_releases(Ontology.read(ontology_file())))
    expected = {("ontology", "text/turtle"): "ontology/latest/r2p.ttl",
                ("ontology/", "application/rdf+xml"): "ontology/latest/r2p.owl",
                ("ontology", "application/ld+json"): "ontology/latest/r2p.jsonld",
                ("ontology", "text/html,application/xhtml+xml"): "ontology.html",
                ("ontology.ttl", "*/*"): "ontology/latest/r2p.ttl",
                ("ontology.html", "*/*"): "ontology.html",
                (f"ontology/{version}", "application/ld+json"): f"ontology/{version}/r2p.jsonld",
                (f"ontology/{version}", "text/html"): f"ontology/{version}/r2p.ttl"}
    expected |= {(f"ontology/{v}", "application/rdf+xml"): f"ontology/{v}/r2p.owl" for v in released}
    for (path, accept), target in expected.items():
        assert resolve(rules, path, accept) == f"{SITE}/{target}", (path, accept)
        assert target in site_files, target
    assert resolve(rules, "resource/claim-p10-01", "text/turtle") is None
    assert "example.org" not in rules and rules.count(SITE) >= 15


@pytest.mark.parametrize("publish, says", [
    ("", "sets no [publish] site"),
    ('[publish]\nsite = "https://w3id.org/r2pkg"\n', "not w3id.org"),
    ('[publish]\nsite = "ftp://files.example.net/r2pkg"\n', "not an http(s) URL")])
def test_w3id_rules_without_a_real_site_are_one_clear_error(tmp_path, monkeypatch, publish, says):
    result, rules = run_w3id_rules(tmp_path, monkeypatch, publish)
    assert result.exit_code != 0 and rules is None
    assert says in result.output and "r2pkg.toml" in result.output and "Traceback" not in result.output
