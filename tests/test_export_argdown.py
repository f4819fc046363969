"""The Argdown export parsed by Argdown's own parser (@argdown/cli, pinned in package-lock.json and
installed by scripts/setup-test-env.sh with `npm ci`):
no syntax error, one statement per claim with its IRI, quotes, speaker and breadth, every support and
attack, one section per section of the brief; `argdown map` draws it."""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from graph.exporting import export_graph

ARGDOWN = Path(__file__).resolve().parent.parent / "node_modules" / ".bin" / "argdown"


def argdown() -> str:
    assert ARGDOWN.exists(), "the Argdown CLI is missing: npm ci (scripts/setup-test-env.sh does it)"
    return str(ARGDOWN)


def rows(kg, sparql):
    res = kg.query(sparql)
    names = [v.value for v in res.variables]
    return [{k: r[k].value for k in names} for r in res]


@pytest.fixture(scope="module")
def parsed(repo_graph, tmp_path_factory):
    folder = tmp_path_factory.mktemp("argdown")
    (folder / "brief.argdown").write_text(export_graph(repo_graph, "argdown"), encoding="utf-8")
    done = subprocess.run([argdown(), "json", "brief.argdown", "out"], cwd=folder, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and "Invalid Argdown syntax" not in done.stdout + done.stderr, done.stdout
    return folder, json.loads((folder / "out" / "brief.json").read_text(encoding="utf-8"))


def test_argdown_parses_one_statement_per_claim_with_its_iri_quotes_and_tags(repo_graph, parsed):
    _, data = parsed
    claims: dict[str, dict] = defaultdict(lambda: {"quotes": set()})
    for r in rows(repo_graph, """SELECT ?c ?quote ?role ?level WHERE { ?c a r2p:Claim ; r2p:speakerRole ?role ;
            r2p:consensus ?level ; r2p:hasQuote/oa:hasSelector/oa:exact ?quote }"""):
        claims[r["c"]]["quotes"].add(r["quote"])
        claims[r["c"]].update(role=r["role"], level=r["level"])
    labels = {r["x"]: r["l"] for r in rows(repo_graph, "SELECT ?x ?l WHERE { ?x rdfs:label ?l }")}
    statements = data["statements"]
    assert len(statements) == len(claims)
    by_iri = {s["data"]["iri"]: s for s in statements.values()}
    assert set(by_iri) == set(claims)
    for iri, want in claims.items():
        s = by_iri[iri]
        assert set(s["data"]["quote"]) == want["quotes"]
        assert f"speaker: {labels[want['role']]}" in s["tags"]
        breadth = "not stated" if want["level"].endswith("#BreadthNotStated") else labels[want["level"]]
        assert f"breadth: {breadth}" in s["tags"]
    used = {r["s"] for r in rows(repo_graph, "SELECT DISTINCT ?s WHERE { ?c a r2p:Claim ; r2p:section ?s }")}
    assert len(data["sections"]) == len(used)


def test_argdown_has_every_support_and_attack(repo_graph, parsed):
    _, data = parsed
    slug = {s["data"]["iri"]: title for title, s in data["statements"].items()}
    want = {(r["kind"].rsplit("#", 1)[-1].lower(), slug[r["premise"]], slug[r["conclusion"]])
            for r in rows(repo_graph, """SELECT ?kind ?premise ?conclusion WHERE {
                VALUES ?kind { r2p:Support r2p:Attack }
                ?rel a ?kind ; r2p:premise ?premise ; r2p:conclusion ?conclusion }""")}
    got = [(r["relationType"], r["from"], r["to"]) for r in data["relations"]]
    assert len(got) == len(want) and set(got) == want


def test_a_relation_the_text_does_not_state_is_marked_the_curators_reading(repo_graph, parsed):
    folder, data = parsed
    slug = {s["data"]["iri"]: title for title, s in data["statements"].items()}
    want = {(slug[r["premise"]], slug[r["conclusion"]]) for r in rows(repo_graph, """SELECT ?premise ?conclusion
        WHERE { ?rel a r2p:ArgumentRelation ; r2p:inferredByCurators true ; r2p:premise ?premise ;
                r2p:conclusion ?conclusion }""")}
    got, under = set(), ""
    for line in (folder / "brief.argdown").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            under = line[1:line.index("]")]
        elif line.endswith("// the curators' reading"):
            got.add((line.split("[", 1)[1].split("]", 1)[0], under))
    assert want and got == want


def test_a_claim_reporting_another_s_view_says_whose(repo_graph, parsed):
    """Para 14: "Participants observed that international actors see building resilience as a preconflict task":
    the statement is the participants', the view the international actors'; the attacks on it dispute the view."""
    _, data = parsed
    labels = {r["x"]: r["l"] for r in rows(repo_graph, "SELECT ?x ?l WHERE { ?x rdfs:label ?l }")}
    want: dict[str, set] = defaultdict(set)
    for r in rows(repo_graph, "SELECT ?c ?v WHERE { ?c a r2p:Claim ; r2p:reportsViewOf ?v }"):
        want[r["c"]].add(f"view of: {labels[r['v']]}")
    by_iri = {s["data"]["iri"]: s for s in data["statements"].values()}
    assert want and all(want[i] <= set(by_iri[i]["tags"]) for i in want)
    assert not [i for i, s in by_iri.items() if i not in want and any(t.startswith("view of") for t in s["tags"])]
    assert "view of: international community" in by_iri["https://w3id.org/r2pkg/resource/claim-p14-03"]["tags"]


def test_argdown_map_draws_the_argument_map(parsed):
    folder, data = parsed
    done = subprocess.run([argdown(), "map", "brief.argdown", "map", "-f", "svg"], cwd=folder, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    svg = (folder / "map" / "brief.svg").read_text(encoding="utf-8")
    # The map draws every statement that has a relation (its default selection) and every relation.
    related = {r["from"] for r in data["relations"]} | {r["to"] for r in data["relations"]}
    assert svg.count('class="node"') == len(related) and svg.count('class="edge"') == len(data["relations"])
