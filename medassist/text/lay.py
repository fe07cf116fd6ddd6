"""The lay lexicon (medical term or abbreviation -> plain words) and finders over text.

The lexicon is ``resources/lay_lexicon.json`` (written by the project; how it was made is in
``resources/lay_lexicon.README.md``). Matching is token based (longest match wins): surfaces with no
lower-case letter ("HTN", "CHF") match case-sensitively, others case-insensitively; one-letter surfaces
never match free text.

- :func:`get_lexicon` -> :class:`LayLexicon` (cached).
- ``LayLexicon.find(text, categories=None)`` -> list of :class:`TermHit` (offsets into ``text``).
- ``LayLexicon.find_drugs(text)`` -> drug mentions: lexicon drugs and brand names, plus unknown words
  with a drug-like suffix (``-pril``, ``-olol``...) or written right before a dose ("Zyntra 20 mg").
- ``LayLexicon.jargon(text)`` -> hard terms left in a text, each with a plain alternative.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from medassist.config import resource_path

_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_MAX_TOKENS = 8

#: suffixes of generic drug names (INN stems); a word ending so and not a known English word is a drug
_DRUG_SUFFIXES = (
    "pril", "sartan", "olol", "alol", "dipine", "statin", "prazole", "tidine", "gliptin", "gliflozin", "glutide",
    "floxacin", "cycline", "mycin", "cillin", "cef", "azole", "conazole", "vir", "parin", "xaban", "gatran",
    "azepam", "zolam", "triptan", "afil", "setron", "lukast", "tinib", "zumab", "ximab", "mumab", "umab", "mab",
    "oxetine", "aline", "triptyline", "apine", "idone", "piprazole", "semide", "thiazide", "osin", "dronate",
    "terol", "tropium", "sonide", "casone", "olone", "asone", "codone", "morphone", "profen", "coxib", "fenac",
)
_NOT_DRUGS = {
    # forms and devices written before a dose ("Nitroglycerin patch 0.4 mg/hr"): not drug names
    "patch", "patches", "cream", "ointment", "gel", "lotion", "inhaler", "spray", "drops", "nebulizer", "neb", "pen",
    "injection", "solution", "suspension", "syrup", "tablet", "tablets", "capsule", "capsules", "pump", "respules",
    "pain", "dose", "daily", "total", "about", "only", "also", "take", "taking", "takes", "took", "from", "with",
    "dosage", "between", "increase", "increased", "decrease", "decreased", "start", "started", "stop", "stopped",
    "continue", "continued", "initiate", "initiated", "prescribe", "prescribed", "additional", "another", "extra",
    "every", "each", "than", "around", "approximately", "maximum", "max", "minimum", "least", "most", "over",
    "under", "after", "before", "then", "times", "time", "given", "gave", "give", "receive", "received", "using",
    # blood products given ("transfused 2 units"), not drug names
    "transfused", "transfusion", "transfusions", "transfuse", "units", "unit", "packed", "prbc", "prbcs",
    "uses", "used", "dosing", "current", "currently", "change", "changed", "switch", "switched", "double",
    "half", "extended", "release", "tablet", "tablets", "capsule", "capsules", "injection", "oral", "twice",
    "once", "orally", "weight", "weighs", "weighed", "weighing", "level", "levels", "reduce", "reduced", "lower",
    "lowered", "higher", "high", "low", "this", "that", "these", "those", "which", "what", "while", "when",
    "will", "would", "should", "could", "have", "has", "had", "been", "being", "were", "was", "are", "is",
    "his", "her", "their", "your", "our", "she", "he", "they", "you", "and", "or", "the", "for", "of", "to",
    "at", "by", "on", "in", "up", "down", "per", "plus", "more", "less", "dosed", "bolus", "drip", "rate",
    "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years", "blood", "urine",
    "potassium", "sodium", "calcium", "magnesium", "glucose", "sugar", "protein", "fluid", "fluids", "water",
    "salt", "caffeine", "alcohol", "fiber", "iron", "vitamin", "intake", "supplement", "supplements",
    "medication", "medications", "medicine", "medicines", "drug", "drugs", "pill", "pills", "shot", "shots",
    "dose", "doses", "regimen", "therapy", "treatment", "approximately", "roughly", "near", "nearly",
    "cholesterol", "ldl", "hdl", "triglycerides", "a1c", "creatinine", "gfr", "estimated", "measuring",
}
_DOSE_AFTER_RE = re.compile(r"\s*(?:\d+(?:\.\d+)?\s*(?:mg|mcg|milligrams?|micrograms?|units?|g|mEq)\b)", re.I)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]{3,}")


@dataclass(frozen=True)
class TermHit:
    start: int
    end: int
    text: str
    term: str  # head term of the entry
    plain: str
    category: str
    entry: dict
    source: str = "lexicon"  # lexicon | suffix | dose-pattern

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "term": self.term,
            "plain": self.plain,
            "category": self.category,
            "source": self.source,
        }


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]


class LayLexicon:
    #: categories tried first when one surface belongs to several entries
    PRIORITY = ("drug", "diagnosis", "procedure", "test", "drug_class", "anatomy", "abbreviation")

    def __init__(self, data: dict):
        self.data = data
        self.entries: list[dict] = data["entries"]
        self._ci: dict[tuple[str, ...], list[tuple[dict, str]]] = {}
        self._cs: dict[tuple[str, ...], list[tuple[dict, str]]] = {}
        for e in self.entries:
            for surface in [e["term"], *e.get("aliases", [])]:
                toks = tuple(t for _, _, t in _tokens(surface))
                if not toks or len(toks) > _MAX_TOKENS:
                    continue
                if len(toks) == 1 and len(toks[0]) <= 1:
                    continue
                if any(c.isalpha() for c in surface) and not any(c.islower() for c in surface):
                    self._cs.setdefault(toks, []).append((e, surface))
                else:
                    self._ci.setdefault(tuple(t.lower() for t in toks), []).append((e, surface))
        order = {c: i for i, c in enumerate(self.PRIORITY)}
        for table in (self._ci, self._cs):
            for key, lst in table.items():
                # category priority, then an entry whose head term is this surface before one that has it as alias
                lst.sort(key=lambda es: (order.get(es[0]["category"], 99), es[1].lower() != es[0]["term"].lower()))
        self._by_term: dict[str, list[dict]] = {}
        for e in self.entries:
            self._by_term.setdefault(e["term"].lower(), []).append(e)
        for e in self.entries:
            for surface in e.get("aliases", []):
                self._by_term.setdefault(surface.lower(), []).append(e)

    def __len__(self) -> int:
        return len(self.entries)

    # ----------------------------------------------------------------------------------------- lookup
    def lookup(self, term: str, category: str | None = None) -> dict | None:
        """The entry for a term or alias (case-insensitive), preferring ``category`` when given."""
        cands = self._by_term.get(term.strip().lower(), [])
        if category:
            cands = [e for e in cands if e["category"] == category] or []
        return cands[0] if cands else None

    def plain(self, term: str, category: str | None = None) -> str | None:
        e = self.lookup(term, category)
        return e["plain"] if e else None

    # ----------------------------------------------------------------------------------------- finding
    def find(self, text: str, categories: Iterable[str] | None = None) -> list[TermHit]:
        """Lexicon terms in ``text``, longest match first, no overlaps, in text order."""
        cats = set(categories) if categories else None
        toks = _tokens(text)
        hits: list[TermHit] = []
        i = 0
        while i < len(toks):
            found = None
            for n in range(min(_MAX_TOKENS, len(toks) - i), 0, -1):
                window = toks[i: i + n]
                # tokens must be adjacent (only spaces, '-', '/', '.', '&' between them)
                if n > 1 and any(not re.fullmatch(r"[\s\-/.&']{0,3}", text[window[k][1]: window[k + 1][0]]) for k in range(n - 1)):
                    continue
                cands = self._cs.get(tuple(t for _, _, t in window), []) + self._ci.get(tuple(t.lower() for _, _, t in window), [])
                if cats:
                    cands = [c for c in cands if c[0]["category"] in cats]
                if cands:
                    e, _surface = cands[0]
                    s, end = window[0][0], window[-1][1]
                    found = (n, TermHit(s, end, text[s:end], e["term"], e["plain"], e["category"], e))
                    break
            if found:
                hits.append(found[1])
                i += found[0]
            else:
                i += 1
        return hits

    def find_drugs(self, text: str, *, patterns: bool = True) -> list[TermHit]:
        """Drug names: lexicon drugs (generic or brand), plus unknown drug-like words when ``patterns``."""
        hits = self.find(text, categories=("drug",))
        if not patterns:
            return hits
        taken = [(h.start, h.end) for h in hits]
        known_words = set(self._ci) | set(self._cs)
        for m in _WORD_RE.finditer(text):
            s, e, w = m.start(), m.end(), m.group()
            if any(s < te and ts < e for ts, te in taken):
                continue
            lw = w.lower().strip("-")
            if lw in _NOT_DRUGS or (lw,) in known_words:
                continue
            source = None
            if len(lw) >= 6 and lw.endswith(_DRUG_SUFFIXES) and not _is_common_word(lw):
                source = "suffix"
            elif _DOSE_AFTER_RE.match(text, e) and not _is_common_word(lw):
                source = "dose-pattern"
            if source:
                entry = {"term": w, "plain": "a medicine", "category": "drug", "aliases": []}
                hits.append(TermHit(s, e, w, w, "a medicine", "drug", entry, source))
                taken.append((s, e))
        hits.sort(key=lambda h: h.start)
        return hits

    def jargon(self, text: str, *, skip_terms: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Hard words left in ``text`` with a plain alternative: abbreviations and long medical terms
        (3+ syllables) that are not drug names (those must stay as written). ``explained`` is True when
        the plain words already sit in the same line."""
        skip = {t.lower() for t in skip_terms}
        out = []
        for h in self.find(text):
            if h.category in ("drug", "drug_class") or h.text.lower() in skip:
                continue
            if h.plain.lower() == h.text.lower() or h.text.lower() in h.plain.lower():
                continue
            if not _is_hard(h.text):
                continue
            line_start = text.rfind("\n", 0, h.start) + 1
            line_end = text.find("\n", h.end)
            line = text[line_start: line_end if line_end != -1 else len(text)].lower()
            out.append({**h.to_dict(), "explained": h.plain.lower() in line})
        return out


_COMMON = {
    "possible", "visible", "valentine", "combine", "machine", "medicine", "routine", "discipline", "decline",
    "engine", "feline", "genuine", "online", "baseline", "timeline", "guideline", "deadline", "outline",
    "airline", "sideline", "saline", "examine", "determine", "imagine", "masculine", "feminine", "doctrine",
    "famine", "jasmine", "margarine", "intestine", "uterine", "alkaline", "underline", "pipeline", "hotline",
    "landline", "shoreline", "storyline", "waistline", "hairline", "headline", "lifeline", "skyline", "byline",
    "incline", "vaccine", "nicotine", "caffeine", "quarantine", "taurine", "gasoline", "listed", "savvy",
    "alcohol", "magazine", "apine", "zone", "ozone", "lesson", "mason", "reason", "season", "person", "poison",
    "prison", "comparison", "venison", "jason", "bison", "liaison", "unison", "whereas", "thesis", "analysis",
    "aline", "mab", "flavor", "behavior", "favor", "survivor", "cursor", "recovery", "divisor", "supervisor",
    "tutor", "maternal", "approximately", "diarrhea", "pertussis", "chlamydia", "caroline", "pauline", "adeline",
    "madeline", "emmeline", "jacqueline", "marceline", "evangeline", "geraldine", "antoine", "sabine", "cosine",
    "divine", "canine", "bovine", "porcine", "equine", "marine", "urine", "cuisine", "sardine", "tangerine",
    "aspirin", "cafeteria", "mycin",
}


def _is_common_word(w: str) -> bool:
    return w in _COMMON


def _is_hard(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    if letters and not any(c.islower() for c in letters) and len(letters) >= 2:
        return True  # an abbreviation
    return len(surface) >= 7 and _syllables(surface) >= 3


@lru_cache(maxsize=1)
def _pyphen():
    import pyphen  # the hyphenation patterns textstat also falls back to (no nltk import here: it is slow)

    return pyphen.Pyphen(lang="en_US")


def _syllables(word: str) -> int:
    dic = _pyphen()
    return sum(len(dic.positions(w)) + 1 for w in re.findall(r"[A-Za-z]+", word))


@lru_cache(maxsize=4)
def _load(path: str) -> LayLexicon:
    from medassist.errors import TaskError

    try:
        data = json.loads(open(path, encoding="utf-8").read())
    except (OSError, ValueError) as exc:
        raise TaskError(f"cannot read the lay lexicon: {exc}", path=path) from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise TaskError("not a lay lexicon (no 'entries' list)", path=path)
    return LayLexicon(data)


def get_lexicon(path: str | None = None) -> LayLexicon:
    """The project's lay lexicon (loaded once)."""
    return _load(str(path or resource_path("lay_lexicon.json")))


# ---------------------------------------------------------------------------------------------- drug forms
#: words in a note that say how a medicine is given, mapped to the form keys of ``plain_by_form``
_FORM_WORDS: list[tuple[str, str]] = [
    (r"nebuli[sz]\w*|nebs?|via neb|neb treatments?|respules?", "nebulized"),
    (r"nasal(?:ly)?|intranasal|nose spray|nasal spray|sprays? (?:in|into|per) (?:each|both|the) nostrils?|nostrils?", "nasal"),
    (r"inhal\w*|puffs?|MDI|HFA|diskus|ellipta|respimat|handihaler", "inhaled"),
    (r"insulin pump|pump", "pump"),
    (r"sublingual(?:ly)?|under the tongue", "sublingual"),
    (r"(?-i:SL)", "sublingual"),
    (r"patch(?:es)?|transdermal(?:ly)?", "patch"),
    (r"cream|ointment|gel|lotion|topical(?:ly)?|apply|applied", "topical"),
    (r"eye drops?|ophthalmic|gtts?|drops? in (?:each|both|the) eyes?", "eye"),
    (r"inject\w*|injection|inj|shots?|pens?|intramuscular(?:ly)?|intra-?articular|subcutaneous(?:ly)?|subq|(?-i:IM|SC|SQ)",
     "injected"),
    (r"tabs?|tablets?|caps?|capsules?|pills?|PO|by mouth|orally|oral", "oral"),
    (r"units?", "injected"),  # weakest: "10 units at bedtime" is insulin by pen or syringe
]
_FORM_RES = [(re.compile(rf"(?<![\w-])(?:{rx})(?![\w-])", re.I), key) for rx, key in _FORM_WORDS]
#: what a plain phrase claims about the form (to catch a description that contradicts the note)
_CLAIMS = [(re.compile(r"\binhaler\b", re.I), "inhaled"), (re.compile(r"\bnose spray|spray for the nose\b", re.I), "nasal"),
           (re.compile(r"\bcream|ointment|gel\b", re.I), "topical"), (re.compile(r"\bshot\b", re.I), "injected"),
           (re.compile(r"\bpatch\b", re.I), "patch"), (re.compile(r"\beye drops?\b", re.I), "eye"),
           (re.compile(r"\bpill\b", re.I), "oral"), (re.compile(r"\bmist\b", re.I), "nebulized"),
           (re.compile(r"\bunder (?:the|your) tongue\b", re.I), "sublingual")]


def written_form(text: str) -> str | None:
    """The form a medicine is given in, from the words around it ("1 puff", "nasal spray", "SL"), or None.

    The first form word found wins, in the order of ``_FORM_WORDS`` (a nebulizer is also inhaled)."""
    for rx, key in _FORM_RES:
        if rx.search(text):
            return key
    return None


def claimed_form(plain: str) -> str | None:
    for rx, key in _CLAIMS:
        if rx.search(plain):
            return key
    return None


def plain_for_form(entry: dict, form: str | None, surface: str | None = None) -> str:
    """The lay words for a drug given in ``form`` (None: the note does not say). A brand name that implies a
    form (Flovent, Flonase) counts when the note names no form. The result never claims a form that
    contradicts ``form``: if it would, a form-neutral phrase (the entry's ``plain``) is used, or ""."""
    by_form = entry.get("plain_by_form") or {}
    if form is None and surface:
        form = (entry.get("brand_forms") or {}).get(surface) or next(
            (v for k, v in (entry.get("brand_forms") or {}).items() if k.lower() == surface.lower()), None)
    plain = by_form.get(form) if form else None
    if plain:
        return plain
    plain = entry.get("plain", "")
    claim = claimed_form(plain)
    if claim and form and claim != form:
        return ""  # e.g. a "rescue inhaler" given by nebulizer, and no words for that form: say nothing
    return plain
