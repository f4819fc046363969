"""Validation after a file changed: only the subjects that change can affect are checked again, the findings
of the others are reused, and the findings are exactly those of a whole run."""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib.namespace import SH

from graph.project import read_project
from graph.resources import ontology_file, shapes_file
from graph.shacl_incremental import Rechecked, Record, record_of, shacl_records, state_path
from graph.store import load_graph
from graph.validation import load_shapes, shacl_results, store_axiom_shapes, validate

REPO = Path(__file__).resolve().parent.parent
_BNODE = re.compile(r"_:\w+|\bN?[0-9a-f]{32}\b")


def _canon(term) -> str:
    """Blank nodes have other names in every load: they compare as one."""
    return _BNODE.sub("_:", term.n3()) if term is not None else ""


def keys(records: list[Record]) -> Counter:
    """What a SHACL result says: focus node, path, value, constraint component, message."""
    return Counter((_canon(r.focus), _canon(r.path), _canon(r.value), str(r.component), _BNODE.sub("_:", r.message))
                   for r in records)


def finding_keys(findings) -> Counter:
    return Counter((f.severity, f.check, _BNODE.sub("_:", f.focus), _BNODE.sub("_:", f.message), f.file)
                   for f in findings)


class Project:
    """A project on disk whose SHACL check runs with a findings cache, and whole, to compare."""

    def __init__(self, inputs: list[Path], ontology: list[Path], cache: Path) -> None:
        self.inputs, self.ontology, self.cache = inputs, ontology, cache
        self.shapes_path = shapes_file()
        self.shapes = load_shapes(self.shapes_path)

    def incremental(self) -> tuple[list[Record], Rechecked]:
        kg = load_graph(self.inputs)
        return shacl_records(kg, self.shapes + store_axiom_shapes(kg), self.shapes_path, self.cache,
                             ontology=self.ontology)

    def whole(self) -> tuple[list[Record], Rechecked]:
        kg = load_graph(self.inputs)
        results, ran = shacl_results(kg, self.shapes)
        _, rechecked = shacl_records(kg, self.shapes + store_axiom_shapes(kg), self.shapes_path, None)
        return [record_of(r, ran) for r in results], rechecked

    def check(self) -> tuple[list[Record], Rechecked, Rechecked]:
        """The incremental run's records (asserted equal to a whole run's) and what each run checked."""
        records, rechecked = self.incremental()
        whole, all_checked = self.whole()
        assert keys(records) == keys(whole)
        return records, rechecked, all_checked


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _results_of(records, component, focus_part: str = "") -> list[Record]:
    return [r for r in records if r.component == component and focus_part in str(r.focus)]


# --- the brief's project, split into its files ---------------------------------------------------------------------
@pytest.fixture
def brief(tmp_path) -> tuple[Project, Path]:
    root = tmp_path / "project"
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns("tours"))
    shutil.copytree(REPO / "ontology", root / "ontology", ignore=shutil.ignore_patterns("releases"))
    project = Project([root / "ontology" / "r2p.ttl", root / "data"], [root / "ontology" / "r2p.ttl"],
                      tmp_path / "cache")
    _, first = project.incremental()
    assert not first.incremental and first.reason == "no earlier findings to reuse"
    return project, root


def test_a_new_finding_and_its_fix_recheck_only_what_the_file_can_affect(brief):
    project, root = brief
    claims = root / "data" / "brief-2013" / "claims-part2.ttl"
    original = claims.read_text(encoding="utf-8")
    edit(claims, "    r2p:paragraph 23 ;\n    r2p:documentOrder 2301 ;", "    r2p:documentOrder 2301 ;")
    records, rechecked, whole = project.check()
    assert rechecked.incremental and rechecked.changed_files == [str(claims.resolve())]
    missing = [r for r in _results_of(records, SH.MinCountConstraintComponent, "claim-p23-01")
               if str(r.path).endswith("#paragraph")]
    assert len(missing) == 1
    assert 0 < rechecked.subjects < whole.subjects
    assert "re-checked" in rechecked.line() and "of 1 changed file; findings of the others reused" in rechecked.line()

    claims.write_text(original, encoding="utf-8")  # fixed
    records, rechecked, _ = project.check()
    assert rechecked.incremental and not _results_of(records, SH.MinCountConstraintComponent, "claim-p23-01")


def test_a_type_changed_in_one_file_breaks_sh_class_in_another(brief):
    project, root = brief
    sources = root / "data" / "sources.ttl"
    edit(sources, "r2pr:section-law-and-order a r2p:DocumentSection", "r2pr:section-law-and-order a rdfs:Resource")
    records, rechecked, whole = project.check()
    assert rechecked.incremental and rechecked.changed_files == [str(sources.resolve())]
    # The claims of that section sit in another file: their r2p:section is no longer a section.
    broken = [r for r in _results_of(records, SH.ClassConstraintComponent, "claim-")
              if str(r.path).endswith("#section")]
    assert broken and all("section-law-and-order" in str(r.value) for r in broken)
    assert rechecked.subjects < whole.subjects


def test_a_deleted_file_drops_its_findings_and_breaks_what_pointed_into_it(brief):
    project, root = brief
    concepts = root / "data" / "brief-2013" / "concepts-part2.ttl"
    concepts.unlink()
    records, rechecked, whole = project.check()
    assert rechecked.incremental and rechecked.changed_files == [str(concepts.resolve())]
    assert records, "what pointed at the deleted nodes breaks"
    assert rechecked.subjects < whole.subjects


def test_a_label_renamed_to_another_files_label_is_a_duplicate_as_in_a_whole_run(brief, tmp_path):
    project, root = brief
    config = tmp_path / "project" / "r2pkg.toml"
    config.write_text('[project]\nname = "copy"\nontology = ["ontology/r2p.ttl"]\nshapes = "ontology/shapes.ttl"\n'
                      'data = ["data"]\n', encoding="utf-8")
    p = read_project(config)
    cache = tmp_path / "report-cache"
    validate(load_graph(project=p), None, p.shapes, project=p, findings_cache=cache)
    label = re.search(r'r2pr:claim-p23-01 a r2p:Claim ;\n    rdfs:label "([^"]+)"@en',
                      (root / "data" / "brief-2013" / "claims-part2.ttl").read_text(encoding="utf-8"))
    other = re.search(r'a r2p:Claim ;\n    rdfs:label "([^"]+)"@en',
                      (root / "data" / "brief-2013" / "claims-part1.ttl").read_text(encoding="utf-8"))
    assert label and other
    edit(root / "data" / "brief-2013" / "claims-part2.ttl", f'"{label.group(1)}"@en', f'"{other.group(1)}"@en')
    report = validate(load_graph(project=p), None, p.shapes, project=p, findings_cache=cache)
    whole = validate(load_graph(project=p), None, p.shapes, project=p)
    assert "of 1 changed file" in report.shacl_run
    assert finding_keys(report.findings) == finding_keys(whole.findings)
    assert any(f.check == "duplicate-labels" and "claim-p23-01" in f.focus for f in report.findings)


def test_an_edited_ontology_or_an_unreadable_state_checks_everything(brief):
    project, root = brief
    edit(root / "ontology" / "r2p.ttl", "r2p:Claim a owl:Class", "r2p:Claim a owl:Class ; rdfs:comment \"edited\"")
    records, rechecked, whole = project.check()
    assert not rechecked.incremental and rechecked.reason == "the ontology changed"
    assert rechecked.subjects == whole.subjects

    kg = load_graph(project.inputs)
    state = state_path(project.cache, project.shapes_path, kg.files)
    state.write_text("{ not json", encoding="utf-8")
    records, rechecked, _ = project.check()
    assert not rechecked.incremental and rechecked.reason == "no earlier findings to reuse"
    _, rechecked, _ = project.check()
    assert rechecked.incremental and rechecked.changed_files == []


# --- a small synthetic corpus: one file per brief, one of shared nodes -----------------------------------------------
@pytest.fixture
def corpus(tmp_path) -> tuple[Project, Path]:
    sys.path.insert(0, str(REPO / "scripts"))
    import synthetic_corpus

    folder = tmp_path / "corpus"
    synthetic_corpus.write_files(synthetic_corpus.generate(3), folder)
    project = Project([ontology_file(), folder], [ontology_file()], tmp_path / "cache")
    project.incremental()
    return project, folder


def test_corpus_edits_give_a_whole_runs_findings_checking_less(corpus):
    project, folder = corpus
    brief = folder / "brief-0001.ttl"
    # A claim of one brief loses its statement: a finding of its own.
    claim = "<https://w3id.org/r2pkg/resource/claim-p23-01-b1>"
    statement = next(line for line in brief.read_text(encoding="utf-8").splitlines()
                     if line.startswith(f"{claim} <https://w3id.org/r2pkg/ontology#statement>"))
    edit(brief, statement + "\n", "")
    records, rechecked, whole = project.check()
    assert rechecked.incremental and rechecked.changed_files == [str(brief.resolve())]
    assert _results_of(records, SH.MinCountConstraintComponent, "claim-p23-01-b1")
    assert rechecked.subjects < whole.subjects * 0.6  # one brief of three, and what reaches into it

    # A shared node loses its type: the causal links of every brief that name it break (sh:class elsewhere).
    shared = folder / "shared.ttl"
    typed = next(line for line in shared.read_text(encoding="utf-8").splitlines()
                 if line.startswith("<https://w3id.org/r2pkg/resource/conflict> "
                                    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"))
    edit(shared, typed + "\n", "")
    records, rechecked, whole = project.check()
    assert rechecked.incremental and rechecked.changed_files == [str(shared.resolve())]
    links = {str(r.focus) for r in _results_of(records, SH.ClassConstraintComponent, "link-")}
    assert {link[-3:] for link in links} == {"-b0", "-b1", "-b2"}
    assert rechecked.subjects < whole.subjects


# --- the command ---------------------------------------------------------------------------------------------------
def test_validate_says_what_it_rechecked_and_full_checks_everything(brief, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from graph.cli import cli

    _, root = brief
    (root / "r2pkg.toml").write_text('[project]\nname = "copy"\nontology = ["ontology/r2p.ttl"]\n'
                                     'shapes = "ontology/shapes.ttl"\ndata = ["data"]\n', encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("R2PKG_CACHE_DIR", str(tmp_path / "cli-cache"))
    runner = CliRunner()
    first = runner.invoke(cli, ["validate"])
    assert "SHACL: checked all " in first.output and "(no earlier findings to reuse)" in first.output
    edit(root / "data" / "brief-2013" / "claims-part2.ttl", "    r2p:paragraph 23 ;\n    r2p:documentOrder 2301 ;",
         "    r2p:documentOrder 2301 ;")
    second = runner.invoke(cli, ["validate"])
    assert second.exit_code == 1 and "claim-p23-01" in second.output
    assert re.search(r"SHACL: re-checked [\d,]+ subjects of 1 changed file; findings of the others reused",
                     second.output)
    assert second.output.strip().splitlines()[-1].startswith("FAILED")
    full = runner.invoke(cli, ["validate", "--full"])
    assert "SHACL:" not in full.output
    assert [x for x in full.output.splitlines() if x.startswith("  ")] == \
        [x for x in second.output.splitlines() if x.startswith("  ")]
    with (root / "ontology" / "shapes.ttl").open("a", encoding="utf-8") as shapes:
        shapes.write("\n# edited\n")
    edited = runner.invoke(cli, ["validate"])
    assert "SHACL: checked all " in edited.output and "(the shapes file or the code changed)" in edited.output
