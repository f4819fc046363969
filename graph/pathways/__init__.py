"""Prevention pathways: what addresses each risk factor, what each measure needs first.

The causal layer (n-ary ``r2p:CausalLink`` nodes) is projected into a networkx
MultiDiGraph (``project``); everything else is computed from that graph alone
(``derive``), so the derivation can be benchmarked without RDF, and written
back as RDF in the derived layer (``pathway_triples``, ``write_pathways``).

Definitions (what the numbers mean)
-----------------------------------
Every causal link is an edge cause -> effect keyed by the link's IRI. Its
relation type carries ``r2p:polarity``: +1 (increases risk of, enables,
strengthens, leads to: the cause raises or advances the effect), -1
(mitigates, prevents, undermines: the cause lowers or blocks it) and 0
(requires: a dependency, not an effect). Links whose relation has no polarity
are left out of the projection (and counted in ``graph["unsigned_links"]``).

*Addresses.* Read a chain of signed links as a chain of effects: the net
effect of the chain on its last node is the product of the polarities. A
chain ``m -> n1 -> ... -> r`` addresses ``r`` when its net effect is -1, i.e.
when an odd number of its links lower their target. So a measure addresses a
risk factor when it mitigates/prevents/undermines it (one step, -1); when it
strengthens an outcome that mitigates the risk (+1 * -1); when it mitigates
something that increases the risk (-1 * +1); or when it prevents something
that undermines something that mitigates the risk (-1 * -1 * -1).

*Raises.* Dually, a chain ``r -> n1 -> ... -> c`` *raises* ``c`` when its net
effect is +1 (an even number of lowering links): ``c`` is then a
*consequence* of ``r``. So group grievance raises mass atrocities when it
increases the risk of them (+1), leads to a crisis that leads to them (+1 * +1),
or undermines social trust that mitigates them (-1 * -1).

*Pathway.* For every node typed ``r2p:RiskFactor`` or a subclass (structural
risk factors, triggers, preconditions, escalatory dynamics), pathways come in
two forms, recorded as ``Pathway.form``:

- ``direct``: a simple chain (no node twice) of 1..max_steps signed links
  that ends at the risk factor, starts at a ``r2p:PreventionMeasure`` and
  addresses the risk factor.
- ``consequence`` (*counters a consequence*): the brief often says that a
  risk factor drives a harm and that a measure mitigates the harm, with no
  link from the measure to the risk factor. Such a pathway joins two chains
  at a node ``c`` other than the risk factor (``Pathway.consequence``): a
  chain of 1 or more links by which the risk factor raises ``c`` (net +1), and
  a chain of 1 or more links from a measure that addresses ``c`` (net -1,
  exactly as above). Together they have at most max_steps links, and no node
  occurs twice in the whole pathway, so a measure whose chain to ``c`` runs
  through the risk factor (a direct pathway, extended) never counts.

Intermediate nodes may be of any kind (outcomes, other risk factors, other
measures). Requires links never form steps. Each search runs breadth first
from the risk factor, shortest chains first; at most ``max_pathways_per_risk``
pathways of each form are kept per risk factor (the report lists the risk
factors where that cap cut a search off), so work per risk factor stays
bounded. The report lists, per risk factor, its direct pathways first
(strongest, then shortest, then by measure) and then its consequence pathways
(shortest, then by IRI); the cap keeps the consequence pathways that come
first in that order among those the bounded search saw.

Steps are numbered in walking order, 1..n: step 1 leaves the measure; in a
direct pathway the last step reaches the risk factor. In a consequence
pathway the steps first run from the measure to ``c``, then follow the links
by which the risk factor raises ``c`` back from ``c`` to the risk factor: each
step keeps its link's own direction (``source`` is the cause, ``target`` the
effect), so those steps point against the walking order and the last one
leaves the risk factor. ``Pathway.nodes`` lists the nodes in walking order,
the measure first and the risk factor last. In RDF the form is
``r2p:pathwayForm`` (r2p:DirectPathway or r2p:ConsequencePathway) and the
consequence is ``r2p:viaConsequence``. A step cites the claims asserting its link
(``r2p:assertedBy``). Its rank is the highest ``r2p:rank`` of the consensus
levels of those claims (a link is as well supported as its best claim; 0 when
no claim is ranked); a pathway's *strength* is the lowest step rank (its
weakest link). A step is *contested* when one of its claims is the
``r2p:conclusion`` of an ``r2p:Attack``; a pathway is contested when any step is.

*Requirements.* ``requires`` links (polarity 0) form a dependency graph: ``a
requires b`` means b must be in place for a. A node's requirements are its
descendants there (transitive); a pathway's ``prerequisites`` are the
requirements of its measure. *Co-requisite bundles* are the strongly connected
components with two or more members (they must advance together). The
*implementation order* numbers the components of the condensation so that
every component comes after all it requires; ties go to the component whose
smallest member IRI sorts first.

*Keystones.* For each measure: how many pathways of either form pass through
it (as the pathway's measure or on the way) and its betweenness centrality in
the signed causal graph (exact up to ``betweenness_samples`` nodes, sampled with a fixed
seed above that, so the result stays deterministic and linear in edges).

Everything is sorted, so the same input gives the same output byte for byte.
"""

from graph.pathways.derivation import derive, derive_pathways
from graph.pathways.model import CONSEQUENCE, DIRECT, ClaimInfo, Pathway, PathwayReport, Ranking, Stage, Step
from graph.pathways.projection import project
from graph.pathways.rdf import DERIVED_NS, FORM_CONCEPTS, pathway_triples, write_pathways
from graph.pathways.render import pathway_rows, to_json, to_markdown, to_turtle

__all__ = [
    "CONSEQUENCE",
    "DERIVED_NS",
    "DIRECT",
    "FORM_CONCEPTS",
    "ClaimInfo",
    "Pathway",
    "PathwayReport",
    "Ranking",
    "Stage",
    "Step",
    "derive",
    "derive_pathways",
    "pathway_rows",
    "pathway_triples",
    "project",
    "to_json",
    "to_markdown",
    "to_turtle",
    "write_pathways",
]
