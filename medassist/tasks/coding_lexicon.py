"""Lexical matching of ICD-10-CM terms (tabular descriptions, inclusion terms, neoplasm table, the
abbreviations in resources/icd10cm/abbreviations.json) against the sentences of a note.

A term matches a sentence when all of its content words occur in it (order free: clinical English
says "diabetes mellitus type 2" as often as "type 2 diabetes mellitus"). Header codes are mapped to
their default billable child ("unspecified" / "without complications"), injury codes get their 7th
character ("A", initial encounter) so that every code the matcher proposes is a billable code of the
April-2026 set.
"""
from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from typing import NamedTuple

from medassist import icd10
from medassist.config import resource_path

from .coding_text import STOP, stem, tokenize

# words that carry no meaning for matching a term in a note
_TERM_STOP = STOP | frozenset("unspecified nos specified other site type classified elsewhere unknown "
                              "initial encounter part".split())
_OTHER = re.compile(r"\bother\b", re.IGNORECASE)
_OTHER_SITE = re.compile(r"\bother (?:specified )?(?:sites?|bones?|joints?|parts?|regions?|ligaments?)\b", re.IGNORECASE)
_PAREN_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9']*|[0-9]+")
# keep "type 1/2" and "without" distinctions that matter in descriptions
_KEEP_DIGITS_AFTER = {"type"}


class Term(NamedTuple):
    """One term of the lexicon (immutable; a named tuple: ~70,000 are made when the lexicon loads, and a
    frozen dataclass took three times as long to build)."""

    code: str  # billable target code
    words: tuple[str, ...]  # content words (stemmed)
    text: str  # the term as written
    source: str  # "desc" | "incl" | "neoplasm" | "neoplasm-unspecified" | "abbr"


def term_words(text: str) -> tuple[str, ...]:
    text = _PAREN_RE.sub(" ", text)
    raw = [w.lower() for w in _WORD_RE.findall(text)]
    out = []
    for i, w in enumerate(raw):
        if w in _TERM_STOP and not (w == "type" and i + 1 < len(raw) and raw[i + 1].isdigit()):
            continue
        if w in ("without", "with"):
            break  # "without complications" / "with X" qualifiers: match the condition itself
        out.append(stem(w))
    # order-free, de-duplicated
    seen, uniq = set(), []
    for w in out:
        if w not in seen:
            seen.add(w)
            uniq.append(w)
    return tuple(uniq)


def _lexicon_words(text: str) -> tuple[str, ...]:
    """A term's words for matching: ``term_words`` with the possessive dropped ("Colles' fracture",
    "Alzheimer's disease": notes write "Colles fracture" as often; ``match`` folds a note's "Colles'" the same
    way). ``term_words`` itself stays as the coder's scorer was trained with."""
    return tuple(dict.fromkeys(stem(re.sub(r"'s?$", "", w)) if "'" in w else w for w in term_words(text)))


_REGION = stem("region")


def _without_region(words: tuple[str, ...]) -> tuple[str, ...]:
    """A tabular term's words without "region" beside its site word ("Pressure ulcer of sacral region": notes write
    "sacral pressure ulcer"). Not for the neoplasm table, whose "cervical region" is the neck, not the cervix."""
    return tuple(w for w in words if w != _REGION) if len(words) > 2 and _REGION in words else words


def default_billable(code: str) -> str | None:
    """The billable code a header stands for: the 'unspecified' (or '...without complications') child,
    followed down the tree; 7th character 'A' where one is required."""
    cs = icd10.codeset()
    cur = code
    for _ in range(6):
        kids = cs.children_map.get(cur)
        if not kids:
            break
        head = cs.raw(cur)["d"].lower().strip() + " nos"
        nos = [k for k in kids if any(i.lower().strip() == head for i in cs.raw(k).get("i", ()))]
        if nos:  # the child the tabular list gives the header's own words NOS: 'Concussion NOS' is S06.0XA (LOC
            cur = nos[0]  # status unknown), not S06.0X9 'with loss of consciousness of unspecified duration'
            continue
        def rank(k):
            d = cs.raw(k)["d"].lower()
            # ("Alcohol abuse" F10.1 -> F10.10 'uncomplicated', not F10.19 'with unspecified alcohol-induced disorder';
            # an intoxication or withdrawal NOS stays 'unspecified': F10.929)
            plain = "uncomplicated" in d and "with intoxication" not in d and "with withdrawal" not in d
            return (("without complication" in d or plain) * 4 + d.endswith("unspecified") * 3
                    + ("not specified as" in d) * 3 + ("unspecified" in d) * 2 + k.endswith("9") + k.endswith("0") * 0.5)
        cur = max(kids, key=rank)
    e = icd10.lookup(cur)
    if e is None:
        return None
    if e.seventh_required:
        return icd10.with_seventh(cur, "A") or (icd10.with_seventh(cur, next(iter(e.seventh_chars))) if e.seventh_chars else None)
    return cur if e.billable else None


class Lexicon:
    def __init__(self, terms: list[Term], key_pos: list[int] | None = None):
        """``key_pos``: for each term, the position in its words of the word it is indexed by (-1: none), as
        computed before (the on-disk cache keeps it); computed here when not given."""
        self.terms = terms
        self.key_pos = key_pos if key_pos is not None and len(key_pos) == len(terms) else _key_positions(terms)
        self.index: dict[str, list[int]] = {}
        for i, (t, k) in enumerate(zip(terms, self.key_pos)):
            if k >= 0:
                self.index.setdefault(t.words[k], []).append(i)
        self._of_code: dict[str, list[int]] | None = None  # code -> indices of its terms (built when first asked)
        self._words_of: dict[str, set] = {}
        self._recent: dict[tuple[str, int, int], tuple] = {}
        self._keyed: dict[str, list[tuple[int, frozenset]]] = {}  # word -> its terms, with their words as a set

    def _terms_keyed_by(self, word: str) -> list[tuple[int, frozenset]]:
        got = self._keyed.get(word)
        if got is None:
            got = self._keyed[word] = [(i, frozenset(self.terms[i].words)) for i in self.index.get(word, ())]
        return got

    def match_cached(self, text: str, start: int, end: int, tokens=None) -> tuple:
        """``match``, remembered for the last few hundred stretches: the coder matches each sentence once and
        its refinement steps read the same sentences again."""
        key = (text, start, end)
        hit = self._recent.get(key)
        if hit is None:
            hit = tuple(self.match(text, start, end, tokens))
            if len(self._recent) > 512:
                self._recent.clear()
            self._recent[key] = hit
        return hit

    def words_of(self, code: str) -> set:
        """The word tuples of every term that targets ``code`` (none empty), as the coder's scorer was trained
        with them: not the neoplasm table's "<site> tumor" terms (its unspecified-behaviour column, added later,
        would change a D49 code's coverage features and cost a few hundred terms per code)."""
        got = self._words_of.get(code)
        if got is None:
            got = self._words_of[code] = {t.words for t in self.terms_of(code)
                                          if t.words and t.source != "neoplasm-unspecified"}
        return got

    def terms_of(self, code: str) -> list[Term]:
        """Every term that targets ``code``, in lexicon order."""
        if self._of_code is None:
            of_code: dict[str, list[int]] = {}
            for i, t in enumerate(self.terms):
                of_code.setdefault(t.code, []).append(i)
            self._of_code = of_code
        return [self.terms[i] for i in self._of_code.get(code, ())]

    def match(self, text: str, start: int, end: int, tokens=None):
        """Terms whose words all occur in text[start:end]: [(Term, [token spans of its words])].
        ``tokens``: that stretch's tokens when the caller has them (coding_text.tokenize(text[start:end], start))."""
        if tokens is None:
            tokens = tokenize(text[start:end], start)
        toks = [t for t in tokens if not is_list_marker(text, t.start, t.end)]
        where: dict[str, list[tuple[int, int]]] = {}
        same = word_equivalents()
        for t in toks:  # (a possessive as the terms have it: "Colles'" -> colles)
            w = t.norm if "'" not in t.norm else stem(re.sub(r"'s?$", "", t.norm))
            where.setdefault(w, []).append((t.start, t.end))
            for alt in same.get(w, ()):  # "renal calculus" is "Calculus of kidney"
                where.setdefault(alt, []).append((t.start, t.end))
        order: dict[int, int] = {}  # token start -> position, for the neoplasm terms' word gap (built when needed)
        out = []
        present = where.keys()
        for w in where:
            for ti, words in self._terms_keyed_by(w):
                if present >= words:
                    term = self.terms[ti]
                    spans = _nearest(where, term.words, w, text)
                    if term.source == "abbr" and not _contiguous(text, spans):
                        continue  # an abbreviation is a fixed expression: "CKD stage 3b", not "stage 3 ... hepatitis B"
                    if term.source.startswith("neoplasm") and not _close(text, spans, toks, order):
                        continue  # "tumor of the left kidney", not "the tumor ... adherent to the brainstem and the nerve"
                    absent = _absent_in(term.text)
                    if len(spans) > 1 and any(_WITHOUT.search(text, max(start, a - 60), a) and x not in absent
                                              for x, (a, _) in zip(term.words, spans)):
                        continue  # "nausea without vomiting" is no 'Nausea and vomiting': the note says it is absent
                        # (unless the term says so too: "Concussion without loss of consciousness")
                    if (len(spans) > 1 and " not " not in f" {term.text.lower()} "
                            and any(a > spans_first and _NOT_BEFORE.search(text, max(start, a - 12), a)
                                    for spans_first in (min(x for x, _ in spans),) for a, _ in spans)):
                        continue  # "Multiple myeloma not in remission" is no 'Multiple myeloma in remission', "Fracture,
                        # not displaced" no displaced fracture: a word after the condition's first that the note says
                        # is not so (unless the term says 'not' too: "Migraine without aura, not intractable")
                    negated_in_term = _not_in(term.text)
                    if negated_in_term and any(x in negated_in_term and not _NOT_BEFORE.search(text, max(start, a - 12), a)
                                               for x, (a, _) in zip(term.words, spans)):
                        continue  # and a term that says a word is not so needs the note to say it: "Migraine with aura,
                        # intractable" is no 'Migraine with aura, not intractable'
                    if absent and any(x in absent and not _ABSENT_CUE.search(text, max(start, a - 30), a)
                                      for x, (a, _) in zip(term.words, spans)):
                        continue  # and a term that says a word is absent needs the note to say so: "Concussion with
                        # brief loss of consciousness" is not 'Concussion without loss of consciousness'
                    out.append((term, spans))
        if any(len(sp) > 1 for _, sp in out):
            out = _drop_joined_items(text, out, toks)
            out = [(term, sp) for term, sp in out if not _side_of_another_item(text, sp, toks)]
        return out


# "without vomiting", and every item of a list it opens: "without obstruction or gangrene", "w/o fever, chills"
_WITHOUT = re.compile(r"\b(?:without|w/o)\s+(?:(?:(?!with\b)[\w'-]+\s+){0,1}(?!with\b)[\w'-]+\s*(?:,\s*(?:or\s+|and\s+)?|\s(?:or|and|nor)\s+|/\s*)){0,3}$",
                      re.IGNORECASE)
_ABSENT_IN_TERM = re.compile(r"\bwithout\s+((?:(?!of\b|in\b|on\b|at\b|to\b|for\b|with\b|without\b)[A-Za-z0-9'-]+\s*)+)", re.IGNORECASE)
#: "not" (or "not in", "not yet in") just before a word of a term
_NOT_BEFORE = re.compile(r"\bnot\s+(?:yet\s+)?(?:in\s+)?$", re.IGNORECASE)
#: what a note writes before a word it says is absent ("without loss", "no loss", "w/o LOC", "denies loss")
_ABSENT_CUE = re.compile(r"\b(?:without|w/o|no|denies|denied|negative\s+for|absence\s+of|absent)\s+(?:\w+\s+)?$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _not_in(term_text: str) -> frozenset[str]:
    """The (stemmed) words a term says are not so: the word after its 'not' ("Migraine without aura, not intractable":
    intractable), which a note must write after 'not' too."""
    return frozenset(stem(m.group(1).lower()) for m in re.finditer(r"\bnot\s+([A-Za-z][A-Za-z'-]*)", term_text)
                     if m.group(1).lower() not in ("elsewhere", "having", "specified", "otherwise"))


@lru_cache(maxsize=4096)
def _absent_in(term_text: str) -> frozenset[str]:
    """The (stemmed) words a term itself says are absent: those after its 'without', up to a preposition
    ("Concussion without loss of consciousness": loss; "Laceration without foreign body of ...": foreign, body),
    which a note may also write after 'without' and must say are absent."""
    # (a word the term also says outside its 'without' is not absent: 'heart' of "Hypertensive heart disease without
    # heart failure"; only 'failure' is)
    said = {stem(w.lower()) for w in _WORD_RE.findall(_ABSENT_IN_TERM.sub(" ", term_text))}
    absent = {stem(w.lower()) for m in _ABSENT_IN_TERM.finditer(term_text) for w in _WORD_RE.findall(m.group(1))}
    return frozenset(absent - said)


def _drop_joined_items(text: str, out: list, toks) -> list:
    """A match that ends one item of a comma list and starts the next, each item going on with a word of its own,
    joins two conditions: "seizure disorder, developmental delay" is no 'Developmental disorder' (F89): each item
    has its own head. The inverted forms of one condition stay ("Severe osteoarthritis, right knee", "Fracture,
    left wrist", "Diabetes mellitus, type 2"), as do a site or side given further on ("corneal opacity ..., in the
    right eye"). A match across a semicolon always joins two items."""
    keep = []
    words = None  # the content tokens, listed when a match crosses one comma
    for term, spans in out:
        lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
        if len(spans) > 1 and ";" in text[lo:hi]:
            continue  # "urinary fistulae; impotence; incontinence" is no 'Urinary incontinence'
        if len(spans) < 2 or text.count(",", lo, hi) != 1:
            keep.append((term, spans))
            continue
        comma = text.index(",", lo, hi)
        mine = {a for a, _ in spans}
        if words is None:
            words = [t for t in toks if any(ch.isalpha() for ch in t.norm) and t.norm not in _TERM_STOP]
        left = [t for t in words if t.end <= comma and "," not in text[t.end:comma]]  # the item before the comma
        right = [t for t in words if t.start > comma and "," not in text[comma + 1:t.start]]  # and after it
        ok = True
        if left and right and left[-1].start in mine and right[0].start in mine:
            lw = [t.start in mine for t in left]
            rw = [t.start in mine for t in right]
            n_left = len(lw) - next((i for i, x in enumerate(reversed(lw)) if not x), len(lw))
            n_right = next((i for i, x in enumerate(rw) if not x), len(rw))
            # every word of the term is in the two stretches next to the comma, and both items go on past them
            if n_left + n_right == len(mine) and n_left < len(lw) and n_right < len(rw):
                ok = False
        if ok:
            keep.append((term, spans))
    return keep


def _side(word: str) -> str | None:
    w = word.lower()
    return "both" if w.startswith("bilater") or w == "both" else w if w in ("left", "right") else None


def _side_of_another_item(text: str, spans, toks) -> bool:
    """The term's side word lies in another comma / semicolon item than the rest of its words, and the rest's own
    item names another side: "right foot pain, right ankle soreness and swelling, and left ankle soreness" is no
    'Pain in left foot' (the foot's side is the right; the left is the ankle's). "Pain in both wrists, ..., greater in
    the right" keeps the right: both sides include it."""
    sided = [sp for sp in spans if _side(text[sp[0]:sp[1]])]
    if len(sided) != 1 or len(spans) < 2:
        return False
    side_sp = sided[0]
    rest = [sp for sp in spans if sp != side_sp]
    hi = max(b for _, b in spans)

    def item(pos: int) -> tuple[int, int]:
        start = max(text.rfind(",", 0, pos), text.rfind(";", 0, pos), text.rfind(".", 0, pos))
        ends = [x for x in (text.find(",", pos, hi), text.find(";", pos, hi)) if x >= 0]
        return start, min(ends, default=hi)

    home = item(rest[0][0])
    if any(item(a) != home for a, _ in rest) or item(side_sp[0]) == home:
        return False
    named = {_side(text[t.start:t.end]) for t in toks if home[0] < t.start < home[1]} - {None}
    return bool(named) and "both" not in named and _side(text[side_sp[0]:side_sp[1]]) not in named


#: levels of a neoplasm-table row that are no site ("jaw, carcinoma": the carcinoma of the jaw)
_NEOPLASM_HISTOLOGY = frozenset({"carcinoma"})

def _without_nec(level: str) -> str:
    """A neoplasm-table level without the Index's "NEC" (not elsewhere classified: "brain NEC", "arm NEC"), which no
    note writes; a level that is nothing else ("specified type NEC") keeps it, and stays unmatched."""
    rest = re.sub(r"\s*\bNEC\b", "", level).strip(" ,")
    return rest if rest != level and _lexicon_words(rest) else level


#: tumours of the glia, malignant by the Index wherever the note places them ("Glioma (malignant) - see Neoplasm,
#: malignant, by site"; glioblastoma, astrocytoma, oligodendroglioma alike): heads of the primary column for the sites
#: of the central nervous system (brain, meninges, spinal cord, cranial nerves: the optic nerve glioma), where glia are
_GLIAL_HEADS = ("glioma", "glioblastoma", "astrocytoma", "oligodendroglioma")
_GLIAL_SITES = frozenset({"C70", "C71", "C72"})
#: malignant tumours of connective tissue (Index: Sarcoma, Leiomyosarcoma ... - see Neoplasm, connective tissue,
#: malignant), placed by the neoplasm table's connective-tissue note (coding_lexicon.lexicon)
_SARCOMA_HEADS = ("sarcoma", "leiomyosarcoma", "liposarcoma", "fibrosarcoma", "angiosarcoma", "rhabdomyosarcoma",
                  "myxofibrosarcoma", "synovial sarcoma")
_BONE_SARCOMA_HEADS = ("osteosarcoma", "chondrosarcoma", "Ewing sarcoma", "Ewing's sarcoma")

#: a neoplasm-table term ("<site> tumor") matches when at most this many other content words lie between its words
NEOPLASM_GAP = 6


def _close(text: str, spans, toks, order: dict) -> bool:
    """The site and the tumour word name one thing ("tumor in the lower pole of the right kidney"): at most
    NEOPLASM_GAP other content words between the first and the last of them, and no sentence break (full stop,
    semicolon) between."""
    lo, hi = min(spans), max(spans)
    if any(ch in ".;" for ch in text[lo[1]:hi[0]]):
        return False
    if not order:
        order.update((t.start, i) for i, t in enumerate(toks))
    mine = {s for s, _ in spans}
    between = toks[order.get(lo[0], 0) + 1:order.get(hi[0], 0)]
    return sum(t.norm not in STOP and t.start not in mine for t in between) <= NEOPLASM_GAP


_GAP_WORDS = re.compile(r"(?:[ \t,-]|\b(?:of|the|a|an|on|left|right)\b)*")


def _contiguous(text: str, spans) -> bool:
    """The words follow one another in order, with at most white space, a comma, a hyphen, an article, "of", "on" or
    a side between them ("3b": none; "below-knee"; "fracture of the left distal radius"; "ulcer, right foot"), a
    slash between two letters ("s/p CABG", "N/V") or the full stop of a one-letter genus ("C. diff colitis")."""
    return all(a[1] <= b[0] and (_GAP_WORDS.fullmatch(text, a[1], b[0])
                                 or (text[a[1]:b[0]] == "/" and a[1] - a[0] == 1 and b[1] - b[0] == 1)
                                 or (text[a[1]:b[0]] in (". ", ".") and a[1] - a[0] == 1))  # "C. diff colitis"
               for a, b in zip(spans, spans[1:]))


def _key_positions(terms: list[Term]) -> list[int]:
    """Each term is indexed by its rarest word (ties: the alphabetically first)."""
    freq: dict[str, int] = {}
    for t in terms:
        for w in t.words:
            freq[w] = freq.get(w, 0) + 1
    out = []
    for t in terms:
        if not t.words:
            out.append(-1)
            continue
        key = min(t.words, key=lambda w: (freq[w], w))
        out.append(t.words.index(key))
    return out


def _nearest(where: dict, words, key: str, text: str = "") -> list[tuple[int, int]]:
    """Each word's occurrence near an occurrence of the key word ("Type 2 diabetes ... stage 2" takes the '2'
    next to 'Type', not a later one). Of three choices per occurrence of the key word (each word's nearest
    occurrence, or the nearest after / before it where there is one) the one whose words no comma, semicolon or
    full stop separates, then the tightest: "vascular disease, coronary artery disease" gives "coronary artery
    disease" for "Coronary (artery) disease", not "disease, coronary"; "acute kidney injury on chronic kidney
    disease" gives "kidney injury" for 'Injury of kidney', not "injury on chronic kidney"."""
    if all(len(where[x]) == 1 for x in words):
        return [where[x][0] for x in words]  # (most terms: each word once, nothing to choose)
    if len(words) < 2:
        anchor = where[key][0][0]
        return [min(where[x], key=lambda sp: abs(sp[0] - anchor)) for x in words]
    choices = []
    for anchor in (sp[0] for sp in where[key][:6]):  # each occurrence of the key word ("high cholesterol, and high
        near = [min(where[x], key=lambda sp: abs(sp[0] - anchor)) for x in words]  # blood pressure": the second)
        choices.append(near)
        for side in (1, -1):
            pick = []
            for x in words:
                same = [sp for sp in where[x] if (sp[0] - anchor) * side >= 0]
                pick.append(min(same or where[x], key=lambda sp: abs(sp[0] - anchor)))
            choices.append(pick)

    def cost(pick):  # (the order of the words does not count: "kidney injury" is 'Injury of kidney')
        lo, hi = min(s for s, _ in pick), max(e for _, e in pick)
        split = any(ch in ",;." for ch in text[lo:hi]) if text else False
        return (split, hi - lo)

    return min(choices, key=cost)


_MARKER_BEFORE = re.compile(r"[ \t\u2022*\-]*")


def is_list_marker(text: str, start: int, end: int) -> bool:
    """A number that numbers a list item ("2. Type 2 diabetes", "3) CKD"): never a word of a mention."""
    return (text[start:end].isdigit() and end < len(text) and text[end] in ".)"
            and (end + 1 >= len(text) or text[end + 1] in " \t\n")
            and bool(_MARKER_BEFORE.fullmatch(text, text.rfind("\n", 0, start) + 1, start)))


@lru_cache(maxsize=1)
def word_equivalents() -> dict[str, tuple[str, ...]]:
    """word -> the other words of its group in resources/icd10cm/word_equivalents.json (an organ's noun and
    adjective, British spellings: words the Alphabetic Index treats as one). A group's words are folded the
    way the tokenizer folds a note's words."""
    try:
        with open(resource_path("icd10cm/word_equivalents.json"), encoding="utf-8") as fh:
            groups = json.load(fh).get("groups", [])
    except FileNotFoundError:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for group in groups:
        if not isinstance(group, list) or not all(isinstance(w, str) and w.strip() for w in group):
            raise ValueError(f"word_equivalents.json: a group must be a list of words, got {group!r}")
        words = list(dict.fromkeys(stem(w.strip()) for w in group))
        for w in words:
            out[w] = tuple(dict.fromkeys(out.get(w, ()) + tuple(x for x in words if x != w)))
    return out


def _abbreviations() -> dict:
    try:
        with open(resource_path("icd10cm/abbreviations.json"), encoding="utf-8") as fh:
            return json.load(fh).get("terms", {})
    except FileNotFoundError:
        return {}


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _build() -> Lexicon:
    """The lexicon: from the on-disk cache when its key matches (coding_lexicon_cache), else compiled."""
    from . import coding_lexicon_cache as cache

    try:
        key = cache.cache_key()
    except OSError:
        key = None
    got = cache.load(key) if key else None
    if got is not None:
        rows, key_pos = got
        return Lexicon([Term(*row) for row in rows], key_pos)
    lex = Lexicon(_compile())
    if key:
        cache.save(key, [(t.code, t.words, t.text, t.source) for t in lex.terms], lex.key_pos)
    return lex


_WITHOUT_MENTION = re.compile(r",?\s+without mention of\b.*$", re.IGNORECASE)


def _compile() -> list[Term]:
    cs = icd10.codeset()
    terms: list[Term] = []
    headed: set[int] = set()  # terms of a category header, given to its default billable code
    target_cache: dict[str, str | None] = {}

    def target(code: str) -> str | None:
        if code not in target_cache:
            e = cs.raw(code)
            if e is None:
                target_cache[code] = None
            elif e["b"]:
                target_cache[code] = code
            else:
                target_cache[code] = default_billable(code)
        return target_cache[code]

    for code in cs.codes():
        e = cs.raw(code)
        if "." not in code and cs.children_map.get(code) and len(cs.children_map[code]) > 12:
            pass  # broad categories still give their unspecified child
        tgt = target(code)
        if not tgt:
            continue
        incl = list(e.get("i", ())) + list(e.get("inc", ()))
        for text, src in [(e["d"], "desc")] + [(i, "incl") for i in incl]:
            # ("Internal hemorrhoids, without mention of degree" is internal hemorrhoids whose degree the note does not
            # give: what is not mentioned is no word the note must write, nor one it must say is absent)
            text = _WITHOUT_MENTION.sub("", text)
            low = text.lower()
            if src == "desc" and low.startswith(("other ", "other and unspecified")):
                continue
            if not e["b"] and "elsewhere classified" in low:
                continue
            w = _without_region(_lexicon_words(text))
            if 1 <= len(w) <= 8:
                terms.append(Term(tgt, w, text, src))
                if tgt != code:
                    headed.add(id(terms[-1]))
    # Index: "Bite(s) (animal) (human) - <site> - see Bite, open, <site>": a note's "dog bite of the right hand" is
    # the open bite of that site ('Open bite of right hand', S61.451A), not only a bite written "open bite"
    open_word = stem("open")
    terms += [Term(t.code, tuple(w for w in t.words if w != open_word), t.text[len("Open "):], "incl")
              for t in list(terms) if t.source == "desc" and t.text.startswith("Open bite of ") and len(t.words) > 2]
    # Index: "Injury, pressure - see Ulcer, pressure by site": the NPIAP's "pressure injury" is the tabular's pressure ulcer
    ulcer, injury = stem("ulcer"), stem("injury")
    terms += [Term(t.code, tuple(injury if w == ulcer else w for w in t.words), "Pressure injury" + t.text[len("Pressure ulcer"):],
                   t.source) for t in list(terms)
              if t.source in ("desc", "incl") and t.text.startswith("Pressure ulcer") and ulcer in t.words]
    # and its deep tissue injury is the tabular's "Pressure-induced deep tissue damage of <site>"
    dti = "Pressure-induced deep tissue damage of "
    for t in list(terms):
        if t.source == "desc" and t.text.startswith(dti):
            site = t.text[len(dti):]
            terms += [Term(t.code, _without_region(_lexicon_words(f"{head} of {site}")), f"{head} of {site}", "incl")
                      for head in ("Deep tissue pressure injury", "Deep tissue injury")]
    # Index defaults a note need not write: "Laceration (without foreign body)" and a finger's wound "without damage to
    # nail" ('Laceration of left index finger' is S61.211A, the tabular words "without foreign body ... without damage
    # to nail"); a fracture "of fifth metatarsal" is of that bone ('Fracture of fifth metatarsal bone'). (The bite terms
    # just made go through it too: "dog bite of the left index finger" needs neither "open" nor "nail".)
    bone, fracture = stem("bone"), stem("fracture")
    in_limb = ((stem("metacarpal"), stem("hand")), (stem("metatarsal"), stem("foot")))
    variants = []
    for t in terms:
        if t.source not in ("desc", "incl"):
            continue
        low = t.text.lower()
        drop: set = set()
        text = t.text
        for phrase in ("without foreign body", "without damage to nail"):
            if phrase in low:
                drop |= {stem(w) for w in phrase.split()[1:] if w != "to"}
                text = re.sub(r"\s*" + phrase + r"\b", "", text, flags=re.IGNORECASE)
        if fracture in t.words and bone in t.words and len(t.words) >= 4:
            drop.add(bone)
            # a metacarpal is of the hand, a metatarsal of the foot: "fracture of the left fifth metacarpal" is
            # 'Unspecified fracture of fifth metacarpal bone, left hand' (S62.307A)
            drop |= {whole for part, whole in in_limb if part in t.words and whole in t.words}
        words = tuple(w for w in t.words if w not in drop)
        if drop and len(words) >= 2 and words != t.words:
            variants.append(Term(t.code, words, text, "incl"))
    terms += variants
    # neoplasm table: "<site> cancer|carcinoma|malignant neoplasm" -> primary; "metasta..." handled by scorer
    try:
        with open(resource_path("icd10cm/neoplasm.json"), encoding="utf-8") as fh:
            neo = json.load(fh)
        same = word_equivalents()

        def canon(words: tuple[str, ...]) -> frozenset:  # a site's words, an organ's noun and adjective as one
            return frozenset(min((w,) + tuple(same.get(w, ()))) for w in words)

        # the connective-tissue list's sites ("connective tissue NEC, thigh"): a sarcoma there is of the connective
        # tissue (its rows), a sarcoma of any other site is of that site's organ (the table's note: "for sites that do
        # not appear in this list, code to neoplasm of that site; e.g., fibrosarcoma, pancreas C25.9")
        soft = {canon(_lexicon_words(_without_nec(p[-1]))) for p, _ in neo["rows"]
                if len(p) > 2 and p[1].lower().startswith("connective tissue")}

        def add(site: str, heads: tuple[str, ...], code: str, source: str = "neoplasm") -> None:
            for head in heads:
                w = _lexicon_words(f"{site} {head}")
                if 2 <= len(w) <= 8:
                    terms.append(Term(code, w, f"{site} {head}", source))

        for path, cells in neo["rows"]:
            if len(path) < 2:
                continue
            # the site: the row's last two levels, a histology level the table nests a site under left out
            # ("alveolar, ridge or process, carcinoma, lower" is no "carcinoma lower", which "carcinoma of the right
            # lower leg" matched as the lower gum)
            levels = [_without_nec(p) for p in path[1:] if p.lower() not in _NEOPLASM_HISTOLOGY]
            if not levels:
                continue
            site = " ".join(levels[-2:])
            # the primary column: "<site> cancer"; the benign one: "<site> adenoma" (Index: Adenoma - see also
            # Neoplasm, benign, by site), "benign <site> tumor"; the unspecified-behaviour one: "<site> tumor"
            # (Index: Tumor - see also Neoplasm, unspecified behavior, by site)
            for col, heads in ((0, ("cancer", "carcinoma", "adenocarcinoma", "malignant neoplasm", "malignant tumor")),
                               (3, ("adenoma", "benign tumor", "benign neoplasm")),
                               (5, ("tumor", "neoplasm"))):
                code = (cells[col] or "").rstrip("-").rstrip(".") if len(cells) > col else ""  # "C56.-": the category
                tgt = target(code) if code and cs.raw(code) else None
                if tgt:
                    if col == 0 and tgt[:3] in _GLIAL_SITES:  # (Index: Glioma - see Neoplasm, malignant, by site)
                        heads = heads + _GLIAL_HEADS
                        # a part of the nervous system named on its own ("glioblastoma of the temporal lobe": the
                        # table's "brain NEC, temporal lobe")
                        if len(levels) > 1 and len(_lexicon_words(levels[-1])) >= 2:
                            add(levels[-1], _GLIAL_HEADS, tgt)
                    if col == 0:
                        connective = path[1].lower().startswith("connective tissue")
                        bone = path[1].lower() == "bone"
                        if (connective or bone) and len(levels) > 1:
                            # "sarcoma of the thigh": the thigh's connective tissue; "osteosarcoma of the femur": the
                            # femur (Index: Osteosarcoma, Chondrosarcoma, Ewing's sarcoma - see Neoplasm, bone, malignant)
                            add(levels[-1], _BONE_SARCOMA_HEADS if bone else _SARCOMA_HEADS, tgt)
                        elif not connective and not bone and not any(canon(_lexicon_words(lv)) in soft for lv in levels):
                            heads = heads + _SARCOMA_HEADS  # "leiomyosarcoma of the lung": the lung
                    add(site, heads, tgt, "neoplasm-unspecified" if col == 5 else "neoplasm")
            terms += _node_metastasis_terms(path, cells, target, cs)
    except FileNotFoundError:
        pass
    # "Pressure ulcer of other site" (L89.89-) has the words of "Pressure ulcer of unspecified site" (L89.9-): 'other',
    # 'site' and 'unspecified' are no words of the matcher. A note that names the condition and no site is the
    # unspecified code (Index: Ulcer, pressure L89.9-), so a tabular term whose only telling word is 'other' is dropped
    # where a term of another code without it has the same words. Not where that term is a category's own, given to
    # its default code ('Anemia in chronic diseases classified elsewhere', D63: no rival of D63.8's "Anemia in other
    # chronic diseases"), nor an 'other' site, bone, joint or ligament: a site the tabular does not list by name
    # ("pathological fracture of the mandible" is M84.48, 'other site')
    plain = {t.words for t in terms if t.source in ("desc", "incl") and not _OTHER.search(t.text) and id(t) not in headed}
    terms = [t for t in terms if not (t.source in ("desc", "incl") and _OTHER.search(t.text) and t.words in plain
                                      and not _OTHER_SITE.search(t.text))]
    # "Cyst of kidney NOS (congenital)" (Q61.00) has the words of "Cyst of kidney, acquired" (N28.1): where the same
    # words name an acquired condition, the congenital code needs the word "congenital" in the note
    acquired = {t.words for t in terms if not t.code.startswith("Q")}
    terms = [Term(t.code, t.words + ("congenital",), t.text, t.source)
             if t.code.startswith("Q") and "(congenital" in t.text.lower() and t.words in acquired else t
             for t in terms]
    for abbr, code in _abbreviations().items():
        tgt = target(icd10.normalize(code))
        if not tgt:  # a code with its 7th character ('H35.3290', 'O32.1XX0'): the tabular list stores its base
            entry = icd10.lookup(code)
            tgt = entry.code if entry is not None and entry.billable else None
        if tgt:
            # the notes' own tokenizer: "CKD stage 3b" is the tokens ckd, stage, 3, b (a word split on spaces,
            # "3b", is a token no note has, and the staged abbreviation never matched)
            terms.append(Term(tgt, tuple(t.norm for t in tokenize(abbr)), abbr, "abbr"))
    return terms


#: how notes word a spread to lymph nodes ("mediastinal lymph node metastases", "metastatic axillary lymph nodes",
#: "hilar nodal metastasis"): the words joined to a lymph-node region of the neoplasm table
_NODE_METASTASIS = ("lymph node metastases", "lymph node metastasis", "lymph node metastatic", "nodal metastases",
                    "nodal metastasis", "node metastases", "node metastasis", "metastatic lymphadenopathy",
                    "metastatic adenopathy", "metastatic adenopathies")


def _node_metastasis_terms(path, cells, target, cs) -> list[Term]:
    """The neoplasm table's 'lymph, gland' rows by region (Index: Neoplasm, lymph, gland (secondary), mediastinal
    C77.1): "<region> lymph node metastases" and its wordings -> the secondary column's code (C77.0-C77.5, C77.9
    with no region). The table words the region alone ('mediastinal'), not a sentence a note writes."""
    if len(path) < 3 or not path[1].lower().startswith("lymph, lymphatic") or path[2] != "gland" or len(path) > 4:
        return []
    code = (cells[1] or "").rstrip("-").rstrip(".") if len(cells) > 1 else ""
    tgt = target(code) if code.startswith("C77") and cs.raw(code) else None
    if not tgt:
        return []
    regions = [r.strip() for r in path[3].split(",")] if len(path) == 4 else [""]
    out = []
    for region in regions:
        if region.lower() in ("primary", "site nec") or "(" in region or "multiple" in region.lower():
            continue
        for head in _NODE_METASTASIS:
            w = _lexicon_words(f"{region} {head}".strip())
            if 2 <= len(w) <= 8:
                out.append(Term(tgt, w, f"{region} {head}".strip(), "neoplasm"))
    return out


def lexicon() -> Lexicon:
    with _lock:
        return _build()
