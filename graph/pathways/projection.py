"""Project the causal layer of a loaded graph into a typed, signed networkx MultiDiGraph.

Three bulk SPARQL queries (links, nodes, claims), never one per node, so the
projection costs the same few round trips whatever the size of the graph.
The graph is the only input of the derivation: its schema is documented here
so that benchmarks and tests can build it directly.

Nodes: IRI strings, attributes ``label`` (str) and ``kinds`` (frozenset of
model.RISK / MEASURE / HARM / OUTCOME). Edges: cause -> effect, key = the
causal link's IRI, attributes ``relation`` (IRI), ``relation_label``,
``polarity`` (+1, -1 or 0), ``claims`` (sorted claim IRIs), ``rank`` (best
consensus rank among the claims, 0 when none), ``contested`` (a claim is
attacked), ``cases`` (sorted case IRIs). Graph attributes: ``claims`` (IRI ->
ClaimInfo) and ``unsigned_links`` (links left out for want of a polarity).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import networkx as nx

from graph.pathways.model import HARM, MEASURE, OUTCOME, RISK, ClaimInfo
from graph.terms import literal_int

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

LINKS_QUERY = """
SELECT ?link ?cause ?effect ?relation ?relationLabel ?polarity ?claim ?case WHERE {
  ?link a r2p:CausalLink ; r2p:cause ?cause ; r2p:effect ?effect ; r2p:relation ?relation .
  OPTIONAL { ?relation r2p:polarity ?polarity }
  OPTIONAL { ?relation rdfs:label ?relationLabel }
  OPTIONAL { ?link r2p:assertedBy ?claim }
  OPTIONAL { ?link r2p:caseExample ?case }
}
"""

# Every node a link touches, plus every risk factor and measure (so unreached ones are reported too).
NODES_QUERY = """
SELECT ?node ?label ?kind WHERE {
  { SELECT DISTINCT ?node WHERE {
      { ?l a r2p:CausalLink ; r2p:cause ?node } UNION { ?l a r2p:CausalLink ; r2p:effect ?node }
      UNION { ?node a/rdfs:subClassOf* r2p:RiskFactor }
      UNION { ?node a/rdfs:subClassOf* r2p:PreventionMeasure } } }
  OPTIONAL { ?node rdfs:label ?label }
  OPTIONAL {
    VALUES ?kind { r2p:RiskFactor r2p:PreventionMeasure r2p:Harm r2p:Outcome }
    ?node a/rdfs:subClassOf* ?kind }
}
"""

CLAIMS_QUERY = """
SELECT ?claim ?label ?statement ?exact ?agent ?agentLabel ?consensusLabel ?rank ?paragraph ?attacker WHERE {
  { SELECT DISTINCT ?claim WHERE {
      { ?link a r2p:CausalLink ; r2p:assertedBy ?claim }
      UNION { ?link a r2p:CausalLink ; r2p:assertedBy ?asserting .
              ?against a r2p:Attack ; r2p:conclusion ?asserting ; r2p:premise ?claim } } }
  OPTIONAL { ?claim rdfs:label ?label }
  OPTIONAL { ?claim r2p:statement ?statement }
  OPTIONAL { ?claim r2p:hasQuote/oa:hasSelector/oa:exact ?exact }
  OPTIONAL { ?claim prov:wasAttributedTo ?agent OPTIONAL { ?agent rdfs:label ?agentLabel } }
  OPTIONAL { ?claim r2p:consensus ?consensus
             OPTIONAL { ?consensus rdfs:label ?consensusLabel }
             OPTIONAL { ?consensus r2p:rank ?rank } }
  OPTIONAL { ?claim r2p:paragraph ?paragraph }
  OPTIONAL { ?attack a r2p:Attack ; r2p:conclusion ?claim ; r2p:premise ?attacker }
}
"""

_LINK_FIELDS = ("ends", "relation", "label", "polarity", "claims", "cases")
_KINDS = {
    "https://w3id.org/r2pkg/ontology#RiskFactor": RISK,
    "https://w3id.org/r2pkg/ontology#PreventionMeasure": MEASURE,
    "https://w3id.org/r2pkg/ontology#Harm": HARM,
    "https://w3id.org/r2pkg/ontology#Outcome": OUTCOME,
}




def _claims(kg: KnowledgeGraph) -> dict[str, ClaimInfo]:
    acc: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for row in kg.select(CLAIMS_QUERY):
        a = acc[str(row["claim"])]
        for key in ("label", "statement", "exact", "consensusLabel", "attacker"):
            if row[key] is not None:
                a[key].add(str(row[key]))
        if row["agent"] is not None:
            a["agents"].add(str(row["agentLabel"] or row["agent"]))
        for key in ("rank", "paragraph"):
            if (value := literal_int(row[key])) is not None:
                a[key].add(value)
    return {
        iri: ClaimInfo(
            iri=iri,
            label=min(a["label"], default=""),
            statement=min(a["statement"], default=""),
            quotes=tuple(sorted(a["exact"])),
            agents=tuple(sorted(a["agents"])),
            consensus=min(a["consensusLabel"], default=""),
            rank=max(a["rank"], default=0),
            paragraph=min(a["paragraph"], default=None),
            attacked_by=tuple(sorted(a["attacker"])),
        )
        for iri, a in sorted(acc.items())
    }


def project(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """The causal layer as a MultiDiGraph with typed, signed edges keyed by causal-link IRI."""
    claims = _claims(kg)
    labels: dict[str, str] = {}
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in kg.select(NODES_QUERY):
        node = str(row["node"])
        kinds[node]  # noqa: B018 - every node gets an entry, kinds or not
        if row["label"] is not None:
            label = str(row["label"])
            labels[node] = min(label, labels.get(node, label))
        if row["kind"] is not None:
            kinds[node].add(_KINDS[str(row["kind"])])

    links: dict[str, dict] = {}
    for row in kg.select(LINKS_QUERY):
        link = links.setdefault(str(row["link"]), {k: set() for k in _LINK_FIELDS})
        link["ends"].add((str(row["cause"]), str(row["effect"])))
        link["relation"].add(str(row["relation"]))
        if row["relationLabel"] is not None:
            link["label"].add(str(row["relationLabel"]))
        if (p := literal_int(row["polarity"])) is not None:
            link["polarity"].add(p)
        if row["claim"] is not None:
            link["claims"].add(str(row["claim"]))
        if row["case"] is not None:
            link["cases"].add(str(row["case"]))

    g = nx.MultiDiGraph(claims=claims, unsigned_links=0)
    for node in sorted(kinds):
        g.add_node(node, label=labels.get(node, ""), kinds=frozenset(kinds[node]))
    for iri, link in sorted(links.items()):
        # A malformed link (two relations, two polarities) is skipped rather than guessed at;
        # SHACL validation reports it.
        if len(link["polarity"]) != 1 or len(link["relation"]) != 1 or len(link["ends"]) != 1:
            g.graph["unsigned_links"] += 1
            continue
        (cause, effect), relation = next(iter(link["ends"])), next(iter(link["relation"]))
        link_claims = tuple(sorted(link["claims"]))
        g.add_edge(
            cause,
            effect,
            key=iri,
            relation=relation,
            relation_label=min(link["label"], default=relation.rsplit("#", 1)[-1]),
            polarity=next(iter(link["polarity"])),
            claims=link_claims,
            rank=max((claims[c].rank for c in link_claims if c in claims), default=0),
            contested=any(claims[c].contested for c in link_claims if c in claims),
            cases=tuple(sorted(link["cases"])),
        )
    return g
