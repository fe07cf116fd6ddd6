"""Structured, extractive note summary: ``summarize(doc, length="standard") -> Summary``.

Deterministic and always available. Parts: a one-line synopsis, active problems, medications (the whole list
item as written: dose, route, frequency, duration; stop-list items and plan changes marked), medications given in
hospital only (IV / inpatient-only drugs of a hospital course, never shown as medicines to take), allergies, key
results (abnormal labs and vitals with value and unit from anywhere in the note, flagged against
``resources/summary_labs.json``; negative / ruled-out and pending tests), procedures, plan (covering each problem
of the assessment/plan; problem headings and reasoning are never items), follow-up (appointments, repeat tests)
and return precautions.

``Summary.to_dict()`` keys: ``length``, ``method``, ``selection``, ``synopsis``, one list per part (``problems``,
``medications``, ``hospital_medications``, ``allergies``, ``key_results``, ``procedures``, ``plan``,
``follow_up``, ``return_precautions``), ``plan_by_problem``, ``models``, ``warnings``, ``abstract`` (only with
prose), ``elapsed_ms``. ``plan_by_problem`` holds the same plan items grouped by the problem heading of the
assessment/plan they follow, in note order: ``[{"problem": {"start","end","text"} | None, "items": [item, ...]}]``
(``problem`` is None for plan items before any heading, or a plan with no problem headings). A medication's
``fields.setting`` says where it is taken (``home``, ``discharge``, ``inpatient``, ``stop``); an IV medicine kept
with the medicines to take at home carries ``fields.setting_note`` (and a warning) with the note's words that say
IV treatment goes on at home.
Every item is a verbatim span of the note or built only from verbatim fields (``composed`` items list the
span of each field); every item carries evidence spans with ``text == doc.text[start:end]``.

Facts come from :func:`medassist.tasks.extract.extract_facts` (sections, ConText status: negated problems
and negated drug mentions are dropped). The synopsis and the plan sentences are chosen by embedding
centrality with diversity (MMR) when the embedder pack is installed, else by position and cue words
(``Summary.method`` says which).

Length: ``short`` | ``standard`` | ``detailed`` limits problems, results, procedures and plan sentences.
Medications and allergies are never cut at any length: dropping one from a summary is unsafe.

Optional abstractive prose: :func:`abstractive_summary` (an onnxruntime-genai LLM folder or a seq2seq pack
writes prose from the facts; :func:`check_generated` flags every number, drug name, laterality and negation
in it that the note does not support).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..document import Document, Span
from ..errors import TaskError
from .extract import ORDER_AFTER_COMMA, VISIT_TASK_NAMES, VISIT_TASK_WORDS, Facts, Medication, drug_lexicon, balanced, body_range, extract_facts, is_order_line, list_items, logical_ranges, sentences_between

LENGTHS = ("short", "standard", "detailed")
LIMITS = {
    "short": {"problems": 5, "results": 4, "procedures": 3, "plan": 3, "plan_per_problem": 1, "follow_up": 2, "history": 0, "mentions": False},
    "standard": {"problems": 10, "results": 8, "procedures": 5, "plan": 8, "plan_per_problem": 2, "follow_up": 3, "history": 0, "mentions": True},
    "detailed": {"problems": 40, "results": 30, "procedures": 15, "plan": 30, "plan_per_problem": 8, "follow_up": 6, "history": 20, "mentions": True},
}
PLANISH = ("plan", "assessment_plan", "assessment", "discharge_instructions", "follow_up", "impression", "discharge_diagnoses")
PLAN_SECTIONS = ("plan", "assessment_plan", "discharge_instructions", "follow_up")
SYNOPSIS_SECTIONS = ("hpi", "chief_complaint", "assessment_plan", "assessment", "impression", "preamble", "subjective",
                     "indications", "hospital_course")
_DEMOGRAPHIC = re.compile(r"\b\d{1,3}[- ](?:year|yr|month|week|day)s?[- ]old\b|\b(?:male|female|man|woman|boy|girl|gentleman|lady)\b", re.I)
_PLAN_CUE = re.compile(r"\b(?:will|plan|order(?:ed)?|start|begin|initiate|continue|increase|decrease|stop|discontinue|refer(?:ral)?|"
                       r"schedule|recommend(?:ed)?|advised?|prescribe[d]?|follow[- ]?up|return|repeat|obtain|check|monitor|"
                       r"encourag\w*|instructed|educated|counsel(?:ed|led)|avoid|limit|resume|hold|taper|switch|change|consider|rule out|r/o|"
                       r"if (?:no|symptoms|not|there is no) (?:improvement|better|persist\w*|resolv\w*)|needs?|should|to be|"
                       # nursing orders written as nouns: "Fluid restriction 1.5 L per day", "Strict I/O, daily weights"
                       r"(?:fluid|sodium|salt|free water|activity) restriction|daily weights?|strict (?:I/?O|intake)|"
                       r"telemetry|incentive spirometry|PT/OT|(?:low[- ]sodium|cardiac|diabetic|renal|clear liquid|"
                       r"regular|soft|NPO) diet)\b", re.I)
# a change to the treatment weighs more than "continue current medications"
_CHANGE_CUE = re.compile(r"\b(?:start(?:ed)?|begin|initiat\w+|increas\w+|decreas\w+|stop\w*|discontinu\w+|switch\w*|taper\w*|"
                         r"order\w*|refer\w*|schedul\w+|prescrib\w+|add(?:ed)?|hold|resume)\b", re.I)
_GENERIC_PLAN = re.compile(r"\bcontinue (?:with )?(?:(?:her|his|their|the|all) )?(?:current|present|home|same) (?:medications?|regimen|treatment|plan)\b|"
                           r"\bunderstands and agrees\b|\bquestions (?:were )?answered\b", re.I)
_REASONING_LABEL = re.compile(r"^\W*(?:medical reasoning|reasoning|assessment|impression|history|subjective|findings|results|"
                              r"patient agreements?)\s*:", re.I)
_LABEL = re.compile(r"^\s*(?:[\-•*·▪◦]\s*)?([A-Z][A-Za-z/&' ]{1,40}?)\s*:\s+(?=\S)")
_RETURN = re.compile(r"\b(?:return to (?:the )?(?:ED|ER|emergency|hospital)|go to the (?:ED|ER|emergency|nearest)|call 911|"
                     # a pregnant patient's: "Go to labor and delivery for headache, vision changes ..."
                     r"(?:go|return|come|report|present) (?:straight |directly )?to (?:the )?(?:labou?r (?:and|&) delivery|L ?& ?D|"
                     r"(?:OB|obstetric(?:al)?|maternity) triage)|"
                     r"seek (?:immediate |urgent |emergency )?(?:medical )?(?:care|attention|help)|(?:call|contact|notify) (?:us|me|your (?:doctor|physician|provider)|"
                     r"the (?:office|clinic|doctor)) (?:immediately |right away )?(?:if|for|with|should)|return (?:immediately |sooner )?if|"
                     r"warning signs?|red flags?|"
                     # "Return for numbness, color change in the fingers or severe pain" (not "Return for suture removal")
                     r"(?:return|come back) (?:here |sooner )?(?:for|with) (?:any )?(?!(?:a |an |the |your |his |her )?"
                     rf"(?:wound )?(?:{VISIT_TASK_WORDS})\b)(?=[a-z]))\b", re.I)
_WHEN = re.compile(r"\b(?:in|within|after|over|for) (?:the next )?(?:\d+(?:-\d+)?|one|two|three|four|five|six|eight|ten|twelve|a|a few|several|"
                   r"couple of)\s*(?:-\s*)?(?:days?|weeks?|wks?|months?|mos?|years?)\b|\bnext (?:week|month|visit|available)\b", re.I)
_APPOINTMENT = re.compile(r"\b(?:primary care|pcp|clinic|office|appointment|visit|follow(?:ed)?[- ]?up|followed|see (?:me|him|her|you|them|dr)|"
                          r"recheck|re-?check|re-?evaluat\w+|repeat|x-?ray|panel|labs?|blood (?:work|tests?)|scan|ct|mri|ultrasound|echo\w*|"
                          r"referral|re-?appointment|return|"
                          # a visit named by its task: "Suture removal in 5 days.", "Wound check in 2 days."
                          rf"{VISIT_TASK_NAMES})\b", re.I)
_FOLLOW = re.compile(r"\b(?:follow[- ]?up (?:in|with|at|after|on|appointment|visit)|f/u (?:in|with)|return(?:s|ed)? (?:to (?:clinic|the clinic|see|the office)|in|for)|"
                     r"(?:be )?followed (?:up )?(?:in|by|at) (?:my|our|the|his|her|dr)|re-?appointment|"
                     r"see (?:me|him|her|them|you) (?:again |back )?(?:in|on|after)|recheck (?:in|on)|come back|revisit|"
                     r"(?:schedule|book)(?:d)? (?:a |an )?(?:follow[- ]?up|appointment|visit))\b", re.I)


@dataclass
class SummaryItem:
    text: str
    evidence: list[Span]
    kind: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    composed: bool = False  # text joined from verbatim fields (each field's span is in ``fields["spans"]``)

    def __post_init__(self) -> None:
        seen, uniq = set(), []
        for s in self.evidence:
            if (s.start, s.end) not in seen:
                seen.add((s.start, s.end))
                uniq.append(s)
        self.evidence = uniq

    def to_dict(self) -> dict[str, Any]:
        d = {"text": self.text, "kind": self.kind, "evidence": [s.to_dict() for s in self.evidence]}
        if self.fields:
            d["fields"] = self.fields
        if self.composed:
            d["composed"] = True
        return d


@dataclass
class Summary:
    synopsis: SummaryItem | None
    problems: list[SummaryItem]
    medications: list[SummaryItem]
    allergies: list[SummaryItem]
    key_results: list[SummaryItem]
    procedures: list[SummaryItem]
    plan: list[SummaryItem]
    follow_up: list[SummaryItem]
    length: str = "standard"
    hospital_medications: list[SummaryItem] = field(default_factory=list)  # given in hospital only (not to take home)
    return_precautions: list[SummaryItem] = field(default_factory=list)
    method: str = "extractive"
    selection: str = "position"  # "embedding-mmr" when the embedder chose synopsis/plan sentences
    models: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0
    abstract: dict[str, Any] | None = None
    #: the plan items grouped under the problem heading they follow: [(heading span or None, [plan items])]
    plan_groups: list[tuple[Span | None, list[SummaryItem]]] = field(default_factory=list)

    PARTS = ("problems", "medications", "hospital_medications", "allergies", "key_results", "procedures", "plan", "follow_up",
             "return_precautions")

    def items(self) -> list[SummaryItem]:
        out = [self.synopsis] if self.synopsis else []
        for p in self.PARTS:
            out += getattr(self, p)
        return out

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "length": self.length,
            "method": self.method,
            "selection": self.selection,
            "synopsis": self.synopsis.to_dict() if self.synopsis else None,
        }
        for p in self.PARTS:
            d[p] = [i.to_dict() for i in getattr(self, p)]
        d["plan_by_problem"] = [{"problem": h.to_dict() if h is not None else None, "items": [i.to_dict() for i in items]}
                                for h, items in self.plan_groups]
        d["models"] = self.models
        d["warnings"] = self.warnings
        if self.abstract is not None:
            d["abstract"] = self.abstract
        d["elapsed_ms"] = round(self.elapsed_ms, 1)
        return d


# ------------------------------------------------------------------------------------------------ helpers
_LEAD = re.compile(r"[\s\-•*·▪◦]+|\(?\d{1,2}[.)]\s+")


_LEAD_LABEL = re.compile(r"[A-Z][A-Za-z]{1,20}(?: [A-Za-z]{1,20}){0,3}\s*,?\s*(?:\([^()\n]{0,60}\)\s*)?:\s+(?=\S)")


def _item_from_span(doc: Document, s: int, e: int, kind: str, *, strip_label: bool = True, **fields) -> SummaryItem:
    m = _LEAD.match(doc.text, s, e)
    if m and m.end() < e:
        s = m.end()
    if strip_label:
        # a leading label ("Medical Treatment: ...", "HX , (primarily obtained from boyfriend): ...") is not the content
        lab = _LEAD_LABEL.match(doc.text, s, e)
        if lab and lab.end() < e and len(doc.text[lab.end():e].split()) >= 3:
            s = lab.end()
    tail = re.search(r"(?<=\.)\s*,\s*\d{1,2}\.?$", doc.text[s:e])  # a transcription's next item number ("….,2.")
    if tail:
        e = s + tail.start()
    s, e = balanced(doc.text, s, e)
    sp = doc.span(s, e)
    return SummaryItem(sp.text, [sp], kind, {k: v for k, v in fields.items() if v is not None})


_NEXT_ITEM = re.compile(r"[,;]\s+(?!(?:prn|p\.r\.n|as|for|x|times|with|before|after|at|every|q\w*|then|or|daily|twice|once|"
                        r"nightly|in the|by|per|po|iv|sc|im|until|while|if|to|resume|restart|hold|held|stop|skip|do not|\d)\b)(?:and\s+)?[A-Za-z]", re.I)


_TRAILING_JOINT = re.compile(r"\s+(?:and|or|plus|&)$", re.I)


def _med_item(doc: Document, m: Medication, item_end: int | None = None) -> SummaryItem:
    """A medication line. A listed medication shows its whole list item (name to the next name or the item end:
    "Albuterol inhaler 2 puffs q4-6h PRN shortness of breath", "Insulin 70/30", "Cefuroxime 500 mg PO BID x 5 days");
    a prose mention shows the stretch from its change wording to its last sig field ("increase her lisinopril to
    40 mg daily")."""
    text = doc.text
    spans = [m.name_span] + [s for s in (m.dose_span, m.route_span, m.frequency_span, m.duration_span, m.quantity_span,
                                         m.prn_span, m.schedule_span) if s]
    fields = {"name": m.name, "dose": m.dose, "route": m.route, "frequency": m.frequency, "duration": m.duration,
              "quantity": m.quantity, "prn": m.prn, "schedule": m.schedule, "generic": m.generic,
              "change": m.change, "setting": m.setting, "setting_note": m.setting_note, "listed": m.listed, "in_lexicon": m.in_lexicon, "section": m.section,
              "spans": {k: v.to_dict() for k, v in (("name", m.name_span), ("dose", m.dose_span), ("route", m.route_span),
                                                   ("frequency", m.frequency_span), ("change", m.change_span),
                                                   ("duration", m.duration_span), ("quantity", m.quantity_span),
                                                   ("prn", m.prn_span), ("schedule", m.schedule_span),
                                                   ("setting_note", m.setting_note_span)) if v}}
    fields = {k: v for k, v in fields.items() if v is not None}
    note = [m.setting_note_span] if m.setting_note_span is not None else []  # the words that keep an IV drug at home
    ordered = sorted(spans, key=lambda s: s.start)
    a, b = ordered[0].start, ordered[-1].end
    slack = 12
    if (m.change_span is not None and m.change_span.end <= a and a - m.change_span.end <= 40 and not re.search(r"[\n.;]", text[m.change_span.end:a])
            and not drug_lexicon().find(text, m.change_span.end, a)):
        slack += a - m.change_span.start
        a = m.change_span.start
    if item_end is not None and item_end - a <= 160 and "\n" not in text[a:item_end]:
        # the list item up to the next drug, cut where a comma starts another item ("lisinopril 20 mg daily,
        # multi-vitamin, ...") rather than more of the sig ("..., as needed", "..., x 5 days")
        cut = _NEXT_ITEM.search(text, b, item_end)
        b = max(b, cut.start() if cut else item_end)
    a, b = balanced(text, a, b)
    while True:
        while b > a and text[b - 1] in " ,;.:":
            b -= 1
        # nor the word that joins it to the next drug ("clindamycin prior to dental procedures and vitamin D3")
        joint = _TRAILING_JOINT.search(text, a, b)
        if joint is None or joint.start() < ordered[-1].end:
            break
        b = joint.start()
    a, b = balanced(text, a, b)
    gap = text[a:b]
    if b - a <= max(len(" ".join(s.text for s in ordered)) + slack, (item_end or 0) - a + 1) and "\n" not in gap:
        # the fields sit together in the note: the item is the verbatim stretch
        return SummaryItem(gap, [doc.span(a, b)] + list(m.evidence) + note, "medication", fields)
    return SummaryItem(" ".join(s.text for s in ordered), list(ordered) + list(m.evidence) + note, "medication", fields, composed=True)


def _section_rank(m: Medication) -> int:
    return 2 if m.section in PLANISH else 1 if m.section == "hospital_course" else 0


def _dedupe_meds(meds: list[Medication], include_mentions: bool) -> list[Medication]:
    """One entry per drug: the listed one first, else the mention with the most fields written (a plan
    mention before a history one). A change said outside the plan ("was started on X" in the HPI) is history,
    not shown as a change."""
    import dataclasses

    meds = [m if m.listed or m.section in PLANISH or m.change is None or m.setting == "stop"
            else dataclasses.replace(m, change=None, change_span=None) for m in meds]
    best: dict[str, Medication] = {}
    order: list[str] = []
    for m in meds:
        if not m.listed and not include_mentions and m.setting != "stop" and not (
                m.change and m.change != "continue" and m.section in PLANISH):  # a plan's change is never cut
            continue
        key = (m.generic or m.name).lower()
        if m.listed:
            key = f"{key}@{m.name_span.start}"  # every listed item stays, even a repeated name
        elif m.change == "hold":
            key = f"{key}@hold"  # (held for now, and the mention that says how to take it again: both shown)
        cur = best.get(key)
        if cur is None:
            best[key] = m
            order.append(key)
            continue
        score = lambda x: (x.listed, x.change is not None and x.change != "continue", _section_rank(x),
                           sum(v is not None for v in (x.dose, x.route, x.frequency)))
        if score(m) > score(cur):
            best[key] = m
    listed = {}
    for m in best.values():
        if m.listed or m.setting == "stop":  # (a list's "Hold lisinopril ..." or "STOP: metformin" accounts for it)
            listed.setdefault((m.generic or m.name).lower(), set()).add(((m.dose or "").lower(), (m.frequency or "").lower()))
    out = [best[k] for k in order]

    def adds(m: Medication) -> bool:
        # a prose mention of a listed drug is kept when it says a change (start / increase / stop ...) or a
        # dose / frequency the list does not have
        key = (m.generic or m.name).lower()
        if key not in listed:
            return True
        if m.change and m.change not in ("continue", "start"):  # "start" of a drug already listed is a refill
            return True
        # "Continue Prevacid SoluTab daily" under a listed "Prevacid SoluTab 30 mg daily" says nothing new
        dose, freq = (m.dose or "").lower(), (m.frequency or "").lower()
        return bool(dose or freq) and not any((not dose or dose == d) and (not freq or freq == f) for d, f in listed[key])

    return [m for m in out if m.listed or adds(m)]


def _cos_matrix(vecs):
    return vecs @ vecs.T


def _mmr(cands: list[tuple[int, int]], rel: Sequence[float], sim, k: int, lam: float = 0.7) -> list[int]:
    chosen: list[int] = []
    left = list(range(len(cands)))
    while left and len(chosen) < k:
        best, best_score = None, -1e9
        for i in left:
            div = max((sim(i, j) for j in chosen), default=0.0)
            sc = lam * rel[i] - (1 - lam) * div
            if sc > best_score + 1e-12:
                best, best_score = i, sc
        chosen.append(best)
        left.remove(best)
    return sorted(chosen)


def _jaccard(a: str, b: str) -> float:
    x, y = set(re.findall(r"[a-z0-9]+", a.lower())), set(re.findall(r"[a-z0-9]+", b.lower()))
    return len(x & y) / max(1, len(x | y))


# ------------------------------------------------------------------------------------------------ main
def summarize(doc: Document, length: str = "standard", *, use_embeddings: bool = True, facts: Facts | None = None) -> Summary:
    """The structured extractive summary of a note (see the module doc)."""
    if length not in LENGTHS:
        raise TaskError(f"unknown summary length {length!r} (use one of {', '.join(LENGTHS)})")
    if not doc.text.strip():
        raise TaskError("the note is empty", path=doc.source)
    t0 = time.perf_counter()
    lim = LIMITS[length]
    facts = facts or extract_facts(doc)
    warnings: list[str] = []
    text = doc.text

    seen_p: set[str] = set()
    problems = []
    for p in facts.problems:
        key = p.text.lower().strip(" .")
        if p.status != "historical" and key not in seen_p:
            seen_p.add(key)
            problems.append(p)
    # one diagnosis written twice, the second time with more words after a comma or a bracket (the admitting
    # diagnosis "Left lower extremity cellulitis", the discharge diagnosis "Left lower extremity cellulitis,
    # improving"; "Sepsis" and "Sepsis due to left lower lobe pneumonia"): the fuller line stands for both, with the
    # evidence of each
    keys = [p.text.lower().strip(" .") for p in problems]
    fuller = {}
    for i, k in enumerate(keys):
        for j, o in enumerate(keys):
            if (i != j and problems[i].status == problems[j].status and o.startswith(k)
                    and o[len(k):].startswith((",", ";", ":", " (", " -", " \u2013", "(", " due to ", " secondary to ",
                                               " with ", " from ", " of ")) and j not in fuller):
                fuller[i] = j
                break
    also: dict[int, list[Span]] = {}  # (the facts stay as extracted: the letters read them too)
    for i, j in fuller.items():
        also.setdefault(id(problems[j]), []).extend(problems[i].evidence)
    problems = [p for i, p in enumerate(problems) if i not in fuller]
    # a diagnosis the note calls resolved goes after the current ones (and is the first left out by the length)
    problems = [p for p in problems if p.status != "resolved"] + [p for p in problems if p.status == "resolved"]
    history = [p for p in facts.problems if p.status == "historical"]
    prob_items = [SummaryItem(p.text, list(p.evidence) + also.get(id(p), []), p.kind, {"status": p.status, "section": p.section})
                  for p in problems[: lim["problems"]]]
    prob_items += [SummaryItem(p.text, list(p.evidence), "history", {"status": p.status, "section": p.section}) for p in history[: lim["history"]]]

    # (a course the history says is over, "treated with prednisone, now completed", is no medicine now)
    meds = _dedupe_meds([m for m in facts.medications if m.listed or m.setting != "completed"],
                        lim["mentions"] or not any(m.listed for m in facts.medications))
    # a note with a discharge list: drugs only given in hospital are shown apart, never as medicines to take
    has_discharge = any(m.setting == "discharge" for m in meds)
    inpatient = [m for m in meds if m.setting == "inpatient" and (m.listed or has_discharge or m.section == "hospital_course")]
    meds = [m for m in meds if m not in inpatient]
    starts_by_item: dict[tuple[int, int], list[int]] = {}
    for m in facts.medications:
        if m.evidence:
            starts_by_item.setdefault((m.evidence[0].start, m.evidence[0].end), []).append(m.name_span.start)

    def item_end(m: Medication) -> int | None:
        if not (m.listed or m.setting == "stop") or not m.evidence:
            return None
        ev = m.evidence[0]
        nxt = [x for x in starts_by_item.get((ev.start, ev.end), []) if x > m.name_span.start]
        return min(nxt) if nxt else ev.end

    med_items = [_med_item(doc, m, item_end(m)) for m in meds]
    hosp_items = [_med_item(doc, m) for m in inpatient]
    if facts.no_medications is not None and not any(m.listed for m in meds):
        med_items.insert(0, SummaryItem(facts.no_medications.text, [facts.no_medications], "no_medications"))

    allergy_items = []
    if facts.no_known_allergies is not None and not facts.allergies:
        allergy_items.append(SummaryItem(facts.no_known_allergies.text, [facts.no_known_allergies], "no_known_allergies"))
    seen_sub = set()
    for a in facts.allergies:
        if (a.substance.lower(), a.reaction) in seen_sub:
            continue
        seen_sub.add((a.substance.lower(), a.reaction))
        spans = [a.substance_span] + ([a.reaction_span] if a.reaction_span else [])
        fields = {"substance": a.substance, "reaction": a.reaction, "in_lexicon": a.in_lexicon,
                  "spans": {k: v.to_dict() for k, v in (("substance", a.substance_span), ("reaction", a.reaction_span)) if v}}
        if a.reaction_span and a.reaction_span.start - a.substance_span.end <= 25 and "\n" not in text[a.substance_span.end : a.reaction_span.start]:
            sp = doc.span(*balanced(text, a.substance_span.start, a.reaction_span.end))
            allergy_items.append(SummaryItem(sp.text, [sp] + a.evidence, "allergy", {k: v for k, v in fields.items() if v is not None}))
        else:
            allergy_items.append(SummaryItem(a.substance, spans + a.evidence, "allergy", {k: v for k, v in fields.items() if v is not None}))
    if facts.no_known_allergies is not None and facts.allergies:
        warnings.append("the note says both 'no known allergies' and names an allergy: check")

    # one line per value: "Hemoglobin A1c of 9.2%" in the labs and "A1c 9.2%" again in the assessment are one result
    once, seen_values = [], set()
    for r in sorted(facts.results, key=lambda r: r.evidence[0].start):
        key = (r.kind, r.name, (r.value or "").replace(",", "")) if r.value else None
        if key is not None and key in seen_values:
            continue
        seen_values.add(key)
        once.append(r)
    results = sorted(once, key=lambda r: (r.flag_source == "note wording", r.evidence[0].start))[: lim["results"]]
    results.sort(key=lambda r: r.evidence[0].start)
    result_items = [SummaryItem(r.text, list(r.evidence), r.kind, {k: v for k, v in (("name", r.name), ("value", r.value), ("unit", r.unit),
                                                                                   ("flag", r.flag), ("flag_source", r.flag_source)) if v}) for r in results]
    proc_items = [SummaryItem(p.text, list(p.evidence), "procedure", {"status": p.status, "section": p.section}) for p in facts.procedures[: lim["procedures"]]]

    # ---- sentence choice: synopsis + plan (per problem) + follow-up + return precautions
    result_spans = [(r.evidence[0].start, r.evidence[0].end) for r in facts.results]
    ranges = logical_ranges(doc)
    plan_cands: list[tuple[int, int]] = []
    plan_group: list[int] = []
    group_heads: dict[int, Span] = {}
    follow: list[tuple[int, int]] = []
    returns: list[tuple[int, int]] = []
    group = 0
    problem_texts = {p.text.strip(" .:").lower() for p in facts.problems}
    for name, a, b in ranges:
        if name not in PLAN_SECTIONS:
            continue
        strict = name == "assessment_plan"  # an A&P body mixes reasoning with plan: keep sentences with a plan cue
        for s, e in sentences_between(doc, a, b):
            for s, e in list_items(text, s, e):
                seg = text[s:e]
                lead = _LEAD.match(text, s, e)
                hs, he = balanced(text, lead.end() if lead and lead.end() < e else s, e)  # (the item without its marker)
                order = is_order_line(text, hs, he)  # ("Return in 3 months.", "Admit to step-down." head nothing)
                cut = None if order else ORDER_AFTER_COMMA.search(text, hs, he)
                if cut is not None and text[hs:cut.start()].strip(" .:").lower() in problem_texts:
                    # "3. Obstructive sleep apnea, continue CPAP.": the problem heads its own order
                    group += 1
                    group_heads[group] = doc.span(hs, cut.start())
                    s = hs = cut.end()
                    seg = text[s:e]
                    order = True
                if ((name in ("assessment_plan", "assessment", "impression") or seg.strip(" .:").lower() in problem_texts)
                        and _is_heading(text, s, e) and not order and not _FOLLOW.search(text, s, e)):
                    group += 1
                    while he > hs and text[he - 1] in " .:;,":
                        he -= 1
                    group_heads[group] = doc.span(hs, he)
                    continue
                if len(seg.split()) < 3 and not order:
                    continue
                if any(x < e and s < y and (y - x) >= 0.6 * (e - s) for x, y in result_spans):
                    continue  # a result sentence ("X-ray negative for fracture") is a key result, not plan
                if _RETURN.search(text, s, e):
                    returns.append((s, e))
                    continue
                negated_follow = re.search(r"\b(?:not|no need|don't|doesn't|no longer)\b[^.]{0,40}\bfollow", seg, re.I)
                if not negated_follow and (name == "follow_up" or _FOLLOW.search(text, s, e) or (_WHEN.search(text, s, e) and _APPOINTMENT.search(text, s, e))):
                    follow.append((s, e))
                    continue
                line_start = text.rfind("\n", 0, s) + 1
                if _REASONING_LABEL.match(text, line_start, e) and not _CHANGE_CUE.search(text, s, e) and not re.search(r"\bwill\b", seg, re.I):
                    continue
                if re.search(r"\bunderstands and agrees\b|\bquestions (?:were )?answered\b", seg, re.I):
                    continue
                if _DEMOGRAPHIC.search(text, s, e) and re.search(r"\b(?:presents?|presented|is an? \d|who is|comes? in)\b", seg, re.I):
                    continue  # the case's one-line introduction, not a plan
                if not order and (strict and not _PLAN_CUE.search(text, s, e) or _DEMOGRAPHIC.search(text, s, e) and not _PLAN_CUE.search(text, s, e)):
                    continue
                plan_cands.append((s, e))
                plan_group.append(group)
    if not follow:
        for x in doc.sentences:
            if x.section in ("hpi", "chief_complaint", "preamble", "pmh", "social_history", "family_history", "ros", "physical_exam"):
                continue
            if _FOLLOW.search(text, x.start, x.end) and len(text[x.start:x.end].split()) >= 3 and not _RETURN.search(text, x.start, x.end):
                for s, e in list_items(text, x.start, x.end):
                    if _FOLLOW.search(text, s, e):
                        follow.append((s, e))
    syn_cands: list[tuple[int, int, str]] = []
    for name in SYNOPSIS_SECTIONS:
        for rname, a, b in ranges:
            if rname != name:
                continue
            for s, e in sentences_between(doc, a, b)[:3]:
                s, e = balanced(text, s, e)
                if 4 <= len(text[s:e].split()) <= 60 and text[s:e].count('"') % 2 == 0 and re.search(r"[a-z]", text[s:e]):
                    syn_cands.append((s, e, name))
    if not syn_cands:
        syn_cands = [(s.start, s.end, s.section) for s in doc.sentences[:5] if len(text[s.start:s.end].split()) >= 4]
    # one history sentence with the patient's age/sex decides the synopsis without embeddings (a SOAP note's
    # SUBJECTIVE is its history of the present illness; a note without headings opens with it)
    demo = [c for c in syn_cands if c[2] in ("hpi", "subjective", "preamble") and _DEMOGRAPHIC.search(text, c[0], c[1])]
    syn_cands = demo[:1] or syn_cands[:3]
    # several problems: the per-problem round-robin and the cue words choose (cheap, covers every problem);
    # one undivided plan: the embedder's centrality and diversity choose among its first 16 sentences
    multi = len(set(plan_group)) > 1
    plan_all = plan_cands
    group_all = plan_group
    if not multi:
        plan_cands = plan_cands[:16]
        plan_group = plan_group[:16]
    embed_plan = not multi and len(plan_cands) > lim["plan"]

    selection = "position"
    models: list[dict[str, Any]] = []
    vecs = None
    # embeddings only where there is a choice to make (more candidates than places)
    if use_embeddings and (embed_plan or len(syn_cands) > 1):
        try:
            from ..runtime.embedder import get_embedder

            emb = get_embedder()

            def clip(s: int, e: int) -> str:
                return " ".join(text[s:e].split()[:30])

            texts = [clip(s, e) for s, e, _ in syn_cands] + ([clip(s, e) for s, e in plan_cands] if embed_plan else [])
            vecs = emb.embed(texts)
            models.append(emb.pack.info())
            selection = "embedding-mmr"
        except Exception as exc:  # ModelPackError, onnxruntime errors: fall back to position + cues
            warnings.append(f"embedder unavailable, sentences chosen by position: {exc}")
            vecs = None

    def syn_prior(i: int) -> float:
        s, e, name = syn_cands[i]
        return (0.5 if _DEMOGRAPHIC.search(text, s, e) else 0.0) + (0.2 if name == "hpi" else 0.0) - 0.05 * i

    synopsis = None
    if syn_cands:
        if vecs is not None and len(syn_cands) > 1:
            import numpy as np

            sv = vecs[: len(syn_cands)]
            centroid = vecs.mean(axis=0)
            centroid /= np.linalg.norm(centroid) or 1.0
            score = [float(sv[i] @ centroid) + syn_prior(i) for i in range(len(syn_cands))]
        else:
            score = [syn_prior(i) for i in range(len(syn_cands))]
        i = max(range(len(syn_cands)), key=lambda k: (score[k], -k))
        synopsis = _item_from_span(doc, syn_cands[i][0], syn_cands[i][1], "synopsis", section=syn_cands[i][2])

    def cue(s: int, e: int) -> float:
        sc = min(1.0, 0.3 * len(_PLAN_CUE.findall(text, s, e))) + min(1.2, 0.4 * len(_CHANGE_CUE.findall(text, s, e)))
        if drug_lexicon().find(text, s, e, strict=True) and _CHANGE_CUE.search(text, s, e):
            sc += 0.5  # a medication change
        if re.search(r"\bas (?:noted|mentioned|discussed) (?:above|previously|earlier)\b", text[s:e], re.I):
            sc -= 0.5  # a repeat of an earlier item
        return sc - (0.8 if _GENERIC_PLAN.search(text, s, e) else 0.0)

    plan_idx: list[int] = []
    if plan_cands:
        if vecs is not None and embed_plan:
            import numpy as np

            pv = vecs[len(syn_cands):]
            c = pv.mean(axis=0)
            c /= np.linalg.norm(c) or 1.0
            rel = [0.5 * float(pv[i] @ c) + cue(*plan_cands[i]) for i in range(len(plan_cands))]
            sims = pv @ pv.T
            sim = lambda i, j: float(sims[i, j])
        else:
            rel = [cue(*plan_cands[i]) - 0.01 * i for i in range(len(plan_cands))]
            sim = lambda i, j: _jaccard(text[slice(*plan_cands[i])], text[slice(*plan_cands[j])])
        plan_idx = _per_problem(plan_group, rel, sim, lim["plan"], lim["plan_per_problem"],
                                lambda i, j: _jaccard(text[slice(*plan_cands[i])], text[slice(*plan_cands[j])]) >= 0.5)
    plan_items = [_item_from_span(doc, *plan_cands[i], "plan") for i in plan_idx]
    item_groups = [plan_group[i] for i in plan_idx]
    if len(plan_all) > len(plan_cands) and length == "detailed":
        extra = list(range(len(plan_cands), len(plan_all)))[: max(0, lim["plan"] - len(plan_items))]
        plan_items += [_item_from_span(doc, *plan_all[i], "plan") for i in extra]
        item_groups += [group_all[i] for i in extra]
    plan_groups: list[tuple[Span | None, list[SummaryItem]]] = []
    for g in sorted(set(item_groups)):
        plan_groups.append((group_heads.get(g), [it for it, ig in zip(plan_items, item_groups) if ig == g]))
    uniq_follow: list[tuple[int, int]] = []
    for s_, e_ in follow:
        if not any(_jaccard(text[s_:e_], text[x:y]) >= 0.5 for x, y in uniq_follow):
            uniq_follow.append((s_, e_))
    follow_items = [_item_from_span(doc, s, e, "follow_up") for s, e in uniq_follow[: lim["follow_up"]]]
    return_items = [_item_from_span(doc, s, e, "return_precautions") for s, e in returns[:2]]

    for m in meds:
        if m.setting_note:
            warnings.append(f"{m.name}: {m.setting_note}")
    if not any(m.kind == "medication" and m.fields.get("listed") for m in med_items) and not doc.sections_named("medications"):
        warnings.append("the note has no medication list: medications are those mentioned in the text")
    return Summary(synopsis, prob_items, med_items, allergy_items, result_items, proc_items, plan_items, follow_items,
                   length=length, method="extractive", selection=selection, models=models, warnings=warnings,
                   elapsed_ms=(time.perf_counter() - t0) * 1000.0, hospital_medications=hosp_items, return_precautions=return_items,
                   plan_groups=plan_groups)


_VERB = re.compile(r"\b(?:is|was|are|were|will|has|have|had|did|does|do|be|been|reports?|denies|presents?|continue|start|order|"
                   r"we|i|she|he|they)\b", re.I)


def _is_heading(text: str, s: int, e: int) -> bool:
    """A problem heading of an assessment/plan ("Congestive heart failure.", "1. Left knee sprain.", "Hypertension:"):
    short, no verb, alone on its line or the head of a numbered item. Headings start a problem group; never an item."""
    seg = text[s:e].strip()
    words = seg.split()
    if not words or len(words) > 8 or _VERB.search(seg) or re.search(r"\d", seg) and len(words) > 4:
        return False
    line_start = text.rfind("\n", 0, s) + 1
    before = text[line_start:s]
    if before.strip() and not re.fullmatch(r"\s*(?:#?\d{1,2}[.)]|[-•*·▪◦])\s*", before):
        return False
    return bool(re.fullmatch(r"[A-Z][^.;]*[.:]?", seg))


def _per_problem(groups: list[int], rel: Sequence[float], sim, k: int, per_group: int, dup=lambda i, j: False) -> list[int]:
    """Plan sentences covering every problem: round-robin over the problem groups, best first inside a group
    (relevance minus redundancy with what is already chosen), at most ``per_group`` per problem, ``k`` in all."""
    by: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        by.setdefault(g, []).append(i)
    chosen: list[int] = []
    if len(by) <= 1:
        per_group = k
    for _round in range(per_group):
        for g in sorted(by):
            left = [i for i in by[g] if i not in chosen]
            if not left or len(chosen) >= k:
                continue
            left = [i for i in left if not any(dup(i, j) for j in chosen)]
            if not left:
                continue
            best = max(left, key=lambda i: (rel[i] - 0.3 * max((sim(i, j) for j in chosen), default=0.0), -i))
            if rel[best] < -0.3 and _round > 0:
                continue
            chosen.append(best)
    return sorted(chosen)


def render_text(d: dict[str, Any]) -> str:
    """Plain-text rendering of ``Summary.to_dict()`` (the CLI's text format)."""
    lines = []
    if d.get("synopsis"):
        lines.append(d["synopsis"]["text"])
        lines.append("")
    titles = [("problems", "Active problems"), ("medications", "Medications"), ("hospital_medications", "Given in hospital (not to take at home)"),
              ("allergies", "Allergies"), ("key_results", "Key results"), ("procedures", "Procedures"), ("plan", "Plan"),
              ("follow_up", "Follow-up"), ("return_precautions", "Return precautions")]
    for key, title in titles:
        items = d.get(key) or []
        if not items and key not in ("medications", "allergies"):
            continue
        lines.append(f"{title}:")
        if not items:
            lines.append("  (not documented in the note)")
        for it in items:
            extra = ""
            f = it.get("fields", {})
            if key in ("medications", "hospital_medications") and f.get("generic"):
                extra = f"  [{f['generic']}]"
            if key == "medications" and f.get("change") and not re.match(rf"\W*{re.escape(f['change'])}", it["text"], re.I):
                extra += f"  ({f['change']})"  # (not for an item that says it first: "Stop glipizide")
            if key == "key_results" and f.get("flag"):
                extra = f"  [{f['flag']}]"
            if key == "problems" and f.get("status") in ("uncertain", "historical", "resolved"):
                # (a diagnosis the note only suspects, one of the past or one now resolved is not shown as a current one)
                extra = {"uncertain": "  (suspected, not established)", "historical": "  (history)",
                         "resolved": "  (resolved)"}[f["status"]]
                if f["status"] == "resolved" and re.search(r"(?i)\bresolved\b", it["text"]):
                    extra = ""  # "Acute kidney injury, resolved" says it
            lines.append(f"  - {it['text']}{extra}")
    if d.get("abstract"):
        lines.append("")
        lines.append("Prose draft (" + d["abstract"].get("model", "model") + "):")
        lines.append("  " + d["abstract"].get("text", ""))
        for fl in d["abstract"].get("flags", []):
            lines.append(f"  ! unsupported {fl['kind']}: {fl['text']!r}")
    for w in d.get("warnings", []):
        lines.append(f"note: {w}")
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------------------------------------ abstractive
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,/]\d+)*(?![\w])")
_LATERALITY = re.compile(r"\b(left|right|bilateral(?:ly)?|unilateral|both sides)\b", re.I)
# (within a line: "Allergies: Denied" does not reach the "Results:" line below it)
_NEG_CUE = re.compile(r"\b(?:no|not|denies|denied|without|negative for|free of|absence of|never)\b[^\S\n]+((?:[A-Za-z-]+[^\S\n]*){1,3})", re.I)
_FILLER = {"a", "an", "the", "any", "of", "or", "and", "signs", "sign", "evidence", "history", "known", "acute", "new", "significant", "is", "was",
           "has", "had", "to", "seen", "limited", "able", "sure", "noted", "present", "identified", "appreciated", "visualized", "well", "very",
           "too", "much", "really", "currently", "longer", "more", "other", "further", "be", "been", "have", "do", "does", "did", "need", "needed",
           "by", "with", "for", "in", "on", "at", "from", "into"}
# a clause of the output: between semicolons, line ends and sentence ends, without a facts heading ("Plan: ")
_CLAUSE_END = re.compile(r"[;\n]|\.(?=\s|$)")
_CLAUSE_HEAD = re.compile(r"^\s*[A-Z][A-Za-z-]*(?: [A-Za-z-]+)?:\s+")


def _copied_clause(output: str, start: int, end: int, src_norm: str) -> bool:
    """The clause of ``output`` around ``start:end`` is the note's own words (4 words or more, spaces and case
    aside): it says there what the note says ("If his pain does not improve with the orthotics, I will
    recommend a cortisone injection"), so its drug names and negations need no other support."""
    a = max((m.end() for m in _CLAUSE_END.finditer(output, 0, start)), default=0)
    m = _CLAUSE_END.search(output, end)
    b = m.start() if m else len(output)
    clause = _CLAUSE_HEAD.sub("", output[a:b]).strip()
    norm = " ".join(clause.lower().split())
    return len(norm.split()) >= 4 and norm in src_norm


@dataclass
class Flag:
    kind: str  # number | drug | laterality | negation
    text: str
    start: int  # offsets in the generated text
    end: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end, "reason": self.reason}


def _norm_num(s: str) -> str:
    s = s.replace(",", "")
    try:
        f = float(s) if "/" not in s else None
    except ValueError:
        return s
    if f is None:
        return s
    return str(int(f)) if f == int(f) else str(f)


def check_generated(output: str, doc: Document) -> list[Flag]:
    """Flag every number, drug name, laterality and negation in generated ``output`` that the note does not
    support: a number not written in the note; a drug name absent from the note (or only negated there); a
    side (left/right/bilateral) the note never uses with that word; a negated finding the note does not negate."""
    from .extract import drug_lexicon

    src = doc.text
    src_low = src.lower()
    src_norm = " ".join(src_low.split())
    flags: list[Flag] = []
    src_nums = {_norm_num(m.group()) for m in _NUMBER.finditer(src)}
    for m in _NUMBER.finditer(output):
        if _norm_num(m.group()) not in src_nums:
            flags.append(Flag("number", m.group(), m.start(), m.end(), "number not in the note"))
    lex = drug_lexicon()
    src_drugs: dict[str, list] = {}
    for h in lex.find(src):
        src_drugs.setdefault(h.key, []).append(h)
        if h.generic:
            src_drugs.setdefault(h.generic.lower(), []).append(h)
    from ..text.context import classify

    for h in lex.find(output):
        if h.source == "allergen":
            continue
        hits = src_drugs.get(h.key) or (src_drugs.get(h.generic.lower()) if h.generic else None)
        if not hits:
            flags.append(Flag("drug", output[h.start:h.end], h.start, h.end, "drug not named in the note"))
        elif (all(classify(doc, x.start, x.end).status == "negated" for x in hits)
              and not _copied_clause(output, h.start, h.end, src_norm)):
            flags.append(Flag("drug", output[h.start:h.end], h.start, h.end, "the note only mentions this drug negated"))
    for m in _LATERALITY.finditer(output):
        word = m.group(1).lower()
        nxt = re.match(r"[ \t]+([a-z]+)", output[m.end():].lower())
        if word not in src_low:
            flags.append(Flag("laterality", m.group(), m.start(), m.end(), "side not stated in the note"))
        elif nxt and nxt.group(1) not in _FILLER and f"{word} {nxt.group(1)}" not in re.sub(r"\s+", " ", src_low):
            # the side exists in the note but never with this body part
            if re.search(rf"\b{re.escape(nxt.group(1))}", src_low):
                flags.append(Flag("laterality", f"{m.group()} {nxt.group(1)}", m.start(), m.end() + len(nxt.group(0)),
                                  "the note does not put this side with this word"))
    for m in _NEG_CUE.finditer(output):
        words = [w for w in re.findall(r"[a-z-]+", m.group(1).lower()) if w not in _FILLER]
        if not words:
            continue
        concept = words[0]
        supported = False
        for sm in re.finditer(rf"\b{re.escape(concept)}", src_low):
            if classify(doc, sm.start(), sm.end()).status == "negated":
                supported = True
                break
        if not supported and not _copied_clause(output, m.start(), m.end(), src_norm):
            s = m.start(1) + m.group(1).lower().find(concept)
            flags.append(Flag("negation", output[m.start():s + len(concept)], m.start(), s + len(concept),
                              f"the note does not negate '{concept}'"))
    flags.sort(key=lambda f: f.start)
    return flags


def facts_prompt(summary: Summary) -> str:
    """The facts the prose is written from (only text of the summary, i.e. of the note)."""
    parts = []
    if summary.synopsis:
        parts.append(summary.synopsis.text)
    for key, title in (("problems", "Problems"), ("medications", "Medications"), ("allergies", "Allergies"),
                       ("key_results", "Results"), ("plan", "Plan"), ("follow_up", "Follow-up")):
        items = getattr(summary, key)
        if items:
            parts.append(f"{title}: " + "; ".join(i.text for i in items))
    return "\n".join(parts)


def find_prose_pack() -> Any:
    """An installed LLM folder (onnxruntime-genai) or seq2seq pack for prose summaries, or None."""
    try:
        from ..runtime.registry import find_pack

        for task in ("summary-llm", "summary-seq2seq"):
            p = find_pack(task=task)
            if p is not None:
                return p.path
    except ImportError:  # pragma: no cover
        pass
    return None


def abstractive_summary(doc: Document, summary: Summary, *, pack: Any = None, max_new_tokens: int = 200) -> dict[str, Any]:
    """Write prose from the summary's facts with an LLM folder or a seq2seq pack, then check it against the note.

    Sets and returns ``summary.abstract`` = {"text", "model", "flags": [...], "unsupported": n, "prompt"}.
    Raises ModelPackError when no pack is installed (or onnxruntime-genai is missing for an LLM folder)."""
    from pathlib import Path

    from ..errors import ModelPackError

    folder = Path(pack) if pack else find_prose_pack()
    if folder is None:
        raise ModelPackError("no prose summary pack installed (an onnxruntime-genai LLM folder or a seq2seq pack)")
    prompt = facts_prompt(summary)
    from ..runtime.genai import GenAIGenerator, is_genai_folder

    if is_genai_folder(folder):
        gen = GenAIGenerator(folder)
        text = gen.generate("Write a short clinical summary of these facts. Use only these facts.\n" + prompt + "\nSummary:",
                            max_new_tokens=max_new_tokens)
        model = {"name": folder.name, "kind": "onnxruntime-genai"}
    else:
        import json

        from ..runtime.seq2seq import Seq2SeqOnnx

        gpath = folder / "generation.json"
        if not gpath.is_file():
            raise ModelPackError("neither an onnxruntime-genai folder nor a seq2seq pack (generation.json missing)", path=folder)
        gen_cfg = json.loads(gpath.read_text(encoding="utf-8"))
        seq = Seq2SeqOnnx(folder / "encoder.onnx", folder / "decoder.onnx", folder / "tokenizer.json", pad_id=gen_cfg["pad_id"],
                          bos_id=gen_cfg["bos_id"], eos_id=gen_cfg["eos_id"], max_src=gen_cfg.get("max_src", 256),
                          max_new_tokens=min(max_new_tokens, gen_cfg.get("max_new_tokens", 64)))
        text = seq.generate(prompt, num_beams=1).text
        model = {"name": folder.name, "kind": "seq2seq"}
    flags = check_generated(text, doc)
    summary.abstract = {"text": text, "model": model["name"], "model_kind": model["kind"], "flags": [f.to_dict() for f in flags],
                        "unsupported": len(flags), "evidence": [], "evidence_note": "generated prose: check the flags against the note"}
    return summary.abstract
