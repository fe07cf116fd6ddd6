"""Facts a letter is written from, read from a note, each with evidence spans into the note.

``extract_letter_facts(doc) -> LetterFacts``: diagnoses (affirmed only), medications (dose, parsed sig,
start/stop/increase/decrease/change/continue), allergies, tests done and pending, procedures and
therapies, follow-up appointments, warning signs, and the patient's name when the note states it.

Assertion status comes from ``medassist.text.context.classify`` (negated, uncertain, family, historical
and hypothetical mentions are never diagnoses); terms come from the lay lexicon; sigs from
``medassist.text.sig``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from medassist.document import Document, Span
from medassist.text.lay import TermHit, get_lexicon, plain_for_form, written_form
from medassist.tasks.extract import MED_SECTIONS as _LIST_SECTIONS  # (the medication lists the extraction reads)
from medassist.tasks.extract import ORDER_AFTER_COMMA, VISIT_TASK_NAMES, VISIT_TASK_WORDS
from medassist.text.sections import ED_TITLE as _ED_TITLE  # (one pattern for the ED's sections)
from medassist.text.sig import HOLD_IF_RE, detect_change, dose_at, parse_sig, plain_words

#: sections where the clinician states this visit's diagnoses and plan
ASSESSMENT_SECTIONS = ("assessment", "assessment_plan", "plan", "impression", "discharge_diagnoses")
PLAN_SECTIONS = ("plan", "assessment_plan", "assessment", "discharge_instructions", "follow_up", "impression")
#: sections whose drug names must reach the letter (the bench checks these)
MED_SECTIONS = ("medications", "discharge_medications", "plan", "assessment_plan", "assessment",
                "discharge_instructions")
RESULT_SECTIONS = ("labs", "imaging", "findings", "objective")

_PENDING_RE = re.compile(
    r"\b(?:will|order(?:ed|ing)?|schedul\w*|obtain\w*|pending|plan(?:ned)? (?:to|for)|refer\w*|send\w*|"
    r"repeat|recheck|check|get|would like|want to|going to|to be done|next)\b", re.I)
_FOLLOWUP_RE = re.compile(
    r"\b(?:follow[- ]?up|f/u|return (?:to (?:clinic|the clinic|see)|in)|come back|see (?:you|him|her|them|me) "
    r"(?:back|again|in)|recheck|revisit|re-?appoint\w*|next (?:well[- ](?:child\s+)?)?(?:visit|appointment|check)|appointment|(?:to be )?followed (?:up )?(?:in|by|with)"
    r"|return (?:here )?for (?=(?:a |an |the |your |his |her )?(?:suture|staple|wound|dressing|recheck|re-check|cast|"
    r"splint|injection|labs?|blood work|x-?ray|repeat|results)\b))\b", re.I)
#: a child's next visit at an age ("Return at 5 years for next well-child visit", "See back at 9 months of age")
_AGE_WHEN = r"at\s+(?:age\s+)?\d{1,2}\s*(?:years?|months?)(?:\s+of\s+age|\s+old)?\b"
_AGE_VISIT_RE = re.compile(rf"\b(?:return|come\s+back|see\s+(?:him|her|them|you)\s+back)\s+{_AGE_WHEN}", re.I)
_AGE_WHEN_RE = re.compile(_AGE_WHEN, re.I)


def _age_words(w: str) -> str:
    """"at 5 years" -> "at age 5", "at 9 months" -> "at 9 months of age" (a child's age, not a wait)."""
    m = re.match(r"(?i)at\s+(?:age\s+)?(\d{1,2})\s*(years?|months?)", w)
    if m is None:
        return w
    return f"at age {m.group(1)}" if m.group(2).lower().startswith("y") else f"at {m.group(1)} months of age"


#: a visit the plan names by its task, with a time ("Suture removal in 5 days.", "Wound check in 2 days.")
_VISIT_TASK_RE = re.compile(rf"(?:^|[.;]\s*|\b(?:for|and)\s+(?:a\s+)?)(?P<task>{VISIT_TASK_NAMES}|"
                            r"remov(?:e|al\s+of)\s+(?:the\s+|her\s+|his\s+)?(?:sutures|staples|stitches))\b", re.I)
#: ... not one done today ("Sutures removed today", "wound check done")
_FOLLOW_OR_DONE = re.compile(r"\b(?:removed|done|completed|performed|today)\b", re.I)
_TASK_PURPOSE = {"sutur": "have your stitches taken out", "stapl": "have your staples taken out",
                 "stitc": "have your stitches taken out", "remov": "have your stitches taken out",
                 "wound": "check your wound", "dress": "change your dressing"}
_WHEN_RE = re.compile(
    r"\b(?:in|within|after)\s+(?:about\s+|approximately\s+)?(?:\d+(?:\s*(?:-|to)\s*\d+)?|a|an|one|two|three|four|"
    r"five|six|a few|a couple of|several)\s+(?:days?|weeks?|months?|years?)\b|\bnext (?:week|month|year)\b|"
    r"\bin the next (?:\d+|few|couple of) (?:days|weeks|months)\b|\btomorrow\b", re.I)
_WITH_RE = re.compile(r"\bwith (?:a |an |the |her |his |their |your )?((?:[A-Za-z]+ )?(?:[a-z]+olog(?:y|ist)|surgeon|"
                      r"surgery|therapist|therapy|specialist|primary care(?: physician| provider| doctor)?|PCP|"
                      r"nephrology|cardiology|dermatology|podiatr\w+|orthopedics|ENT|pediatrician|pediatrics|"
                      r"family (?:doctor|physician|practice|medicine)))\b", re.I)
_NOT_END = r"(?:[^.;]|\.(?=\d))"  # a period inside a number ("38.5") does not end the condition
_WARNING_RE = re.compile(
    rf"\b(?P<act>call|contact|notify|return|go to|come back|seek|present to|head to|reach out|let (?:me|us) know)\b"
    rf"(?P<how>{_NOT_END}{{0,120}}?)(?:\bif\b|\bshould\b(?=\s+(?:he|she|they|you|the patient|symptoms?|there)\b))"
    rf"\s+(?P<cond>{_NOT_END}{{3,160}})", re.I)
#: the US suicide and crisis line (call or text 988)
_CRISIS_LINE_RE = re.compile(r"(?<![\d-])988(?![\d-])")
_SOONER_RE = re.compile(rf"\b(?:sooner|earlier)\s+(?:if|should)\s+(?P<cond>{_NOT_END}{{3,160}})", re.I)
#: where a pregnant patient goes (the hospital's birth unit or its obstetric triage)
_BIRTH_UNIT = r"(?i:labou?r\s+(?:and|&)\s+delivery|L\s*&\s*D|(?:OB|obstetric(?:al)?|maternity)\s+triage)"
_PLACE_RE = re.compile(rf"\b(?:the\s+)?(?:emergency (?:department|room)|ER|ED|urgent care|911|hospital|{_BIRTH_UNIT})(?!\w)")
# "Return to the emergency department for fever over 101 F, spreading redness, or shortness of breath": the signs
# after 'for', where the place is an emergency one (a clinic visit 'for a wound check' is an appointment)
_WARNING_FOR_RE = re.compile(
    rf"\b(?P<act>return|go|come back|present|head|call)\s+(?P<how>(?:to\s+)?(?:the\s+)?(?:nearest\s+)?(?:emergency (?:department|room)|"
    rf"ER|ED|urgent care|911|{_BIRTH_UNIT})|(?<=return\s)(?:here|sooner)?|(?<=come back\s)(?:here|sooner)?|"
    rf"(?<=call\s)(?:us\s+|the\s+(?:office|clinic)\s+|(?:your|the)\s+(?:doctor|surgeon|surgical team)\s+)?)\s*"
    rf"(?:for|with|in case of)\s+(?:any\s+)?"
    rf"(?P<cond>{_NOT_END}{{3,160}})", re.I)
_NOT_A_SIGN_RE = re.compile(rf"\b(?:{VISIT_TASK_WORDS})\b", re.I)
_WARNING_IF_FIRST_RE = re.compile(
    r"\bif\b\s+(?P<cond>[^.;,]{3,140}),\s*(?:she|he|they|you|the patient)?\s*(?:should|will|is to|needs to|must)?\s*"
    r"(?P<act>call|contact|notify|return|go to|come back|seek|present|follow[- ]?up|see (?:me|us))\b(?P<how>[^.;]{0,60})", re.I)
_NAME_RE = re.compile(
    r"\b(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?(?P<name>[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){1,2})"
    r"\s+is\s+an?\s+\d{1,3}[- ](?:year|yr|month)[- ]old\b")
_ALLERGY_NONE_RE = re.compile(r"\b(?:NKDA|NKA|no known (?:drug |medication )?allergies|no allergies|denies (?:any )?(?:drug )?allergies)\b", re.I)
_ALLERGY_TO_RE = re.compile(r"\ballerg(?:ic|y|ies) to\s+(?P<what>[^.;:\n]{2,80})", re.I)
_PROBLEM_LINE_RE = re.compile(r"^[ \t]*(?:#\s*|\d{1,2}[.)]\s*|[A-Z]\)\s*)?(?P<p>[A-Za-z][^\n:•]{1,400}?)[.:]?[ \t]*$")
_NOT_PROBLEM = re.compile(
    r"^(?:patient|plan|assessment|impression|medical|additional|follow|the patient|she|he|they|we|i|it|this|"
    r"please|continue|return|call|recommend|discussed|instructions|diet|activity|disposition|signed|"
    r"electronically|dictated|summary|counsel|education|overall|otherwise|normal|negative|unremarkable|aftercare|"
    r"encounter)\b", re.I)
_UNSURE_HEADING_RE = re.compile(r"\b(?:suspect\w*|suspicio\w*|possible|possibly|probable|probably|likely|presumed|"
                                r"questionable|concern for|rule out|r/o|etiology|differential)\b", re.I)
_EDUCATION_RE = re.compile(r"\b(?:explain\w*|educat\w*|counsel\w*|discuss\w*|aware of|watch for|look out for|monitor for|"
                           r"signs? of|symptoms? of|warn\w*|such as|including)\b", re.I)
_MAYBE_CARE_RE = re.compile(r"\b(?:if|such as|consider\w*|options?|may|might|could|possibl\w*|discuss\w*|whether)\b", re.I)
_SPECULATIVE_RE = re.compile(r"\b(?:risk|risks|prevent\w*|rule out|r/o|concern(?:ed)? (?:for|about)|evaluat\w* for|"
                             r"assess\w* for|possible|possibly|likely|probable|may|might|could|suspect\w*|"
                             r"question of|worried|screen\w*|chance|if)\b", re.I)


@dataclass
class Fact:
    """One fact from the note. ``text`` is as written; ``plain`` is the lay wording (may be empty)."""

    kind: str  # diagnosis | medication | allergy | test | procedure | follow_up | warning
    text: str
    plain: str = ""
    status: str = ""  # diagnosis: affirmed; test/procedure: done | pending; medication: change kind
    evidence: list[Span] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "kind": self.kind,
            "text": self.text,
            "plain": self.plain,
            "status": self.status,
            "evidence": [s.to_dict() for s in self.evidence],
        }
        if not self.evidence:
            d["evidence_missing"] = True
        d.update(self.data)
        return d


@dataclass
class LetterFacts:
    patient_name: Fact | None = None
    diagnoses: list[Fact] = field(default_factory=list)
    medications: list[Fact] = field(default_factory=list)
    allergies: list[Fact] = field(default_factory=list)
    no_known_allergies: Fact | None = None
    tests: list[Fact] = field(default_factory=list)
    procedures: list[Fact] = field(default_factory=list)
    follow_up: list[Fact] = field(default_factory=list)
    warnings: list[Fact] = field(default_factory=list)

    def all(self) -> list[Fact]:
        return [*self.diagnoses, *self.medications, *self.allergies, *self.tests, *self.procedures,
                *self.follow_up, *self.warnings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "patient_name": self.patient_name.to_dict() if self.patient_name else None,
            "diagnoses": [f.to_dict() for f in self.diagnoses],
            "medications": [f.to_dict() for f in self.medications],
            "allergies": [f.to_dict() for f in self.allergies],
            "no_known_allergies": self.no_known_allergies.to_dict() if self.no_known_allergies else None,
            "tests": [f.to_dict() for f in self.tests],
            "procedures": [f.to_dict() for f in self.procedures],
            "follow_up": [f.to_dict() for f in self.follow_up],
            "warnings": [f.to_dict() for f in self.warnings],
        }


# ---------------------------------------------------------------------------------------------- sections
#: upper-case headers the shared sectionizer may not know ("COURSE IN THE HOSPITAL:", "FINAL DIAGNOSES,1. ...",
#: "BRIEF HOSPITAL COURSE SUMMARY:"), named by the words in them; order matters (first match wins)
_HEADER_LINE_RE = re.compile(r"(?m)^[ \t]*(?P<h>[A-Z][A-Z0-9 /&'-]{2,60}?)[ \t]*(?::|,(?=\s*\d[.)]))")
_HEADER_WORDS = (
    (r"\bDISCHARGE\b.*\bMEDICATIONS?\b|\bMEDICATIONS? (?:AT|ON) DISCHARGE\b", "discharge_medications"),
    (r"\b(?:HOME|OUTPATIENT)\b.*\bMEDICATIONS?\b", "medications"),
    (r"\bCOURSE\b", "hospital_course"),
    (r"\b(?:FINAL|DISCHARGE)\b.*\bDIAGNOS[IE]S\b", "discharge_diagnoses"),
    (r"\bDIAGNOS[IE]S\b", "assessment"),
    (r"\bOPERATIONS?\b|\bPROCEDURES?\b", "procedures"),
    (r"\bINSTRUCTIONS?\b", "discharge_instructions"),
    (r"\bFOLLOW[- ]?UP\b", "follow_up"),
    (r"\bMEDICATIONS?\b", "medications"),
)


def refine_sections(doc: Document) -> Document:
    """``doc`` with headers the sectionizer left inside another section ("COURSE IN THE HOSPITAL:" read as part
    of "LABORATORY DATA") opened as sections of their own, so a discharge medicine in the hospital course is
    read as one. Same text, same offsets; sentences get the refined section names."""
    from dataclasses import replace

    from medassist.document import Section, Sentence

    text = doc.text
    cuts: list[tuple[int, int, str, str]] = []
    for m in _HEADER_LINE_RE.finditer(text):
        if any(sec.name != "preamble" and sec.start <= m.start("h") < max(sec.body_start, sec.start + 1)
               for sec in doc.sections):
            continue
        head = m.group("h")
        if len(head.split()) > 6 or not re.search(r"[A-Z]{3}", head):
            continue
        name = next((n for rx, n in _HEADER_WORDS if re.search(rx, head)), None)
        if name is None:
            continue
        cuts.append((m.start("h"), m.end(), head, name))
    if not cuts:
        return doc
    sections: list[Section] = []
    for sec in doc.sections:
        inner = [c for c in cuts if sec.body_start <= c[0] < sec.end]
        if not inner:
            sections.append(sec)
            continue
        cur_start, cur_body, cur_name, cur_title = sec.start, sec.body_start, sec.name, sec.title
        for cs, body, head, name in inner:
            if text[cur_body:cs].strip() or cur_start == sec.start:
                sections.append(Section(cur_name, cur_title, cur_start, cs, min(cur_body, cs)))
            cur_start, cur_body, cur_name, cur_title = cs, body, name, head
        sections.append(Section(cur_name, cur_title, cur_start, sec.end, cur_body))
    sections = [x for x in sections if x.end > x.start]

    def name_at(pos: int) -> str:
        for x in sections:
            if x.start <= pos < x.end:
                return x.name
        return "preamble"

    sentences = [Sentence(x.start, x.end, name_at(x.start)) for x in doc.sentences]
    return replace(doc, sections=sections, sentences=sentences)


# ---------------------------------------------------------------------------------------------- helpers
def _status(doc: Document, start: int, end: int) -> str:
    try:
        from medassist.text.context import classify
    except ImportError:  # pragma: no cover - the NOTES module ships with the engine
        return "affirmed"
    return classify(doc, start, end).status


def _hit_status(doc: Document, start: int, end: int) -> str:
    """Like ``_status``, but a condition the note calls resolved ("Acute kidney injury, resolved") was this
    visit's diagnosis: read as affirmed (the letter says it is now better), not as negated."""
    try:
        from medassist.text.context import classify
    except ImportError:  # pragma: no cover
        return "affirmed"
    ctx = classify(doc, start, end)
    if ctx.status == "negated" and ctx.cue is not None and re.search(r"(?i)resolv|improv|heal", ctx.cue.text):
        return "affirmed"
    return ctx.status


def _sentence_at(doc: Document, pos: int) -> tuple[int, int, str]:
    for s in doc.sentences:
        if s.start <= pos < s.end:
            return s.start, s.end, s.section
    sec = doc.section_at(pos)
    # fallback: the line
    ls = doc.text.rfind("\n", 0, pos) + 1
    le = doc.text.find("\n", pos)
    return ls, le if le != -1 else len(doc.text), sec.name if sec else "preamble"


def _joined_start(doc: Document, ss: int) -> int:
    """Start of the sentence at ``ss`` joined to the one before when a line break cut it there ("He is being
    discharged on\nBactrim DS ..." split into two)."""
    before = doc.text[:ss].rstrip()
    if not before or before[-1] in ".!?:;":
        return ss
    prev = [x for x in doc.sentences if x.end <= ss]
    return prev[-1].start if prev else ss


def _section_name(doc: Document, pos: int) -> str:
    sec = doc.section_at(pos)
    return sec.name if sec else "preamble"


def _in_sections(doc: Document, names: tuple[str, ...]) -> list[tuple[int, int, str]]:
    out = [(s.body_start, s.end, s.name) for s in doc.sections if s.name in names]
    return out


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \t.,;:-•*#":
        s += 1
    while e > s and text[e - 1] in " \t.,;:":
        e -= 1
    return s, e


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip().lower())


def _fact_names(f: "Fact") -> set[str]:
    """A medicine fact's names as the note wrote them (its text, other names, generic), normalised."""
    return {_norm(n) for n in [f.text, *(f.data.get("also_named") or []), f.data.get("generic") or ""] if n}


# ---------------------------------------------------------------------------------------------- diagnoses
_SIDE = r"(?:left|right|bilateral|both|lower|upper)"
#: where on a part ("distal radius"): a site only with its part, never alone ("of the left distal" is no site)
_POSITION = r"(?:distal|proximal|mid|middle|medial|lateral|anterior|posterior|inferior|superior)"
_SITE_RE = re.compile(r"\s+(?:of|in|involving|affecting|at)\s+(?:the\s+|both\s+|her\s+|his\s+|their\s+|your\s+)?"
                      r"(?P<site>[a-z]+(?:\s+[a-z]+){0,2})", re.I)


def _site_match(text: str, s: int, e: int, limit: int) -> tuple[int, dict | None]:
    """(end, anatomy entry) of a diagnosis or test extended by its site and side as the note writes them:
    "osteoarthritis" -> "osteoarthritis of the left knee", "ultrasound" -> "ultrasound of her right upper
    quadrant". Only body parts the lexicon knows are taken (longest first)."""
    m = _SITE_RE.match(text, e, limit)
    if not m:
        return e, None
    lex = get_lexicon()
    words = m.group("site").split()
    for n in range(len(words), 0, -1):
        cand = " ".join(words[:n])
        base = cand.lower()
        bare = re.sub(rf"^(?:(?:{_SIDE}|{_POSITION})\s+)+", "", base)
        if not bare or re.fullmatch(_POSITION, bare):
            continue
        for b in (base, bare, bare.rstrip("s")):
            entry = lex.lookup(b, "anatomy")
            if entry or b in _BODY_WORDS:
                return m.start("site") + len(cand), entry
    return e, None


def _with_site(text: str, s: int, e: int, limit: int) -> int:
    return _site_match(text, s, e, limit)[0]


_BODY_WORDS = {"knee", "knees", "hip", "hips", "shoulder", "shoulders", "ankle", "ankles", "wrist", "wrists", "elbow",
               "elbows", "hand", "hands", "foot", "feet", "back", "neck", "spine", "leg", "legs", "arm", "arms", "eye",
               "eyes", "ear", "ears", "lung", "lungs", "kidney", "kidneys", "breast", "thumb", "toe", "finger"}
#: "a 66-year-old male with signs and symptoms of benign prostatic hypertrophy": the patient's condition
_WITH_SIGNS_RE = re.compile(r"\bwith (?:(?:the )?signs and )?symptoms (?:of|consistent with)\s+$", re.I)


def _item_lines(text: str, rs: int, re_: int) -> list[tuple[int, int]]:
    """(start, end) of each line of a region, a line holding numbered items run together ("1.  Morbid obesity.
    ,2.  Hypertension.") cut into one piece per item."""
    out = []
    pos = rs
    for line in text[rs:re_].split("\n"):
        ls, le = pos, pos + len(line)
        pos = le + 1
        cuts = [ls] + [ls + m.start() + 1 for m in re.finditer(r"[.,;]\s*,?\s*(?=\d{1,2}\.\s+[A-Z])", line) if m.start() > 0] + [le]
        for a, b in zip(cuts, cuts[1:]):
            while a < b and text[a] in " ,\t":
                a += 1
            if b > a:
                out.append((a, b))
    return out


_DASH_REMARK = re.compile(r"\s[-\u2013\u2014]\s")
_NOT_DIAGNOSIS_TERMS = {"status post", "postoperative state", "postoperative", "preoperative state", "post-op"}
#: a coding line of the assessment that states a drug the patient takes, not a finding ("Long-term use of insulin.",
#: "Long term (current) use of anticoagulants": ICD-10-CM's Z79 wording)
_DRUG_USE_LINE = re.compile(r"(?i)\s*long[- ]term\s+(?:\(current\)\s+)?(?:use|therapy|treatment)\s+(?:of|with)\b|"
                            # "NSAID use (ibuprofen for knee osteoarthritis)", "Chronic opioid use": the medicine taken
                            r"\s*(?:chronic\s+|daily\s+|regular\s+)?(?:nsaids?|aspirin|opioids?|opiates?|steroids?|"
                            r"corticosteroids?|anticoagulants?|benzodiazepines?|stimulants?|ppis?)\s+use\b")


#: the words that name vaccines ("Immunizations: ...", "flu shot"); the letters' vaccine list reads them too
VACCINE_WORDS = r"vaccin\w*|immuni[sz]ations?|shots?|boosters?"
_VACCINE_WORD_RE = re.compile(rf"(?i)\b(?:{VACCINE_WORDS})\b|\b(?:MMR|DTaP|Tdap|PCV|IPV|HPV)\b")
#: a condition's name right before a vaccine word names the vaccine ("shingles vaccine", "hepatitis B series")
_VACCINE_AFTER_RE = re.compile(rf"(?i)\s*(?:\(\w+\)\s*)?(?:{VACCINE_WORDS}|series)\b")
_VACCINE_GIVEN_RE = re.compile(r"(?i)\b(?:given|administered|received|due|up to date|declined|deferred)\b")
_PREOP_TITLE = re.compile(r"(?i)\bpre-?\s?op(?:erative)?\s+diagnos")
_POSTOP_TITLE = re.compile(r"(?i)\bpost-?\s?op(?:erative)?\s+diagnos")


def _diagnoses(doc: Document) -> list[Fact]:
    lex = get_lexicon()
    text = doc.text
    regions = _in_sections(doc, ASSESSMENT_SECTIONS)
    facts: list[Fact] = []
    seen: set[str] = set()
    covered: list[tuple[int, int]] = []
    # (an operation's diagnosis before and after is read from both lists, _pre_or_post keeps the fuller one)
    pre_post = [(x.body_start, x.end, "pre" if _PREOP_TITLE.search(x.title or "") else "post") for x in doc.sections
                if _PREOP_TITLE.search(x.title or "") or _POSTOP_TITLE.search(x.title or "")]

    def add(s: int, e: int, plain: str, term: str | None, how: str) -> None:
        s, e = _strip_span(text, s, e)
        if e <= s:
            return
        key = _norm(term or text[s:e]) + next((f"@{t}" for a, b, t in pre_post if a <= s < b), "")
        base = key.split("@")[0]
        dup = key in seen or (base in seen if "@" in key else any(base + t in seen for t in ("@pre", "@post")))
        if dup or base in _NOT_DIAGNOSIS_TERMS or _norm(text[s:e]) in _NOT_DIAGNOSIS_TERMS:
            return  # "Status post", "Postoperative": a time, not a reason for the visit
        if _DRUG_USE_LINE.match(text, s):
            return  # "Long-term use of insulin": the medicine the patient takes (the medicines list says it)
        status = _status(doc, s, e)
        if status != "affirmed":
            return
        ss, se, _sec = _sentence_at(doc, s)
        if _VACCINE_WORD_RE.search(text, ss, se) and _VACCINE_GIVEN_RE.search(text, ss, se):
            return  # "Immunizations: MMR, varicella, hepatitis A and PCV given today": vaccines, not diagnoses
        if _VACCINE_AFTER_RE.match(text, e):
            return  # "Recommend shingles vaccine next month": the vaccine's name, not the patient's shingles
        seen.add(key)
        covered.append((s, e))
        facts.append(Fact("diagnosis", text[s:e], plain, "affirmed", [doc.span(s, e)],
                          {"term": term, "found_by": how}))

    for rs, re_, _name in regions:
        # problem headings: short lines standing alone ("Congestive heart failure.", "1. Hypertension")
        for ls, le in _item_lines(text, rs, re_):
            line = text[ls:le]
            m = _PROBLEM_LINE_RE.match(line)
            colon_later = False
            if not m:
                # a colon later in the item ("1. Helicobacter pylori gastritis. Start quadruple therapy for 14 days:
                # ..."): its first sentence is read as the item's heading, as a longer item's would be
                mark = re.match(r"[ \t]*(?:#\s*|\d{1,2}[.)]\s*|[A-Z]\)\s*)?", line).end()
                first = re.compile(r"\.\s").search(line, mark)
                m = _PROBLEM_LINE_RE.match(line[:first.start() + 1]) if first else None
                colon_later = m is not None
            if not m:
                continue
            ps = ls + m.start("p")
            pe = ps + len(m.group("p").rstrip())
            # a problem item is its first sentence only: "Obesity, BMI 32. Discussed diet and exercise."
            sent_end = next((x.end for x in doc.sentences if x.start <= ps < x.end), pe)
            was_cut = sent_end < pe or colon_later
            pe = min(pe, sent_end)
            while pe > ps and text[pe - 1] in " \t.;:":
                pe -= 1
            p = text[ps:pe].strip()
            words = p.split()
            # the problem ends where a remark after a spaced dash ("ADHD, combined type - doing well on Concerta") or
            # its order ("Obstructive sleep apnea, continue CPAP", "Hyperphosphatemia - increase sevelamer to 1600 mg")
            # starts: cut before the sentence test below, which the order's own words would fail
            ends = [m.start() for m in (_DASH_REMARK.search(text, ps, pe), ORDER_AFTER_COMMA.search(text, ps, pe))
                    if m is not None and m.start() > ps]
            if ends:
                pe = min(ends)
                p = text[ps:pe].strip()
                words = p.split()
            if not (1 <= len(words) <= 12) or _NOT_PROBLEM.match(p) or p.lower().startswith(("no ", "rule out", "r/o")):
                continue
            # (a sentence, not a problem name; "due to" / "secondary to" name a cause: "Fluid overload due to ...")
            if re.search(r"\b(?:is|are|was|were|will|has|have|had|(?<!due )(?<!secondary )(?<!related )(?<!attributed )to|"
                         r"reports?|denies|states?)\b", p, re.I):
                continue
            cut = re.search(r"\s*(?:,|;|\bvs\.?|\bversus)\s*(?:most |more |less )?(?:possible|possibly|likely|probable|probably|"
                            r"suspected|questionable|rule out|r/o|concern for|differential|vs\.?|versus)\b", text[ps:pe], re.I)
            if cut:
                pe = ps + cut.start()  # "Right knee pain, possible MCL strain": only the certain part
                words = text[ps:pe].split()
            cut = re.search(r"\s*,?\s+(?:status post|s/p|post|after)\s+\w", text[ps:pe], re.I)
            if cut and cut.start() > 0:
                pe = ps + cut.start()  # "Morbid obesity, status post gastric bypass": the problem; the operation is a procedure
                words = text[ps:pe].split()
            if re.match(r"(?i)(?:history of|hx of|h/o|family history)\b", p):
                continue
            if _UNSURE_HEADING_RE.search(text[ps:pe]):
                continue  # "Suspected etiology of anxiety ...": not a diagnosis the patient has
            hits = [h for h in lex.find(text[ps:pe], categories=("diagnosis",))
                    if (h.entry.get("icd10_chapter") not in ("XX", "XXI") or h.end - h.start == pe - ps)
                    and _hit_status(doc, ps + h.start, ps + h.end) not in ("negated", "family", "hypothetical", "uncertain")]
            if not hits and len(words) > 9:
                continue
            numbered = bool(re.match(r"[ \t]*(?:#|\d{1,2}[.)])", line))
            if was_cut and (not hits or len(text[ps:ps + hits[0].start].split()) > (3 if numbered else 1)
                            or (not numbered and len(words) > 6)
                            or re.match(r"(?i)(?:the|a|an|this|that|his|her|their|x-?ray|mri|ct)\b", p)):
                continue  # the first sentence of a prose line is a problem name only when it is short and starts so
            plain = ""
            term = None
            if hits:
                best = hits[0]
                term, plain = best.term, best.plain
                conn = re.search(r"\b(?:due to|secondary to|caused by|from)\b", text[ps:pe], re.I)
                cause = next((h for h in hits[1:] if conn and h.start >= conn.end()), None)
                if cause is not None and best.end <= conn.start() and cause.plain and cause.plain != plain:
                    # "Right foot pain, due to a Lisfranc fracture": both, the one caused by the other
                    plain = f"{plain}, caused by {cause.plain}"
            else:
                other = lex.find(text[ps:pe])
                if any(h.category in ("test", "procedure") for h in other):
                    continue  # "Colonoscopy.": a procedure heading, not a diagnosis
                if len(words) > 4:
                    continue  # an unknown long line is more likely prose than a problem name
            add(ps, pe, plain, term or text[ps:pe], "heading")
        # lexicon diagnoses mentioned in the assessment sentences
        for h in lex.find(text[rs:re_], categories=("diagnosis",)):
            s, e = rs + h.start, rs + h.end
            if any(s < ce and cs < e for cs, ce in covered):
                continue
            if h.entry.get("icd10_chapter") in ("XVIII", "XX", "XXI"):
                continue
            ss, _se, _ = _sentence_at(doc, s)
            if _SPECULATIVE_RE.search(text[ss:s]) or (_EDUCATION_RE.search(text[ss:s]) and not _WITH_SIGNS_RE.search(text, ss, s)) \
                    or _status(doc, s, e) in ("uncertain", "hypothetical"):
                continue  # "to reduce the risk of stroke", "I explained that Lyme disease can cause ..."
            words = set(re.findall(r"[a-z0-9]+", h.text.lower()))
            if any(words <= set(re.findall(r"[a-z0-9]+", f.text.lower())) for f in facts):
                continue
            e = _with_site(text, s, e, _se)
            add(s, e, h.plain, h.term, "lexicon")

    if not regions:  # no assessment section: affirmed lexicon diagnoses outside history/ROS/exam
        for h in lex.find(text, categories=("diagnosis",)):
            if _section_name(doc, h.start) in ("ros", "family_history", "pmh", "physical_exam", "vitals", "social_history"):
                continue
            add(h.start, h.end, h.plain, h.term, "lexicon")
    facts.sort(key=lambda f: f.evidence[0].start)
    return _pre_or_post(doc, facts)


def _pre_or_post(doc: Document, facts: list[Fact]) -> list[Fact]:
    """An operation's diagnosis before and after, said twice: the one whose words the other holds goes
    ("Acute appendicitis" before, "Acute suppurative appendicitis without perforation" after: the second; "Right
    inguinal hernia" before, "Inguinal hernia" after: the first). Different diagnoses both stay."""
    pre = [(x.body_start, x.end) for x in doc.sections if _PREOP_TITLE.search(x.title or "")]
    post = [(x.body_start, x.end) for x in doc.sections if _POSTOP_TITLE.search(x.title or "")]
    if not pre or not post:
        return facts

    def words(f: Fact) -> set[str]:
        return {w for w in re.findall(r"[a-z]+", f.text.lower()) if w not in _PRE_POST_STOP}

    def within(f: Fact, spans) -> bool:
        return any(a <= f.evidence[0].start < b for a, b in spans)

    drop: set[int] = set()
    for i, a in enumerate(facts):
        if not within(a, pre):
            continue
        for j, b in enumerate(facts):
            if j in drop or not within(b, post):
                continue
            wa, wb = words(a), words(b)
            if wa and wa <= wb:
                drop.add(i)
                break
            if wb and wb < wa:
                drop.add(j)
    return [f for k, f in enumerate(facts) if k not in drop]


_PRE_POST_STOP = frozenset("the a an of with and or in on to".split())


# ---------------------------------------------------------------------------------------------- medications
#: the words right before the drug a switch goes to ("switch to oral cephalexin", "transitioned to PO")
_SWITCHED_TO = re.compile(r"\b(?:switch(?:ed|ing)?|chang(?:e|ed|ing)|transition(?:ed|ing)?|convert(?:ed|ing)?|step(?:ped)?\s+down)"
                          r"\s+(?:him|her|them|the\s+patient\s+)?(?:over\s+)?to\s+(?:oral\s+|po\s+|iv\s+|by\s+mouth\s+)?$", re.I)
_MAYBE_RE = re.compile(r"\b(?:consider\w*|may|might|could|possibly|if|option\w*)\b", re.I)
#: a medicine offered, the patient to decide ("Offered nicotine patch", "Discussed starting an SSRI"); taken up when
#: the sentence says so ("she agreed", "accepted", "prescribed")
_OFFERED_RE = re.compile(r"\b(?:offered|offer(?:ing)?|discussed\s+(?:starting|trial\s+of|a\s+trial\s+of))\b", re.I)
_ACCEPTED_RE = re.compile(r"\b(?:agree[sd]?|accept\w*|wants?\s+to\s+(?:start|try)|prescrib\w*|sent|started)\b", re.I)
#: a new clause with its own verb after a drug's words: what follows is not this drug's sig
_NEXT_CLAUSE = re.compile(r"(?i)\s*,?\s+(?:and|but|whereas|while)\s+(?:(?:she|he|they|we|I|you)\s+)?(?:will|would|to|is|was|are|were|"
                          r"should|may|can|then|also)\b")
#: the patient may use the drug now, as the note allows ("may alternate with acetaminophen", "can also take")
_MAY_USE_RE = re.compile(r"\b(?:may|can)\s+(?:also\s+)?(?:alternate(?:\s+it)?\s+with|take|use|give|try)\s+(?:\w+\s+){0,2}$", re.I)
_NOT_STARTED_RE = re.compile(r"\b(?:not|no|never|hold off on|defer\w*|decid\w* against|declin\w*)\b[^.;]{0,40}?"
                             r"\b(?:start\w*|initiat\w*|begin|prescrib\w*|add\w*|put (?:him|her|them|you) on|"
                             r"place (?:him|her|them|you) on)\b", re.I)
#: a medicine the history says is taken now ("Takes ferrous sulfate 325 mg every other day.", "On apixaban 5 mg twice
#: daily.", "Hypertension on amlodipine."): the words right before its name; read only where the note has no list
_TAKING_NOW_RE = re.compile(r"(?:\b(?:takes|is taking|currently taking|still taking|continues (?:to take|on)|remains on|is (?:currently |still )?on|"
                            r"maintained on|uses)|(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bwent )(?<!\bcame )\bon)\s+(?:(?:his|her|their|daily|nightly|oral)\s+)?$", re.I)
#: ...or the rest of its list: a dose and how often, then a comma or "and" ("..., mycophenolate 500 mg twice daily and")
_LIST_GOES_ON_RE = re.compile(r"[^.;:()\n]{0,40}?(?:,\s*(?:and\s+)?|\s+and\s+)", re.I)
#: ...and a sentence that tells the past or a trial is not a medicine taken now
_TAKEN_BEFORE_RE = re.compile(r"\b(?:was|were|had|previously|prior|formerly|stopped|discontinued|completed|finished|tried|failed|"
                              r"used to|in the past|ago|last (?:year|month|week)|until|off)\b", re.I)
#: the sections whose medicine mentions the history above is read from
_HISTORY_MED_SECTIONS = ("hpi", "subjective", "pmh", "preamble")
_GOING_HOME_RE = re.compile(r"\b(?:discharg\w*|go(?:ing)? home|home on|sent home|at home|will continue|continue|"
                            r"prescription|prescribed)\b", re.I)
def is_lab_context(text: str, start: int, end: int, sentence_start: int = 0) -> bool:
    """True when a drug-like word is the name of a lab ("recheck CBC, iron, B-12, and folate"): a lab
    verb or noun earlier in its clause and no dose after it."""
    before = text[max(sentence_start, start - 60):start]
    m = re.search(r"\b(?:recheck|check(?:ing)?|labs?|levels?|tests?|testing|panel|draw)\b[^.;]*$", before, re.I)
    if m is None or dose_at(text, end):
        return False
    # ("Subtherapeutic tacrolimus level - increase tacrolimus to 4 mg": an order between the lab word and the drug)
    return not re.search(r"\b(?:increase|decrease|reduce|raise|lower|start|stop|continue|resume|hold|change|switch|adjust|"
                         r"titrate|restart|begin)\b", m.group(), re.I)


_SWITCH_VERB = r"(?:switch\w*|chang\w*|replac\w*|convert\w*|transition\w*|swap\w*)"
#: "switch (her) (from) X to Y", "replace X with Y": the verb before X, then "to/with" right before Y
_SWITCH_BEFORE_RE = re.compile(rf"\b{_SWITCH_VERB}\s+(?:(?:him|her|them|you|the patient)\s+)?(?:over\s+)?(?:from\s+)?"
                               r"(?:(?:her|his|their|your|the)\s+)?$", re.I)
_SWITCH_BETWEEN_RE = re.compile(r"^(?:\s+\S+){0,4}?\s+(?:over\s+)?(?:to|with|for)\s+(?:(?:a|an|the|generic)\s+)?$", re.I)
#: "X (was/will be) changed/switched to Y"
_SWITCHED_AFTER_RE = re.compile(rf"^(?:\s+\S+){{0,4}}?\s+(?:(?:was|is|has been|will be|to be|being)\s+)?{_SWITCH_VERB}\s+"
                                r"(?:over\s+)?(?:to|with|for)\s+(?:(?:a|an|the|generic)\s+)?$", re.I)
_SWITCH_TO_RE = re.compile(rf"\b{_SWITCH_VERB}\s+(?:(?:him|her|them|you|the patient)\s+)?(?:over\s+)?to\s+"
                           r"(?:(?:a|an|the|generic)\s+)?$", re.I)
_REASON_RE = re.compile(r"\b(?:because of|because|due to|given|in view of|as a result of)\s+(?P<why>[^.;]{3,80})", re.I)


def _switches(doc: Document, abs_hits) -> dict[int, dict[str, Any]]:
    """Drug-to-drug switches in one region: {drug start: {"role": "stop"|"start", "other": name, "verb": Span}}.

    "change naproxen to acetaminophen", "switch from X to Y", "replace X with Y", "X was changed to Y" mean
    stop X, start Y; "switch to Y" (no X named) means start Y. A change to a dose ("change X to 20 mg") is
    not a switch (left to the dose-change reading)."""
    text = doc.text
    out: dict[int, dict[str, Any]] = {}
    for j, (s, e, h) in enumerate(abs_hits):
        ss, se, _ = _sentence_at(doc, s)
        nxt = abs_hits[j + 1] if j + 1 < len(abs_hits) else None
        if nxt is not None and nxt[0] < se:
            ys, ye, yh = nxt
            between = text[e:ys]
            verb = None
            vb = _SWITCH_BEFORE_RE.search(text, max(ss, s - 60), s)
            if vb and _SWITCH_BETWEEN_RE.match(between) and not re.search(r"\d", between):
                verb = doc.span(vb.start(), vb.start() + len(vb.group().split()[0]))
            else:
                va = _SWITCHED_AFTER_RE.match(between)
                if va:
                    vm = re.search(_SWITCH_VERB, between, re.I)
                    verb = doc.span(e + vm.start(), e + vm.end())
            if verb is not None:
                if re.search(r"\b(?:had|previously|already|last (?:visit|time)|before)\s+(?:\w+\s+)?$", text[max(ss, verb.start - 30):verb.start], re.I):
                    # "we had changed her furosemide to torsemide": an earlier change, now the regimen
                    out[s] = {"role": "not_taking", "other": yh.text, "verb": verb}
                    out[ys] = {"role": "continue", "other": h.text, "verb": verb}
                    continue
                out[s] = {"role": "stop", "other": yh.text, "verb": verb}
                out[ys] = {"role": "start", "other": h.text, "verb": verb}
                continue
        if s not in out:
            m = _SWITCH_TO_RE.search(text, max(ss, s - 40), s)
            if m:
                vm = re.match(_SWITCH_VERB, m.group(), re.I)
                out[s] = {"role": "start", "other": None, "verb": doc.span(m.start(), m.start() + vm.end())}
    return out


def _reason(text: str, ss: int, se: int, drug_start: int) -> tuple[str, Span] | None:
    """Why the note makes a change ("because of her blood pressure"), from the drug's sentence."""
    m = _REASON_RE.search(text, drug_start, se)
    if not m:
        return None
    s, e = m.start(), m.end()
    cut = re.search(r",|\b(?:and|but|so|then|which|until)\b", text[m.start("why"):e])
    if cut:
        e = m.start("why") + cut.start()
    s, e = _strip_span(text, s, e)
    if len(text[m.start("why"):e].split()) < 1:
        return None
    return text[s:e], Span(s, e, text[s:e])


#: classes whose members come in one form only (for the verb of the instructions: "apply", not "take")
_CLASS_FORM = {"topsteroid": "topical", "topical": "topical", "eye": "eye"}
_FORM_VERB = {"topical": "apply", "patch": "apply", "nasal": "use", "eye": "put", "inhaled": "breathe in",
              "nebulized": "breathe in"}


def _sig_form(sig) -> str | None:
    if sig.form == "puff" or sig.route == "inhaled":
        return "inhaled"
    if sig.form == "spray" or sig.route == "nasal":
        return "nasal"
    if sig.form in ("patch",) or sig.route == "transdermal":
        return "patch"
    if sig.route == "topical":
        return "topical"
    if sig.route == "sublingual":
        return "sublingual"
    if sig.route in ("subcutaneous", "intramuscular") or sig.form == "injection":
        return "injected"
    if sig.form in ("tablet", "capsule") or sig.route == "oral":
        return "oral"
    return None


_TO_DOSE_RE = re.compile(r"\bto\s+(\d+(?:\.\d+)?\s*(?:mg|mcg|g|units?|mL)\b)", re.I)


def join_dosage_forms(text: str, hits: list[TermHit]) -> list[TermHit]:
    """A brand with its dosage-form word is one drug: "Prevacid SoluTab", "Toprol XL", "Advair Diskus" (the form
    words are ``dosage_forms`` of ``resources/drugs.json``). A form word found as a drug of its own ("SoluTab"
    before a dose) is joined to the name before it; form words right after a name extend the name."""
    import dataclasses

    from medassist.tasks.extract import _words, drug_lexicon

    lex = drug_lexicon()
    out: list[TermHit] = []
    for h in hits:
        if out and h.source != "lexicon" and lex.is_form_word(text, (h.start, h.end, h.text.lower()), out[-1].end):
            out[-1] = dataclasses.replace(out[-1], end=h.end, text=text[out[-1].start:h.end])
            continue
        out.append(h)
    for k, h in enumerate(out):
        end = h.end
        limit = out[k + 1].start if k + 1 < len(out) else len(text)
        for tok in _words(text, h.end, min(limit, h.end + 40)):
            if not lex.is_form_word(text, tok, end):
                break
            end = tok[1]
        if end != h.end:
            out[k] = dataclasses.replace(h, end=end, text=text[h.start:end])
    return out


_RESUME_VERB = re.compile(r"(?:resum|restart)", re.I)
# after a held drug's name: for how long it is held, then that it is taken again ("tonight, then resume")
_HOLD_FOR_RE = re.compile(r"[ \t]*(?:it[ \t]+)?(?P<when>(?:until|for|before|after|while|during|tonight|today|tomorrow|"
                          r"this|the\s+(?:day|night|morning)|on\s+the\s+(?:day|morning))\b[^.;\n]{0,70}?)[ \t]*(?=[.;\n]|$)", re.I)
_HOLD_THEN_RE = re.compile(r"(?P<when>[^.;\n]{0,60}?)[\s,]*(?:and\s+)?then\s+(?:resume|restart)\b", re.I)
# when a held medicine is taken again: "resume on Friday", "restart in 2 days", "resume after your INR check"
_RESUME_WHEN = re.compile(r"[ \t]*(?:it[ \t]+|taking(?:[ \t]+it)?[ \t]+)?(?P<when>(?:on|after|in|from|starting|beginning|once|when)[ \t]+"
                          r"[^.;,\n]{2,40}?)(?=[ \t]*(?:[.;,\n]|$))", re.I)


def _medications(doc: Document, shared=None) -> list[Fact]:
    from medassist.tasks.extract import DOSE_BEFORE, GIVEN_HERE, SCRIPT_WORDS, WHEN_OF_OTHER

    lex = get_lexicon()
    text = doc.text
    regions = _in_sections(doc, MED_SECTIONS + ("hospital_course",))
    if not any(sec.name in _LIST_SECTIONS for sec in doc.sections):
        # no medication list: the medicines the history says are taken now are the patient's medicines too
        regions += _in_sections(doc, _HISTORY_MED_SECTIONS)
    by_drug: dict[str, Fact] = {}
    order: list[str] = []
    taking_now: set[int] = set()  # (the ends of the history's drugs said to be taken now)
    rank = {"stop": 6, "hold_then_resume": 6, "hold": 6, "given_here": 4.5, "start": 5, "increase": 5, "decrease": 5, "resume_later": 5, "change": 4,
            "continue": 2, None: 1,
            "not_started": 0, "not_taking": 0, "may_start": 0.5, "offered": 0.5, "may_use": 1.5}
    for rs, re_, sec_name in regions:
        hits = join_dosage_forms(text[rs:re_], lex.find_drugs(text[rs:re_]))
        abs_hits = [(rs + h.start, rs + h.end, h) for h in hits]
        switches = _switches(doc, abs_hits)
        for i, (s, e, h) in enumerate(abs_hits):
            if h.entry.get("class_key") == "vaccine" and sec_name not in ("medications", "discharge_medications"):
                continue  # "Influenza vaccine given today": the letter's vaccine list says it; no medicine to take
            if i and WHEN_OF_OTHER.search(text, abs_hits[i - 1][1], s):
                continue  # "insulin glargine 10 units at bedtime while on prednisone": prednisone is the when, not a drug to start
            gm = GIVEN_HERE.search(text, max(_sentence_at(doc, s)[0], s - 90), s) \
                if sec_name not in ("medications", "discharge_medications", "hospital_course") else None
            # ("was given a prescription for Levaquin": a medicine to take, not one given here)
            given_now = gm is not None and not SCRIPT_WORDS.search(gm.group())
            ss, se, _sec = _sentence_at(doc, s)
            if is_lab_context(text, s, e, ss):
                continue  # "recheck CBC, iron, B-12, and folate": a lab, not a medicine
            if sec_name == "hospital_course" and not _GOING_HOME_RE.search(text, _joined_start(doc, ss), se):
                continue  # given in hospital, not a medicine to take at home
            if sec_name in _HISTORY_MED_SECTIONS:
                # taken now: the words right before it say so, or it goes on the list of one that does ("On
                # tacrolimus 3 mg twice daily, mycophenolate 500 mg twice daily and prednisone 5 mg daily.")
                listed_on = i and abs_hits[i - 1][1] in taking_now and _LIST_GOES_ON_RE.fullmatch(text, abs_hits[i - 1][1], s)
                if not (listed_on or _TAKING_NOW_RE.search(text, max(ss, s - 40), s)) or _TAKEN_BEFORE_RE.search(text, ss, se):
                    continue  # a drug the history names without saying it is taken now
                taking_now.add(e)
            nxt = next((hs for hs, _he, _h in abs_hits[i + 1:] if hs < se), se)
            if WHEN_OF_OTHER.search(text, e, nxt):
                nxt = se  # "Insulin glargine 10 units at bedtime until prednisone is finished": the drug named is when
            clause_end = min(nxt, se)
            cut = _NEXT_CLAUSE.search(text, e, clause_end)
            if cut is not None:
                clause_end = cut.start()  # "continued Flomax and will wean off the Urecholine to two times daily"
            sig = parse_sig(text[e:clause_end], offset=e)
            if sig.duration is None and sig.dose_text():
                # a regimen's length said once before its list: "Start bismuth quadruple therapy for 14 days:
                # bismuth ..., metronidazole ... and omeprazole ..." (each drug's course, not for ever)
                intro = None
                for intro in _REGIMEN_FOR.finditer(text, ss, s):
                    pass
                if intro is not None and not re.search(r"[.;]\s", text[intro.end():s]):
                    sig.duration = "for " + " ".join(intro.group("n").split())
                    sig.evidence["duration"] = doc.span(intro.start(), intro.end("n"))
                    sig.plain = plain_words(sig)
            sent = text[ss:se]
            ch = detect_change(sent, drug_start=s - ss, offset=ss)
            if ch is None and sec_name in ("medications", "discharge_medications"):
                # the list item's tag after its sentence: "Insulin glargine 12 units at bedtime. NEW."
                le = text.find("\n", se)
                tag = _NEW_TAG.match(text, se, len(text) if le < 0 else le)
                if tag is not None:
                    ch = ("start", doc.span(tag.start(1), tag.end(1)))
                tag = _CHANGED_TAG.match(text, se, len(text) if le < 0 else le) if tag is None else None
                if tag is not None:
                    # "Atorvastatin 80 mg at bedtime. CHANGED (was 40 mg)." the list's tag: more or less than before
                    kind = tag.group(1).lower().strip("()")
                    kind = {"increased": "increase", "decreased": "decrease"}.get(kind, "change")
                    if kind == "change" and tag.group("old") and sig.dose is not None:
                        try:
                            old = float(tag.group("old").replace(",", ""))
                            kind = "increase" if float(sig.dose) > old else "decrease" if float(sig.dose) < old else kind
                        except (TypeError, ValueError):
                            pass
                    ch = (kind, doc.span(tag.start(1), tag.end(1)))
            status = _status(doc, s, e)
            if sec_name in _HISTORY_MED_SECTIONS and status not in ("affirmed", "historical"):
                continue  # ("She continues to take Enablex and has not noted any improvement": no instruction either way)
            if status == "historical" and sec_name in _HISTORY_MED_SECTIONS:
                status = "affirmed"  # (a past history's "presently on methadone": its words say it is taken now)
            change = ch[0] if ch else None
            if change == "change" and _SWITCHED_TO.search(text, max(ss, s - 40), s):
                change = "start"  # "Day 3 of ceftriaxone; switch to oral cephalexin ...": the drug switched to starts
            if given_now and status == "affirmed":
                # "the right knee was injected with 40 mg of triamcinolone and 4 mL of 1% lidocaine": given at this
                # visit, no medicine to take; its dose is the one written before its name
                change, ch = "given_here", None
                before = DOSE_BEFORE.search(text, max(ss, s - 30), s)
                if before is not None:
                    sub = parse_sig(before.group("d"), offset=before.start("d"))
                    sig.dose, sig.unit, sig.dose_max = sub.dose, sub.unit, None
                    sig.evidence["dose"] = sub.evidence["dose"]
                else:
                    sig.dose = sig.unit = None
                    sig.evidence.pop("dose", None)
            if change == "decrease" and re.match(r"(?i)taper", ch[1].text) and sig.taper_kind == "steps":
                change, ch = None, None  # "Prednisone taper: 40 mg daily x 3 days, then 30 mg ...": the schedule says it
            if change is None and _MAY_USE_RE.search(text, max(ss, s - 40), s):
                change = "may_use"  # "Continue ibuprofen ...; may alternate with acetaminophen 240 mg q6h PRN"
            elif change in ("start", None) and _OFFERED_RE.search(text, ss, s) and not _ACCEPTED_RE.search(text, s, se) \
                    and sec_name not in ("medications", "discharge_medications"):
                change = "offered"  # "Offered nicotine patch 14 mg daily, she will think about it": hers to decide
            elif change in ("start", None) and (status in ("hypothetical", "uncertain") or _MAYBE_RE.search(text, ss, s)) \
                    and sec_name not in ("medications", "discharge_medications"):
                change = "may_start"  # "if she is positive for strep, I will prescribe amoxicillin"
            when = None
            if ch and change == "stop" and re.match(r"(?i)hold", ch[1].text):
                # "Hold warfarin tonight, then resume warfarin 5 mg ...": skipped for a time, then taken again (the
                # dose to take again comes with the mention that resumes it)
                hm = _HOLD_THEN_RE.match(text, e, se)
                if hm:
                    change = "hold_then_resume"
                    hw = hm.group("when").strip(" ,")
                    if hw:
                        ws = hm.start("when") + (len(hm.group("when")) - len(hm.group("when").lstrip(" ,")))
                        when = doc.span(ws, ws + len(hw))
                else:
                    # "Hold aspirin for 7 days before the colonoscopy", "Hold lisinopril until ...": a pause for the
                    # time the note gives, not a stop for good
                    change = "hold"
                    hm = _HOLD_FOR_RE.match(text, e, se)
                    if hm:
                        when = doc.span(hm.start("when"), hm.end("when"))
            if ch and change == "continue" and _RESUME_VERB.match(ch[1].text):
                # "Warfarin 2.5 mg PO daily, resume on Friday": held now, taken again later (not "keep taking")
                wm = _RESUME_WHEN.match(text, ch[1].end, se)
                if wm:
                    change, when = "resume_later", doc.span(wm.start("when"), wm.end("when"))
            if status == "negated" and change != "stop":
                # "we will not start X", "she is not taking X": said as such, never as an instruction to take it
                neg = _NOT_STARTED_RE.search(text, ss, s)
                change = "not_started" if neg else "not_taking"
                ch = (change, doc.span(neg.start(), neg.end())) if neg else None
            dose_span = sig.evidence.get("dose")
            new_dose = False
            if change in ("increase", "decrease", "change"):
                m = _TO_DOSE_RE.search(text, e, clause_end)
                if m:
                    sub = parse_sig(m.group(1), offset=m.start(1))
                    if sub.dose:
                        new_dose = True
                        sig.dose, sig.unit, sig.dose_max = sub.dose, sub.unit, None
                        dose_span = sub.evidence["dose"]
                        sig.evidence["dose"] = dose_span
                        # "from 10 mg to 20 mg a day": the instructions say the new dose, with what follows it
                        after = parse_sig(text[m.start(1):clause_end], offset=m.start(1))
                        for k in ("frequency", "frequency_plain", "route", "route_plain", "meal", "duration"):
                            if getattr(after, k):
                                setattr(sig, k, getattr(after, k))
                                if k in after.evidence:
                                    sig.evidence[k] = after.evidence[k]
                        if after.quantity:
                            sig.quantity, sig.form = after.quantity, after.form
                        elif sig.quantity:
                            sig.quantity = sig.form = None  # the old "1 tablet" may not hold the new dose
                        sig.plain = plain_words(sig)
            sw = switches.get(s)
            if sw is not None and status != "negated":
                # "change naproxen to acetaminophen": stop the one, start the other (not "we changed how...")
                change = sw["role"]
                ch = (change, sw["verb"])
            reason = _reason(text, ss, se, s) if change in ("stop", "start", "increase", "decrease", "change") else None
            if reason is None and change == "stop":
                pm = re.match(r"\s*\((?P<why>[a-z][a-z ]{2,40})\)", text[e:se])
                if pm and not lex.find_drugs(pm.group("why"), patterns=False):
                    ws, we = e + pm.start("why"), e + pm.end("why")
                    reason = ("because of " + text[ws:we], doc.span(ws, we))
            prev_end = max([he for _hs, he, _h in abs_hits[:i] if he <= s] + [ss])
            lead = max(prev_end, s - 30)
            sep = max(text.rfind(",", lead, s), text.rfind(";", lead, s))
            if sep != -1:
                lead = sep + 1  # (not the previous drug's form: "albuterol 2 puffs q4h PRN, amlodipine 5 mg daily")
            form = written_form(text[lead:clause_end]) or _sig_form(sig)
            plain = plain_for_form(h.entry, form, h.text) if h.source == "lexicon" else h.plain
            verb = _FORM_VERB.get(form or ("" if h.entry.get("plain_by_form") else
                                           _CLASS_FORM.get(h.entry.get("class_key") or "", "")))
            if verb and sig.plain.startswith("take "):
                sig.plain = verb + sig.plain[4:]  # a cream is applied, a nose spray used, not taken
            key = _norm(h.term)
            evidence = [doc.span(s, e)] + [sp for sp in sig.evidence.values() if sp.start >= e]
            if ch:
                evidence.append(ch[1])
            extra: dict[str, Any] = {"form": form}
            if new_dose:
                extra["new_dose"] = True
            if when is not None and change in ("resume_later", "hold_then_resume", "hold"):
                extra["when"] = when.text
                evidence.append(when)
            hold = HOLD_IF_RE.search(text, ss, se)
            if hold is not None and hold.start() < s < hold.start("cond"):
                # "Hold lisinopril if systolic BP below 100": when to skip a dose, said with the drug
                extra["hold_if"] = text[hold.start("cond"):hold.end("cond")]
                evidence.append(doc.span(hold.start("cond"), hold.end("cond")))
            if sw is not None and change in ("stop", "start"):
                extra["switch_with"] = sw["other"]
            if reason:
                extra["reason"] = reason[0]
                evidence.append(reason[1])
            fact = Fact(
                "medication", h.text, plain, change or "",
                evidence,
                {
                    "name": h.text,
                    "generic": h.term if h.source == "lexicon" else None,
                    "drug_class": h.entry.get("drug_class"),
                    "found_by": h.source,
                    "section": sec_name,
                    "dose": sig.dose_text(),
                    "sig": sig.to_dict(),
                    "change": change,
                    "instructions": sig.plain,
                    **extra,
                },
            )
            old = by_drug.get(key)
            if old is None:
                by_drug[key] = fact
                order.append(key)
                continue
            # keep the most informative mention; merge evidence
            # (a tie goes to the plan's words over the medication list's: "Albuterol 4 puffs every 4 hours for 2
            # days, then as needed" in the plan is how to use it now, not the list's "2 puffs every 4 hours as needed")
            old_score = (rank.get(old.data["change"], 1), bool(old.data["dose"]),
                         bool(old.data.get("instructions")) and old.data.get("section") in _PLAN_NOW)
            new_score = (rank.get(change, 1), bool(sig.dose_text()), bool(sig.plain) and sec_name in _PLAN_NOW)
            if new_score > old_score:
                if old.data["change"] in _NEW_DOSE_CHANGES and not old.data["dose"] and change == "start" and fact.data["dose"]:
                    # "Increase lisinopril." then "Prescription for lisinopril 40 mg once a day": the increase, to
                    # the dose prescribed (not a new medicine)
                    fact.status = fact.data["change"] = old.data["change"]
                fact.evidence = fact.evidence + old.evidence
                also = [n for n in [old.text, *old.data.get("also_named", [])] if n.lower() != h.text.lower()]
                if also:
                    fact.data["also_named"] = list(dict.fromkeys(also))
                if not fact.data["dose"] and old.data["dose"] and change not in _NEW_DOSE_CHANGES:
                    # ("Continue metformin." after "Metformin 500 mg twice daily": the list's dose and how to take it;
                    # never an old dose as the new one of "Increase lisinopril.")
                    fact.data["dose"] = old.data["dose"]
                    if old.data.get("instructions") and (not fact.data.get("instructions")
                                                         or _says_less(fact.data.get("sig") or {}, old.data.get("sig") or {})):
                        # (also "Continue trazodone as needed." after "Trazodone 50 mg at bedtime as needed for sleep":
                        # the plan's words say nothing the list's do not)
                        fact.data["sig"], fact.data["instructions"] = old.data["sig"], old.data["instructions"]
                for k in ("form", "reason", "switch_with", "hold_if"):
                    if not fact.data.get(k) and old.data.get(k):
                        fact.data[k] = old.data[k]
                _new_dose_when(fact, old)
                by_drug[key] = fact
            else:
                _new_dose_when(old, fact)
                old.evidence.extend(fact.evidence)
                if fact.data.get("hold_if") and not old.data.get("hold_if"):
                    old.data["hold_if"] = fact.data["hold_if"]
                if not old.data["dose"] and sig.dose_text() and (old.data["change"] not in _NEW_DOSE_CHANGES
                                                                 or change == "start"):
                    # (an increase's new dose is a prescribed one, never a medication list's)
                    old.data["dose"] = sig.dose_text()
                    old.data["sig"] = sig.to_dict()
                    old.data["instructions"] = sig.plain
                old.data.setdefault("also_named", [])
                if h.text not in old.data["also_named"] and h.text.lower() != old.text.lower():
                    old.data["also_named"].append(h.text)
    _add_shared_medications(doc, shared, by_drug, order)
    _prescriptions(doc, by_drug)
    _course_medications(doc, by_drug, order)
    out = []
    for k in order:
        f = by_drug[k]
        seen_spans: set[tuple[int, int]] = set()
        f.evidence = [sp for sp in f.evidence if not ((sp.start, sp.end) in seen_spans or seen_spans.add((sp.start, sp.end)))]
        out.append(f)
    return out


_HOME_LIST_RE = re.compile(r"(?i)\b(?:home|outpatient|prior to admission|pre-?admission|admission|discharge)\b")
_HOSPITAL_ONLY: set[str] | None = None


def _hospital_only_names() -> set[str]:
    global _HOSPITAL_ONLY
    if _HOSPITAL_ONLY is None:
        import json

        from medassist.config import resource_path
        with open(resource_path("letters", "hospital_only_drugs.json"), encoding="utf-8") as fh:
            _HOSPITAL_ONLY = {n.lower() for n in json.load(fh)["names"]}
    return _HOSPITAL_ONLY


def is_inpatient_note(doc: Document) -> bool:
    """A note written about a hospital stay (hospital course, discharge sections; not an office visit's
    instructions, medassist.text.sections.hospital_stay_sections)."""
    from medassist.text.sections import hospital_stay_sections

    return bool(hospital_stay_sections(doc.sections))


_ADMIT_RE = re.compile(r"(?im)(?:^|(?<=:))[ \t]*(?:[-*\u2022]|\d+[.)])?[ \t]*(?P<a>(?:admit(?:ted)?|admission)[ \t]+(?:to|for)\b)"
                       r"|(?P<b>\b(?:will be|is being)[ \t]+admitted\b)")
_ADMISSION_TITLE = re.compile(r"(?i)\badmi(?:ssion|tting)\b")
_CONSULT_TITLE = re.compile(r"(?i)\bconsult(?:ation)?\b")
_PROCEDURE_SECTIONS = ("anesthesia", "estimated_blood_loss", "complications", "specimens", "drains", "counts",
                       "tourniquet_time", "fluids")


def _title_span(doc: Document, sec) -> Span:
    at = doc.text.find(sec.title, sec.start, sec.body_start) if sec.title else -1
    return doc.span(at, at + len(sec.title)) if at != -1 else doc.span(sec.start, sec.body_start)


def encounter_setting(doc: Document) -> tuple[str, list[Span]]:
    """Where the note's encounter took place, from its section headers, with the header that says so: ``hospital``
    (a hospital stay: hospital course or discharge sections), ``emergency`` (an emergency department course or
    diagnosis), ``admission`` (an admission history and physical: "REASON FOR ADMISSION"), ``procedure`` (an
    operative or procedure note: a procedure section with its anesthesia, blood loss, complications ...), ``clinic``
    (a visit: a complaint or history and an assessment or plan) or ``note`` (none of these). The GP letter's opening
    names it: a letter never says "reviewed in clinic" of an operation."""
    from medassist.text.sections import hospital_stay_sections

    secs = [x for x in doc.sections if x.name != "preamble"]
    stay = hospital_stay_sections(secs)
    if stay:
        return "hospital", [_title_span(doc, next(x for x in secs if x.name in stay))]
    ed = next((x for x in secs if _ED_TITLE.search(x.title)), None)
    if ed is not None:
        return "emergency", [_title_span(doc, ed)]
    con = next((x for x in secs if _CONSULT_TITLE.search(x.title)), None)
    if con is not None:  # a consultant's note ("REASON FOR CONSULTATION", "RECOMMENDATIONS" to the team)
        return "consultation", [_title_span(doc, con)]
    adm = next((x for x in secs if _ADMISSION_TITLE.search(x.title)), None)
    if adm is not None:  # an admission history and physical ("REASON FOR ADMISSION", "ADMITTING DIAGNOSIS")
        return "admission", [_title_span(doc, adm)]
    names = {x.name for x in secs}
    if "procedures" in names and names & set(_PROCEDURE_SECTIONS):
        return "procedure", [_title_span(doc, next(x for x in secs if x.name == "procedures"))]
    if names & {"chief_complaint", "hpi", "subjective"} and names & {"assessment", "assessment_plan", "plan", "impression"}:
        return "clinic", []
    return "note", []


def admission_planned(doc: Document) -> Span | None:
    """The words of a visit's plan that admit the patient ("Admit to step-down.", "P: Admit to L&D.", "will be
    admitted"), or None."""
    for x in doc.sections:
        if x.name in ("assessment_plan", "plan", "assessment", "disposition"):
            m = _ADMIT_RE.search(doc.text, x.body_start, x.end)
            if m:
                g = "a" if m.group("a") else "b"
                return doc.span(m.start(g), m.end(g))
    return None


def _mark_hospital_medications(doc: Document, meds: list[Fact]) -> None:
    """Medicines given in hospital are never medicines to take at home: an anaesthetic, an intravenous-only
    drug, or a drug given through a vein ("IV Unasyn") is marked ``in_hospital``; in a note about a hospital stay,
    a drug from a medication list that is not said to be the home or discharge list ("CURRENT MEDICATIONS" of a
    discharge summary) is marked ``hospital_list`` (the letter asks the patient to check it with the doctor).
    A drug in the discharge medicines, or in a sentence about going home, keeps its reading."""
    only = _hospital_only_names()
    inpatient = is_inpatient_note(doc)
    text = doc.text
    for f in meds:
        if f.data.get("change") in ("stop", "not_started", "not_taking", "may_start", "offered"):
            continue
        sec = f.data.get("section")
        ev_secs = {(doc.section_at(sp.start).name if doc.section_at(sp.start) else "preamble") for sp in f.evidence}
        if {sec, *ev_secs} & {"discharge_medications", "discharge_instructions"}:
            continue  # named among the medicines to go home with (also when first met in another list)
        ss, se, _ = _sentence_at(doc, f.evidence[0].start)
        going_home = bool(_GOING_HOME_RE.search(text, _joined_start(doc, ss), se))
        names = _fact_names(f)
        route = (f.data.get("sig") or {}).get("route")
        title = ""
        sec_obj = doc.section_at(f.evidence[0].start)
        if sec_obj is not None:
            title = sec_obj.title
        hospital_only = bool(names & only) or route == "intravenous" or bool(
            re.search(r"(?i)\b(?:IV|intravenous(?:ly)?)\s+$", text[max(ss, f.evidence[0].start - 16):f.evidence[0].start]))
        if hospital_only and not (going_home and sec not in ("medications",)):
            f.status = f.data["change"] = "in_hospital"
            f.data["hospital_reason"] = "given in hospital only (anaesthetic / intravenous)"
        elif inpatient and sec == "medications" and not _HOME_LIST_RE.search(title):
            f.status = f.data["change"] = "hospital_list"
            f.data["hospital_reason"] = f"listed under '{title.strip().rstrip(':')}' in a note about a hospital stay"


_SUPPLY_RE = re.compile(r"\bprescri\w*\s+for\s+(?P<d>(?:\d+|a|one|two|three|four|six|nine|twelve)\s+(?:days?|weeks?|months?))\s+"
                        r"of\b[^.;]*$", re.I)


_GIVEN_RE = re.compile(r"\b(?:given|gave|received|receiving|treated|administered|started|initiated|placed|put|"
                       r"loaded|bolus(?:ed)?|infusion|drip)\b", re.I)


_NOT_GIVEN_RE = re.compile(r"\b(?:not|never|no longer)\s+(?:be\s+|been\s+)?(?:given|started|administered|received|"
                           r"needed|required|tolerated)\b|\b(?:declined|refused|withheld|held|deferred|avoided|"
                           r"contraindicated|allerg\w*)\b", re.I)


def _course_medications(doc: Document, by_drug: dict[str, Fact], order: list[str]) -> None:
    """Medicines given during the hospital stay or the emergency visit that no list or plan names: "ED COURSE:
    methylprednisolone 125 mg IV", "Diuresed with IV furosemide 40 mg BID, transitioned to torsemide". Each becomes a
    fact marked ``in_hospital``: the letters list it with the medicines given in hospital, never as one to take.
    Named drugs only (no class: "IV antibiotics"), affirmed, with a dose, a route or a verb of
    giving in their sentence (any named drug of an ED course list); one held, stopped or continued there, or
    said about going home, is left to the other readers."""
    lex = get_lexicon()
    text = doc.text
    known = set(by_drug).union(*(_fact_names(f) for f in by_drug.values()))
    for sec in doc.sections:
        if sec.name != "hospital_course":
            continue
        ed_list = bool(_ED_TITLE.search(sec.title))
        rs, re_ = sec.body_start, sec.end
        hits = join_dosage_forms(text[rs:re_], lex.find_drugs(text[rs:re_]))
        for i, h in enumerate(hits):
            s, e = rs + h.start, rs + h.end
            if h.entry.get("category") == "drug_class" or h.source != "lexicon":
                continue
            key = _norm(h.term)
            if key in known or _norm(h.text) in known:
                continue
            ss, se, _sec = _sentence_at(doc, s)
            if is_lab_context(text, s, e, ss) or _GOING_HOME_RE.search(text, _joined_start(doc, ss), se):
                continue
            if _status(doc, s, e) != "affirmed" or _NOT_GIVEN_RE.search(text, ss, se) or _MAYBE_RE.search(text, ss, se):
                continue  # "Heparin was considered but not given."
            ch = detect_change(text[ss:se], drug_start=s - ss, offset=ss)
            switched = bool(ch and ch[0] == "change" and ch[1].start >= e
                            and lex.find_drugs(text[ch[1].end:se], patterns=False))
            if ch and ch[0] != "start" and not switched:
                continue  # "lisinopril was held", "metoprolol was increased": not a drug simply given
            # ("IV furosemide 40 mg BID, transitioned to torsemide": furosemide was given, then replaced)
            nxt = next((rs + x.start for x in hits[i + 1:] if rs + x.start < se), se)
            sig = parse_sig(text[e:min(nxt, se)], offset=e)
            pre = parse_sig(text[max(ss, s - 12):s], offset=max(ss, s - 12))  # "with IV furosemide 40 mg"
            if pre.route and not sig.route:
                sig.route, sig.route_plain, sig.evidence["route"] = pre.route, pre.route_plain, pre.evidence["route"]
            if not (ed_list or sig.dose or sig.route or _GIVEN_RE.search(text, ss, se)):
                continue
            evidence = [doc.span(s, e)] + sorted((sp for sp in sig.evidence.values() if sp.start != s), key=lambda x: x.start)
            by_drug[key] = Fact(
                "medication", h.text, plain_for_form(h.entry, _sig_form(sig), h.text), "in_hospital", evidence,
                {"name": h.text, "generic": h.term, "drug_class": h.entry.get("drug_class"), "found_by": "course",
                 "section": sec.name, "dose": sig.dose_text(), "sig": sig.to_dict(), "change": "in_hospital",
                 "instructions": sig.plain})
            order.append(key)
            known |= {key, _norm(h.text)}


def _prescriptions(doc: Document, by_drug: dict[str, Fact]) -> None:
    """"He was given a prescription for 6 months of Flomax and Proscar": the supply is the duration; a drug
    already on the home medication list is renewed (continue), not started."""
    text = doc.text
    for f in by_drug.values():
        for sp in f.evidence:
            sec = doc.section_at(sp.start)
            if sec is None or sec.name not in PLAN_SECTIONS:
                continue
            ss, _se, _ = _sentence_at(doc, sp.start)
            m = _SUPPLY_RE.search(text, ss, sp.start)
            if m is None:
                continue
            sig = f.data.get("sig") or {}
            if not sig.get("duration"):
                sig["duration"] = "for " + m.group("d")
                f.data["sig"] = sig
                if not f.data.get("instructions"):
                    f.data["instructions"] = "take it " + sig["duration"]
                f.evidence.append(doc.span(m.start("d"), m.end("d")))
            listed = any((doc.section_at(x.start) or sec).name == "medications" for x in f.evidence)
            if f.data.get("change") == "start" and listed:
                f.status = f.data["change"] = "continue"  # on the home list already: a renewal
            break


_JUNK_MED_RE = re.compile(r"^(?:tablets?|capsules?|pills?|medications?|medicines?|drugs?)$|\b(?:denies|needing|none|no|not|"
                          r"patient|she|he|they|reports?|takes?|taking)\b", re.I)


def _shared_facts(doc: Document):
    """The SUMMARIES helper's shared extraction (``medassist.tasks.extract.extract_facts``), or None."""
    try:
        from medassist.tasks.extract import extract_facts
    except ImportError:  # pragma: no cover - shipped with the engine
        return None
    return extract_facts(doc)


_REGIMEN_FOR = re.compile(r"\bfor\s+(?P<n>(?:\d+|one|two|three|four|ten|fourteen)\s+(?:days?|weeks?))\s*:", re.I)
_NEW_TAG = re.compile(r"[\s.,;:-]*(\((?i:new)\)|NEW)[\s.]*$")
_CHANGED_TAG = re.compile(r"[\s.,;:-]*(CHANGED|INCREASED|DECREASED|\((?i:changed|increased|decreased)\))"
                          r"(?:\s*\((?i:was|previously|from)\s+(?P<old>\d[\d.,]*)\s*(?i:mg|mcg|units?|g|ml)\b[^)\n]*\))?[\s.]*$")


#: sections whose medication instructions are the ones that hold from now on
_PLAN_NOW = ("plan", "assessment_plan", "discharge_instructions")


#: changes whose dose is a new one: the medication list's (old) dose is never carried to them
_NEW_DOSE_CHANGES = ("increase", "decrease", "change")


_SIG_FIELDS = ("dose", "unit", "quantity", "form", "route", "frequency", "meal", "prn", "prn_reason", "duration", "taper")


def _new_dose_when(change: Fact, listed: Fact) -> None:
    """An increase or decrease that gives only the new dose ("Increase glargine to 34 units.") is taken when the
    medication list says the drug is taken ("Insulin glargine 30 units at bedtime"): the letter says "take 34 units at
    bedtime", not "take 34 units" (in place; only with the same unit, and only the list's when: its frequency and its
    meal timing)."""
    from medassist.text.sig import parse_sig

    new, old = change.data.get("sig") or {}, listed.data.get("sig") or {}
    if (change.data.get("change") not in ("increase", "decrease") or not new.get("dose") or not old.get("dose")
            or new.get("unit") != old.get("unit") or any(new.get(k) for k in ("frequency", "meal", "prn", "duration", "taper"))
            or not (old.get("frequency") or old.get("meal"))):
        return
    evidence = old.get("evidence") or {}
    when = [evidence[k]["text"] for k in ("frequency", "meal") if k in evidence]
    dose = (new.get("evidence") or {}).get("dose", {}).get("text")
    if not when or not dose:
        return
    plain = parse_sig(" ".join([dose, *when])).plain
    merged = dict(new)
    for k in ("frequency", "frequency_plain", "meal"):
        merged[k] = old.get(k)
    merged["evidence"] = {**{k: evidence[k] for k in ("frequency", "meal") if k in evidence}, **(new.get("evidence") or {})}
    merged["plain"] = plain
    change.data["sig"], change.data["instructions"] = merged, plain  # (the callers merge the two facts' evidence)


def _says_less(new: dict, old: dict) -> bool:
    """A sig (``Sig.to_dict()``) that says nothing another does not: each of its fields is empty or the other's."""
    return any(new.get(k) for k in _SIG_FIELDS) and all(not new.get(k) or new.get(k) == old.get(k) for k in _SIG_FIELDS)


#: the plan's changes to a medicine the list named with a name no lexicon knows, which the letter carries
_PLAN_CHANGES = ("increase", "decrease", "stop", "hold", "change")


def _shared_plan_change(doc: Document, m, fact: Fact | None) -> None:
    """The plan's change to a medicine the list named with a name no lexicon knows ("Cinacalcet 30 mg daily", then
    "Increase cinacalcet to 60 mg daily."): the list's fact takes the change, and an increase's or decrease's new
    dose and how to take it (never the list's old dose as the new one)."""
    if fact is None or fact.data.get("change"):
        return
    text = doc.text
    ss, se, _ = _sentence_at(doc, m.name_span.start)
    ch = detect_change(text[ss:se], drug_start=m.name_span.start - ss, offset=ss)
    if not ch or ch[0] != m.change:
        return
    fact.status = fact.data["change"] = m.change
    fact.evidence = fact.evidence + [doc.span(m.name_span.start, m.name_span.end), ch[1]]
    if m.change in _NEW_DOSE_CHANGES:
        new = _TO_DOSE_RE.search(text, m.name_span.end, se)
        sig = parse_sig(text[new.start(1):se], offset=new.start(1)) if new else None
        if sig is not None and sig.dose:
            fact.data.update(dose=sig.dose_text(), sig=sig.to_dict(), instructions=sig.plain, new_dose=True)
            fact.evidence += [sp for sp in sig.evidence.values()]
        else:
            fact.data.update(dose=None, sig={}, instructions="")  # (the list's dose is the old one)


def _add_shared_medications(doc: Document, shared, by_drug: dict[str, Fact], order: list[str]) -> None:
    """Medicines the shared extraction read from the note's medication lists (including names no lexicon
    knows) that our own finder missed: added with their sig parsed from the list item."""
    if shared is None:
        return
    text = doc.text
    known = set(by_drug).union(*(_fact_names(f) for f in by_drug.values()))
    starts = sorted({m.name_span.start for m in shared.medications})
    for m in shared.medications:
        if m.section not in MED_SECTIONS or m.status in ("negated", "family", "hypothetical"):
            continue
        names = {_norm(m.name), _norm(m.generic or "")}
        if names & known and not m.listed and not m.in_lexicon and m.change in _PLAN_CHANGES:
            _shared_plan_change(doc, m, by_drug.get(_norm(m.name)))
            continue
        if names & known or len(m.name) < 3:
            continue
        if any(sp.start <= m.name_span.start < sp.end for f in by_drug.values() for sp in f.evidence[:1]):
            continue  # "Insulin" inside "Insulin 70/30": the same medicine, already read whole
        other = get_lexicon().lookup(m.name)
        if other is not None and other["category"] not in ("drug", "drug_class"):
            continue  # a test or a diagnosis word ("ferritin")
        has_dose = dose_at(text, m.name_span.end)
        if not (m.listed or (m.in_lexicon and has_dose)):
            continue  # prose mentions without a dose are left to our own finder
        if _JUNK_MED_RE.search(m.name):
            continue
        s, e = m.name_span.start, m.name_span.end
        item_end = max((ev.end for ev in m.evidence), default=e)
        # (one line may list several: "Prenatal vitamin daily. Levothyroxine 75 mcg daily." -- the next name ends it)
        item_end = min([item_end] + [x for x in starts if e <= x < item_end])
        sig = parse_sig(text[e:item_end], offset=e)
        ss, se, _ = _sentence_at(doc, s)
        ch = detect_change(text[ss:se], drug_start=s - ss, offset=ss)
        entry = get_lexicon().lookup(m.generic or m.name, "drug")
        evidence = [doc.span(s, e)] + [sp for sp in sig.evidence.values() if sp.start >= e] + ([ch[1]] if ch else [])
        key = _norm(m.name)
        by_drug[key] = Fact(
            "medication", m.name, plain_for_form(entry, written_form(text[e:item_end]) or _sig_form(sig), m.name) if entry else "",
            ch[0] if ch else "", evidence,
            {"name": m.name, "generic": m.generic, "drug_class": entry.get("drug_class") if entry else None,
             "found_by": "shared-extract", "section": m.section, "dose": sig.dose_text(), "sig": sig.to_dict(),
             "change": ch[0] if ch else None, "instructions": sig.plain},
        )
        order.append(key)
        known |= names


# ---------------------------------------------------------------------------------------------- allergies
def _allergies(doc: Document, shared=None) -> tuple[list[Fact], Fact | None]:
    if shared is not None and (shared.allergies or shared.no_known_allergies):
        facts = []
        for a in shared.allergies:
            ev = [a.substance_span] + ([a.reaction_span] if a.reaction_span else [])
            if any(_norm(f.text) == _norm(a.substance) for f in facts):
                continue
            facts.append(Fact("allergy", a.substance, "", "affirmed", ev,
                              {"reaction": a.reaction, "found_by": "shared-extract"}))
        none_fact = None
        if shared.no_known_allergies is not None and not facts:
            sp = shared.no_known_allergies
            none_fact = Fact("allergy", sp.text, "no known allergies", "none", [sp])
        return facts, none_fact
    return _own_allergies(doc)


def _own_allergies(doc: Document) -> tuple[list[Fact], Fact | None]:
    text = doc.text
    facts: list[Fact] = []
    none_fact = None
    for m in _ALLERGY_NONE_RE.finditer(text):
        none_fact = Fact("allergy", m.group(), "no known allergies", "none", [doc.span(m.start(), m.end())])
        break
    for rs, re_, _ in _in_sections(doc, ("allergies",)):
        body = text[rs:re_]
        if _ALLERGY_NONE_RE.search(body):
            continue
        for m in re.finditer(r"[^,;\n•]+", body):
            s, e = _strip_span(text, rs + m.start(), rs + m.end())
            item = text[s:e]
            if len(item) < 3 or re.fullmatch(r"(?i)none|n/?a|allergies", item):
                continue
            facts.append(Fact("allergy", item, "", "affirmed", [doc.span(s, e)]))
    for m in _ALLERGY_TO_RE.finditer(text):
        s, e = m.start("what"), m.end("what")
        if _status(doc, m.start(), m.end()) == "negated":
            continue
        # split "penicillin and sulfa"
        for part in re.finditer(r"[^,]+?(?=,|\band\b|$)", text[s:e]):
            ps, pe = _strip_span(text, s + part.start(), s + part.end())
            word = text[ps:pe]
            word_s = re.sub(r"^(?:and|or)\s+", "", word)
            ps += len(word) - len(word_s)
            if len(word_s) >= 3 and not any(_norm(f.text) == _norm(word_s) for f in facts):
                facts.append(Fact("allergy", word_s, "", "affirmed", [doc.span(ps, pe)]))
    return facts, none_fact


# ---------------------------------------------------------------------------------------------- tests, procedures
#: "MRI if no improvement", "CT should symptoms worsen": a test on a condition
_CONDITION_AFTER_RE = re.compile(r"[ \t]*(?:of (?:the )?[a-z ]{2,30}?\s+)?(?P<c>(?:if|unless|in case|should)\b[^.;]{3,80})", re.I)
_RESULT_RE = re.compile(r"[ \t]+(?:(?:was|is|were|came back|returned)\s+)?(?P<r>(?P<neg>negative|normal|unremarkable)"
                        r"(?:\s+for\s+(?P<what>(?:a |an |any )?[a-z][a-z -]{2,30}?))?)(?=\s*[.;,]|\s*$)", re.I)


def _result_plain(m: re.Match) -> str:
    """"negative for fracture" -> "It showed no fracture."; "normal" -> "It was normal." """
    if m.group("what"):
        what = re.sub(r"^(?:a|an|any)\s+", "", m.group("what").strip())
        return f"It showed no {what}."
    return "It was normal."


#: "the pathology report is pending", "culture results awaited": done, the result not back yet
_RESULT_PENDING_RE = re.compile(r"\b(?:(?:is|are|remains?|still)\s+(?:pending|outstanding|awaited)|awaiting|not (?:yet )?back)\b"
                                r"|(?<!\()\bpending\b(?!\s+(?:a|an|the|further|orders?|scheduling|approval|authori[sz]ation)\b)", re.I)
#: "We will call with biopsy results", "will contact you with the pathology results": a test done, the result to come
_RESULTS_TO_COME = re.compile(r"\b(?:call|contact|notify|phone|message|let\s+(?:you|him|her|them)\s+know|update)\b"
                              r"[^.;]{0,30}?\bwith\s+(?:the\s+|your\s+|her\s+|his\s+)?$", re.I)
_RESULTS_WORD = re.compile(r"\s+(?:results?|report|findings)\b", re.I)
#: a test the sentence says was done, right after its name ("Shave biopsy done; if confirmed, ...")
_SAID_DONE = re.compile(r"\s*(?:was\s+|were\s+|has\s+been\s+)?(?:done|performed|completed|obtained|taken)\b"
                        r"(?!\s+(?:if|when|once|after|prior|before|by|at|in)\b)", re.I)
#: ... not a test to have done later ("will be asked to have a KUB x-ray done prior to her follow-up")
_TO_HAVE_DONE = re.compile(r"\b(?:will|to\s+have|to\s+get|have|get|needs?|should|must)\b", re.I)


def _tests_and_procedures(doc: Document) -> tuple[list[Fact], list[Fact]]:
    lex = get_lexicon()
    text = doc.text
    tests: dict[str, Fact] = {}
    procs: dict[str, Fact] = {}
    wanted = set(PLAN_SECTIONS) | set(RESULT_SECTIONS) | {"hospital_course", "procedures", "pending"}
    for sec in doc.sections:
        if sec.name not in wanted:
            continue
        for h in lex.find(text[sec.body_start:sec.end], categories=("test", "procedure")):
            s, e = sec.body_start + h.start, sec.body_start + h.end
            if h.category == "test" and h.term in ("vital signs", "blood pressure reading", "ejection fraction",
                                                   "blood glucose", "pulse oximetry", "blood pressure check"):
                continue
            st = _status(doc, s, e)
            if st in ("negated", "family"):
                continue
            ss, se, _ = _sentence_at(doc, s)
            sent = text[ss:se]
            if sec.name in RESULT_SECTIONS:
                state = "done"
            elif sec.name == "pending":
                state = "pending"  # (a "PENDING:" list: its tests' results are still to come)
            elif sec.name in ("hospital_course", "procedures"):
                state = "pending" if re.search(r"\b(?:pending|will|to be done|outstanding|awaiting)\b", sent, re.I) else "done"
            else:
                # ("BMP in 3 days." under the follow-up: a test named with a time to come is still to do)
                gap = len(text[e:se]) - len(text[e:se].lstrip())
                # (and one named with the visit it comes with: "Cardiology follow-up in 4 weeks with Holter monitor")
                state = "pending" if _PENDING_RE.search(sent) or _WHEN_RE.match(text, e + gap, se) or (
                    _FOLLOWUP_RE.search(sent) and _WHEN_RE.search(sent)
                    and re.search(r"(?i)\bwith\s+(?:an?\s+)?$", text[ss:s])) else "done"
            cond_m = _CONDITION_AFTER_RE.match(text, e, se) if sec.name not in RESULT_SECTIONS else None
            if _SAID_DONE.match(text, e, se) and not _TO_HAVE_DONE.search(text, ss, s):
                state, cond_m = "done", None  # "Shave biopsy done; if confirmed, refer for Mohs surgery."
            if cond_m:
                state = "pending"  # "MRI if no improvement": a test that may be done later, not one done
            elif st == "hypothetical" and state == "done":
                continue
            elif state == "pending" and (st in ("hypothetical", "uncertain") or _MAYBE_CARE_RE.search(text, ss, s)):
                continue  # "we will discuss treatment such as lithotripsy": not planned care
            result_pending = state == "pending" and (sec.name == "pending" or bool(_RESULT_PENDING_RE.search(text, e, se))) \
                and not cond_m and not _WHEN_RE.search(text, e, se)  # "panel in 1 week (pending order)": a test still to do
            if _RESULTS_TO_COME.search(text, ss, s) and _RESULTS_WORD.match(text, e, se):
                # "We will call with biopsy results in 1 to 2 weeks": the biopsy is done, its result still to come
                state, result_pending = "done", True
            table = tests if h.category == "test" else procs
            key = _norm(h.term)
            f = table.get(key)
            if f is None:
                e, site_entry = _site_match(text, s, e, se)  # "X-ray of the left knee": keep the site and side
                data = {"term": h.term, "sentence": doc.span(ss, se).to_dict()}
                if site_entry and site_entry.get("plain") and len(text[s:e].split()) > 3:
                    data["site_plain"] = site_entry["plain"]  # "right upper quadrant": "the upper right part of the belly"
                if cond_m:
                    data["condition"] = cond_m.group("c").strip()
                rm = _RESULT_RE.match(text, e, se) if state == "done" else None
                if rm:  # "X-ray negative for fracture": the result, said to the patient
                    data["result"] = rm.group("r")
                    data["result_plain"] = _result_plain(rm)
                if result_pending:
                    data["result_pending"] = True  # "the pathology report is pending": tell the patient to expect it
                wm = _WHEN_RE.search(text, e, se) if state == "pending" else None
                if wm and not re.search(r"[.;]", text[e:wm.start()]):
                    data["when"] = wm.group()  # "Repeat chest x-ray in 6 weeks"
                table[key] = Fact(h.category, text[s:e], h.plain, state, [doc.span(s, e)] + (
                    [doc.span(wm.start(), wm.end())] if data.get("when") else []) + (
                    [doc.span(rm.start("r"), rm.end("r"))] if rm else []), data)
            else:
                f.evidence.append(doc.span(s, e))
                if state == "done" and result_pending:
                    f.data["result_pending"] = True  # ("We will call with biopsy results": said after the biopsy)
                if state == "pending":
                    if f.status == "done" and result_pending:
                        f.data.setdefault("done_sentence", f.data["sentence"])  # (what was found so far)
                    f.status = "pending"
                    f.data["sentence"] = doc.span(ss, se).to_dict()
                    if cond_m:
                        f.data["condition"] = cond_m.group("c").strip()
                    if result_pending:
                        f.data["result_pending"] = True
                    wm = _WHEN_RE.search(text, e, se)
                    if wm and not f.data.get("when") and not re.search(r"[.;]", text[e:wm.start()]):
                        f.data["when"] = wm.group()
                        f.evidence.append(doc.span(wm.start(), wm.end()))
    return list(tests.values()), list(procs.values())


# ---------------------------------------------------------------------------------------------- follow-up, warnings
def _warning_from(doc: Document, sent, m: re.Match, warns: list[Fact], sooner: bool = False) -> bool:
    """Add the warning ``m`` found in ``sent``; False when its condition is no warning sign (too short, a choice, a repeat)."""
    text = doc.text
    cs, ce = _strip_span(text, sent.start + m.start("cond"), sent.start + m.end("cond"))
    cut = re.search(r",? (?:and|but|so) (?:we|i|she|he|they|the patient)\b|, (?:we|i)\b", text[cs:ce], re.I)
    if cut:
        ce = cs + cut.start()
    cond = text[cs:ce]
    if len(cond.split()) < 2 or re.match(r"(?i)(?:these|this|it|they|those|that|so|needed)\b", cond):
        return False
    if re.match(r"(?i)(?:he|she|they|you|the patient)\s+(?:wants?|wish\w*|would like|decides?|prefers?|chooses?|"
                r"is interested|changes? (?:his|her|their|your) mind|has (?:any )?questions)\b", cond):
        return False  # "contact me should he want to try medication": a choice, not a warning sign
    if any(_norm(w.text) == _norm(cond) for w in warns):
        return False
    data: dict[str, Any] = {"action": "sooner" if sooner else "call", "place": None}
    if m.re is _WARNING_FOR_RE:
        data["signs"] = True  # the signs as nouns ("for fever over 101 F, spreading redness"): "if you have ..."
        if re.match(r"(?i)(?:you|he|she|they|the patient|there)\b", cond):
            data.pop("signs")
    ev = [doc.span(cs, ce), doc.span(sent.start, sent.end)]
    if not sooner:
        act_s, how_e = sent.start + m.start("act"), sent.start + m.end("how")
        pm = _PLACE_RE.search(text, act_s, how_e)
        if pm:  # "return to the emergency department if ...": say where to go, as the note does
            data["action"] = "call_911" if pm.group() == "911" else "go"
            data["place"] = pm.group()
            ev.append(doc.span(pm.start(), pm.end()))
        cl = _CRISIS_LINE_RE.search(text, act_s, how_e)
        if cl:  # "Call 988 or go to the nearest emergency room if thoughts of self-harm": the crisis line too
            data["crisis_line"] = cl.group()
            ev.append(doc.span(cl.start(), cl.end()))
    warns.append(Fact("warning", cond, "", "", ev, data))
    return True


_PURPOSE_RE = re.compile(
    r"\b(?:recheck|re-check|check|follow[- ]?up on|follow[- ]?up (?:for|of)|re-?evaluat\w*|review|reassess\w*|monitor)\s+"
    r"(?:of\s+)?(?:(?:her|his|their|your|the)\s+)?(?!(?:in|within|after|at|next|up|back|again|with)\b)(?P<what>[a-z][a-z0-9 /-]{2,40}?)(?=\s+(?:in|within|after|at|next|tomorrow|today|tonight)\b|[.,;]|$)",
    re.I)
_FOR_RE = re.compile(r"\b(?:for|to)\s+(?:a\s+)?(?P<what>(?:re)?check (?:of |on )?[a-z0-9 /-]{3,40}?|wound check|suture removal|"
                     r"(?:repeat |follow-up )?(?:labs|blood work|x-ray|imaging|ultrasound|echo\w*)|review (?:of )?[a-z ]{3,30}?|"
                     r"discuss(?:ion of)? [a-z ]{3,30}?)(?=[.,;]|\s+(?:in|within|and)\b|$)", re.I)
_TOPIC_MOD = re.compile(r"^(?:elevated|high|low|uncontrolled|poorly controlled|worsening|new|chronic|acute|primary|"
                        r"essential|mild|moderate|severe|benign)\s+", re.I)


def _item_heading(doc: Document, pos: int, diagnoses: list[Fact]) -> Fact | None:
    """The diagnosis of the problem item a plan sentence belongs to: the one written earlier on the same
    line ("2. Elevated blood pressure. Recheck in 4 weeks."), or a heading line of its own above it in the
    same block ("Hypertension.\n- Recheck in 4 weeks."). None for a general line after the items."""
    text = doc.text
    ls = text.rfind("\n", 0, pos) + 1
    same = [f for f in diagnoses if ls <= f.evidence[0].start < pos]
    if same:
        return max(same, key=lambda f: f.evidence[0].start)
    if re.match(r"\s*(?:#|\d{1,2}[.)])", text[ls:pos]):
        return None
    cur = ls
    while cur > 0:
        pls = text.rfind("\n", 0, cur - 1) + 1
        line = text[pls:cur - 1]
        if not line.strip():
            return None
        hs = [f for f in diagnoses if pls <= f.evidence[0].start < cur - 1]
        if hs:
            f = max(hs, key=lambda x: x.evidence[0].start)
            rest = text[f.evidence[0].end:cur - 1].strip(" .:;\t")
            if re.match(r"\s*(?:#|\d{1,2}[.)])", line) and not re.match(r"[ \t]+\S|[ \t]*[-*\u2022]", text[ls:pos + 1]):
                return None  # "4. Hypertension, controlled.\nFollow up in 1 week.": a line after the numbered list
            return f if not rest else None
        if re.match(r"\s*(?:#|\d{1,2}[.)])", line):
            return None
        cur = pls
    return None


def _follow_up_and_warnings(doc: Document, diagnoses: list[Fact] | None = None) -> tuple[list[Fact], list[Fact]]:
    text = doc.text
    fus: list[Fact] = []
    warns: list[Fact] = []
    for sent in doc.sentences:
        if sent.section not in PLAN_SECTIONS and sent.section not in ("hospital_course", "preamble", "discharge_diagnoses"):
            continue
        st = text[sent.start:sent.end]
        warned = False
        warn_at = len(st)
        for rx in (_WARNING_RE, _WARNING_IF_FIRST_RE, _WARNING_FOR_RE):
            m = rx.search(st)
            if m and rx is _WARNING_RE and re.search(r"\bsooner\b", m.group("how") or "", re.I):
                m = None  # "Return in 1 week for wound check, sooner if fever ...": a visit, and when to come sooner
            if m and rx is _WARNING_RE:
                fm = _WARNING_FOR_RE.search(st)
                if (fm is not None and fm.start() == m.start() and fm.start("cond") < m.start("how") + len(m.group("how"))
                        and not _NOT_A_SIGN_RE.search(fm.group("cond")) and not _WHEN_RE.search(fm.group("cond"))):
                    # "Return to ED for trouble breathing, retractions, or if albuterol needed more often than every 4
                    # hours": the signs before the 'if' too (it kept only what follows the 'if')
                    m, rx = fm, _WARNING_FOR_RE
            if m and rx is _WARNING_FOR_RE and (_NOT_A_SIGN_RE.search(m.group("cond")) or _WHEN_RE.search(m.group("cond"))):
                m = None  # "return to the ED for a wound check in 2 days": a visit, not a warning sign
            if m and _warning_from(doc, sent, m, warns):
                warned = True
                warn_at = m.start()
                break
        m_soon = _SOONER_RE.search(st)
        if m_soon and not warned:
            _warning_from(doc, sent, m_soon, warns, sooner=True)
        m = _FOLLOWUP_RE.search(st)
        if warned and not (m and m.start() < warn_at):
            continue  # "re-appoint in the office next week, call in the interim if ...": the visit comes first
        when = _WHEN_RE.search(st)
        if m is None and sent.section == "follow_up" and when:
            m = when  # "Primary care in 1 week." under a follow-up heading
        age = _AGE_VISIT_RE.search(st) if when is None else None
        if age is not None:  # "Return at 5 years for next well-child visit": a child's next check, at an age
            m, when = m or age, _AGE_WHEN_RE.search(st, age.start())
        task = _VISIT_TASK_RE.search(st) if m is None and when else None
        if task is not None and not _FOLLOW_OR_DONE.search(st):
            m = task  # "Suture removal in 5 days.": a visit for the task
        if m and re.search(r"\b(?:presents?|presented|presenting|here|seen|is an? \d+-year-old)\b", st, re.I):
            m = None
        if m and when is None and (len(st.split()) <= 5 and not re.search(r"[a-z]", st)
                                   or sent.section == "preamble" and not text[:sent.start].strip()):
            # the note's title, "ONCOLOGY FOLLOW-UP", "Infectious Disease Clinic - HIV follow-up": what this visit is,
            # not a next one
            m = None
        if m and re.search(r"\b(?:not|no longer|never)\b|n't\b", st[: m.start()], re.I):
            m = None  # "he does not need to follow up with the surgeon"
        if (m and when is None and re.search(r"\b(?:at|during|on)\s+(?:the\s+|your\s+|her\s+|his\s+)?next\s+(?:visit|appointment)\b", st, re.I)
                and any(h.start <= len(st) - len(st.lstrip(" -•*0123456789.)")) for h in get_lexicon().find(st[: m.start()], categories=("test",)))):
            m = None  # "Skin prick testing at next visit": a test (listed with the tests) at the visit another line sets
        if m and re.search(r"\bfollow[- ]?up with (?:the patient|him|her|them)\b|\bvia the portal\b|\bonce (?:the )?results\b", st, re.I):
            m = None  # the clinician will get back to the patient: not an appointment
        if m and sent.section == "follow_up" and m is when and get_lexicon().find(st[: when.start()], categories=("test",)):
            m = None  # "Repeat chest x-ray in 6 weeks": a test to do (listed with the tests)
        if m is None and not warned:
            _referral_from(doc, sent, fus)
        if m and not re.search(r"\b(?:previous|last|prior|since)\b", st[: m.start()], re.I):
            with_ = _WITH_RE.search(st)
            ev = [doc.span(sent.start + m.start(), sent.start + m.end())]
            data: dict[str, Any] = {"sentence": doc.span(sent.start, sent.end).to_dict(), "when": None, "with": None,
                                    "purpose": None}
            if when:
                if when is not m:
                    ev.append(doc.span(sent.start + when.start(), sent.start + when.end()))
                data["when"] = _age_words(when.group()) if when.re is _AGE_WHEN_RE else when.group()
            if with_:
                ev.append(doc.span(sent.start + with_.start(1), sent.start + with_.end(1)))
                data["with"] = with_.group(1)
            elif sent.section == "follow_up" and when:
                lead = re.match(r"\s*(?:[-•*]\s*)?(?P<w>(?:(?i:primary care)|PCP|[A-Z][a-z]+(?:ology|ics|ry))(?: clinic)?|Dr\.? [A-Z][a-z]+)\s+(?:in|within)\b", st)
                if lead:
                    data["with"] = lead.group("w")
                    ev.append(doc.span(sent.start + lead.start("w"), sent.start + lead.end("w")))
            pm = _FOR_RE.search(st) or _PURPOSE_RE.search(st)
            if m is task:
                words = task.group("task").lower()
                data["purpose"] = _TASK_PURPOSE["stapl" if "staple" in words else words.split()[0][:5]]
                data["purpose_from"] = "to"
                ev.append(doc.span(sent.start + task.start("task"), sent.start + task.end("task")))
            elif pm and pm.group("what").strip().lower() not in ("in", "up", "back", "you", "him", "her"):
                what = pm.group("what").strip()
                data["purpose"] = what
                data["purpose_from"] = "for" if pm.re is _FOR_RE else "check"
                if pm.re is _FOR_RE and re.match(r"(?i)(?:re)?check|review|discuss", what):
                    data["purpose_from"] = "to"  # "to discuss how things are going", "for a recheck"
                ev.append(doc.span(sent.start + pm.start("what"), sent.start + pm.start("what") + len(what)))
            elif diagnoses:
                head = _item_heading(doc, sent.start, diagnoses)
                if head is not None:  # "2. Elevated blood pressure ... Recheck in 4 weeks."
                    topic = head.data.get("term") or _clean_dx(head.text)
                    own = re.split(r"\s*,\s*|\s+(?:with|without|vs\.?|versus|or|and|due to|secondary to)\s+",
                                   _clean_dx(head.text), flags=re.I)[0]
                    if 1 <= len(own.split()) <= 4 and own.lower() != topic.lower():
                        topic = own  # the note's own words ("enlarged prostate"), not the lexicon's term
                    if re.search(r"\b(?:without|vs|versus|or)\b", topic, re.I):
                        topic = re.split(r"\s+(?:without|vs\.?|versus|or)\s+", topic, flags=re.I)[0]
                    data["purpose"] = _TOPIC_MOD.sub("", topic.lower())
                    data["purpose_from"] = "check"
                    ev.append(head.evidence[0])
            fus.append(Fact("follow_up", st.strip(), "", "", ev, data))
    return fus, warns


#: a referral the plan makes ("Referred to diabetes education.", "Refer to dermatology.", "Cardiology referral
#: placed."): who will see the patient
_REFERRAL_RE = re.compile(
    r"\b(?:refer(?:red|ring)?|referral|consult(?:ation|ed)?)\s+(?:has\s+been\s+|was\s+|is\s+)?(?:placed\s+|made\s+|sent\s+)?"
    r"(?:to|with)\s+(?P<to>(?:the\s+)?(?:[A-Za-z-]+\s+){0,3}?(?:[a-z]+olog(?:y|ist)|surgery|surgeon|education|educator|"
    r"clinic|nutrition(?:ist)?|dietitian|dietician|podiatry|pain management|social work(?:er)?|counsel(?:ing|or)|"
    r"specialist|program|orthopedics|pediatrics|ENT|genetics|audiology|optometry|psychiatry|"
    r"physical therapy|occupational therapy|speech therapy))\b|"
    r"\b(?P<to2>[A-Z][a-z]+(?:olog(?:y|ist)|iatry|ics))\s+(?:referral|consult(?:ation)?)\s+(?:placed|made|sent|ordered|requested)\b|"
    r"\b(?P<to3>dietitian|dietician|nutritionist|nutrition|diabetes\s+education|podiatry|social\s+work|"
    r"[A-Z][a-z]+(?:olog(?:y|ist)|iatry))\s+referral\b(?!\s+(?:declined|refused|deferred|offered|if|was\s+not))",
    re.I)
_NOT_REFERRED = re.compile(r"\b(?:not|no|declin\w*|refus\w*|defer\w*|consider\w*|if|may|might|would)\b", re.I)


def _referral_from(doc: Document, sent, fus: list[Fact]) -> None:
    """A referral of the plan as a follow-up fact (``data["referral"]``: who; the letter says the patient was
    referred, never a visit date the note does not give). Not a referral declined, considered or conditional, nor one
    to a treatment the letter lists as care of its own (physical therapy)."""
    text = doc.text
    st = text[sent.start:sent.end]
    m = _REFERRAL_RE.search(st)
    if m is None or _NOT_REFERRED.search(st[: m.start()]):
        return
    g = next(k for k in ("to", "to2", "to3") if m.group(k))
    to = re.sub(r"\s+", " ", m.group(g)).strip()
    to = re.sub(r"(?i)^(?:the|a|an)\s+", "", to)
    if get_lexicon().find(to, categories=("procedure",)):
        return  # ("Referral to physical therapy": said with the procedures)
    when = _WHEN_RE.search(st)
    ev = [doc.span(sent.start + m.start(), sent.start + m.end()),
          doc.span(sent.start + m.start(g), sent.start + m.end(g))]
    data: dict[str, Any] = {"sentence": doc.span(sent.start, sent.end).to_dict(), "when": None, "with": to,
                            "purpose": None, "referral": True}
    if when:
        data["when"] = when.group()
        ev.append(doc.span(sent.start + when.start(), sent.start + when.end()))
    fus.append(Fact("follow_up", st.strip(), "", "", ev, data))


def _clean_dx(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().rstrip(".;:,")


def _patient_name(doc: Document) -> Fact | None:
    m = _NAME_RE.search(doc.text)
    if not m:
        return None
    return Fact("patient_name", m.group("name"), "", "", [doc.span(m.start("name"), m.end("name"))])


def extract_letter_facts(doc: Document) -> LetterFacts:
    """Everything a letter may say, read from ``doc`` with evidence."""
    doc = refine_sections(doc)
    shared = _shared_facts(doc)
    allergies, none_fact = _allergies(doc, shared)
    tests, procs = _tests_and_procedures(doc)
    meds = _medications(doc, shared)
    _mark_hospital_medications(doc, meds)
    med_names = {_norm(m.text) for m in meds} | {_norm(m.data.get("generic") or "") for m in meds}
    diags = [d for d in _diagnoses(doc) if _norm(d.text) not in med_names]
    fus, warns = _follow_up_and_warnings(doc, diags)
    return LetterFacts(
        patient_name=_patient_name(doc),
        diagnoses=diags,
        medications=meds,
        allergies=allergies,
        no_known_allergies=none_fact if not allergies else None,
        tests=tests,
        procedures=procs,
        follow_up=fus,
        warnings=warns,
    )
