"""Section detection for clinical notes.

The header rules are data (``resources/sections.json``): a canonical section name and the ways it is
written. ``SectionRules`` round-trips that JSON (``from_json`` / ``to_json``) and compiles it into one
regular expression; ``sectionize(text)`` cuts a note into ``Section`` objects that tile it in order.

A header is recognised

* at the start of a line (after optional indentation, a bullet or a list number), followed by ``:``
  (text may go on on the same line) or standing alone on its line (an optional trailing ``:``/``.``); or
* inside a line, when written in upper case and followed by ``:`` right after ``.``/``,``/``;`` — the
  run-together form of transcribed notes such as ``...well.,PLAN:, 1. ...``.

Header variants match case-insensitively; abbreviations listed under ``upper_only`` (``CC``, ``HPI``,
``A/P``...) only as written. Text before the first header is a section named ``preamble``.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from ..document import Section

PREAMBLE = "preamble"


@dataclass
class SectionRule:
    """One canonical section and the header variants that open it."""

    name: str
    headers: list[str] = field(default_factory=list)  # case-insensitive variants
    upper_only: list[str] = field(default_factory=list)  # matched exactly as written (abbreviations)
    inline: bool = False  # the header is content too (e.g. "NKDA"): its text stays in the body

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SectionRule":
        unknown = set(d) - {"name", "headers", "upper_only", "inline"}
        if unknown:
            raise ValueError(f"section rule {d.get('name')!r}: unknown keys {sorted(unknown)}")
        if not d.get("name") or not isinstance(d["name"], str):
            raise ValueError(f"section rule without a name: {d!r}")
        return cls(
            name=d["name"],
            headers=[str(h) for h in d.get("headers", [])],
            upper_only=[str(h) for h in d.get("upper_only", [])],
            inline=bool(d.get("inline", False)),
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "headers": list(self.headers)}
        if self.upper_only:
            d["upper_only"] = list(self.upper_only)
        if self.inline:
            d["inline"] = True
        return d


def trie_regex(items: Iterable[tuple[list[str], str]]) -> str:
    """One regular expression for many alternatives given as (regex units, suffix at its end), shaped as
    a trie: a flat alternation of hundreds of literals is tens of times slower. At each branch longer
    alternatives are tried first; the regex engine backtracks to shorter ones when what follows fails."""
    trie: dict = {}
    for units, suffix in items:
        node = trie
        for u in units:
            node = node.setdefault(u, {})
        node.setdefault("", suffix)

    def emit(node: dict) -> str:
        alts = [unit + emit(node[unit]) for unit in sorted(k for k in node if k != "")]
        if "" in node:
            alts.append(node[""])
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    return emit(trie) if trie else r"(?!x)x"


def _variant_units(variant: str) -> list[str]:
    """Regex units of a header variant: spaces match any run of spaces/tabs, '/' '&' '+' '-' may be spaced."""
    units: list[str] = []
    v = _norm(variant)
    for ch in v:
        if ch == " ":
            units.append(r"[ \t]+")
        elif ch in "/&+-":
            units.append(r"[ \t]*" + re.escape(ch) + r"[ \t]*")
        else:
            units.append(re.escape(ch))
    return units


class SectionRules:
    """The compiled header rules."""

    def __init__(self, rules: Iterable[SectionRule], *, version: int = 1, description: str = ""):
        self.rules = list(rules)
        self.version = version
        self.description = description
        self._lookup_ci: dict[str, SectionRule] = {}
        self._lookup_cs: dict[str, SectionRule] = {}
        self._memo: dict[str, SectionRule | None] = {}
        for r in self.rules:
            for h in r.headers:
                self._lookup_ci.setdefault(_norm(h).lower(), r)
            for h in r.upper_only:
                self._lookup_cs.setdefault(_norm(h), r)
        self._compile()

    # ------------------------------------------------------------------ (de)serialisation
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SectionRules":
        if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
            raise ValueError("section rules: expected an object with a 'sections' list")
        return cls(
            (SectionRule.from_dict(d) for d in data["sections"]),
            version=int(data.get("version", 1)),
            description=str(data.get("description", "")),
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"version": self.version}
        if self.description:
            d["description"] = self.description
        d["sections"] = [r.to_dict() for r in self.rules]
        return d

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> "SectionRules":
        if isinstance(text_or_path, Path):
            text = text_or_path.read_text(encoding="utf-8")
        else:
            text = text_or_path
        return cls.from_dict(json.loads(text))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def default(cls) -> "SectionRules":
        return _default_rules()

    # ------------------------------------------------------------------ matching
    def _compile(self) -> None:
        ci = sorted({_norm(h).lower() for r in self.rules for h in r.headers})
        cs = sorted({_norm(h) for r in self.rules for h in r.upper_only})
        ci_alt = trie_regex((_variant_units(h), "") for h in ci)
        cs_alt = trie_regex((_variant_units(h), "") for h in cs)
        # optional markdown '#'s or an outline number ("1.", "II.") — not bullets: "- Exam: ..." is an item
        lead = r"(?P<lead>^[ \t]*(?:(?:\#{1,6}|\d{1,2}[.)]|[IVX]{1,4}\.)[ \t]*)?)"
        # after the header: a colon (anything may follow), or nothing else on the line.
        tail = r"(?P<colon>[ \t]*(?::|\.?[ \t\r]*(?=\n|\Z)))"
        self._line_re = re.compile(
            lead + r"(?P<title>(?i:(?:" + ci_alt + r"))|(?:" + cs_alt + r"))" + r"(?![\w/&])" + tail,
            re.MULTILINE,
        )
        # run-together transcriptions: ".,PLAN:," — upper-case variants with a colon, after punctuation
        # (and the abbreviations of two letters or more as written: ".,FHX: , Unremarkable.,ROS:, Irregular menses.")
        upper_ci = trie_regex([(_variant_units(h.upper()), "") for h in ci if len(h) >= 4]
                              + [(_variant_units(h), "") for h in cs if len(h) >= 2])
        self._inline_re = re.compile(r"[.,;](?P<lead>[ \t]*)(?P<title>" + upper_ci + r")(?![\w/&])(?P<colon>[ \t]*:)")

    def rule_for(self, title: str) -> SectionRule | None:
        try:
            return self._memo[title]
        except KeyError:
            pass
        t = _norm(title)
        rule = self._lookup_cs.get(t) or self._lookup_ci.get(t.lower())
        if len(self._memo) < 10000:
            self._memo[title] = rule
        return rule

    def find_headers(self, text: str) -> list[tuple[int, int, str, SectionRule]]:
        """(start, body_start, title, rule) for every header, in text order."""
        found: dict[int, tuple[int, int, str, SectionRule]] = {}
        last = None  # the name of the header found before this one
        for m in self._line_re.finditer(text):
            title = m.group("title")
            rule = self.rule_for(title)
            if rule is None:
                continue
            if last in _NUMBERED_PLANS and _continues_list(text, m):
                continue  # "3. Immunizations: MMR given today" after "2. ..." of a plan: its item, not a header
            colon = m.group("colon")
            if len(_norm(title)) == 1 and (":" not in colon or _digit_follows(text, m.end())):
                continue  # single-letter SOAP headers ("A:", "P:") need a colon and no number ("P: 4.4")
            if "." in colon and not rule.inline and not _text_follows(text, m.end()):
                continue  # "Follow-up." alone between blank lines is content, "Procedure.\nThrough..." a header
            start = m.start("title")
            body = m.start("title") if rule.inline else m.end()
            found[start] = (start, body, title, rule)
            last = rule.name
        line_heads = sorted((s, b) for s, b, _, _ in found.values())
        line_starts = [s for s, _ in line_heads]
        for m in self._inline_re.finditer(text):
            start = m.start("title")
            i = bisect.bisect_right(line_starts, start) - 1
            if i >= 0 and line_heads[i][0] <= start < max(line_heads[i][1], line_heads[i][0] + 1):
                continue  # inside a header found at a line start
            title = m.group("title")
            rule = self.rule_for(title)
            if rule is None:
                continue
            found[start] = (start, start if rule.inline else m.end(), title, rule)
        return [found[k] for k in sorted(found)]


#: sections whose numbered items may open with a word that is also a header ("3. Immunizations: ...", "4. Labs: CBC
#: today"): an item numbered next after the one before it stays an item of the list
_NUMBERED_PLANS = frozenset({"assessment", "plan", "assessment_plan", "problem_list"})


def _continues_list(text: str, m: re.Match) -> bool:
    """The header match ``m`` carries a list number N > 1 and the last non-blank line before it is item N - 1."""
    num = re.match(r"[ \t]*(\d{1,2})[.)]", m.group("lead") or "")
    if num is None or int(num.group(1)) < 2:
        return False
    before = text[: m.start()].rstrip("\n \t")
    prev = before[before.rfind("\n") + 1:]
    pm = re.match(r"[ \t]*(\d{1,2})[.)]", prev)
    if pm is not None:
        return int(pm.group(1)) == int(num.group(1)) - 1
    # (the item before may run over several lines: its number is on the nearest numbered line above, in this block)
    for line in reversed(before.split("\n")[-8:]):
        if not line.strip():
            return False
        pm = re.match(r"[ \t]*(\d{1,2})[.)]", line)
        if pm is not None:
            return int(pm.group(1)) == int(num.group(1)) - 1
    return False


def _text_follows(text: str, pos: int) -> bool:
    """Whether the line after ``pos`` (the end of a header line) holds text."""
    nl = text.find("\n", pos)
    if nl < 0:
        return False
    nxt = text.find("\n", nl + 1)
    return bool(text[nl + 1 : len(text) if nxt < 0 else nxt].strip())


def _digit_follows(text: str, pos: int) -> bool:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos < len(text) and text[pos].isdigit()


def _norm(s: str) -> str:
    s = re.sub(r"\s+", " ", s.strip())
    return re.sub(r"\s*([/&+-])\s*", r"\1", s)


@lru_cache(maxsize=1)
def _default_rules() -> SectionRules:
    from ..config import resource_path

    return SectionRules.from_json(resource_path("sections.json"))


def sectionize(text: str, rules: SectionRules | None = None) -> list[Section]:
    """Cut ``text`` into sections that follow each other without overlap.

    Each section runs from its header to the next header (or the end of the text); ``body_start`` is
    where its text begins. Text before the first header becomes a ``preamble`` section when it holds
    anything but whitespace. An inline header on a line of its own ("No known allergies.") is a section of
    that line: the lines after it, up to the next header, are a section of the kind it interrupted (with
    an empty title).
    """
    rules = rules or _default_rules()
    heads = rules.find_headers(text)
    sections: list[Section] = []
    first = heads[0][0] if heads else len(text)
    if text[:first].strip():
        sections.append(Section(PREAMBLE, "", 0, first, 0))
    # an inline header ("NKDA") right inside a section of its own kind ("ALLERGIES") opens nothing new
    heads = [h for i, h in enumerate(heads) if not (h[3].inline and i and heads[i - 1][3].name == h[3].name)]
    for i, (start, body, title, rule) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        body = min(body, end)
        if rule.inline:
            # "No known allergies." on a line of its own is a statement, not a heading: the lines after it
            # go on with the section it interrupted ("No diabetes.", "Morbid obesity." are no allergy)
            nl = text.find("\n", body)
            if 0 <= nl < end and text[nl:end].strip():
                sections.append(Section(rule.name, title, start, nl + 1, body))
                prev = sections[-2] if len(sections) > 1 else None
                name = prev.name if prev is not None else PREAMBLE
                sections.append(Section(name, "", nl + 1, end, nl + 1))
                continue
        sections.append(Section(rule.name, title, start, end, body))
    return sections


#: Sections only a hospital stay has (a discharge summary, an inpatient progress note).
HOSPITAL_STAY_SECTIONS = ("hospital_course", "discharge_diagnoses", "discharge_medications", "discharge_instructions")
#: a section title of the emergency department ("ED COURSE", "EMERGENCY DEPARTMENT COURSE", "ER NOTE"): no hospital
#: stay (hospital_stay_sections), and the setting of an ED letter (letter_facts.encounter_setting)
ED_TITLE = re.compile(r"\bemergency\b|\bE[DR]\b", re.IGNORECASE)
_NOT_A_STAY = ED_TITLE


def hospital_stay_sections(sections) -> list[str]:
    """The names of ``sections`` that tell of a hospital stay, sorted. An office visit's "INSTRUCTIONS" or "PATIENT
    EDUCATION" is filed with the discharge instructions, but only a header that says discharge tells of a stay; an
    "EMERGENCY DEPARTMENT COURSE" is an outpatient visit's course."""
    return sorted({s.name for s in sections if s.name in HOSPITAL_STAY_SECTIONS
                   and (s.name != "discharge_instructions" or "discharge" in s.title.lower())
                   and not _NOT_A_STAY.search(s.title)})
