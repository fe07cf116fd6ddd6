"""Shared clinical fact extraction: ``extract_facts(doc) -> Facts``.

Medications (name, dose, route, frequency as written), allergies (substance, reaction), abnormal labs and
vitals, procedures and problems — each with evidence :class:`~medassist.document.Span` objects into
``doc.text``. Every text field is a verbatim slice of the note (``field == doc.text[span.start:span.end]``);
normalisations (a brand's generic name from the lexicon, a result's high/low flag from the reference
ranges in ``resources/summary_labs.json``) are marked as such and never replace the words of the note.

Drug names come from ``resources/drugs.json``: the CMS ICD-10-CM Table of Drugs (US public domain; the
substances with an adverse-effect code) plus a curated list of common generics and brands, and generic-name
suffixes (-pril, -sartan, -statin ...). Inside a medication section every list item is kept even when its
name is not in the lexicon (``in_lexicon`` False), so nothing listed is dropped.

Used by the summary (``medassist.tasks.summarize``) and the letters (``medassist.tasks.letter``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from ..config import resource_path
from ..document import Document, Section, Span
from ..text.sig import dose_at

MED_SECTIONS = ("medications", "discharge_medications", "current_medications", "home_medications")
ALLERGY_SECTIONS = ("allergies",)
PROSE_MED_SECTIONS = ("hpi", "assessment", "plan", "assessment_plan", "hospital_course", "discharge_instructions",
                      "impression", "subjective", "preamble", "follow_up")
PROBLEM_SECTIONS = ("assessment", "assessment_plan", "impression", "discharge_diagnoses", "problem_list")
HISTORY_SECTIONS = ("pmh",)
PROCEDURE_SECTIONS = ("procedures",)
SURGICAL_HISTORY = ("psh",)
RESULT_SECTIONS = ("labs", "imaging", "findings", "vitals", "physical_exam", "objective")
# prose sections where a lab written with its value ("Creatinine peaked at 1.9 mg/dL") is read too
LAB_PROSE_SECTIONS = ("hpi", "hospital_course", "assessment", "assessment_plan", "plan", "impression", "preamble",
                      "discharge_diagnoses", "results", "diagnostics", "studies", "subjective")


# ------------------------------------------------------------------------------------------------ data
def _span(text: str, a: int, b: int) -> Span:
    return Span(a, b, text[a:b])


@dataclass
class Medication:
    name: str
    name_span: Span
    evidence: list[Span]  # the whole item (list line or sentence piece) the medication was read from
    section: str
    listed: bool  # from the note's own medication list
    in_lexicon: bool
    generic: str | None = None  # lexicon normalisation (brand -> generic); not text of the note
    dose: str | None = None
    dose_span: Span | None = None
    route: str | None = None
    route_span: Span | None = None
    frequency: str | None = None
    frequency_span: Span | None = None
    change: str | None = None  # start | stop | increase | decrease | change | continue (from the wording)
    change_span: Span | None = None
    status: str = "affirmed"
    duration: str | None = None  # "x 5 days", "for ten days" (as written)
    duration_span: Span | None = None
    quantity: str | None = None  # "2 puffs", "1 tablet" (as written)
    quantity_span: Span | None = None
    prn: str | None = None  # "as needed for wheezing" (as written)
    prn_span: Span | None = None
    schedule: str | None = None  # the rest of a dose schedule: "then 250 mg daily on days 2 through 5" (as written)
    schedule_span: Span | None = None
    # where the drug is taken, from the section / sentence wording: "discharge" (discharge list, "discharged on",
    # "scripts for"), "inpatient" (given in hospital: hospital course, IV, "was treated with"), "home" (a home or
    # medication list), None when the note does not say
    setting: str | None = None
    # why the setting is not the obvious one (an IV medicine kept as a home medicine: the note says it goes on at
    # home), with the note's words that say so
    setting_note: str | None = None
    setting_note_span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "generic": self.generic,
            "generic_source": "lexicon" if self.generic else None,
            "dose": self.dose,
            "route": self.route,
            "frequency": self.frequency,
            "change": self.change,
            "duration": self.duration,
            "quantity": self.quantity,
            "prn": self.prn,
            "schedule": self.schedule,
            "setting": self.setting,
            "setting_note": self.setting_note,
            "section": self.section,
            "listed": self.listed,
            "in_lexicon": self.in_lexicon,
            "status": self.status,
            "spans": {k: v.to_dict() for k, v in (("name", self.name_span), ("dose", self.dose_span), ("route", self.route_span),
                                                 ("frequency", self.frequency_span), ("change", self.change_span),
                                                 ("duration", self.duration_span), ("quantity", self.quantity_span),
                                                 ("prn", self.prn_span), ("schedule", self.schedule_span),
                                                 ("setting_note", self.setting_note_span)) if v},
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass
class Allergy:
    substance: str
    substance_span: Span
    evidence: list[Span]
    section: str
    in_lexicon: bool
    reaction: str | None = None
    reaction_span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "substance": self.substance,
            "reaction": self.reaction,
            "section": self.section,
            "in_lexicon": self.in_lexicon,
            "spans": {k: v.to_dict() for k, v in (("substance", self.substance_span), ("reaction", self.reaction_span)) if v},
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass
class Result:
    kind: str  # lab | vital | finding
    name: str
    text: str  # the verbatim result (e.g. "Potassium 5.9", "Blood Pressure: Elevated.")
    evidence: list[Span]
    section: str
    value: str | None = None
    unit: str | None = None
    flag: str | None = None  # high | low | abnormal (from reference ranges / the note's own words)
    flag_source: str | None = None  # "reference range" (or a child's: "pediatric reference range (age 3 years)") | "note wording"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "text": self.text, "value": self.value, "unit": self.unit,
                "flag": self.flag, "flag_source": self.flag_source, "section": self.section,
                "evidence": [s.to_dict() for s in self.evidence]}


@dataclass
class Problem:
    text: str
    evidence: list[Span]
    section: str
    status: str = "affirmed"  # affirmed | historical | uncertain | resolved (negated ones are dropped)
    kind: str = "problem"  # problem | chief_complaint

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "section": self.section, "status": self.status, "kind": self.kind,
                "evidence": [s.to_dict() for s in self.evidence]}


@dataclass
class Procedure:
    text: str
    evidence: list[Span]
    section: str
    status: str = "performed"  # performed | historical | planned

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "section": self.section, "status": self.status, "evidence": [s.to_dict() for s in self.evidence]}


@dataclass
class Facts:
    medications: list[Medication] = field(default_factory=list)
    allergies: list[Allergy] = field(default_factory=list)
    no_known_allergies: Span | None = None
    no_medications: Span | None = None
    results: list[Result] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    procedures: list[Procedure] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "medications": [m.to_dict() for m in self.medications],
            "allergies": [a.to_dict() for a in self.allergies],
            "no_known_allergies": self.no_known_allergies.to_dict() if self.no_known_allergies else None,
            "no_medications": self.no_medications.to_dict() if self.no_medications else None,
            "results": [r.to_dict() for r in self.results],
            "problems": [p.to_dict() for p in self.problems],
            "procedures": [p.to_dict() for p in self.procedures],
        }

    def all_spans(self) -> list[Span]:
        out: list[Span] = []
        for m in self.medications:
            out += [m.name_span, *m.evidence] + [s for s in (m.dose_span, m.route_span, m.frequency_span, m.change_span) if s]
        for a in self.allergies:
            out += [a.substance_span, *a.evidence] + ([a.reaction_span] if a.reaction_span else [])
        for group in (self.results, self.problems, self.procedures):
            for x in group:
                out += x.evidence
        out += [s for s in (self.no_known_allergies, self.no_medications) if s]
        return out


# ------------------------------------------------------------------------------------------------ lexicon
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-/]*[A-Za-z0-9]|[A-Za-z0-9]")


def _words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    end = len(text) if end is None else end
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text, start, end)]


@dataclass
class DrugHit:
    start: int
    end: int
    key: str
    generic: str | None
    source: str  # cms | curated | brand | suffix | allergen


class DrugLexicon:
    """Longest-match lookup of drug names (and allergens) over word tokens."""

    def __init__(self, data: dict[str, Any]):
        self.entries: dict[tuple[str, ...], tuple[str | None, str]] = {}
        for name in data.get("cms", []):
            self._add(name, None, "cms")
        for name in data.get("generics", []):
            self._add(name, None, "curated")
        for brand, generic in data.get("brands", {}).items():
            self._add(brand, generic, "brand")
        for name in data.get("allergens", []):
            self._add(name, None, "allergen")
        self.stop = {w.lower() for w in data.get("stopwords", [])}
        self.ambiguous = {w.lower() for w in data.get("ambiguous", [])}
        self.suffixes = tuple(data.get("suffixes", []))
        self.suffix_exclude = {w.lower() for w in data.get("suffix_exclude", [])}
        self.inpatient_only = {w.lower() for w in data.get("inpatient_only", [])}
        # brand + dosage form ("Prevacid SoluTab", "Toprol XL"): the form word is part of the drug's name
        self.dosage_forms = {w.lower() for w in data.get("dosage_forms", [])}
        self.home_iv_cues = [re.compile(rx) for rx in data.get("home_iv_cues", [])]
        self.inpatient_list = re.compile(data["inpatient_list_headers"]) if data.get("inpatient_list_headers") else None
        self.max_len = max((len(k) for k in self.entries), default=1)
        self.lengths: dict[str, list[int]] = {}
        for k in self.entries:
            self.lengths.setdefault(k[0], []).append(len(k))
        for v in self.lengths.values():
            v.sort(reverse=True)

    def _add(self, name: str, generic: str | None, source: str) -> None:
        key = tuple(w for _, _, w in _words(name))
        if key and key not in self.entries:
            self.entries[key] = (generic, source)

    def find(self, text: str, start: int = 0, end: int | None = None, *, strict: bool = False) -> list[DrugHit]:
        """Drug names in ``text[start:end]``. ``strict`` (prose outside medication sections) skips ambiguous
        words alone (potassium, alcohol ...) and allergens."""
        toks = _words(text, start, end)
        hits: list[DrugHit] = []
        i = 0
        while i < len(toks):
            found = None
            for n in self.lengths.get(toks[i][2], ()):
                if n > len(toks) - i:
                    continue
                key = tuple(t[2] for t in toks[i : i + n])
                ent = self.entries.get(key)
                if ent is None:
                    continue
                if n == 1 and (key[0] in self.stop or len(key[0]) < 4 and not text[toks[i][0]:toks[i][1]].isupper()):
                    continue
                if strict and (n == 1 and key[0] in self.ambiguous or ent[1] == "allergen"):
                    continue  # (a salt named in full is a drug: "magnesium sulfate", "potassium chloride")
                # a multi-word entry must sit within one line / clause
                if n > 1 and re.search(r"[\n,;:.]", text[toks[i][1] : toks[i + n - 1][0]]):
                    continue
                found = (n, ent)
                break
            if found is None:
                w = toks[i][2]
                parts = re.split(r"[-/]", w)
                if len(parts) > 1 and all(len(x) >= 4 and (x,) in self.entries and x not in self.stop for x in parts) \
                        and not any(self.entries[(x,)][1] == "allergen" for x in parts):
                    # a combination written as one word: "fluticasone-salmeterol", "budesonide/formoterol"
                    found = (1, self.entries[(parts[0],)])
                elif (len(w) >= 7 and w.endswith(self.suffixes) and w not in self.suffix_exclude and w.isalpha()
                        and w not in self.stop):
                    found = (1, (None, "suffix"))
            if found:
                n, (generic, source) = found
                s, e = toks[i][0], toks[i + n - 1][1]
                key = " ".join(t[2] for t in toks[i : i + n])
                # dosage-form words written right after the name belong to it ("Prevacid SoluTab", "Toprol XL")
                while i + n < len(toks) and self.is_form_word(text, toks[i + n], e):
                    e = toks[i + n][1]
                    n += 1
                hits.append(DrugHit(s, e, key, generic, source))
                i += n
            else:
                i += 1
        return hits

    def is_form_word(self, text: str, tok: tuple[int, int, str], prev_end: int) -> bool:
        """``tok`` is a dosage-form word written directly after a drug name ending at ``prev_end`` (a space or a
        hyphen between): "SoluTab", "ODT", "XL" (a two-letter form only in capitals)."""
        s, e, w = tok
        if w not in self.dosage_forms or not re.fullmatch(r"[ \t]?-?[ \t]?|[ \t]", text[prev_end:s]):
            return False
        return len(w) > 2 or text[s:e].isupper()


@lru_cache(maxsize=1)
def drug_lexicon() -> DrugLexicon:
    return DrugLexicon(json.loads(resource_path("drugs.json").read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _lab_rules() -> dict[str, Any]:
    return json.loads(resource_path("summary_labs.json").read_text(encoding="utf-8"))


def build_drug_lexicon(cms_xml: str, generics: Iterable[str], brands: dict[str, str], **extra) -> dict[str, Any]:
    """Build the ``resources/drugs.json`` data: CMS Table of Drugs substances that have an adverse-effect code
    (i.e. medicinal), minus class headings ("... NEC", "agents"), plus the curated lists."""
    import xml.etree.ElementTree as ET

    names = set()
    for mt in ET.parse(cms_xml).iter("mainTerm"):
        cells = {c.get("col"): (c.text or "").strip() for c in mt.findall("cell")}
        title = mt.find("title")
        name = re.sub(r"\s+", " ", (title.text or "") if title is not None else "").strip()
        if not name or cells.get("6", "--") in ("", "--"):
            continue
        if re.search(r"\b(NEC|NOS|agents?|drugs?|derivatives?|mixtures?|preparations?|compounds?|group|products?)\b", name, re.I) or "," in name:
            continue
        names.add(name.lower())
    return {"cms": sorted(names), "generics": sorted({g.lower() for g in generics}),
            "brands": {k.lower(): v for k, v in sorted(brands.items())}, **extra}


# ------------------------------------------------------------------------------------------------ items
_HEADER_IN_BODY = re.compile(r"(?:(?<=^)|(?<=[\n,.]))\s*([A-Z][A-Z/&' ]{2,}[A-Z])\s*:")
_BULLET = re.compile(r"\s*(?:[-•*·▪◦]|\(?\d{1,2}[.)](?!\d)|[a-z][.)]\s)\s*")
_NONE_ITEM = re.compile(
    r"\s*(?:none|no|n/?a|nil|denies|no current|no medications?|no meds|no known (?:drug |medication |medicine |medical |food )?allergies|nkda|nka|"
    r"(?:he|she|the patient|patient) (?:is|was) on no medications?|(?:he|she|the patient|patient) (?:takes|has) no|"
    r"(?:(?:he|she|the patient|patient) )?(?:denies|is not (?:currently )?taking|does not take|not (?:currently )?taking))\b[^A-Za-z]*",
    re.I,
)
_NKA = re.compile(r"\b(?:no known (?:drug |medication |medicine |medical |food )?allergies|nkda|nka|no (?:drug )?allergies|"
                  r"(?:denies|no) (?:any )?(?:drug |medication )?allergies)\b", re.I)
_NO_MEDS = re.compile(r"\b(?:(?:is |was )?on no (?:regular |current )?medications?|takes no (?:regular )?medications?|no (?:current |regular |home )?medications?|"
                      r"denies (?:taking |needing )?(?:any )?(?:current |regular )?medications?|not (?:currently )?taking any (?:current )?medications?)\b", re.I)


def body_range(doc: Document, sec: Section) -> tuple[int, int]:
    """The section body, cut at a header embedded in it (e.g. "ALLERGIES TO MEDICATIONS:" inside a
    MEDICATIONS section of a one-line transcription)."""
    a, b = sec.body_start, sec.end
    m = _HEADER_IN_BODY.search(doc.text, a + 1, b)
    while m and m.start(1) <= a + 1:
        m = _HEADER_IN_BODY.search(doc.text, m.end(), b)
    if m:
        b = m.start(1)
    return a, b


def embedded_sections(doc: Document, sec: Section) -> list[tuple[str, int, int]]:
    """(HEADER, body_start, body_end) of headers embedded in a section body that the sectionizer missed."""
    out = []
    a, b = sec.body_start, sec.end
    ms = [m for m in _HEADER_IN_BODY.finditer(doc.text, a + 1, b) if m.start(1) > a + 1]
    for k, m in enumerate(ms):
        end = ms[k + 1].start(1) if k + 1 < len(ms) else b
        out.append((m.group(1).strip(), m.end(), end))
    return out


def _trim(text: str, a: int, b: int, chars: str = " \t\n\r,.;:") -> tuple[int, int]:
    while a < b and text[a] in chars:
        a += 1
    while b > a and text[b - 1] in chars:
        b -= 1
    return a, b


def list_items(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """List items of a section body: lines, bullets, numbered items; a transcription's ".," item breaks;
    bullet/number prefixes and edge punctuation removed."""
    pieces: list[tuple[int, int]] = []
    pos = a
    for m in re.finditer(r"\n|(?<=[.:])[ \t]*,(?=\s*\S)|(?<=\S),(?=\s*\d{1,2}\.\s)|(?<=\.)\s{2,}(?=\d{1,2}\.\s)", text[a:b]):
        pieces.append((pos, a + m.start()))
        pos = a + m.end()
    pieces.append((pos, b))
    out = []
    for s, e in pieces:
        s, e = _trim(text, s, e, " \t\n\r,;")
        m = _BULLET.match(text, s, e)
        if m:
            s = m.end()
        s, e = _trim(text, s, e)
        if e > s:
            out.append((s, e))
    return out


def sentences_between(doc: Document, a: int, b: int) -> list[tuple[int, int]]:
    out = []
    for s in doc.sentences:
        if s.start >= a and s.end <= b:
            out.append(_trim(doc.text, s.start, s.end, " \t\n\r,"))
        elif s.start < b and s.end > a:
            out.append(_trim(doc.text, max(a, s.start), min(b, s.end), " \t\n\r,"))
    return [x for x in out if x[1] > x[0]]


def balanced(text: str, s: int, e: int) -> tuple[int, int]:
    """``(s, e)`` moved so the span never ends inside a number ("A1c 9" of "A1c 9.1%") or an open
    parenthesis ("Penicillin (hives" of "Penicillin (hives)"), and drops an unbalanced quote or bracket at
    either edge."""
    n = len(text)
    # inside a number: extend over the decimals and a directly attached unit sign
    while e < n and e > s:
        if text[e].isdigit() and (text[e - 1].isdigit() or text[e - 1] == "." and e - 2 >= s and text[e - 2].isdigit()):
            e += 1
        elif text[e] == "." and e + 1 < n and text[e + 1].isdigit() and text[e - 1].isdigit():
            e += 1
        else:
            break
    if e < n and text[e] == "%" and text[e - 1].isdigit():
        e += 1
    seg = text[s:e]
    if seg.count("(") > seg.count(")"):
        close = text.find(")", e, min(n, e + 60))
        if close >= 0 and "\n" not in text[e:close]:
            e = close + 1
        else:  # no close in reach: end before the open parenthesis
            k = text.rfind("(", s, e)
            if k > s:
                e = k
    seg = text[s:e]
    if seg.count(")") > seg.count("(") and seg.endswith(")"):
        e -= 1
    while e > s and text[e - 1] in " \t\n,;:(-":
        e -= 1
    if text[s:e].count('"') % 2 == 1 and text[s:e].startswith('"'):
        s += 1
    return s, e


_CANON_HEADERS = (
    (r"ALLERG", "allergies"),
    (r"^(?:STOP|STOPPED|DISCONTINUE|DISCONTINUED|HOLD|DO NOT TAKE)\b|\bMEDICATIONS? (?:TO )?(?:STOP|DISCONTINUE)", "stop_medications"),
    (r"DISCHARGE MEDICATION", "discharge_medications"),
    (r"MEDICATION", "medications"),
    (r"HOSPITAL COURSE|COURSE IN (?:THE )?HOSPITAL|^COURSE$|CLINICAL COURSE", "hospital_course"),
    (r"DIAGNOS", "discharge_diagnoses"),
    (r"OPERATION|PROCEDURE", "procedures"),
    (r"^(?:PLAN|RECOMMENDATIONS?|DISPOSITION)$", "plan"),
    (r"FOLLOW", "follow_up"),
    (r"INSTRUCTION", "discharge_instructions"),
    (r"IMPRESSION", "impression"),
)
_HEADER_COMMA_LIST = re.compile(r"(?:(?<=^)|(?<=\n))\s*([A-Z][A-Z/&' ]{2,}[A-Z])\s*,(?=\s*1[.)]\s)")


def _canon(header: str) -> str | None:
    h = re.sub(r"\s+", " ", header.strip().upper())
    if "ANESTHE" in h:
        return None
    for rx, name in _CANON_HEADERS:
        if re.search(rx, h):
            return name
    try:
        from ..text.sections import _default_rules

        rule = _default_rules().rule_for(header.strip().title())
        return rule.name if rule is not None else None
    except Exception:  # pragma: no cover - the sectionizer's rules are optional here
        return None


def logical_ranges(doc: Document) -> list[tuple[str, int, int]]:
    """(canonical section name, body start, body end) of every section, with the headers the sectionizer
    left inside a body ("COURSE IN THE HOSPITAL:", "STOP:", a transcription's "FINAL DIAGNOSES,1. ...")
    split out under their own canonical names (an unknown embedded header keeps its parent's name)."""
    cache = getattr(doc, "_medassist_logical_ranges", None)
    if cache is not None:
        return cache
    text = doc.text
    out: list[tuple[str, int, int]] = []
    for sec in doc.sections:
        a, b = sec.body_start, sec.end
        heads = [(m.start(1), m.end(), m.group(1)) for m in _HEADER_IN_BODY.finditer(text, a, b) if m.start(1) > a + 1]
        heads += [(m.start(1), m.end(), m.group(1)) for m in _HEADER_COMMA_LIST.finditer(text, a, b)]
        heads.sort()
        first = heads[0][0] if heads else b
        if first > a and text[a:first].strip():
            out.append((sec.name, a, first))
        for k, (hs, he, h) in enumerate(heads):
            end = heads[k + 1][0] if k + 1 < len(heads) else b
            out.append((_canon(h) or sec.name, he, end))
    try:
        object.__setattr__(doc, "_medassist_logical_ranges", out)
    except Exception:  # pragma: no cover - a frozen/slotted Document
        pass
    return out


# ------------------------------------------------------------------------------------------------ meds
_FORM_OR_ROUTE = re.compile(
    r"\b(?:\d+(?:[./]\d+)?|tablets?|tabs?|capsules?|caps?|by mouth|p\.?o\.?|orally|daily|q\.?d|b\.?i\.?d|t\.?i\.?d|q\.?i\.?d|q\.?\d|"
    r"p\.?r\.?n|as needed|once|twice|every|at bedtime|nightly|topical(?:ly)?|applied|spray|inhaler|cream|ointment|gel|"
    r"patch|drops?|injections?|subcutaneous(?:ly)?|iv|im|mg|mcg|units?|ml|%)\b",
    re.I,
)


def _sig_fields(doc: Document, med: Medication, a: int, b: int) -> None:
    """Dose, route, frequency and change wording read from ``doc.text[a:b]`` (the words after the name)."""
    if b <= a:
        return
    try:
        from ..text.sig import detect_change, parse_sig
    except ImportError:  # pragma: no cover - the sig parser ships with the letters module
        return
    sig = parse_sig(doc.text[a:b], offset=a)
    ev = sig.evidence
    for key, attr in (("dose", "dose"), ("route", "route"), ("frequency", "frequency"), ("duration", "duration"),
                      ("quantity", "quantity"), ("prn", "prn"), ("taper", "schedule")):
        sp = ev.get(key)
        if sp is None and key == "frequency" and "prn" in ev:
            sp = ev["prn"]
        if key == "prn" and sp is not None and med.frequency_span is not None and med.frequency_span.start == sp.start:
            continue  # (already the frequency: "PRN")
        if key == "taper" and sig.taper_kind not in ("steps", "by", "alternate"):
            continue  # ("wean off" of a taper the note does not write out is said by the item's words, if at all)
        if sp is not None and a <= sp.start < sp.end <= b:
            sp = _span(doc.text, sp.start, sp.end)
            setattr(med, attr, sp.text)
            setattr(med, attr + "_span", sp)


def _med(doc: Document, hit: DrugHit, item: tuple[int, int], section: str, listed: bool, sig_end: int) -> Medication:
    name = _span(doc.text, hit.start, hit.end)
    m = Medication(name=name.text, name_span=name, evidence=[_span(doc.text, *item)], section=section, listed=listed,
                   in_lexicon=hit.source != "unlisted", generic=hit.generic if hit.generic and hit.generic != hit.key else None)
    # a route right before the next drug's name is that drug's ("albuterol/ipratropium nebulizer x3 and oral
    # dexamethasone": oral is dexamethasone's)
    own = _ROUTE_OF_NEXT.search(doc.text, hit.end, sig_end)
    _sig_fields(doc, m, hit.end, own.start() if own is not None and own.start() > hit.end else sig_end)
    if m.route is None:
        # a route written before the name ("IV cefazolin", "oral cephalexin", "nebulized albuterol")
        r = _ROUTE_BEFORE.search(doc.text, max(item[0], hit.start - 24), hit.start)
        if r is not None:
            sp = _span(doc.text, r.start(1), r.end(1))
            m.route, m.route_span = sp.text, sp
    return m


# a route written before a drug's name ("IV cefazolin", "oral cephalexin", "nebulized albuterol")
_ROUTE_WORDS = (r"(?-i:IV|PO|IM|SQ|SC|SL)|intravenous(?:ly)?|oral|intramuscular|subcutaneous|inhaled|nebuli[sz]ed|"
                r"topical|sublingual|transdermal")
_ROUTE_OF_NEXT = re.compile(r"(?:,|\band\b|\bthen\b|\bplus\b)\s+(?:" + _ROUTE_WORDS + r")\s*$", re.IGNORECASE)
_ROUTE_BEFORE = re.compile(r"(?<![\w-])(" + _ROUTE_WORDS + r")\s+$", re.IGNORECASE)


def _leading_name(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The name part of an unrecognised list item: the words before the first dose/form/route word."""
    m = _FORM_OR_ROUTE.search(text, a, b)
    e = m.start() if m else b
    s, e = _trim(text, a, e, " \t\n\r,.;:-(")
    words = text[s:e].split()
    if not words or len(words) > 5 or not re.match(r"[A-Za-z]", text[s:e]):
        return None
    return s, e


def _medications(doc: Document, facts: Facts, ranges: list[tuple[str, int, int]]) -> None:
    lex = drug_lexicon()
    text = doc.text
    for section, a, b in ranges:
        for item in list_items(text, a, b):
            s, e = item
            if _NONE_ITEM.match(text, s, e) and not lex.find(text, s, e):
                nm = _NO_MEDS.search(text, s, e)
                if facts.no_medications is None and (nm or re.fullmatch(r"\s*(?:none|nil|n/?a)\.?\s*", text[s:e], re.I)):
                    facts.no_medications = _span(text, *(nm.span() if nm else (s, e)))
                continue
            hits = [h for h in lex.find(text, s, e) if h.source != "allergen"]
            # a drug the item names as the when of another ("Insulin glargine 10 units at bedtime until prednisone is
            # finished", "... while on prednisone") is not a medication of the list; that one's words run on to it
            hits = [h for k, h in enumerate(hits)
                    if k == 0 or not _WHEN_OF_OTHER.search(text, hits[k - 1].end, h.start)]
            if not hits:
                nm = _leading_name(text, s, e)
                if nm is None or len(text[s:e].split()) > 12:
                    continue
                hit = DrugHit(nm[0], nm[1], text[nm[0]:nm[1]].lower(), None, "unlisted")
                facts.medications.append(_med(doc, hit, item, section, True, e))
                continue
            # an item that is an order to stop ("7. Stop glipizide.", "Discontinue aspirin") is no medicine to take:
            # it is marked as a "STOP:" list's item is
            stop = _STOP_ITEM.match(text, s, hits[0].start)
            for k, h in enumerate(hits):
                nxt = hits[k + 1].start if k + 1 < len(hits) else e
                # "Tylenol with Codeine", "X and Y" inside one item: each name gets the words up to the next one
                m = _med(doc, h, item, section, True, nxt)
                if stop is not None and section in ("medications", "discharge_medications"):
                    # ("5. Hold lisinopril until kidney function is rechecked.": not taken for now, a pause)
                    m.change = "hold" if stop.group(1).lower().startswith("hold") else "stop"
                    m.change_span = _span(text, stop.start(1), stop.end(1))
                    m.listed, m.setting = False, "stop"
                facts.medications.append(m)


_STOP_ITEM = re.compile(r"[\s\W\d]*?\b((?:stop(?:ped)?|discontinue[d]?|d/c(?:'?d)?|do not (?:take|resume|restart)|hold|"
                        r"no longer take)(?:\s+(?:taking|using))?)\s+(?:(?:your|the|his|her)\s+)?$", re.IGNORECASE)


# the dose written before a drug's name ("40 mg of triamcinolone", "4 mL of 1% lidocaine"), and the words before a drug
# given at this visit ("was injected with", "we gave")
# (the letters read them too)
DOSE_BEFORE = _DOSE_BEFORE = re.compile(
    r"(?P<d>\d+(?:\.\d+)?\s*(?:mg|mcg|g|mL|ml|units?|cc))\s+of\s+(?:the\s+)?(?:\d+(?:\.\d+)?%\s+)?$", re.I)
GIVEN_HERE = _GIVEN_HERE = re.compile(
    r"\b(?P<v>(?:was|were)\s+(?:injected|given|administered|infused)(?:\s+with)?|injected\s+with|"
    r"(?:we|i)\s+(?:gave|administered|injected)|received(?:\s+an?\s+(?:injection|dose|shot)\s+of)?|"
    r"given\s+an?\s+(?:injection|dose|shot)\s+of)\b[^.;]*$", re.I)
#: what a visit is for, not a sign to come back for ("Return for suture removal", "Return to the ED for a wound check"):
#: the summaries' return precautions and the letters' warnings both leave such a "return for" out
VISIT_TASK_WORDS = (r"follow[- ]?up|follow|re-?check|check|suture|staples?|removal|dressing|appointment|visit|labs?|"
                    r"blood(?: work| draw)?|x-?ray|injection|infusion|dose|cast|splint|results?|review|discussion|"
                    r"consult\w*|repeat|tests?|testing|procedure|surgery|therapy|treatment|vaccin\w*|shots?|refills?|"
                    r"questions?|evaluation|re-?evaluation|imaging|scan|biopsy|paperwork|clearance")
#: a visit named by its task ("Suture removal in 5 days.", "Wound check in 2 days."): the summaries' follow-up and the
#: letters' next visit read it
VISIT_TASK_NAMES = r"(?:suture|staple|stitch(?:es)?)\s+removal|wound\s+check|dressing\s+change"
#: words of a prescription: a drug "given" so is one to take ("was given a prescription for Levaquin")
SCRIPT_WORDS = re.compile(r"\b(?:prescri\w*|scripts?|rx|refills?|supply|to take (?:at )?home|home with)\b", re.I)
#: the words before a drug named as the when of another ("until prednisone is finished", "while on warfarin"); the
#: letters read their medicines with it too
WHEN_OF_OTHER = _WHEN_OF_OTHER = re.compile(
    r"(?i)\b(?:until|while\s+(?:on|taking)|as\s+long\s+as|during|after\s+(?:finishing|completing))"
    r"\s+(?:the\s+|your\s+|her\s+|his\s+)?$")
_PROSE_CLAUSE_END = re.compile(r";|,\s+and\b|\bwith (?:improvement|resolution|good (?:effect|response))\b|"
                               r"\b(?:transitioned|switched|converted|stepped down|narrowed|broadened|escalated)\b|"
                               r"\b(?:reporting|reports|reported|noting|which|because|but|whereas|although|though|while)\b|"
                               # the sentence goes on to why the patient came ("on methotrexate 15 mg weekly and folic
                               # acid 1 mg daily, presents with ... swelling of both hands for 6 weeks")
                               r",\s+(?:(?:and|now|who)\s+)?(?:presents?|presented|presenting|comes?|came|complains?|"
                               r"complaining|returns?|returned|is\s+here|here)\b",
                               re.IGNORECASE)


def _listed_names(names: set[str], text: str, s: int, e: int) -> list[DrugHit]:
    """Where the words ``text[s:e]`` name again a drug of ``names``, those the note's own medication list named that no
    lexicon knows ("Cinacalcet 30 mg daily", then "Increase cinacalcet to 60 mg daily.")."""
    out = []
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text[s:e], re.I):
            a, b = s + m.start(), s + m.end()
            if not any(h.start < b and a < h.end for h in out):
                out.append(DrugHit(a, b, name, None, "unlisted"))
    return out


def _prose_medications(doc: Document, facts: Facts, ranges: list[tuple[str, int, int]]) -> None:
    from ..text.context import classify

    lex = drug_lexicon()
    text = doc.text
    listed = {m.name.lower() for m in facts.medications if m.listed and not m.in_lexicon and len(m.name) >= 5}
    for section, a, b in ranges:
        for s, e in sentences_between(doc, a, b):
            hits = lex.find(text, s, e, strict=True)
            # (a name the list taught: "Increase cinacalcet to 60 mg daily." after "Cinacalcet 30 mg daily")
            own = [h for h in _listed_names(listed, text, s, e) if not any(x.start < h.end and h.start < x.end for x in hits)]
            if own:
                hits = sorted([*hits, *own], key=lambda h: h.start)
            # (a sig ends at the next drug name, also one too loose to list from prose: "clindamycin prior to dental
            # procedures and vitamin D3 (50,000 IU ...)" gives clindamycin no dose)
            names = sorted({x.start for x in lex.find(text, s, e)} | {x.start for x in hits})
            for k, h in enumerate(hits):
                if _names_a_test(text, h.start, h.end, s):
                    continue  # "Repeat TSH and free T4 in 6 weeks": TSH (thyrotropin) is a drug too
                ctx = classify(doc, h.start, h.end)
                if ctx.status in ("negated", "family", "hypothetical"):
                    continue
                nxt = next((x for x in names if x >= h.end), e)
                # (in prose a drug's sig follows it in its own clause: "the gabapentin and prednisone, reporting
                # improvement of pain at night" gives prednisone no frequency; "lisinopril, 10 mg daily" keeps its)
                clause = _PROSE_CLAUSE_END.search(text, h.end, nxt)
                m = _med(doc, h, (s, e), section, False, clause.start() if clause else nxt)
                m.status = ctx.status
                before = _DOSE_BEFORE.search(text, max(s, h.start - 30), h.start)
                if before is not None:
                    # "injected with 40 mg of triamcinolone and 4 mL of 1% lidocaine": each drug's dose is the one
                    # written before its name (the "4 mL" after "triamcinolone and" is the next drug's)
                    sp = _span(text, before.start("d"), before.end("d"))
                    m.dose, m.dose_span = sp.text, sp
                elif m.dose_span is not None and re.fullmatch(r"\s*(?:and|,)\s*", text[h.end:m.dose_span.start]):
                    nxt_dose = _DOSE_BEFORE.search(text, m.dose_span.start, nxt)
                    if nxt_dose is not None and nxt < len(text) and nxt_dose.end() == nxt:
                        m.dose = m.dose_span = None  # ("... and 4 mL of 1% lidocaine": lidocaine's)
                given = _GIVEN_HERE.search(text, max(s, h.start - 90), h.start)
                if given is not None and not SCRIPT_WORDS.search(given.group()):
                    # given at this visit ("was injected with", "we gave"): not a medicine to take
                    vs = given.start("v")
                    m.change, m.change_span = "given", _span(text, vs, given.end("v"))
                    m.setting = m.setting or "given"
                try:
                    from ..text.sig import detect_change

                    ch = detect_change(text[s:e], drug_start=h.start - s, offset=s)
                except ImportError:  # pragma: no cover
                    ch = None
                if ch:
                    m.change, m.change_span = ch[0], _span(text, ch[1].start, ch[1].end)
                    if ch[0] == "stop" and re.match(r"(?i)hold", ch[1].text):
                        m.change = "hold"  # "Hold warfarin tonight": a pause, not a stop for good
                    if ch[0] == "change":
                        # "Change naproxen to acetaminophen": the first drug is stopped, the second started
                        sw = re.search(r"\b(?:change|switch)\w*\s+(?:\w+\s+){0,2}?(\S+)\s+(?:\S+\s+){0,4}?to\s+(?:\w+\s+){0,1}?(\S+)",
                                       text[s:e], re.I)
                        if sw and s + sw.start(1) == h.start:
                            m.change = "stop"
                        elif sw and s + sw.start(2) == h.start:
                            m.change = "start"
                if (m.change is None and section in ("hpi", "preamble")
                        and (_COURSE_DONE_AFTER.search(text, h.end, e) or _COURSE_DONE_BEFORE.search(text, s, h.start))):
                    # "an ED visit last week for a COPD exacerbation treated with prednisone and azithromycin, now
                    # completed", "she completed a 7-day course of amoxicillin": a course that is over, no medicine now
                    m.setting = "completed"
                facts.medications.append(m)


# a course of treatment the history says is over, after the drug ("..., now completed", "course finished") or before
# it ("completed a 7-day course of amoxicillin")
_COURSE_DONE_AFTER = re.compile(r"(?i)\b(?:now|since|has\s+been|have\s+been|was|were)\s+(?:completed|finished)\b|"
                                r"\bcourses?\s+(?:was\s+|were\s+|now\s+)?(?:completed|finished)\b")
_COURSE_DONE_BEFORE = re.compile(r"(?i)\b(?:completed|finished)\s+(?:a|an|the|his|her|their)?\s*(?:\d+[- ]day\s+|\w+[- ]day\s+)?"
                                 r"(?:course|courses|treatment|taper)\s+(?:of|with)\s+(?:\w+\s+){0,3}$")


_TEST_CUE = re.compile(r"\b(?:repeat|recheck|check(?:ing)?|order(?:ed)?|obtain(?:ed)?|draw(?:n)?|labs?|levels?|tests?|testing|panel)\b"
                       r"[^.;:]*$", re.I)
_VALUE_AFTER = re.compile(r"\s*(?:levels?\s+|of\s+|was\s+|is\s+|=\s*|:\s*)?(?=\d)", re.I)
# a lab named with its verdict: "TSH was normal", "potassium is low"
_VERDICT_AFTER = re.compile(r"\s*(?:levels?\s+)?(?:was|is|were|are|came back|returned)\s+(?:\w+\s+)?(?:normal|abnormal|elevated|"
                            r"low|high|within normal limits|unremarkable|negative|positive|pending|stable|suppressed)\b", re.I)


def _names_a_test(text: str, start: int, end: int, sentence_start: int) -> bool:
    """A drug word that is also a lab this app knows (TSH, potassium, calcium, vitamin D, ferritin) and is written
    as a test: after a test word of its clause ("Repeat TSH", "check potassium and magnesium") or before a bare
    value ("Potassium 3.1"), not before a dose ("potassium chloride 20 mEq")."""
    word = text[start:end].lower()
    if not any(word == n.lower() for lab in _lab_rules()["labs"] for n in lab["names"]):
        return False
    if _TEST_CUE.search(text[max(sentence_start, start - 60):start]):
        return True
    if _VERDICT_AFTER.match(text, end):
        return True
    value = _VALUE_AFTER.match(text, end)
    return value is not None and not dose_at(text, value.end())


# ------------------------------------------------------------------------------------------------ allergies
_REACTION = re.compile(r"\b(?:which |that )?(?:causes?|caused|causing|leads? to|led to|results? in|resulted in|gives? (?:him|her|me)|"
                       r"with|reaction(?: is| was)?|manifested by)\b\s*(?:an? )?|\s[-–:]\s|\(", re.I)


def _allergies(doc: Document, facts: Facts, ranges: list[tuple[str, int, int]]) -> None:
    lex = drug_lexicon()
    text = doc.text
    for section, a, b in ranges:
        for s, e, first in ((x, y, k == 0) for item in list_items(text, a, b) for k, (x, y) in enumerate(_item_sentences(doc, *item))):
            nka = _NKA.search(text, s, e)
            if nka or re.fullmatch(r"\s*(?:none|no|n/?a|nil|denie[sd]|negative)\.?\s*", text[s:e], re.I):
                facts.no_known_allergies = facts.no_known_allergies or _span(text, *(nka.span() if nka else (s, e)))
                continue
            # sentence-level: "He is allergic to penicillin and sulfa."
            body_s = s
            m = re.search(r"\b(?:allergic to|allergies to|allergy to|allergies include|allergy is)\b\s*", text[s:e], re.I)
            if m:
                body_s = s + m.end()
            hits = lex.find(text, body_s, e)
            # a drug word inside the reaction of the allergen before it is that reaction ("Amiodarone - thyroid
            # dysfunction": thyroid is no second allergen)
            hits = [h for k, h in enumerate(hits) if k == 0 or not _IN_REACTION.match(text, hits[k - 1].end, h.start)]
            # a drug the patient took without harm is no allergen ("Penicillin (rash as a child, tolerated
            # amoxicillin this admission)")
            hits = [h for h in hits if not _TOLERATED.search(text, max(s, h.start - 40), h.start)]
            if not re.search(r"(?i)allerg|react|intoleran", text[s:e]):
                # "Carries EpiPen.", "Has an epinephrine auto-injector.": the allergy's treatment, no allergen
                hits = [h for h in hits if not _CARRIES.search(text, max(s, h.start - 30), h.start)]
            if hits:
                for k, h in enumerate(hits):
                    if _denied(doc, h.start, h.end, s):
                        continue  # "The patient denies latex allergy."
                    nxt = hits[k + 1].start if k + 1 < len(hits) else e
                    facts.allergies.append(_allergy(text, h.start, h.end, (s, e), section, True, nxt))
                continue
            if not first:
                continue  # (a later sentence of the item names an unrecognised substance only as prose: "He also reports an allergy.")
            # unrecognised substance: the words before a reaction cue
            r = _REACTION.search(text, body_s, e)
            ns, ne = _trim(text, body_s, r.start() if r else e, " \t\n\r,.;:-(")
            if (ne > ns and len(text[ns:ne].split()) <= 5 and re.match(r"[A-Za-z]", text[ns:ne])
                    and not _DENIAL.search(text, s, ne)):
                facts.allergies.append(_allergy(text, ns, ne, (s, e), section, False, e))


_CARRIES = re.compile(r"\b(?:carries|carry|carrying|has|have|keeps?|uses?|prescribed|given|needs?)\s+"
                      r"(?:(?:an?|her|his|their|the)\s+)?$", re.I)
_TOLERATED_WORDS = r"(?:tolerat(?:ed|es|ing)|has\s+(?:since\s+)?taken|took|takes|can\s+take|no\s+(?:reaction|problems?)\s+(?:to|with))"
_REACTION_END = re.compile(r"[.;](?:\s|$)|\)|,\s*(?:but\s+)?(?=" + _TOLERATED_WORDS + r"\b)", re.I)
_TOLERATED = re.compile(r"\b" + _TOLERATED_WORDS + r"\s+(?:(?:a|an|the|oral|iv|his|her)\s+)?$", re.I)
_IN_REACTION = re.compile(r"\s*(?:[-\u2013:]|\(|causes?|caused|causing|with|reaction(?: is| was)?)\s*"
                          r"(?:(?!\band\b|\bor\b|\balso\b)[^,;/\n)])*$", re.I)


def _item_sentences(doc: Document, s: int, e: int) -> list[tuple[int, int]]:
    """An allergy item's sentences, each read on its own: "Penicillin (hives). No allergy to iodine." lists
    penicillin and not iodine."""
    out = sentences_between(doc, s, e)
    if len(out) < 2:
        return [(s, e)]
    return [(s, out[0][1])] + out[1:-1] + [(out[-1][0], e)]  # (the item's own edges kept)


_DENIAL = re.compile(r"\b(?:denies|denied|denying|no|not|negative for|never)\b", re.I)


def _denied(doc: Document, s: int, e: int, item_start: int) -> bool:
    """The allergy item at ``s:e`` is denied by a cue of its own item ("denies latex allergy", "no allergy to
    iodine"), not by one that reaches in from before the item."""
    from ..text.context import classify

    ctx = classify(doc, s, e)
    return ctx.status == "negated" and ctx.cue is not None and item_start <= ctx.cue.start < s


def _allergy(text: str, s: int, e: int, item: tuple[int, int], section: str, known: bool, end: int) -> Allergy:
    al = Allergy(substance=text[s:e], substance_span=_span(text, s, e), evidence=[_span(text, *item)], section=section, in_lexicon=known)
    r = _REACTION.search(text, e, end)
    if r and not text[e : r.start()].strip(" ,"):
        stop = _REACTION_END.search(text[r.end():end])  # (not ", tolerated amoxicillin": what was taken without harm)
        rs, re_ = _trim(text, r.end(), r.end() + stop.start() if stop else end, " \t\n\r,.;:)(")
        if re_ > rs and len(text[rs:re_].split()) <= 8:
            al.reaction, al.reaction_span = text[rs:re_], _span(text, rs, re_)
    return al


def _prose_allergies(doc: Document, facts: Facts) -> None:
    """"allergic to X" said outside an allergy section (HPI, a transcription's one-liner)."""
    text = doc.text
    lex = drug_lexicon()
    seen = {(x.substance_span.start, x.substance_span.end) for x in facts.allergies}
    for m in re.finditer(r"\b(?:is |are |was )?allergic to\b", text, re.I):
        sec = doc.section_at(m.start())
        if sec is not None and sec.name in ALLERGY_SECTIONS + ("family_history",):
            continue
        from ..text.context import classify

        if classify(doc, m.start(), m.end()).status in ("negated", "family", "hypothetical"):
            continue
        end = text.find(".", m.end())
        end = len(text) if end < 0 else end
        item = _trim(text, m.start(), end)
        for k, h in enumerate(lex.find(text, m.end(), end)):
            if (h.start, h.end) in seen:
                continue
            facts.allergies.append(_allergy(text, h.start, h.end, item, sec.name if sec else "preamble", True, end))


# ------------------------------------------------------------------------------------------------ results
_NUMV = r"(\d+(?:\.\d+)?)"
# a lab value as written, with its thousands separators ("white count of 39,000", "platelets 1,200,000")
_LAB_VALUE = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?)"


def _lab_value(written: str, lab: dict) -> float:
    """The value of ``written`` on the scale of ``lab``'s range: a count the range gives in thousands per
    microliter (WBC 4.0-11.0, platelets 150-450) is often written per microliter ("WBC 12,500")."""
    val = float(written.replace(",", ""))
    if lab.get("per_microliter") and val >= 1000:
        val /= 1000
    return val


# the patient's age as the note first states it ("3-year-old", "18 month old", "2-week-old", "4 yo", "newborn")
# ("14-1/2-year-old", "3-1/2 years old": the half is part of the age, not an age of 2)
_AGE = re.compile(r"(?i)\b(?:(?P<n>\d{1,3})(?P<half>[- ]1/2)?[- ]?(?P<u>years?|yrs?|months?|mos?|weeks?|wks?|days?)[- ]?old\b|"
                  r"(?P<yo>\d{1,3})[- ]?(?:yo|y/o|y\.o\.)(?![\w/])|(?P<nb>newborn|neonate)\b)")


def patient_age(text: str) -> float | None:
    """The age in years the note first gives (None when it gives none)."""
    m = _AGE.search(text)
    if m is None:
        return None
    if m.group("nb"):
        return 0.0
    if m.group("yo"):
        return float(m.group("yo"))
    n, u = float(m.group("n")) + (0.5 if m.group("half") else 0.0), m.group("u").lower()
    return n if u.startswith("y") else n / 12 if u.startswith("mo") else n / 52 if u.startswith("w") else n / 365


def _age_words(age: float) -> str:
    return (f"{round(age * 365)} days" if age < 1 / 12 else f"{round(age * 12)} months" if age < 2
            else f"{age:g} years")


def _vital_limits(v: dict, age: float | None, peds: dict) -> tuple[float | None, float | None, str]:
    """(low, high, source) for the vital ``v``: the adult range, or the PALS range of a child's age."""
    if age is not None and age < 16:
        for lo_age, hi_age, lo, hi in peds.get(v["name"], ()):
            if lo_age <= age < hi_age:
                return lo, hi, f"pediatric reference range (age {_age_words(age)})"
    return v.get("low"), v.get("high"), "reference range"


def _vitals(doc: Document, facts: Facts, a: int, b: int, section: str, age: float | None) -> None:
    """Vital signs outside their range; ``age`` (patient_age of the note) picks a child's ranges."""
    text = doc.text
    rules = _lab_rules()
    peds = rules.get("pediatric", {})
    child_bp = age is not None and age < peds.get("blood pressure_below", 0)
    for v in rules["vitals"]:
        for m in re.finditer(v["pattern"], text[a:b], re.I):
            s, e = a + m.start(), a + m.end()
            vals = [float(x) for x in m.groups() if x is not None and re.fullmatch(r"\d+(?:\.\d+)?", x)]
            if not vals:
                continue
            flag = None
            lo, hi, source = _vital_limits(v, age, peds)
            if v["name"] == "temperature" and vals[0] > 50:  # Fahrenheit
                lo, hi = v.get("low_f"), v.get("high_f")
            if v["name"] == "blood pressure" and child_bp:
                # a child's blood pressure: only a low systolic (PALS hypotension) is flagged
                limit = 60 if age < 0.08 else 70 if age < 1 else 70 + 2 * age if age < 10 else 90
                if vals[0] < limit:
                    facts.results.append(Result("vital", v["name"], text[s:e], [_span(text, s, e)], section,
                                                value=m.group(1), unit=None, flag="low",
                                                flag_source=f"pediatric hypotension limit (age {_age_words(age)})"))
                continue
            if hi is not None and vals[0] > hi or v.get("high2") is not None and len(vals) > 1 and vals[1] > v["high2"]:
                flag = "high"
            elif lo is not None and vals[0] < lo or v.get("low2") is not None and len(vals) > 1 and vals[1] < v["low2"]:
                flag = "low"
            if flag:
                facts.results.append(Result("vital", v["name"], text[s:e], [_span(text, s, e)], section,
                                            value=m.group(1), unit=None, flag=flag, flag_source=source))


# ("Plt 98K": a count in thousands, the K written right after the number)
_UNIT = (r"(?<=\d)K(?![A-Za-z/])|%|(?i:(?:mg|g|ng|pg|mcg|ug|µg|mmol|µmol|umol|mEq|meq|IU|U|mIU|uIU|µIU|mU|K|x10\^?\d+|cells|copies)"
         r"/(?:dL|L|mL|uL|µL|mm3|hpf|min(?:/1\.73\s?m2)?)|seconds|sec)")


@lru_cache(maxsize=1)
def _lab_regexes() -> list[tuple[dict, Any]]:
    out = []
    for lab in _lab_rules()["labs"]:
        # abbreviations of one or two letters (K, Na, Mg) only as written in capitals; words in any case
        names = "|".join(re.escape(n.upper() if len(n) <= 2 else n) if len(n) <= 2 else f"(?i:{re.escape(n)})"
                         for n in sorted(lab["names"], key=len, reverse=True))
        names = names.replace(re.escape("NA"), "Na").replace(re.escape("MG"), "Mg").replace(re.escape("CR"), "Cr").replace(re.escape("CL"), "Cl")
        # ("K+ 5.8", "Na+ 128": an ion's charge after its symbol)
        rx = re.compile(rf"(?<![A-Za-z])(?:{names})(?![A-Za-z])\+?(?:\s*(?i:levels?|count|value|peaked|peak|rose|increased|decreased|dropped|fell|"
                        rf"elevated|came back|returned|was|were|is|of|at|to|up|down|=|:))*\s*{_LAB_VALUE}(?![\d/])\s*({_UNIT})?(?![A-Za-z])")
        out.append((lab, rx))
    return out


# a body fluid other than blood named right before a lab ("Urine sodium 20", "UA glucose 500", "CSF glucose 30",
# "pleural fluid protein 4.1"): the blood ranges do not apply to it
_NOT_BLOOD = re.compile(r"(?i)\b(?:urine|urinary|UA|U/A|urinalysis|CSF|spinal fluid|stool|fecal|faecal|pleural(?: fluid)?|"
                        r"ascitic(?: fluid)?|peritoneal(?: fluid)?|synovial(?: fluid)?|joint fluid|gastric|sweat|"
                        r"(?:24|twenty-four)[- ]?h(?:ou)?r(?: urine)?|spot)\s*$")


# a value followed by a dose's unit and no "/volume" ("magnesium 400 mg daily", "potassium 40 mEq PO", "vitamin D 50,000
# units weekly"): a dose, where a result has its concentration ("magnesium 1.2 mg/dL", "potassium 5.8 mEq/L")
_DOSE_AFTER = re.compile(r"\s*(?:mg|mcg|\u00b5g|g|grams?|milligrams?|micrograms?|units?|IU|mEq|mmol|tabs?|tablets?|capsules?|"
                         r"caps?|puffs?|drops?)\b(?!\s*/)(?:\s+(?:daily|once|twice|bid|tid|qid|qd|qhs|po|iv|by\s+mouth|orally|"
                         r"every|q\d|a\s+day|per\s+day|weekly|at\s+bedtime|x\s*\d|for\s+\d|with)\b)", re.IGNORECASE)


def _labs(doc: Document, facts: Facts, a: int, b: int, section: str) -> None:
    text = doc.text
    for lab, rx in _lab_regexes():
        for m in rx.finditer(text, a, b):
            if _NOT_BLOOD.search(text, max(a, m.start() - 30), m.start()):
                continue
            if _DOSE_AFTER.match(text, m.end(1)):
                continue  # "Start riboflavin 400 mg daily and magnesium 400 mg daily": a dose to take, not a result
            val = _lab_value(m.group(1), lab)
            flag = "high" if lab.get("high") is not None and val > lab["high"] else "low" if lab.get("low") is not None and val < lab["low"] else None
            if flag:
                s, e = _trim(text, m.start(), m.end())
                facts.results.append(Result("lab", lab["name"], text[s:e], [_span(text, s, e)], section, value=m.group(1),
                                            unit=m.group(2), flag=flag, flag_source="reference range"))


_ABNORMAL_WORDS = re.compile(
    r"\b(?:elevated|high|low|decreased|increased|abnormal|positive|enlarged|reduced|fractures?|mass(?:es)?|nodules?|effusions?|"
    r"opacit\w+|stenosis|regurgitation|murmur|edema|tender\w*|infiltrates?|consolidation|cardiomegaly|atelectasis|"
    r"pneumothorax|hemorrhage|thrombus|occlusion|lesions?|tears?|arthritis|degenerative|fluid|swelling|bleeding|ischemi\w+)\b", re.I)
_NORMAL_WORDS = re.compile(r"\b(?:normal|unremarkable|negative|within normal limits|no (?:acute|evidence)|benign)\b", re.I)


def _qualitative(doc: Document, facts: Facts, a: int, b: int, section: str, kind: str) -> None:
    """Result sentences the note itself calls abnormal ("Echocardiogram demonstrates decreased ejection fraction",
    "Blood Pressure: Elevated.")."""
    from ..text.context import classify

    text = doc.text
    taken = [(r.evidence[0].start, r.evidence[0].end) for r in facts.results]
    for s, e in sentences_between(doc, a, b):
        for item_s, item_e in list_items(text, s, e):
            if any(x < item_e and item_s < y for x, y in taken):
                continue
            # an abnormal word that the note does not negate ("no obvious signs of acute fracture" is not one)
            m = next((x for x in _ABNORMAL_WORDS.finditer(text, item_s, item_e)
                      if classify(doc, x.start(), x.end()).status not in ("negated", "hypothetical")), None)
            if not m or re.search(r"\b(?:rule out|r/o|if|consider|possible|cannot exclude)\b", text[item_s:m.start()], re.I):
                continue
            if _NORMAL_WORDS.search(text, item_s, item_e) and not re.search(r"\b(?:elevated|decreased|abnormal|positive|reduced|enlarged)\b", text[item_s:item_e], re.I):
                continue
            name = re.split(r":|\s[-–]\s| (?:demonstrat|reveal|show|was|is|were)", text[item_s:item_e], maxsplit=1)[0].strip()[:60]
            facts.results.append(Result(kind if kind != "physical_exam" else "finding", name or "result", text[item_s:item_e],
                                        [_span(text, item_s, item_e)], section, flag="abnormal", flag_source="note wording"))
            taken.append((item_s, item_e))


# ------------------------------------------------------------------------------------------------ problems, procedures
_DX_CUE_WORDS = {"no", "not", "without", "rule", "ruled", "out", "r/o", "possible", "probable", "likely", "suspected", "denies", "negative",
                 "for", "of", "evidence", "history", "h/o", "questionable", "query", "rather", "than", "cannot", "exclude", "a", "an", "the"}
_RESOLVED_HEAD = re.compile(r"(?i)resolved\s+(?=[a-z])")
_RESOLVED_AFTER = re.compile(r"(?i)\s*[:,-]\s*(?:now\s+|has\s+)?resolved\b")  # "Acute kidney injury: resolved with fluids"
_RESOLVED_TAIL = re.compile(r"(?i)[,;-]\s*(?:now\s+|has\s+)?resolved\s*$")  # "... on chronic kidney disease stage 3, resolved"
_RESOLVED_CUE = re.compile(r"(?i)(?:now\s+|since\s+|has\s+|had\s+)?resolved\s*")
# (an organism's initial stays: "Septic shock due to E. coli urinary tract infection", "H. pylori gastritis")
_DX_LINE = re.compile(r"^(?:[A-Z]\.[ ]?(?=[a-z]{3})|[A-Z])(?:\b[A-Z]\.[ ]?(?=[a-z]{3})|[^.:\n(]|\.(?=\d)|\([^)\n]{0,40}\)){2,100}?(?=[.:](?!\d)|$)")


# the words of a chief complaint that says only why the patient came ("Annual exam.", "Medication refill.",
# "Follow-up visit.", "Establish care."); "Follow-up of hypertension" names a problem and stays
_VISIT_WORDS = frozenset("a an the annual yearly routine regular wellness well physical exam examination visit check checkup "
                         "up follow followup fu f/u recheck refill refills medication medications establish care new patient "
                         "preventive preoperative pre op evaluation adult child health maintenance scheduled".split())


def _visit_reason_only(item: str) -> bool:
    words = re.findall(r"[a-z/]+", item.lower())
    return bool(words) and all(w in _VISIT_WORDS for w in words)


# a line of the plan, not a problem (whole words: "Chronic kidney disease", "Follicular cyst" are problems; so is the
# visit's reason "Follow-up bilateral breast cysts", unlike "Follow up with cardiology")
_PLAN_LINE = re.compile(r"(?:return|returns|rtc|(?:follow(?:[\s-]*up)?|followup|f/u)(?=\s+(?:with|in|at|on|after|as|for)\b)|continue|start|begin|schedule|recheck|repeat|"
                        r"consider|check|obtain|order|discussed|advised|counseled|encouraged|call|increase|decrease|stop|"
                        r"hold|discontinue|refer|see|reassess|admit|resume|restart|wean|monitor|trend|titrate|taper|transfuse|"
                        r"give|administer|npo|keep|encourage|send|place)\b(?!-)", re.IGNORECASE)


# a diagnosis line's own order after a comma: "Obstructive sleep apnea, continue CPAP" names the problem before it
ORDER_AFTER_COMMA = re.compile(r"\s*(?:[,;]|\s[-\u2013\u2014])\s+(?=" + _PLAN_LINE.pattern + ")", re.IGNORECASE)


def is_order_line(text: str, s: int, e: int) -> bool:
    """The line ``s:e`` (its list marker removed) is an order of the plan, not a problem: it opens with a plan verb
    ("Return in 3 months.", "Admit to step-down.", "Resume Spiriva.") or with a drug and its dose ("Prednisone 40 mg
    daily x 5 days."; not "Aspirin allergy")."""
    if _PLAN_LINE.match(text, s, e):
        return True
    first = next(iter(drug_lexicon().find(text, s, e)), None)
    return first is not None and first.start == s and dose_at(text, first.end)


def _problems(doc: Document, facts: Facts, ranges: list[tuple[str, int, int]] | None = None) -> None:
    from ..text.context import classify

    text = doc.text
    seen: set[str] = set()
    for name, a, b in (ranges if ranges is not None else logical_ranges(doc)):
        if name == "chief_complaint":
            for s, e in list_items(text, a, b)[:1]:
                s, e = balanced(text, s, e)
                if _visit_reason_only(text[s:e]):
                    continue  # "Annual exam.", "Follow-up visit.": why the patient came, not a problem
                facts.problems.append(Problem(text[s:e], [_span(text, s, e)], name, "affirmed", "chief_complaint"))
            continue
        if name not in PROBLEM_SECTIONS + HISTORY_SECTIONS:
            continue
        max_words = 9 if name in HISTORY_SECTIONS else 14
        for s, e in list_items(text, a, b):
            # a diagnosis line: short, or the head of a numbered item ("Hypertension: ..." / "Congestive heart failure.")
            seg = text[s:e]
            m = _DX_LINE.match(seg)
            if not m:
                continue
            ps, pe = _trim(text, s, s + m.end())
            words = text[ps:pe].split()
            if re.fullmatch(r"(?i)(?:mr|mrs|ms|mx|miss|dr|prof)", text[ps:pe]):
                continue  # "Mrs. Cooper is a 65-year-old ...": a title's full stop, no diagnosis line
            if not (1 <= len(words) <= max_words) or re.match(r"(?i)(?:the patient|patient|she|he|we|i|this|they|medical reasoning|"
                                                         r"additional testing|medical treatment|patient education|plan|recommend\w*)\b", text[ps:pe]):
                continue
            if re.search(r"\b(?:is|was|are|were|will|has|have|had)\b", text[ps:pe]) and len(words) > 4:
                continue
            if is_order_line(text, ps, pe):
                continue  # "Return in 3 months.", "Prednisone 40 mg daily x 5 days." close an assessment list
            order = ORDER_AFTER_COMMA.search(text, ps, pe)
            if order is not None and order.start() > ps:
                pe = order.start()  # "Obstructive sleep apnea, continue CPAP": the problem, its order in the plan
                words = text[ps:pe].split()
            if re.search(r"\b(?:requested|ordered|consult(?:ation)?|scheduled|recommended|referred|referrals?|follow[- ]?up|counseling|education|testing|treatment)\b", text[ps:pe], re.I):
                continue
            # the context of the diagnosis' head word ("Elevated blood pressure without a diagnosis of
            # hypertension" is affirmed; "No evidence of pneumonia" is negated)
            head = next((w for w in re.finditer(r"[A-Za-z][\w-]*", text[ps:pe]) if w.group().lower() not in _DX_CUE_WORDS), None)
            hs = ps + head.start() if head else ps
            ctx = classify(doc, hs, ps + head.end() if head else pe)
            # a diagnosis the list calls resolved ("Acute kidney injury, resolved.", "Resolved hypokalemia.") was
            # this stay's problem and is over: kept, marked resolved (not active, not dropped as a negated one)
            resolved = name not in HISTORY_SECTIONS and bool(
                _RESOLVED_HEAD.match(text, ps, pe) or _RESOLVED_AFTER.match(text, pe, e) or _RESOLVED_TAIL.search(text, ps, pe)
                or ctx.status == "negated" and ctx.cue is not None
                and ps <= ctx.cue.start < e and _RESOLVED_CUE.fullmatch(ctx.cue.text))
            if ctx.status in ("negated", "family", "hypothetical") and not resolved:
                continue
            # a past-history line said in the present tense ("GERD, currently on omeprazole") is an active problem
            status = ("resolved" if resolved
                      else "historical" if name in HISTORY_SECTIONS and ctx.status != "affirmed"
                      else "uncertain" if ctx.status == "uncertain" else "affirmed")
            key = text[ps:pe].lower()
            if key in seen:
                # a past-history item the assessment names again is an active problem ("PMH: Osteoporosis." then
                # "ASSESSMENT: 2. Osteoporosis."): the assessment's status and place, both spans as evidence
                old = next((p for p in facts.problems if p.text.lower() == key and p.kind == "problem"), None)
                if old is not None and old.status == "historical" and status != "historical":
                    old.status, old.section = status, name
                    old.evidence = [_span(text, ps, pe)] + old.evidence
                continue
            seen.add(key)
            facts.problems.append(Problem(text[ps:pe], [_span(text, ps, pe)], name, status))


_NARRATIVE_DX = re.compile(r"\b(?:(diagnosed with|(?:a |the )?diagnosis of|found to have|suspicious (?:of|for)|concerning for|"
                           r"consistent with)|(died) (?:[\w/]+ ){0,3}?of)\s+(?:an? |the |significant |probable |possible )?", re.I)
_DX_END = re.compile(r"[,;.:()]|\s(?:and|which|that|who|but|with|for|on|at|in \d|since|after|(?<!such )as|likely|requiring)\b", re.I)
NARRATIVE_SECTIONS = ("hospital_course", "assessment", "assessment_plan", "impression", "discharge_diagnoses")


def _narrative_problems(doc: Document, facts: Facts, ranges: list[tuple[str, int, int]]) -> None:
    """Diagnoses stated in the narrative of a hospital course / assessment ("was found to have stage IV squamous
    cell cancer of the cervix", "died of cervical cancer", "suspicious of ... Moya Moya disease")."""
    from ..text.context import classify

    text = doc.text
    seen = {p.text.lower() for p in facts.problems}
    for name, a, b in ranges:
        if name not in NARRATIVE_SECTIONS:
            continue
        for m in _NARRATIVE_DX.finditer(text, a, b):
            s = m.end()
            end = _DX_END.search(text, s, min(b, s + 120))
            e = end.start() if end else min(b, s + 120)
            s, e = _trim(text, s, e)
            words = text[s:e].split()
            if not (1 <= len(words) <= 8) or not re.match(r"[A-Za-z]", text[s:e]) or re.match(
                    r"(?i)(?:this|that|it|these|those|him|her|them|no|any|some|normal|the same)\b", text[s:e]):
                continue
            if classify(doc, s, e).status in ("negated", "family", "hypothetical"):
                continue
            s, e = balanced(text, s, e)
            low = text[s:e].lower()
            if low in seen or any(low in x for x in seen):
                continue
            seen.add(low)
            status = "uncertain" if m.group(1) and re.match(r"(?i)suspicious|concerning", m.group(1)) else "affirmed"
            facts.problems.append(Problem(text[s:e], [_span(text, s, e)], name, status))


def _procedures(doc: Document, facts: Facts, ranges: list[tuple[str, int, int]] | None = None) -> None:
    text = doc.text
    seen: set[str] = set()
    for name, a, b in (ranges if ranges is not None else logical_ranges(doc)):
        if name not in PROCEDURE_SECTIONS + SURGICAL_HISTORY:
            continue
        sec = doc.section_at(a)
        if sec is not None and sec.name == name and re.search(r"detail|description|technique|narrative", sec.title, re.I):
            continue
        for s, e in list_items(text, a, b)[:8]:
            if len(text[s:e].split()) > 30 or _NONE_ITEM.match(text, s, e) and len(text[s:e].split()) <= 3:
                continue
            s, e = balanced(text, s, e)
            if text[s:e].lower() in seen:
                continue
            seen.add(text[s:e].lower())
            facts.procedures.append(Procedure(text[s:e], [_span(text, s, e)], name,
                                              "historical" if name in SURGICAL_HISTORY else "performed"))


# ------------------------------------------------------------------------------------------------ main
def extract_facts(doc: Document) -> Facts:
    """Medications, allergies, abnormal results, problems and procedures of a note, each with evidence spans."""
    facts = Facts()
    med_ranges: list[tuple[str, int, int]] = []
    stop_ranges: list[tuple[str, int, int]] = []
    allergy_ranges: list[tuple[str, int, int]] = []
    prose_ranges: list[tuple[str, int, int]] = []
    result_ranges: list[tuple[str, int, int]] = []
    lab_ranges: list[tuple[str, int, int]] = []
    ranges = logical_ranges(doc)
    for name, a, b in ranges:
        if name in MED_SECTIONS:
            med_ranges.append((name, a, b))
        elif name == "stop_medications":
            stop_ranges.append(("discharge_medications", a, b))
        elif name in ALLERGY_SECTIONS:
            allergy_ranges.append((name, a, b))
        elif name in PROSE_MED_SECTIONS:
            prose_ranges.append((name, a, b))
        if name in RESULT_SECTIONS:
            result_ranges.append((name, a, b))
        if name in RESULT_SECTIONS + LAB_PROSE_SECTIONS and name not in ("vitals", "physical_exam"):
            lab_ranges.append((name, a, b))
    _medications(doc, facts, med_ranges)
    n_before = len(facts.medications)
    _medications(doc, facts, stop_ranges)
    for m in facts.medications[n_before:]:
        # an item of a "STOP:" list: the header is the change wording
        hdr = re.search(r"[A-Z][A-Z ]*[A-Z](?=\s*:)", doc.text[max(0, m.evidence[0].start - 40) : m.evidence[0].start])
        m.change = "stop"
        if hdr:
            off = max(0, m.evidence[0].start - 40)
            m.change_span = _span(doc.text, off + hdr.start(), off + hdr.end())
        m.listed = False
        m.setting = "stop"
    _allergies(doc, facts, allergy_ranges)
    _prose_allergies(doc, facts)
    _prose_medications(doc, facts, prose_ranges)
    _settings(doc, facts)
    if facts.no_medications is None and not any(m.listed for m in facts.medications):
        # "She was subsequently discharged home on no medications." in a narrative
        for name, a, b in prose_ranges:
            nm = _NO_MEDS.search(doc.text, a, b)
            if nm and _DISCHARGE_CUE.search(doc.text, max(a, nm.start() - 60), nm.start()):
                facts.no_medications = _span(doc.text, *nm.span())
                break
    age = patient_age(doc.text)  # (once per note: every vitals section judges by it)
    for name, a, b in result_ranges:
        if name in ("vitals", "physical_exam", "objective", "labs"):
            _vitals(doc, facts, a, b, name, age)
    for name, a, b in lab_ranges:
        _labs(doc, facts, a, b, name)
    for name, a, b in result_ranges:
        if name in ("labs", "imaging", "findings", "vitals"):
            _qualitative(doc, facts, a, b, name, {"labs": "lab", "vitals": "vital"}.get(name, "finding"))
    _pending_items(doc, facts, [r for r in ranges if r[0] == "pending"])
    _test_outcomes(doc, facts, [r for r in ranges if r[0] in RESULT_SECTIONS + LAB_PROSE_SECTIONS + ("discharge_diagnoses", "follow_up")
                                and r[0] != "physical_exam"])
    _problems(doc, facts, ranges)
    _narrative_problems(doc, facts, ranges)
    _procedures(doc, facts, ranges)
    facts.results.sort(key=lambda r: r.evidence[0].start)
    return facts


_DISCHARGE_CUE = re.compile(r"\b(?:discharged?|sent home|go(?:ing)? home|home on|at discharge|on discharge|scripts?|prescriptions?|"
                            r"prescribed|to take at home|will go home)\b", re.I)
_INPATIENT_CUE = re.compile(r"\b(?:IV|I\.V\.|intravenous(?:ly)?|was treated with|were treated with|treated with|was given|were given|given|"
                            r"received|administered|in the (?:hospital|emergency (?:department|room)|ED|ER|ICU|OR)|intraoperative(?:ly)?|"
                            r"drip|infusion|bolus|while (?:in|an) (?:inpatient|hospital))\b")


_OUTPATIENT_PLAN = ("plan", "assessment_plan", "assessment", "discharge_instructions", "follow_up", "impression")
_INPATIENT_STRONG = re.compile(r"\b(?:IV|I\.V\.|intravenous(?:ly)?|drip|infusion|in the (?:hospital|emergency (?:department|room)|ED|ER|ICU))\b")


_IV_ROUTE = re.compile(r"(?i)^(?:iv|i\.v\.?|ivpb|iv piggyback|intravenous(?:ly)?|iv push|ivp|via picc|infusion)$")


def home_iv_cue(doc: Document) -> Span | None:
    """The note's words saying an IV medicine goes on after discharge (home IV, OPAT, "via PICC"; the
    regexes are ``home_iv_cues`` of ``resources/drugs.json``), not negated; None when it says none."""
    from ..text.context import classify

    low = doc.text.lower()
    for rx in drug_lexicon().home_iv_cues:
        for m in rx.finditer(low):
            if classify(doc, m.start(), m.end()).status not in ("negated", "hypothetical"):
                return _span(doc.text, m.start(), m.end())
    return None


def list_title(doc: Document, pos: int) -> str:
    """The title of the list that holds ``pos``: the nearest header before it (one the sectionizer missed
    inside a body counts), else the section title."""
    sec = doc.section_at(pos)
    if sec is None:
        return ""
    title = sec.title
    for m in _HEADER_IN_BODY.finditer(doc.text, sec.body_start, pos):
        if m.start(1) > sec.body_start + 1:
            title = m.group(1)
    return title


def _settings(doc: Document, facts: Facts) -> None:
    """``Medication.setting``: discharge / inpatient / home, from the section and the sentence wording.

    Given in hospital ("inpatient"): an inpatient-only drug (``inpatient_only`` of ``resources/drugs.json``),
    a listed drug with an IV route ("Vancomycin 1 g IV q12h") and every drug of a list titled as given in
    hospital ("INPATIENT MEDICATIONS"). A listed IV drug stays a home / discharge medicine when the note says
    IV treatment goes on at home (home IV, OPAT, "via PICC"): ``setting_note`` says so, with the words."""
    text = doc.text
    lex = drug_lexicon()
    inpatient_only = lex.inpatient_only
    home_iv: list[Span | None] = []

    def cue() -> Span | None:
        if not home_iv:
            home_iv.append(home_iv_cue(doc))
        return home_iv[0]

    for m in facts.medications:
        if m.setting:
            continue
        iv = bool(m.route and _IV_ROUTE.match(m.route.strip()))
        only = m.name.lower() in inpatient_only or (m.generic or "").lower() in inpatient_only or " ".join(
            w for _, _, w in _words(m.name)) + " iv" in inpatient_only and iv
        title = list_title(doc, m.name_span.start) if m.listed else ""
        inpatient_list = bool(m.listed and lex.inpatient_list and lex.inpatient_list.search(title.lower()))
        if (iv or only) and not inpatient_list and (m.listed or _DISCHARGE_CUE.search(text, m.evidence[0].start, m.evidence[0].end)):
            # an IV medicine in a home / discharge list: given in hospital unless the note says it goes on at home
            c = cue()
            if c is not None and (m.section in ("discharge_medications", "medications", "home_medications") or not m.listed):
                m.setting = "discharge" if m.section == "discharge_medications" or not m.listed else "home"
                m.setting_note = f"an IV medicine kept with the medicines to take at home: the note says '{c.text}'"
                m.setting_note_span = c
                continue
        if only or inpatient_list or iv and m.listed:
            m.setting = "inpatient"  # anaesthetics, IV antibiotics, pressors, an inpatient list: never a medicine to take home
            continue
        if m.section == "discharge_medications":
            m.setting = "discharge"
            continue
        if m.listed:
            m.setting = "home" if m.section in ("medications", "home_medications") else None
            continue
        s, e = m.evidence[0].start, m.evidence[0].end
        if _DISCHARGE_CUE.search(text, s, e):
            m.setting = "discharge"
        elif m.section == "hospital_course" or m.section not in _OUTPATIENT_PLAN and _INPATIENT_CUE.search(text, s, e) \
                or _INPATIENT_STRONG.search(text, s, e):
            m.setting = "inpatient"


# ------------------------------------------------------------------------------------------------ test outcomes
_TEST_WORD = (r"(?:x-?rays?|radiographs?|films?|CT(?:A| angiography| scan)?|MRI|MRA|ultrasound|sonogram|echo(?:cardiogram)?|EKG|ECG|"
              r"(?:blood |urine |wound )?cultures?|biops(?:y|ies)|angiogra(?:m|phy)|scans?|patholog(?:y|ical)(?: report)?|d-?dimer|"
              r"troponins?|urinalysis|swabs?|tests?|studies|study|stress test|colonoscopy|endoscopy|mammogram|doppler|"
              r"venous duplex|duplex|PCR|screen(?:ing)?)")
_OUTCOME = re.compile(rf"\b(?:ruled out|negative|no evidence of|pending|awaited|not yet (?:back|available)|"
                      rf"did not show|showed no|revealed no|without evidence of)\b", re.I)
_TEST_RX = re.compile(rf"\b{_TEST_WORD}\b", re.I)
_HYPO = re.compile(r"\b(?:if|consider|will|would|plan|may|should|order(?:ed)?|schedule[d]?|obtain|recommend(?:ed)?|rule out|r/o|to be)\b", re.I)


def _test_outcomes(doc: Document, facts: Facts, ranges: list[tuple[str, int, int]]) -> None:
    """Notable test outcomes the note states: negative / ruled out ("Pulmonary embolism was ruled out by CT
    angiography", "X-ray negative for fracture", "Blood cultures were negative") and pending results
    ("pathology report is pending"). Flag "negative" or "pending", from the note's own words."""
    text = doc.text
    taken = [(r.evidence[0].start, r.evidence[0].end) for r in facts.results]
    for name, a, b in ranges:
        for ss, se in sentences_between(doc, a, b):
            # clauses: "; " and list items split a sentence
            for cs, ce in list_items(text, ss, se):
                for ps, pe in _clauses(text, cs, ce):
                    o = _OUTCOME.search(text, ps, pe)
                    t = _TEST_RX.search(text, ps, pe)
                    if not o or not t or any(x < pe and ps < y for x, y in taken):
                        continue
                    if abs(o.start() - t.end()) > 60 and abs(t.start() - o.end()) > 60:
                        continue  # the outcome word belongs to something else in a long clause
                    low = o.group().lower()
                    flag = "pending" if low in ("pending", "awaited") or low.startswith("not yet") else "negative"
                    if _HYPO.search(text, ps, o.start()) and "ruled out" not in low:
                        continue
                    if len(text[ps:pe].split()) > 30:
                        continue
                    ps, pe = balanced(text, ps, pe)
                    facts.results.append(Result("test", text[t.start():t.end()], text[ps:pe], [_span(text, ps, pe)], name,
                                                flag=flag, flag_source="note wording"))
                    taken.append((ps, pe))


def _pending_items(doc: Document, facts: Facts, ranges: list[tuple[str, int, int]]) -> None:
    """The items of a "PENDING:" list ("Final blood culture results", "Pathology of the skin biopsy") are results
    still to come, whether or not the item says "pending": the header says it."""
    text = doc.text
    for name, a, b in ranges:
        for s, e in list_items(text, a, b):
            s, e = _trim(text, s, e, " \t\n\r,.;:-")
            if e <= s or re.fullmatch(r"(?:none|nil|n/?a|no(?:ne)? pending(?: \w+)?)\.?", text[s:e], re.I):
                continue
            t = _TEST_RX.search(text, s, e)
            facts.results.append(Result("test", text[t.start():t.end()] if t else text[s:e], text[s:e],
                                        [_span(text, s, e)], name, flag="pending", flag_source="note wording"))


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, pos = [], s
    for m in re.finditer(r";\s+|\.\s+(?=[A-Z])", text[s:e]):
        out.append(_trim(text, pos, s + m.start()))
        pos = s + m.end()
    out.append(_trim(text, pos, e))
    return [x for x in out if x[1] > x[0]]


def _build_main(argv=None) -> None:  # python -m medassist.tasks.extract --build-lexicon XML CURATED.json
    import argparse

    p = argparse.ArgumentParser(description="rebuild resources/drugs.json")
    p.add_argument("--build-lexicon", nargs=2, metavar=("CMS_DRUG_XML", "CURATED_JSON"), required=True)
    args = p.parse_args(argv)
    cur = json.loads(open(args.build_lexicon[1], encoding="utf-8").read())
    data = build_drug_lexicon(args.build_lexicon[0], cur.pop("generics"), cur.pop("brands"), **cur)
    resource_path("drugs.json").write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    _build_main()
