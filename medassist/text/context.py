"""ConText-style assertion status of a mention: affirmed, negated, uncertain, historical, family, hypothetical.

The rules are data (``resources/context_rules.json``, in the spirit of medspaCy's ``context_rules``):
each cue has a category and a direction — FORWARD (applies to what follows it), BACKWARD (to what
precedes it), BIDIRECTIONAL, TERMINATE (ends every cue's scope: "but", "however", "which"...) or
PSEUDO (looks like a cue and is not: "no change", "gram negative"; it blocks the cues it overlaps).
A scope never leaves the mention's sentence and may be capped at ``max_scope`` words.
The section counts too: a mention in the family history is ``family``, in the past medical or surgical
history ``historical`` — unless a cue with higher precedence applies ("no history of diabetes" in the
PMH is negated). Precedence (from the rules file): family > negated > hypothetical > uncertain > historical.

    >>> classify("Patient denies chest pain.", 15, 25).status
    'negated'
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from ..document import Document, Section, Sentence, Span
from .sections import trie_regex

STATUSES = ("affirmed", "negated", "uncertain", "historical", "family", "hypothetical")
CATEGORY_STATUS = {
    "NEGATED_EXISTENCE": "negated",
    "POSSIBLE_EXISTENCE": "uncertain",
    "HISTORICAL": "historical",
    "FAMILY": "family",
    "HYPOTHETICAL": "hypothetical",
    # a present-tense statement ("He has GERD", "asthma, currently on inhalers"): affirmed. It decides nothing
    # by itself (lowest precedence); it exists so that a section's status can yield to it (section_exceptions:
    # a current problem written in the past medical history is not historical)
    "CURRENT": "affirmed",
}
DIRECTIONS = ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class ContextRule:
    literal: str
    category: str
    direction: str = "FORWARD"
    pattern: str | None = None
    max_scope: int | None = None
    clause_only: bool = False  # the scope stops at a comma or semicolon ("hypertension, blood pressure is within
    # normal limits" does not negate the hypertension)
    forward_only: bool = False  # a TERMINATE that ends the scope of the cues before it, not of a BACKWARD cue after it
    # (", likely" ends "without a rise" before "demand ischemia"; "Pneumonia, likely." stays uncertain)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ContextRule":
        unknown = set(d) - {"literal", "category", "direction", "pattern", "max_scope", "clause_only", "forward_only"}
        if unknown:
            raise ValueError(f"context rule {d.get('literal')!r}: unknown keys {sorted(unknown)}")
        direction = str(d.get("direction", "FORWARD")).upper()
        category = str(d["category"]).upper()
        if direction not in DIRECTIONS:
            raise ValueError(f"context rule {d.get('literal')!r}: direction {direction!r} not in {DIRECTIONS}")
        if direction not in ("TERMINATE", "PSEUDO") and category not in CATEGORY_STATUS:
            raise ValueError(f"context rule {d.get('literal')!r}: unknown category {category!r}")
        ms = d.get("max_scope")
        return cls(
            literal=str(d["literal"]),
            category=category,
            direction=direction,
            pattern=d.get("pattern"),
            max_scope=int(ms) if ms is not None else None,
            clause_only=bool(d.get("clause_only", False)),
            forward_only=bool(d.get("forward_only", False)),
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"literal": self.literal, "category": self.category, "direction": self.direction}
        if self.pattern is not None:
            d = {"pattern": self.pattern, **d}
        if self.max_scope is not None:
            d["max_scope"] = self.max_scope
        if self.clause_only:
            d["clause_only"] = True
        if self.forward_only:
            d["forward_only"] = True
        return d


@dataclass
class Cue:
    start: int
    end: int
    rule: ContextRule


@dataclass
class Context:
    """The status of a mention, the cue that decided it (None for affirmed or a section-given status),
    the section it lies in, and every status that applied (before precedence)."""

    status: str
    cue: Span | None = None
    section: str | None = None
    applied: list[str] = field(default_factory=list)

    @property
    def negated(self) -> bool:
        return self.status == "negated"

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "cue": self.cue.to_dict() if self.cue else None,
            "section": self.section,
            "applied": list(self.applied),
        }


def _literal_units(lit: str) -> list[str]:
    """Regex units of a cue literal (white space inside matches any run of white space)."""
    units: list[str] = []
    for i, w in enumerate(lit.split()):
        if i:
            units.append(r"\s+")
        units.extend(re.escape(ch) for ch in w)
    return units


class ContextRules:
    def __init__(
        self,
        rules: Iterable[ContextRule],
        *,
        precedence: list[str] | None = None,
        section_categories: dict[str, str] | None = None,
        version: int = 1,
        description: str = "",
        clause_terminators: Iterable[str] = (),
        section_exceptions: dict[str, list[str]] | None = None,
        list_intros: Iterable[dict[str, Any]] = (),
    ):
        self.rules = list(rules)
        # a line ending with a colon that introduces a list whose items all take a status ("Potential
        # complications include, but are not limited to: 1. Infection. 2. Bleeding."): the items are
        # sentences of their own, beyond the reach of a cue
        self.list_intros = [dict(d) for d in list_intros]
        for d in self.list_intros:
            if str(d.get("category", "")).upper() not in CATEGORY_STATUS or "pattern" not in d:
                raise ValueError(f"list intro {d.get('literal')!r}: needs a pattern and a known category")
        self._list_intros = [(re.compile(d["pattern"], re.IGNORECASE), str(d["category"]).upper(), d)
                             for d in self.list_intros]
        self._intro_cache: dict[str, list[tuple[int, int, str]]] = {}
        # cues that, in a sentence of the named section, replace the section's own status
        # ("Past history of pulmonary embolism" in a run-on family history is the patient's own history)
        # (an entry in capitals that names a category, "CURRENT", stands for every cue of that category)
        self.section_exceptions = {k: [x if x in CATEGORY_STATUS else _key(x) for x in v]
                                   for k, v in (section_exceptions or {}).items()}
        # terminators that end a scope only up to the next comma: a list goes on after the clause
        # ("No fever, cough which has resolved, or weight loss": weight loss is negated)
        self.clause_terminators = [_key(t) for t in clause_terminators]
        self._clause_set = set(self.clause_terminators)
        self.precedence = [p.upper() for p in (precedence or ["FAMILY", "NEGATED_EXISTENCE", "HYPOTHETICAL", "POSSIBLE_EXISTENCE", "HISTORICAL"])]
        for p in self.precedence:
            if p not in CATEGORY_STATUS:
                raise ValueError(f"precedence: unknown category {p!r}")
        for c in CATEGORY_STATUS:
            if c not in self.precedence:
                self.precedence.append(c)
        self.section_categories = {k: v.upper() for k, v in (section_categories or {}).items()}
        self.version = version
        self.description = description
        literal_rules = [r for r in self.rules if r.pattern is None]
        self._by_literal: dict[str, ContextRule] = {}
        for r in literal_rules:
            self._by_literal.setdefault(_key(r.literal), r)
        word_lits = [k for k in self._by_literal if k[:1].isalnum()]
        other_lits = [k for k in self._by_literal if not k[:1].isalnum()]
        # a trie-shaped regex: a flat alternation of ~200 literals is ~50x slower (bench/sections.py)
        def alt(lits: list[str]) -> str:
            return trie_regex((_literal_units(k), r"(?!\w)" if k[-1:].isalnum() else "") for k in lits)

        self._literal_re = re.compile(r"(?<!\w)" + alt(word_lits) + "|" + alt(other_lits), re.IGNORECASE)
        self._cue_cache: dict[tuple[str, int, int], list[Cue]] = {}
        self._patterns = [(re.compile(r.pattern, re.IGNORECASE), r) for r in self.rules if r.pattern is not None]

    # ---------------------------------------------------------------- (de)serialisation
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ContextRules":
        if not isinstance(data, dict) or not isinstance(data.get("context_rules"), list):
            raise ValueError("context rules: expected an object with a 'context_rules' list")
        return cls(
            (ContextRule.from_dict(d) for d in data["context_rules"]),
            precedence=data.get("precedence"),
            section_categories=data.get("section_categories"),
            version=int(data.get("version", 1)),
            description=str(data.get("description", "")),
            clause_terminators=data.get("clause_terminators", ()),
            section_exceptions=data.get("section_exceptions"),
            list_intros=data.get("list_intros", ()),
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"version": self.version}
        if self.description:
            d["description"] = self.description
        d["precedence"] = list(self.precedence)
        d["section_categories"] = dict(self.section_categories)
        if self.clause_terminators:
            d["clause_terminators"] = list(self.clause_terminators)
        if self.section_exceptions:
            d["section_exceptions"] = {k: list(v) for k, v in self.section_exceptions.items()}
        if self.list_intros:
            d["list_intros"] = [dict(x) for x in self.list_intros]
        d["context_rules"] = [r.to_dict() for r in self.rules]
        return d

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> "ContextRules":
        text = text_or_path.read_text(encoding="utf-8") if isinstance(text_or_path, Path) else text_or_path
        return cls.from_dict(json.loads(text))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def default(cls) -> "ContextRules":
        return _default_rules()

    # ---------------------------------------------------------------- matching
    def cues(self, text: str, start: int, end: int) -> list[Cue]:
        """Every cue in ``text[start:end]`` (pseudo cues included), in order, without overlaps."""
        key = (text, start, end)
        hit = self._cue_cache.get(key)
        if hit is None:
            hit = self._find_cues(text, start, end)
            if len(self._cue_cache) > 4096:
                self._cue_cache.clear()
            self._cue_cache[key] = hit
        return list(hit)

    def _find_cues(self, text: str, start: int, end: int) -> list[Cue]:
        found: list[Cue] = []
        for m in self._literal_re.finditer(text, start, end):
            rule = self._by_literal.get(_key(m.group(0)))
            if rule is not None:
                found.append(Cue(m.start(), m.end(), rule))
        for rx, rule in self._patterns:
            group = "cue" if "cue" in rx.groupindex else 0  # a named group "cue": the cue; the rest is context
            for m in rx.finditer(text, start, end):
                if m.end(group) > m.start(group):
                    found.append(Cue(m.start(group), m.end(group), rule))
        # resolve overlaps: longer match wins, then the earlier one
        found.sort(key=lambda c: (-(c.end - c.start), c.start))
        kept: list[Cue] = []
        for c in found:
            if all(c.end <= k.start or c.start >= k.end for k in kept):
                kept.append(c)
        kept.sort(key=lambda c: c.start)
        return kept

    def list_item_context(self, text: str, lo: int, start: int) -> tuple[str, Span] | None:
        """(category, intro) when ``start`` lies in an item of a list that a ``list_intros`` line introduces,
        the intro within ``LIST_REACH`` characters before it (not before ``lo``, the section's start) and only
        list items between them."""
        if not self._list_intros:
            return None
        found = self._intro_cache.get(text)
        if found is None:  # every intro of the text, found once (a note's mentions are classified one by one)
            found = sorted((m.end(), m.start(), cat) for rx, cat, _ in self._list_intros for m in rx.finditer(text))
            if len(self._intro_cache) > 64:
                self._intro_cache.clear()
            self._intro_cache[text] = found
        k = bisect.bisect_right(found, (start, start, "~")) - 1
        while k >= 0 and found[k][0] > start:
            k -= 1
        if k < 0:
            return None
        e, b, cat = found[k]
        if e < max(lo, start - LIST_REACH) or b < lo or not _LIST_LEAD.fullmatch(text, e, start):
            return None
        return cat, Span.of(text, b, e)

    def classify_in(self, text: str, sent_start: int, sent_end: int, start: int, end: int, section: str | None) -> Context:
        cues = [c for c in self.cues(text, sent_start, sent_end) if c.rule.direction != "PSEUDO"]
        for c in cues:
            if (c.rule.direction == "BACKWARD" and start < c.start < end == c.end
                    and not _CLAUSE_MARK.search(text, start, c.start)):
                # "pain-free", "pain free": a mention whose last word is a backward cue is its target (not across a
                # comma: the diagnosis line "Acute kidney injury, resolved" is read whole by the letter and summary;
                # the cue is the mention's own last word, ending where it ends)
                end = c.start
        cues = [c for c in cues if c.end <= start or c.start >= end]  # a cue inside the mention is not a cue for it
        terms = [c for c in cues if c.rule.direction == "TERMINATE"]
        hits: list[tuple[str, Cue | None]] = []
        for c in cues:
            d = c.rule.direction
            if d == "TERMINATE":
                continue
            if d in ("FORWARD", "BIDIRECTIONAL") and c.end <= start:
                limit = sent_end
                skipped = False  # inside a clause a clause-only terminator ends ("cough which has resolved")
                relative_clause = -1
                for t in terms:
                    if t.start < c.end or t.start <= relative_clause:  # (", has diabetes": the relative's verb)
                        continue
                    if c.rule.category == "FAMILY" and _key(t.rule.literal) in ("who", "whom", "whose"):
                        # a relative clause tells about the relative: "a brother who is diagnosed with autism",
                        # "her mother, who is 60, has diabetes"
                        relative_clause = _clause_end(text, t.end, sent_end)
                        continue
                    if _key(t.rule.literal) in self._clause_set:
                        comma = _clause_end(text, t.end, sent_end)
                        if t.start <= start < comma:
                            skipped = True
                            break
                        if comma < sent_end and _list_goes_on(text, comma, start):
                            continue  # the negated list goes on after the clause
                    if (t.rule.literal == ";" and c.rule.category in ("HYPOTHETICAL", "NEGATED_EXISTENCE")
                            and t.start < start and _semicolon_list(text, t.start, start)):
                        continue  # "risks to include bleeding; infection; sepsis; stroke": the list goes on
                    limit = min(limit, t.start)
                    break
                if c.rule.max_scope is not None and not (c.rule.max_scope >= 3 and _comma_list(text, c.end, start)):
                    limit = min(limit, _after_words(text, c.end, sent_end, c.rule.max_scope))
                if c.rule.clause_only:
                    limit = min(limit, _clause_end(text, c.end, sent_end))
                if c.rule.category == "POSSIBLE_EXISTENCE" and _in_parentheses_after_a_word(text, c.end, start):
                    skipped = True  # "symptoms compatible with sepsis (fever, hypoglycemia)": the signs are stated
                if start < limit and not skipped:
                    hits.append((c.rule.category, c))
                    continue
            if d in ("BACKWARD", "BIDIRECTIONAL") and c.start >= end:
                limit = sent_start
                for t in terms:
                    if t.end <= c.start and not t.rule.forward_only:
                        limit = max(limit, t.end)
                if c.rule.max_scope is not None:
                    limit = max(limit, _before_words(text, sent_start, c.start, c.rule.max_scope))
                if c.rule.clause_only:
                    cut = max(text.rfind(",", sent_start, c.start), text.rfind(";", sent_start, c.start))
                    if cut >= 0:
                        limit = max(limit, cut + 1)
                if (d == "BIDIRECTIONAL" and c.rule.category in _NAMES_WHAT_FOLLOWS and _opens_clause(text, end, c)
                        and _WORD_AFTER.match(text, c.end)):
                    continue  # "Elevated AST and ALT, likely fatty liver": the cue and its words are the cause
                if d == "BIDIRECTIONAL" and _COORDINATED.search(text, sent_start, c.start) and _WORD_AFTER.match(text, c.end):
                    continue  # "renal stone and possibly infected stent": the cue opens the next item
                if end > limit and start >= limit:
                    hits.append((c.rule.category, c))
        overridden = False
        if section and section in self.section_categories:
            overriding = set(self.section_exceptions.get(section, ()))
            overridden = any(cu is not None and (_key(cu.rule.literal) in overriding or cu.rule.category in overriding)
                             for _, cu in hits)
            if not overridden:
                hits.append((self.section_categories[section], None))
        if not overridden:  # a present-tense cue only matters where it overrides a section's status
            hits = [h for h in hits if h[0] != "CURRENT"]
        if not hits:
            return Context("affirmed", None, section, [])
        applied = sorted({CATEGORY_STATUS[c] for c, _ in hits}, key=lambda s: STATUSES.index(s))
        best_cat = min((c for c, _ in hits), key=self.precedence.index)
        # the nearest cue of the winning category decides (a section-given status has none)
        cands = [cu for c, cu in hits if c == best_cat]
        with_cue = [cu for cu in cands if cu is not None]
        cue = None
        if with_cue:
            best = min(with_cue, key=lambda cu: (cu.start - end) if cu.start >= end else (start - cu.end))
            cue = Span.of(text, best.start, best.end)
        return Context(CATEGORY_STATUS[best_cat], cue, section, applied)


#: how far back an intro line may stand from the list item it governs
LIST_REACH = 600
_LIST_MARK = r"(?:\d{1,2}[.)]|[-*\u2022])"
# list items after the intro, then the marker and head of the mention's own item (no full stop before it)
_LIST_LEAD = re.compile(rf"(?:[\s,]*{_LIST_MARK}\s*[^\n.:;]{{1,100}}[.;]?)*[\s,]*{_LIST_MARK}\s*[^\n.:;]{{0,100}}")


def _key(s: str) -> str:
    return " ".join(s.lower().split())


_CLAUSE_END = re.compile(r"[,;]")
_LIST_ITEM = re.compile(r"\s*(?:(?:and|or|nor)\s+)?(?:any\s+)?[\w/'-]+(?:\s+[\w/'-]+){0,3}\s*(?:,|$)", re.IGNORECASE)


# an uncertainty (or "unlikely") cue that opens a clause after a comma and goes on with words of its own names
# the cause of what precedes ("Headache, likely migraine"; "Mass, suspected malignancy"), not a doubt about it
_NAMES_WHAT_FOLLOWS = ("POSSIBLE_EXISTENCE", "NEGATED_EXISTENCE")
#: "and" / "or" just before a cue: it qualifies the item it opens, not the one before
_COORDINATED = re.compile(r"\b(?:and|or)[ \t]+$", re.IGNORECASE)
_CLAUSE_MARK = re.compile(r"[,;:()]")
_WORD_AFTER = re.compile(r"[ \t]+(?:to be[ \t]+|due to[ \t]+|from[ \t]+|secondary to[ \t]+)?[A-Za-z]")


def _in_parentheses_after_a_word(text: str, cue_end: int, start: int) -> bool:
    """The mention stands in an open parenthesis that follows a word after the cue: the parenthesis lists what is
    seen (the signs of the doubted diagnosis), not what is doubted."""
    k = text.rfind("(", cue_end, start)
    return k >= 0 and ")" not in text[k:start] and bool(re.search(r"[A-Za-z]", text[cue_end:k]))


def _opens_clause(text: str, mention_end: int, cue) -> bool:
    """The cue follows the mention after a comma or semicolon, with at most "most"/"more"/"very" before it."""
    between = text[mention_end:cue.start]
    k = max(between.rfind(","), between.rfind(";"))
    return k >= 0 and re.fullmatch(r"\s*(?:(?:most|more|very|quite|less|also)\s+)?", between[k + 1:]) is not None


def _clause_end(text: str, pos: int, end: int) -> int:
    """Offset of the next comma/semicolon after ``pos`` (or ``end``)."""
    m = _CLAUSE_END.search(text, pos, end)
    return m.start() if m else end


def _list_goes_on(text: str, comma: int, start: int) -> bool:
    """Whether the text from ``comma`` up to the mention ``start`` continues a list (", or X", ", Y, Z")
    with short items only, so the mention is one more item of the list."""
    seg = text[comma + 1:start]
    if not seg.strip():
        return True
    items = seg.split(",")
    # every item before the mention is short (up to 4 words), as list items are
    return all(len(i.split()) <= 4 for i in items[:-1]) and len(items[-1].split()) <= 2


_VERBISH = re.compile(r"\b(?:is|are|was|were|has|have|had|he|she|they|patient|reports?|states?|denies|will|should)\b|:",
                      re.IGNORECASE)


def _semicolon_list(text: str, semi: int, start: int) -> bool:
    """Whether the text from the semicolon at ``semi`` up to the mention ``start`` is a list of short items (at most
    8 words: "need to convert to an open procedure") separated by semicolons ("; infection; sepsis; heart attack; "),
    none a clause of its own, so the mention is one more item of the list."""
    return _short_items(text[semi + 1:start].split(";"), 8)


def _short_items(items: list[str], most: int) -> bool:
    """Every item but the last of at most ``most`` words, the last (the mention's own item, cut at the mention) of
    at most 3, and none a clause of its own (no verb or subject)."""
    return (all(len(i.split()) <= most and not _VERBISH.search(i) for i in items[:-1])
            and len(items[-1].split()) <= 3 and not _VERBISH.search(items[-1]))


def _comma_list(text: str, pos: int, start: int) -> bool:
    """Whether the text from a cue's end at ``pos`` up to the mention ``start`` is a list of short items separated
    by commas ("risk of amputation, heart attack, stroke, blood clots, pulmonary embolism, and death"), none a
    clause of its own, so a capped scope reaches every item of the list."""
    between = text[pos:start]
    return "," in between and _short_items(re.split(r",|\band\b|\bor\b", between), 4)


def _after_words(text: str, pos: int, end: int, n: int) -> int:
    """Offset just past the n-th word after ``pos`` (or ``end``)."""
    last = end
    for i, m in enumerate(_WORD.finditer(text, pos, end)):
        if i == n - 1:
            return m.end()
    return last


def _before_words(text: str, start: int, pos: int, n: int) -> int:
    """Offset of the start of the n-th word before ``pos`` (or ``start``)."""
    words = [m.start() for m in _WORD.finditer(text, start, pos)]
    return words[-n] if len(words) >= n else start


@lru_cache(maxsize=1)
def _default_rules() -> ContextRules:
    from ..config import resource_path

    return ContextRules.from_json(resource_path("context_rules.json"))


@lru_cache(maxsize=16)
def _analyse(text: str) -> tuple[list[Section], list[Sentence]]:
    from .sections import sectionize
    from .sentences import split_sentences

    secs = sectionize(text)
    return secs, split_sentences(text, secs)


def classify(doc_or_text: Document | str, start: int, end: int, rules: ContextRules | None = None) -> Context:
    """The assertion status of the mention ``text[start:end]`` (offsets into ``Document.text`` or the string)."""
    rules = rules or _default_rules()
    if isinstance(doc_or_text, Document):
        text = doc_or_text.text
        sections, sentences = doc_or_text.sections, doc_or_text.sentences
        if not sections and not sentences:
            sections, sentences = _analyse(text)
    elif isinstance(doc_or_text, str):
        text = doc_or_text
        sections, sentences = _analyse(text)
    else:
        raise TypeError(f"classify expects a Document or str, not {type(doc_or_text).__name__}")
    if not (0 <= start <= end <= len(text)):
        raise ValueError(f"span {start}:{end} outside text of length {len(text)}")
    sec = _section_at(sections, start)
    sec_name = sec.name if sec else None
    a, b = _sentence_bounds(text, sentences, start, end, sec)
    ctx = rules.classify_in(text, a, b, start, end, sec_name)
    if ctx.status == "affirmed" and rules.list_intros:
        hit = rules.list_item_context(text, sec.start if sec else 0, start)
        if hit is not None:
            return Context(CATEGORY_STATUS[hit[0]], hit[1], sec_name, [CATEGORY_STATUS[hit[0]]])
    return ctx


def _section_at(sections: list[Section], offset: int) -> Section | None:
    for s in sections:
        if s.start <= offset < s.end:
            return s
    if sections and offset == sections[-1].end:
        return sections[-1]
    return None


def _sentence_bounds(text: str, sentences: list[Sentence], start: int, end: int, sec: Section | None) -> tuple[int, int]:
    i = bisect.bisect_right(sentences, start, key=lambda s: s.start) - 1
    if i >= 0 and sentences[i].start <= start < sentences[i].end:
        a, b = sentences[i].start, sentences[i].end
        j = i
        while b < end and j + 1 < len(sentences):
            j += 1
            b = sentences[j].end
        return a, max(b, end)
    # not inside a sentence (a header, white space): use its line, within its section
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    if sec is not None:
        lo, hi = max(lo, sec.start), min(hi, sec.end)
    return min(lo, start), max(hi, end)
