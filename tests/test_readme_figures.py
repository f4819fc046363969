"""The README's account of the brief as data gives the graph's own figures: each number is counted here from the
graph, so an edit of the data that changes one cannot leave the README saying something else."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

README = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())


def said(pattern: str) -> tuple[int, ...]:
    m = re.search(pattern, README)
    assert m, f"the README no longer says: {pattern}"
    return tuple(int(g) for g in m.groups())


@pytest.fixture(scope="module")
def count(repo_graph):
    def run(where: str) -> int:
        return int(repo_graph.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")[0]["n"])

    return run


def test_the_readme_counts_the_brief_as_the_graph_does(count):
    claims, quotes, supports, attacks, tied = said(
        r"(\d+) claims with (\d+) verbatim quotes, (\d+) supports and (\d+) attacks \(the (\d+) that join two")
    assert claims == count("?x a r2p:Claim")
    assert quotes == count("?c a r2p:Claim ; r2p:hasQuote ?x")
    assert supports == count("?x a r2p:Support") and attacks == count("?x a r2p:Attack")
    assert tied == count("?x a ?k ; r2p:hasQuote ?q FILTER(?k IN (r2p:Support, r2p:Attack))")
    assert said(r"(\d+) issues with competing positions") == (count("?x a r2p:Issue"),)
    links, requirements, nodes = said(r"(\d+) causal links, (\d+) requirements and (\d+) domain nodes")
    assert links == count("?x a r2p:CausalLink") and requirements == count("?x a r2p:Requirement")
    assert nodes == count("?x a/rdfs:subClassOf* r2p:DomainEntity")


def test_the_readme_gives_breadth_speakers_and_modality_as_counted(count):
    def claims(prop: str, value: str) -> int:
        return count(f"?x a r2p:Claim ; r2p:{prop} r2p:{value}")

    levels = ("ExplicitConsensus", "ParticipantsAgreed", "Participants", "MultipleParticipants", "SomeParticipants",
              "OneParticipant", "BreadthNotStated")
    assert said(r"explicit consensus (\d+), participants agreed (\d+), participants (\d+), multiple participants "
                r"(\d+), some participants (\d+), one participant (\d+); (\d+) claims where the brief gives no"
                ) == tuple(claims("consensus", level) for level in levels)
    assert said(r"the participants \((\d+) claims\), the rapporteur's own framing \((\d+)\), a commissioned brief's "
                r"author \((\d+)\)") == tuple(
        claims("speakerRole", role) for role in ("ParticipantRole", "RapporteurRole", "CommissionedAuthorRole"))

    def both(modality: str) -> tuple[int, int]:
        return (count(f"?x a r2p:CausalLink ; r2p:modality r2p:{modality}"),
                count(f"?x a r2p:Requirement ; r2p:modality r2p:{modality}"))

    stated = said(r"as the brief states it: asserted (\d+) \+ (\d+), possible \([^)]*\) (\d+) \+ (\d+), "
                  r"hypothetical (\d+), normative \([^)]*\) (\d+) \+ (\d+), questioned (\d+)")
    assert stated == (*both("Asserted"), *both("Possible"), both("Hypothetical")[0], *both("Normative"),
                      both("Questioned")[0])
    assert both("Hypothetical")[1] == both("Questioned")[1] == 0  # the README gives no requirement of either


def test_the_readme_gives_the_pathways_as_derived(repo_graph):
    from graph.pathways import derive_pathways

    report = derive_pathways(repo_graph, 4, cite=False)
    found = report.pathways
    total, direct, restores, contested = said(
        r"On the brief \(defaults, `max_steps` 4\): (\d+) pathways \((\d+) direct, (\d+) restores; .*?\), "
        r"(\d+) of them contested")
    assert (total, direct, restores, contested) == (
        len(found), sum(p.form == "direct" for p in found), sum(p.form == "restores" for p in found),
        sum(bool(p.contested) for p in found))
    assert said(r"1 addressed by an aim, (\d+)\s+whose\s+opposite\s+it\s+supports, (\d+) gaps") == (
        len(report.supported_opposites), len(report.gaps))
