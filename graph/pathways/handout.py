"""The pathway report as a handout a trainer prints: Markdown here, the same blocks as HTML in handout_page.py.

It follows the brief's order: its frame first (the will, the capacity and the
acquiescence, combined in an escalatory crisis), then the sections in the
order of the text, each risk under the section whose paragraph argues its
measures. Every entry is told one sentence per step of its argument, each
with a verbatim quote of a claim that states that step (who, how widely, the
paragraph); a quote is printed at most twice, later uses point back to it.
Then: risks only a hypothetical or a question addresses, risks whose opposite
the text supports (what the curators read each as the absence of), the gaps
(each with what it lacks and the nearest the text comes), and what measures need
first.

Each step's sentence keeps its link's hedge, in words a trainer reads aloud
(see ``say``): plain when the text asserts it, "can" when it states a
possibility ("is meant to" for an aim), "should ... (a recommendation)",
"could ... (hypothetical)", "the text asks whether ..." for a question ("the
text asks how ... might" for a question of how); a
curators' reading is marked "(curators' reading)". What the curators read into
the text is labelled as theirs; a contested entry names the disputed question,
with its quote attributed like every other (who, how widely, the paragraph),
and gives the other side's quote; the route's modality is also named as the
ontology names it; measures that must advance together are said to, in the
brief's words, never "needs first" both ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from graph.link_sentence import VOICES, cap, is_aim, is_concern, is_how, is_plural, say, verb
from graph.pathways.model import Contest, Gap, Pathway, PathwayReport, Route, Step, SupportedOpposite
from graph.pathways.report_rdf import route_modality
from graph.readmodel import (
    ASSERTED,
    CURATORS,
    POSSIBLE,
    QUESTIONED,
    Claim,
    Issue,
    Requirement,
    modality_level,
)

MAX_PRINTS = 2  # no quote is printed more than this many times
FRAME_TITLE = "The frame: when mass atrocities occur"
GROUNDING_WORDS = {
    "claim": "one claim states it",
    "paragraph": "one paragraph ties its steps",
    "support": "a chain of support ties its steps",
    "case": "one case ties its steps",
    "section": "one section ties its steps, at a node specific to this risk",
}
CURATORS_GROUNDING_WORDS = {"claim": "the curators read it from one claim"}
ADDRESS_WORDS = {"measure": "measure", "aim": "aim", "hypothetical": "hypothetical", "question": "question"}
NEAREST_WORDS = {"measure": "asserted or recommended", "aim": "a possibility or an aim",
                 "hypothetical": "a hypothetical", "question": "a question the text asks"}


def listing(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"; with semicolons when an item has a comma of its own."""
    if len(items) == 1:
        return items[0]
    if any("," in x for x in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


_STOP = {"the", "and", "of", "to", "in", "on", "for", "a", "an", "with", "by", "its", "from", "into", "between"}


def _stems(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2}


def _acronyms(text: str) -> set[str]:
    """Initials of every run of three content words ("security sector reform" -> "ssr")."""
    words = [w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP]
    return {"".join(w[0] for w in words[i:i + 3]) for i in range(len(words) - 2)}


def overlap(sentence: str, quote: str) -> int:
    """How many content words (by their first six letters) or acronyms a quote shares with a sentence."""
    said = {w.lower() for w in re.findall(r"\b[A-Z]{2,5}\b", quote)}
    return len(_stems(sentence) & _stems(quote)) + len(_acronyms(sentence) & said)


# --- the handout as blocks -----------------------------------------------------------------------------------------
@dataclass
class Cite:
    """A verbatim quote and who said it; ``back`` when it was printed twice already (the line points back)."""

    quote: str
    who: str
    paragraph: int | None = None
    back: bool = False
    document: str = ""  # the short title of the quote's document, when the report cites more than one

    def where(self) -> str:
        """", ¶12" or ", Short title ¶12" (the document named only in a report of several documents)."""
        at = " ".join(x for x in (self.document, f"¶{self.paragraph}" if self.paragraph is not None else "") if x)
        return f", {at}" if at else ""


@dataclass
class Line:
    """A sentence of ours (``label`` names what kind: "Contested", "Advances together with"...), and the quote
    that states it."""

    text: str
    cite: Cite | None = None
    label: str = ""
    claims: tuple[str, ...] = ()  # for a step's sentence: the claims of the step's links (the quote is one's)


@dataclass
class Entry:
    title: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class Group:
    title: str
    note: str = ""
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Part:
    title: str
    intro: str = ""
    groups: list[Group] = field(default_factory=list)


@dataclass
class Handout:
    title: str
    intro: list[str]
    parts: list[Part]


class _Quotes:
    """Chooses the quote for each sentence and counts how often each is printed."""

    def __init__(self, report: PathwayReport) -> None:
        self.report = report
        self.printed: dict[str, int] = {}
        documents = {report.document(c) for c in report.claims.values()}
        self.many_documents = len(documents - {""}) > 1

    def _order(self, c: Claim) -> tuple:
        return (-self.report.rank(c), not c.speaker_role.endswith("ParticipantRole"), _is_title(c.quotes[0].exact),
                c.paragraph if c.paragraph is not None else 10**6, c.iri)

    def _cite(self, c: Claim, quote: str, back: bool = False) -> Cite:
        document = self.report.document(c) if self.many_documents else ""
        return Cite(quote, who(self.report, c), c.paragraph, back=back, document=document)

    def cite(self, claims: tuple[str, ...] | list[str], sentence: str = "") -> Cite | None:
        """The quote for a sentence among the claims that state it: the one sharing most words with the
        sentence, then the least printed, then the widest held; a back-reference once all were printed twice."""
        known = sorted((self.report.claims[c] for c in claims if c in self.report.claims
                        and self.report.claims[c].quotes), key=self._order)
        options = [(c, q.exact) for c in known for q in c.quotes]
        if not options:
            return None
        options.sort(key=lambda cq: (-overlap(sentence, cq[1]), self.printed.get(cq[1], 0) > 0))
        fresh = [(c, q) for c, q in options if self.printed.get(q, 0) < MAX_PRINTS]
        c, q = fresh[0] if fresh else options[0]
        if not fresh:
            return self._cite(c, q, back=True)
        self.printed[q] = self.printed.get(q, 0) + 1
        return self._cite(c, q)

    def text(self, quote: str, who_: str, paragraph: int | None, document: str = "") -> Cite:
        document = document if self.many_documents else ""
        if self.printed.get(quote, 0) >= MAX_PRINTS:
            return Cite(quote, who_, paragraph, back=True, document=document)
        self.printed[quote] = self.printed.get(quote, 0) + 1
        return Cite(quote, who_, paragraph, document=document)

    def issue(self, info: Issue) -> Cite | None:
        """The issue's quote, attributed as a claim's is: who (prov:wasAttributedTo), how widely, the paragraph."""
        if not info.quotes:
            return None
        section = self.report.sections.get(info.section)
        doc = section.document if section is not None and section.document else \
            min((q.source for q in info.quotes if q.source), default="")
        return self.text(info.quotes[0].exact, issue_who(self.report, info), info.paragraph,
                         self.report.name(doc) if doc else "")


def _is_title(quote: str) -> bool:
    return quote.startswith("*") and quote.endswith("*")  # a paper's title, italic in the source


def who(report: PathwayReport, c: Claim) -> str:
    agents = report.agents(c)
    how = report.consensus(c) if c.breadth is not None else \
        f"{report.speaker(c).lower() or 'speaker'}; breadth not stated"
    if any("curators" in a.lower() for a in agents):
        how += "; the curators' reading"
    return f"{', '.join(agents) or 'unattributed'} ({how})"


def issue_who(report: PathwayReport, info: Issue) -> str:
    """Who reports an issue and how widely, as ``who`` says it of a claim: "Roundtable participants
    (participants)"; "the text" when the report carries no attribution for it. An issue the curators read
    off the text quotes the text's words, never theirs: "the text (...; the disagreement is the curators'
    reading)"."""
    agents = sorted(report.name(a) for a in info.agents)
    how = (report.name(info.consensus) if info.consensus else "") or "breadth not stated"
    if CURATORS in info.agents or any("curators" in a.lower() for a in agents):
        return f"the text ({how}; the disagreement is the curators' reading)"
    return f"{', '.join(agents) or 'the text'} ({how})"


class _Writer:
    def __init__(self, report: PathwayReport) -> None:
        self.r = report
        self.quotes = _Quotes(report)
        self.bundle_of = {m: b for b in report.bundles for m in b.members}

    def label(self, iri: str) -> str:
        return self.r.label(iri)

    def voice(self, steps: list[Step]) -> tuple[str, bool, bool, bool, bool]:
        """(modality, aim, concern, how, curators) a step's sentence is said in. Of parallel links, the firmest
        the text states; of several measures' first steps told in one sentence, the least firm (no hedge is
        lost: a question of how only when every link asked about is one)."""
        voices = []
        for s in steps:
            firmest = [m for m in s.modalities if modality_level(m) == s.modality] or [ASSERTED]
            modality = min(firmest, key=lambda m: (VOICES.index(m) if m in VOICES else -1, m))
            labels = [self.r.labels.get(link, "") for link in s.links]
            voices.append((modality, modality == POSSIBLE and any(map(is_aim, labels)),
                           modality == QUESTIONED and any(map(is_concern, labels)),
                           modality == QUESTIONED and bool(labels) and all(map(is_how, labels))))
        modality = max(voices, key=lambda v: (modality_level(v[0]), VOICES.index(v[0]) if v[0] in VOICES
                                              else -1, v[0]))[0]
        aim, concern, how = (all(v[i] for v in voices if v[0] == modality) for i in (1, 2, 3))
        return modality, aim, concern, how, any(s.curators for s in steps)

    def step_line(self, s: Step, subjects: list[str] | None = None, firsts: list[Step] | None = None,
                  choose_by: str = "") -> Line:
        """One step's sentence and quote; ``subjects`` (with ``firsts``, their own first steps) when several
        measures share the step; ``choose_by``: the words to choose the quote by, if not the whole sentence."""
        labels = [self.label(x) for x in subjects or [s.source]]
        plural = len(labels) > 1 or is_plural(labels[0])
        modality, aim, concern, how, curators = self.voice(firsts or [s])
        subject, target = listing(labels), self.label(s.target)
        text = say(subject, plural, s.relation_label, target, modality, aim=aim, concern=concern, how=how,
                   curators=curators)
        plain = say(subject, plural, s.relation_label, target)  # the quote is chosen by what the step says
        return Line(text, self.quotes.cite(s.claims, choose_by or plain), claims=s.claims)

    def modality(self, r: Route) -> str:
        iri = route_modality(r)
        return cap(self.r.modality_labels.get(iri) or iri.rsplit("#", 1)[-1])

    def facts(self, p: Pathway) -> Line:
        r = p.lead
        stated = [self.r.claims[c] for s in r.steps for c in s.claims if c in self.r.claims]
        weakest = sorted({self.r.consensus(c).lower() for c in stated
                          if c.breadth is not None and self.r.rank(c) == r.strength})
        if r.strength and weakest:
            support = f"weakest support: {weakest[0]}"
        else:
            support = "weakest support: not stated for at least one step (counted as the lowest)"
        grounding = GROUNDING_WORDS.get(r.grounding or "", "not tied")
        if r.curators:  # no claim states such a step: the breadth is of what it was read from
            support += ", of the claims the curators read a step from"
            grounding = CURATORS_GROUNDING_WORDS.get(r.grounding or "", f"{grounding}; a step is the curators' reading")
        form = "lowers the risk or what it raises" if r.form == "direct" else "builds what the risk erodes"
        parts = [f"{form}", f"modality: {self.modality(r)}", support, grounding]
        if r.meeting != r.member:
            parts.append(f"the two halves meet at {self.label(r.meeting)}")
        return Line(cap("; ".join(parts)) + ".", label="How the text argues it")

    def contest_lines(self, contests: tuple[Contest, ...]) -> list[Line]:
        """What is disputed: each issue with its quote and the side this entry rests on, each objection in the
        objectors' words, then the issues' other positions, each with its quote. Our summaries are never in
        quotation marks: those are for the text's words."""
        lines: list[Line] = []
        others: list[str] = []
        objectors: list[str] = []
        issues = 0
        for c in contests:
            if c.kind == "issue":
                issues += 1
                info = self.r.issues.get(c.issue)
                issue = info.label if info is not None else c.issue
                cite = self.quotes.issue(info) if info is not None else None
                # a disagreement the brief names no question for is the curators' grouping of positions
                curated = info is not None and CURATORS in info.agents
                text = (f"The curators read a disagreement here: {issue}." if curated
                        else f"The text reports a disagreement: {issue}.")
                side = [self.r.claims[x].label for x in c.claims if x in self.r.claims]
                if side:
                    text += f" This entry rests on one side of it: {'; '.join(side)}."
                lines.append(Line(text, cite, "Contested"))
                others += [b for b in c.by if b not in others]
            else:
                # The objection itself, not the claim it is aimed at: "a challenge to <that claim>" read as if
                # the text disputed a reported fact (para 35 doubts the ombudsman model, not that it is used).
                for n, b in enumerate(c.by, start=1):
                    said = self.claim_label(b)
                    # an attack the text does not state is the curators' reading of the objection (paras 33, 36)
                    read = all((b, x) in self.r.curators_attacks for x in c.claims)
                    text = f"{'The curators read an objection' if read else 'The text reports an objection'}: {said}."
                    if c.inside and n == len(c.by):
                        text += " This entry rests on the objection too."
                    lines.append(Line(text, self.quotes.cite((b,), said), "Contested"))
                objectors += c.by
        for b in others:
            if b not in objectors:  # an objector is quoted already
                said = self.claim_label(b)
                lines.append(Line(f"{said}.", self.quotes.cite((b,), said), "Other side"))
        if issues and not others and not objectors:
            # an issue whose only position the brief reports is this entry's
            lines.append(Line("The text reports no position in it other than this entry's.", None, "Other side"))
        return lines

    def paragraphs(self, claims: tuple[str, ...]) -> set[int]:
        """The paragraphs of the cited claims that have one."""
        return {p for c in claims if c in self.r.claims and (p := self.r.claims[c].paragraph) is not None}

    def claim_label(self, claim: str) -> str:
        return self.r.claims[claim].label if claim in self.r.claims else claim

    def objections(self, risk: str, claims: tuple[str, ...]) -> list[Line]:
        """The objections the text reports to what it says of a risk (``claims``), told as an entry's contests: a
        gap's quote may be a characterisation one participant disputes (para 32). Not an objection that is one
        side of an issue about something else: "some participants" saw a role for non-state actors against
        those who would focus on the state (para 12), which does not dispute that structural inequalities
        enable atrocities."""
        def elsewhere(claim: str, attacker: str) -> bool:
            return any(claim in i.positions and attacker in i.positions and risk not in i.about
                       for i in self.r.issues.values())

        contests = []
        for c in claims:
            by = tuple(a for a in self.r.attackers.get(c, ()) if not elsewhere(c, a))
            if by:
                contests.append(Contest("attack", (c,), by))
        return self.contest_lines(tuple(contests))

    def needs(self, p: Pathway) -> list[Line]:
        lines = []
        bundle = self.bundle_of.get(p.measure)
        together = [m for m in p.prerequisites if bundle is not None and m in bundle.members]
        first = [m for m in p.prerequisites if m not in together]
        if together and bundle is not None:
            reqs = [x for x in self.r.requirement_links if x.iri in bundle.requirements]
            brief = [x for x in reqs if not x.inferred_by_curators] or reqs
            # as the bundle's own entry says: the text may give one direction only, the rest is the curators'
            reading = " (curators' reading)" if any(x.inferred_by_curators for x in reqs) else ""
            text = (f"{cap(self.label(p.measure))} and {listing([self.label(m) for m in together])} "
                    f"advance together{reading}.")
            lines.append(Line(text, self.quotes.cite([c for x in brief for c in x.claims], "simultaneous growth "
                                                     + text), "Advance together"))
        if first:
            readings = [self._reading(p.measure, m) for m in first]
            needs = verb("needs", is_plural(self.label(p.measure)))
            lines.append(Line(f"{cap(self.label(p.measure))} {needs} first: "
                              + listing([f"{self.label(m)}{w}" for m, w in zip(first, readings, strict=True)]) + ".",
                              label="Needs first"))
        return lines

    def _reading(self, dependent: str, prerequisite: str) -> str:
        direct = [x for x in self.r.requirement_links if (x.dependent, x.prerequisite) == (dependent, prerequisite)]
        if direct and all(x.inferred_by_curators for x in direct):
            return " (the curators' reading)"
        return "" if direct else " (through what it needs)"

    def entry(self, p: Pathway) -> Entry:
        r = p.lead
        measures = list(p.measures)
        title = listing([self.label(m) for m in measures])
        lines = []
        firsts = [next((x.steps[0] for x in p.routes if x.steps and x.steps[0].source == m), r.steps[0])
                  for m in measures]
        for i, s in enumerate(r.measure_steps):
            lines.append(self.step_line(s, measures, firsts) if i == 0 else self.step_line(s))
        for s in reversed(r.risk_steps):
            lines.append(self.step_line(s))
        # a step the text states of one case is said to be that case's, not a general rule (para 15)
        cases = list(dict.fromkeys(c for s in r.steps for c in s.cases))
        lines += [Line(f"Case: {self.label(c)}.") for c in cases]
        lines.append(self.facts(p))
        # What the same passage says the measure also raises, with its hedge: a trainer must not see only the good
        # side of a sentence (para 31). Not what another passage says: that would join two arguments.
        here = self.paragraphs(p.claims)
        for m in measures:
            # quoted by what it raises: the ombudsman model's "risks of using ethnicity as a basis of political
            # identity", not the concerns the entry quotes again as the objection
            lines += [replace(self.step_line(s, choose_by=self.label(s.target)), label="Also in the passage")
                      for s in self.r.raises.get(m, ()) if self.paragraphs(s.claims) & here]
        lines += self.contest_lines(p.contests)
        lines += self.needs(p)
        return Entry(cap(title), lines)

    def unit_title(self, unit: str) -> str:
        for j in self.r.joint_conditions:
            if j.iri == unit:
                return cap(j.label)
        return cap(self.label(unit))

    def place(self, p: Pathway) -> tuple[int, int, str]:
        """(section order, paragraph, section) of the earliest claim an entry rests on."""
        claims = [self.r.claims[c] for c in p.lead.claims if c in self.r.claims]
        best = min(claims, key=lambda c: (self.r.section_place(c.section), c.paragraph or 10**6),
                   default=None)
        if best is None:
            return (10**6, 10**6, "")
        return (self.r.section_place(best.section), best.paragraph or 10**6, best.section)


def _add_by_risk(w: _Writer, part: Part, pathways: list[Pathway]) -> None:
    """The entries in the order given, one group per risk (in the order each risk first appears)."""
    groups: dict[str, Group] = {}
    for p in pathways:
        if p.risk not in groups:
            groups[p.risk] = Group(w.unit_title(p.risk))
            part.groups.append(groups[p.risk])
        groups[p.risk].entries.append(w.entry(p))


def build_handout(report: PathwayReport) -> Handout:
    """The handout's blocks, in the brief's order (see the module docstring)."""
    w = _Writer(report)
    generic = listing([report.label(g) for g in report.generic]) if report.generic else "none here"
    intro = [
        f"From {report.source or 'the source documents'}. "  # the citation comes from the data (graph.documents)
        f"Derived by r2pkg {report.version}, chains of at most {report.max_steps} links.",
        "Each entry is an argument the text makes in one place: a measure lowers a risk, or something the risk "
        "raises, or builds what the risk erodes (resilience, trust, confidence). Each sentence is one step, with "
        "a verbatim quote that states it; a quote is printed at most twice. End harms most risks lead to "
        f"({generic}) are a meeting point only where one passage ties both halves. A sentence says how firmly the "
        "text states its step: plainly when it asserts it, “can” when it states a possibility "
        "(“is meant to” for an aim), “should” for a recommendation, “could” for a "
        "hypothetical, “the text asks how … might” for a question of how (“whether” for one of whether; "
        "“the text reports a concern that” for an open concern); each entry also names the weakest "
        "modality as the graph names it (Asserted, Possible, Normative, Hypothetical, Questioned). The curators' "
        "readings are marked as theirs.",
    ]
    joint = {j.iri for j in report.joint_conditions}
    frame = Part(FRAME_TITLE, "The text's own frame comes first: the conditions it says combine.")
    for j in report.joint_conditions:
        group = Group(w.unit_title(j.iri), "Members: " + listing([report.label(m) for m in j.members]) + ".")
        c = w.quotes.cite(j.claims)
        if c is not None:
            group.entries.append(Entry("How the text frames it", [Line("The conditions combine.", c)]))
        group.entries += [w.entry(p) for p in report.pathways if p.risk == j.iri]
        frame.groups.append(group)
    by_section: dict[str, list[tuple[tuple, Pathway]]] = {}
    for p in report.pathways:
        if p.risk in joint:
            continue
        where = w.place(p)
        by_section.setdefault(where[2], []).append((where, p))
    parts = [frame] if frame.groups else []
    for section in sorted(by_section, key=lambda s: (report.section_place(s), s)):
        items = sorted(by_section[section], key=lambda x: (x[0], x[1].risk))
        part = Part(cap(report.label(section)) if section else "Elsewhere in the text")
        _add_by_risk(w, part, [p for _, p in items])
        parts.append(part)
    if not report.pathways and not report.hypothetical_only and not report.aim_only:
        parts.append(Part("No pathways", "No passage of the documents ties a measure or an aim they state to a risk "
                          "they name, so there is no pathway to list" + (": the gaps below are the risks they name."
                                                                           if report.gaps else ".")))
    for part_title, part_intro, entries in (
        ("Only hypothetically addressed", "The text ties these risks only to a measure it supposes or asks about, "
         "not to one it asserts or recommends: not gaps, but not settled either.", report.hypothetical_only),
        ("Addressed only by an aim the text states", "No measure in the text addresses these risks, but the text "
         "states an aim that does: something to build or strengthen, not a named measure.", report.aim_only),
    ):
        if entries:
            if any(s.curators for p in entries for s in p.lead.steps):  # para 1: a step of the aim is ours
                part_intro += " Where a step is the curators' reading, each entry says so."
            part = Part(part_title, part_intro)
            _add_by_risk(w, part, sorted(entries, key=lambda p: (w.place(p)[:2], p.risk)))
            parts.append(part)
    if report.supported_opposites:
        parts.append(_opposites(w, report.supported_opposites))
    if report.gaps:
        parts.append(_gaps(w, report.gaps))
    if report.requirement_links:
        parts.append(_requirements(w, report.requirement_links))
    if report.inferred:
        part = Part("Inferred: pairings the text does not tie",
                    "Not arguments of the text: a risk and a measure meet in the causal graph, but no passage "
                    "ties the two halves. Not written to the graph as pathways.")
        group = Group("Pairings")
        for p in report.inferred:
            group.entries.append(Entry(f"{w.unit_title(p.risk)} ← {report.label(p.measure)}",
                                       [Line(p.lead.label + ".")]))
        part.groups.append(group)
        parts.append(part)
    return Handout("Prevention pathways: what the documents say addresses each risk", intro, parts)


def _opposites(w: _Writer, opposites: tuple[SupportedOpposite, ...]) -> Part:
    part = Part("Risks whose opposite the text supports",
                "The text names these risks and supports what the curators read each as the absence of. No link "
                "of the text says that this opposite lowers the risk (it would restate the curators' "
                "definitions), so no pathway starts here; they are listed apart from the gaps.")
    group = Group("Risks and their opposites")
    for o in sorted(opposites, key=lambda o: (_first_paragraph(w, o.claims), o.risk)):
        risk, opposite = w.label(o.risk), w.label(o.opposite)
        lines = [Line("The text names the risk.", w.quotes.cite(o.claims, risk), "What the text says of it")]
        for i, step in enumerate(o.steps):
            line = w.step_line(step)
            lines.append(replace(line, label=f"What it says of {opposite}") if i == 0 else line)
        lines.append(Line(f"That {risk} is the absence of {opposite} is the curators' reading of their definitions "
                          "of the two, not the text's words.", label="Whose reading"))
        lines += w.objections(o.risk, o.claims)
        group.entries.append(Entry(w.unit_title(o.risk), lines))
    part.groups.append(group)
    return part


def _first_paragraph(w: _Writer, claims: tuple[str, ...]) -> int:
    """The first paragraph of the cited claims that has one (10**6 when none has)."""
    return min(w.paragraphs(claims), default=10**6)


def _gaps(w: _Writer, gaps: tuple[Gap, ...]) -> Part:
    part = Part("Gaps: risks no measure, aim, hypothetical or question in the text addresses",
                "The text names these risks, but no grounded measure it asserts, aim it states, hypothetical it "
                "supposes or question it asks addresses them.")
    group = Group("Gaps")

    for g in sorted(gaps, key=lambda g: (_first_paragraph(w, g.claims), g.risk)):
        lines = [Line("Lacks a grounded " + listing([ADDRESS_WORDS[k] for k in g.lacks]) + ".",
                      w.quotes.cite(g.claims, w.label(g.risk)), "What the text says of it")]
        for kind, measure, claims in g.nearest[:1]:
            # the kind is the chain's weakest step, which may lie at the risk's end: said so, or the quote (the
            # measure's own, say a recommendation) would seem to be called a question
            text = (f"Nearest: {w.label(measure)}, which no passage ties to this risk (a chain whose weakest step "
                    f"is {NEAREST_WORDS[kind]}).")
            # a trainer should not take it as settled: the claim a chain rests on may be disputed (para 33)
            attacks = [(a, c) for c in claims for a in w.r.attackers.get(c, ())]
            for who, pairs in (("The text reports", [p for p in attacks if p not in w.r.curators_attacks]),
                               ("The curators read", [p for p in attacks if p in w.r.curators_attacks])):
                disputed = w.paragraphs(tuple(a for a, _ in pairs))
                if disputed:
                    text += f" {who} objections to it ({', '.join(f'¶{n}' for n in sorted(disputed))})."
            lines.append(Line(text, w.quotes.cite(claims), "Nearest"))
        lines += w.objections(g.risk, g.claims)
        group.entries.append(Entry(w.unit_title(g.risk), lines))
    part.groups.append(group)
    return part


def _requirements(w: _Writer, links: tuple[Requirement, ...]) -> Part:
    part = Part("What measures need first, and what must advance together")
    group = Group("Requirements")
    bundled = {m for b in w.r.bundles for m in b.members}
    for x in links:
        if x.dependent in bundled and x.prerequisite in bundled and w.bundle_of[x.dependent] is \
                w.bundle_of[x.prerequisite]:
            continue  # said once, as a bundle, below
        reading = ("The curators' reading, not the text's words." if x.inferred_by_curators
                   else "The text's words, as the curators read them (see their note)." if x.note
                   else "The text's words.")
        sentence = (f"{cap(w.label(x.dependent))} {verb('needs', is_plural(w.label(x.dependent)))} "
                    f"{w.label(x.prerequisite)}")
        lines = [Line(reading, w.quotes.cite(x.claims, sentence), "Whose reading")]
        if x.note:  # how the curators read the words the requirement rests on (an ambiguous antecedent, say)
            lines.append(Line(x.note, label="Curators' note"))
        lines += [Line(f"Case: {w.label(c)}.") for c in x.cases]
        group.entries.append(Entry(sentence, lines))
    for b in w.r.bundles:
        reqs = [x for x in links if x.iri in b.requirements]
        brief = [x for x in reqs if not x.inferred_by_curators]
        names = listing([w.label(m) for m in b.members])
        lines = [Line(f"{cap(names)} advance together.",
                      w.quotes.cite([c for x in brief or reqs for c in x.claims], "simultaneous growth"))]
        lines += [Line(f"Case: {w.label(c)}.") for c in b.cases]
        stated = [x for x in brief if x.dependent in b.members and x.prerequisite in b.members]
        if stated and len(stated) < len(reqs):
            lines.append(Line("The text's words give one direction: " + listing(
                [f"{w.label(x.dependent)} {verb('needs', is_plural(w.label(x.dependent)))} {w.label(x.prerequisite)}"
                 for x in stated]) + ". That they advance together is the curators' reading.", label="Whose reading"))
        group.entries.append(Entry(f"Co-requisite bundle: {names}", lines))
    part.groups.append(group)
    return part


# --- Markdown --------------------------------------------------------------------------------------------------------
def _cite_md(c: Cite, indent: str) -> str:
    where = c.where()
    if c.back:
        return f"{indent}> (quoted above{where}: {c.who})"
    return f"{indent}> “{c.quote}” — {c.who}{where}"


def to_markdown(report: PathwayReport) -> str:
    """The handout as Markdown (see the module docstring)."""
    h = build_handout(report)
    lines = [f"# {h.title}", ""]
    for para in h.intro:
        lines += [para, ""]
    for part in h.parts:
        lines += [f"## {part.title}", ""]
        if part.intro:
            lines += [part.intro, ""]
        for group in part.groups:
            lines += [f"### {group.title}", ""]
            if group.note:
                lines += [group.note, ""]
            for n, entry in enumerate(group.entries, start=1):
                lines.append(f"{n}. **{entry.title}**")
                for line in entry.lines:
                    head = f"*{line.label}:* " if line.label and not line.text.startswith(line.label) else ""
                    lines.append(f"   - {head}{line.text}")
                    if line.cite is not None:
                        lines.append(_cite_md(line.cite, "     "))
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
