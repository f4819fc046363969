"""Prevention pathways: what addresses each risk, through what, what it needs first, and who said so.

A pathway reproduces an argument the brief makes. The graph's causal links,
requirements, claims and arguments are read through graph.readmodel,
projected into a networkx graph (``project``), and everything else is
computed from that graph alone (``derive``), then written back as RDF in the
derived layer (``pathway_triples``, ``write_pathways``). docs/PATHWAYS.md
says the same at more length, with examples from the brief.

Definition
----------
*Steps.* A causal link cause -> effect is signed by its relation's
``r2p:polarity``: +1 (increases risk of, enables, strengthens, leads to) or -1
(mitigates, prevents, undermines). Links with the same cause, effect and sign
are one step whose evidence is all their claims. The net sign of a chain is
the product of its signs.

*Risk units.* Every risk factor or trigger (r2p:RiskFactor and subclasses) is
a unit, except that conditions the brief says combine form one *joint
condition*: each r2p:EscalatoryDynamic (the escalatory crisis) together with
the r2p:AtrocityPrecondition nodes (the will, the capacity, the acquiescence)
that feed it by a +1 link. A measure that lowers any member addresses the
joint condition once.

*Measures* are r2p:PreventionMeasure and r2p:Approach nodes (the brief
recommends approaches, such as a mix of top-down and bottom-up approaches).

*Specificity and generic harms.* reach(n) is the number of units from which
a chain of at most max_steps - 1 steps leads to n, every two consecutive
steps of it tied by the text as a route's joins are (see *Grounded in the
text*; a chain stitched from unrelated passages is no argument that the risk
reaches n). An r2p:Harm that at least
three units reach is a *generic end harm* (mass atrocities, mass violence):
no route passes through it, and it is a meeting point only where one claim,
paragraph or support chain ties both halves. Reach is then recounted without
generic nodes, and a meeting point's specificity is 1 / reach (1.0 at the
risk itself).

*Routes.* A route joins a risk half (0 or more steps from a member of the
unit forwards to a meeting point m, net sign s) to a measure half (1 or more
steps from a measure to m, net sign t), at most max_steps steps in all, no
node twice, m never a measure:

- ``direct``: s = +1 and t = -1: the measure lowers the risk factor itself
  (no risk half), or a node the risk raises;
- ``restores``: s = -1 and t = +1 at an r2p:Outcome that is not a harm: the
  risk erodes what the measure builds (resilience, trust, confidence).

*Grounded in the text.* Two consecutive steps are tied when their claims
share a claim, a paragraph, a chain of at most three r2p:Support relations,
a case, or a section (strongest first); a section tie counts only at a node
no other unit reaches (never at a hub such as preventive capacity). A route
is grounded when every join is tied, and its grounding is its weakest tie (a
one-step route: its claim).
Ungrounded routes are no pathway: they go to the report's ``inferred`` list,
only with ``include_inferred``, and are never written as ``r2p:Pathway``.

*Modality.* Links the brief states as r2p:Hypothetical or r2p:Questioned are
left out (``include_hypothetical`` keeps them, and every route using one is
flagged hypothetical); r2p:Possible and r2p:Normative links lower a route's
modality below r2p:Asserted. A link with no modality reads as asserted.

*Contested.* A route is contested when a claim it rests on (its own, one of a
support chain tying it, or one of the support chains it stands in, within
three relations) is the conclusion of an r2p:Attack (the attackers are the
other side; ``inside`` when the route also rests on one) or a position of an
r2p:Issue (named, with its other positions as the other side).

*Entries.* One ``Pathway`` per unit and measure (measures one passage argues
for with the same claims and steps are one entry, the others in ``also``);
its grounded routes are its evidence, best first, and its lead route gives
its form, strength and specificity. A route's *strength* is the weakest
breadth (r2p:rank of the consensus level) of its steps, each step counting
its best claim; a step with no stated breadth counts as the lowest (0).
Routes and entries are ranked by grounding first, then modality, strength,
whether every step rests on the participants (speaker role, a mark of its
own), specificity, length, then IRI.

*Only hypothetically addressed, addressed by an aim, opposite supported,
gaps.* A unit with no grounded entry that a grounded hypothetical or
questioned route addresses is only hypothetically addressed; one that a
grounded route from an aim the brief states (Possible or Normative) for
something other than a measure addresses is addressed by an aim; a risk
factor the curators read as the absence of a measure or outcome
(``r2p:absenceOf``) that the brief supports (a link it states, not as a
hypothetical or a question nor only in the curators' reading, by which the
opposite acts or something builds it) is listed with that support, with no
pathway (a measure does not mitigate its own absence); the rest are gaps,
each with what it lacks, the claims about its members (``r2p:about``) and
the nearest ungrounded pairings. The RDF has no r2p:Pathway starting from a
gap or from a risk whose opposite is supported.

*Requirements.* ``r2p:Requirement`` nodes (dependent needs prerequisite),
with their claims and cases, give every measure's transitive requirements
(its entries' prerequisites), the co-requisite bundles (strongly connected
components of two or more) and an implementation order; see requirements.py.

Every search is bounded (``max_pathways_per_risk`` partial chains per depth,
routes per unit; the report lists units the cap cut off) and everything is
sorted, so the same input gives the same output byte for byte.
"""

from graph.pathways.derive_report import derive, derive_pathways
from graph.pathways.handout import to_markdown
from graph.pathways.model import (
    DIRECT,
    RESTORES,
    Contest,
    Gap,
    JointCondition,
    Pathway,
    PathwayReport,
    Ranking,
    Route,
    Stage,
    Step,
    Tie,
)
from graph.pathways.projection import project
from graph.pathways.report_formats import ROW_COLUMNS, pathway_rows, to_json, to_turtle
from graph.pathways.report_rdf import DERIVED_NS, FORM_CONCEPTS, pathway_triples, write_pathways

__all__ = [
    "DERIVED_NS",
    "DIRECT",
    "FORM_CONCEPTS",
    "RESTORES",
    "ROW_COLUMNS",
    "Contest",
    "Gap",
    "JointCondition",
    "Pathway",
    "PathwayReport",
    "Ranking",
    "Route",
    "Stage",
    "Step",
    "Tie",
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
