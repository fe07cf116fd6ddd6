"""Safety checks on the coder's suggested set (rules: resources/icd10cm/safety_rules.json).

A code is suggested only when its evidence is a mention of that condition:

* mention check: the evidence holds a non-weak word of the code's own vocabulary (tabular description,
  inclusion terms, the lexicon's terms for it, plus the rules' synonyms) — "per hour" is not pain,
  "exertion" is not dyspnoea, "diabetes" is not hypertension; a review-of-systems heading
  ("Gastrointestinal:") is never a mention;
* per-code rules: words the evidence must hold, site agreement with its sentence ("knee effusion" is not
  a pleural effusion), sentence words that rule it out (planned weight loss, a well-healed scar), text
  around the word that changes its meaning ("fall allergies"), codes never suggested (R69, blood type);
* specificity: a more specific code the sentence or note supports replaces the default one (type 2
  diabetes with hyperglycemia: E11.65), ICD-10-CM's presumed combinations (hypertension + heart failure:
  I11.0), an unspecified code is dropped when a more specific code of its own parent is suggested, and a
  sign/symptom code (chapter R) is dropped when a suggested diagnosis excludes it (Excludes1);
* chronic conditions given as past history that the note treats now (a drug for it is named) are current.

Every change leaves the code listed, with a warning that says why it is not suggested.
"""
from __future__ import annotations

import bisect
import json
import re
from functools import lru_cache

from medassist import icd10
from medassist.config import resource_path
from medassist.document import Span
from medassist.text.literals import lower_ascii, may_match, required_literals

from .coding_text import STOP, stem, tokenize

_NOT_A_MENTION = "not suggested: the evidence is not a mention of this condition"
_PART_OF_MENTION = "its mention is part of the mention of the suggested"
#: the reasons a code held back names no such condition at all (code.suggest_mentions suggests none of them)
NO_MENTION = (_NOT_A_MENTION, "not suggested: " + _PART_OF_MENTION)


class LazyPattern:
    """A regular expression compiled the first time it is used. The per-code rules hold a few hundred; a
    note's candidates use a few dozen, and compiling them all was a tenth of a second of every cold start.
    ``compile()`` compiles now (the tests compile every rule's pattern, so a bad one fails there)."""

    __slots__ = ("pattern", "flags", "_rx")

    def __init__(self, pattern: str, flags: int = re.IGNORECASE):
        self.pattern, self.flags, self._rx = pattern, flags, None

    def compile(self) -> re.Pattern:
        if self._rx is None:
            self._rx = re.compile(self.pattern, self.flags)
        return self._rx

    def search(self, string: str, *args):
        return self.compile().search(string, *args)

    def finditer(self, string: str, *args):
        return self.compile().finditer(string, *args)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


class SafetyRules:
    def __init__(self, data: dict):
        self.weak = {stem(w) for w in data.get("weak_words", [])}
        self.synonyms = {p: {stem(w) for w in ws} for p, ws in data.get("synonyms", {}).items()}
        self.codes: dict[str, dict] = {}
        shared = data.get("patterns", {})  # named patterns a rule's pattern may list: ["@vaccine_named", "..."]

        def pattern(value) -> str:
            parts = value if isinstance(value, list) else [value]
            return "|".join(shared[x[1:]] if x.startswith("@") else x for x in parts)

        for prefixes, rule in data.get("codes", {}).items():
            r = dict(rule)
            for key in ("evidence_requires", "sentence_requires", "sentence_forbids", "not_around", "note_requires"):
                if key in r:
                    r[key] = LazyPattern(pattern(r[key]))
            for prefix in prefixes.split("|"):  # "I71|I72": one rule for several categories
                self.codes[prefix] = r
        # a "when" part may list alternatives, any of which will do: ["Z00.129", ["A", "B", "J0", ...]]
        self.combinations = [dict(r, when=[tuple(p) if isinstance(p, list) else p for p in r["when"]])
                             for r in data.get("combinations", [])]
        self.specific_for = []
        explicit = {(r["code"], r["to"]) for r in data.get("specific_for", []) if "code" in r}
        items = expand_like(data.get("specific_for", []))
        items = expand_by_site(items, data.get("site_lists", {}))
        for rule in expand_reworded(items, explicit):
            r = dict(rule)
            for key in ("sentence_requires", "sentence_forbids", "evidence_forbids", "evidence_requires"):
                if key in r:
                    r[key] = LazyPattern(pattern(r[key]))
            self.specific_for.append(r)
        self.chronic = {p: [w.lower() for w in ws] for p, ws in data.get("chronic_treated", {}).items()}
        cl = data.get("chronic_lifelong") or {}
        self.lifelong = (tuple(cl.get("codes", ())), cl.get("why", "a lifelong chronic condition"))
        self.lifelong_episodes = tuple(cl.get("except", ()))  # episodes of a lifelong condition: DKA, a hypoglycemia
        self.assessment = dict(data.get("assessment", {}))
        # one-word names too general to stand for a code on their own, even in the assessment (beside weak_words)
        self.one_word_general = frozenset(w.lower() for w in self.assessment.get("one_word_general", ()))
        ld = data.get("link_denied") or {}
        # the complication codes of these prefixes ('with', I.A.15) are not made from a sentence that says its
        # condition is not one of theirs ("Peripheral neuropathy due to chemotherapy, not diabetic")
        self.link_denied = (tuple(ld.get("codes", ())), LazyPattern(ld.get("pattern", "(?!)")), ld.get("why", ""))
        pe = data.get("past_episode") or {}
        self.past_episode = (re.compile(pe["sentence"], re.IGNORECASE), tuple(pe.get("codes", ())), pe.get("why", ""),
                             re.compile(pe.get("around", "(?!)"), re.IGNORECASE)) if pe else None
        self.companions = [dict(r, note_matches=re.compile(_space_first(pattern(r["note_matches"])), re.IGNORECASE),
                                sentence_forbids=(re.compile(pattern(r["sentence_forbids"]), re.IGNORECASE)
                                                  if r.get("sentence_forbids") else None))
                           for r in data.get("companions", [])]
        self.integral = [(tuple(r["disease"]), tuple(r["symptoms"]), r.get("why", ""), bool(r.get("same_site")),
                          bool(r.get("same_sentence")), LazyPattern(r["unless_note"]) if r.get("unless_note") else None)
                         for r in data.get("integral_symptoms", [])]
        ncs = data.get("not_current_sections") or []
        # sections whose words are not a current condition of the patient: [(sections, codes kept, why, codes
        # concerned (all when empty), only when the note has one of these sections (any note when empty), the title
        # of an operation that still counts (operation_title; None: none))]. A rule's "title": the title of an
        # operation names what was operated on, the diagnosis of a note that states none elsewhere; the condition's
        # words come right before the operation's word ("hernia repair") or after it and "of" / "for", with a few
        # words between ("Repair of recurrent left inguinal hernia")
        def title(t: dict | None):
            if not t:
                return None
            ops = t["operations"]
            return (re.compile(rf"[\s-]*(?:{ops})\b", re.IGNORECASE),
                    re.compile(rf"\b(?:{ops})\s+(?:of|for)\s+(?:[A-Za-z]+,?\s+){{0,3}}$", re.IGNORECASE),
                    int(t.get("max_words", 12)), set(t.get("when_note_lacks", ())))

        self.not_current = [(set(r.get("sections", ())), tuple(r.get("except", ())), r.get("why", ""),
                             tuple(r.get("only", ())), set(r.get("when_note_has", ())), title(r.get("title")))
                            for r in ([ncs] if isinstance(ncs, dict) else ncs)]
        na = data.get("number_agreement") or {}
        self.number_gap = int(na.get("max_gap", 30))
        self.number_values = {k.lower(): str(v) for k, v in na.get("values", {}).items()}
        self.number_kinds = [(k["name"], re.compile(k["code"], re.IGNORECASE),
                              [re.compile(x, re.IGNORECASE) for x in k["note"]], bool(k.get("required", True)))
                             for k in na.get("kinds", [])]
        self.never_evidence = {w.lower() for w in data.get("never_evidence_words", [])}
        # an unspecified code of a category whose children are all forms of one condition, beside a suggested code
        # that names the form: [(code, prefixes of the codes that name it, why)]
        self.unspecified_beside = [(r["code"], tuple(r["beside"]), r.get("why", ""))
                                   for r in data.get("unspecified_beside", [])]
        cp = data.get("complicating_pregnancy") or {}
        # [(prefixes, prefixes excepted, the code in pregnancy, in childbirth)], the cue of an incidental pregnancy, why
        self.complicating_pregnancy = ([(tuple(f["codes"]), tuple(f.get("except", ())), f["pregnancy"], f["childbirth"])
                                        for f in cp.get("families", [])],
                                       LazyPattern(cp.get("incidental", "(?!)")), cp.get("why", ""))
        self._rule_cache: dict[str, dict] = {}

    def patterns(self) -> list[LazyPattern]:
        """Every lazily compiled pattern of the per-code and specificity rules."""
        return [v for r in [*self.codes.values(), *self.specific_for] for v in r.values() if isinstance(v, LazyPattern)]

    def rule_for(self, code: str) -> dict:
        """The rule of the longest prefix of ``code``, with what it does not say taken from the shorter prefixes ("C22"
        says what a liver cancer's sentence may not say; "C" that its mention needs a tumour word). Looked up once per
        code."""
        if code not in self._rule_cache:
            merged: dict = {}
            for p in sorted((p for p in self.codes if code.startswith(p)), key=len):
                rule = self.codes[p]
                for k, v in rule.items():
                    merged[k] = v
                    if k != "why":  # each check says its own rule's why
                        merged["why:" + k] = rule.get("why")
            self._rule_cache[code] = merged
        return self._rule_cache[code]

    def chronic_drugs(self, code: str) -> list[str]:
        prefix = max((p for p in self.chronic if code.startswith(p)), key=len, default=None)
        return self.chronic[prefix] if prefix is not None else []


def _expanded(items: list, key: str, rows_of) -> list:
    """``items`` with each ``{key: spec}`` item replaced, in place, by the rows ``rows_of(spec)`` makes of it."""
    out = []
    for item in items:
        spec = item.get(key)
        out.extend([item] if spec is None else rows_of(spec))
    return out


def expand_reworded(items: list, explicit: set) -> list:
    """``specific_for`` with each ``{"reworded": ...}`` item replaced, in place, by the rows it stands for: for every
    billable code under ``prefixes`` whose description matches ``from`` (a pattern), and each of ``to`` in order, a
    rule from that code to the code whose description is ``from`` replaced by ``as`` (a replacement string), when the
    sentence matches that target's ``sentence_requires`` (and not its ``sentence_forbids``). The tabular list's own
    wording pairs the rows ('..., unspecified severity, ...' / '..., moderate, ...'), so a family of codes needs one
    item, not a row per code; a pair written out as a row of its own (``explicit``) is not made again. The item's
    ``evidence_requires`` goes to every row it makes (an acute leukemia's 'in remission' only for a mention that
    says acute)."""
    return _expanded(items, "reworded", lambda spec: _reworded_rows(spec, explicit))


def _reworded_rows(spec: dict, explicit: set) -> list:
    rx = re.compile(spec["from"])
    by_desc = {}
    codes = _sorted_codes()
    for code in (c for pre in spec["prefixes"]
                 for c in codes[bisect.bisect_left(codes, pre):bisect.bisect_left(codes, pre + "\uffff")]):
        e = icd10.lookup(code)
        if e is not None and e.seventh_required:  # (its codes are the 7th characters': 'H35.3210 ..., stage unspecified')
            for full in (icd10.lookup(icd10.with_seventh(e.code, ch)) for ch in e.seventh_chars):
                if full is not None and full.billable:
                    by_desc[full.description] = full.code
        elif e is not None and e.billable:
            by_desc[e.description] = e.code
    rows = []
    for desc, code in by_desc.items():
        if not rx.search(desc):
            continue
        for target in spec["to"]:
            to = by_desc.get(rx.sub(target["as"], desc))
            if to is None or (code, to) in explicit:
                continue
            row = {"code": code, "to": to, "sentence_requires": target["sentence_requires"],
                   "why": spec["why"].format(**{k: v for k, v in target.items() if k != "sentence_requires"})}
            if target.get("sentence_forbids"):
                row["sentence_forbids"] = target["sentence_forbids"]
            if spec.get("evidence_requires"):
                row["evidence_requires"] = spec["evidence_requires"]
            rows.append(row)
    return sorted(rows, key=lambda r: r["code"]) if spec.get("sorted") else rows


def expand_like(items: list) -> list:
    """``specific_for`` with each ``{"like": ...}`` item replaced, in place, by rows made from the explicit rows of
    another code (``rows_of``): for each of ``sites`` ([that code's target, the site's name, a target per entry of
    ``codes``]) and each entry of ``codes`` in turn, that row's sentence pattern with each ``replace`` pair
    ([old, new] substrings: the condition's words) swapped, to the entry's own target. A melanoma is placed on the skin
    as the skin carcinomas are: the C44.91 rows' site patterns, 'melanoma' for 'basal / squamous cell carcinoma',
    to C43.- (and D03.- in situ)."""
    explicit = {(r["code"], r["to"]): r for r in items if "code" in r}
    return _expanded(items, "like", lambda spec: _like_rows(spec, explicit))


def _like_rows(spec: dict, explicit: dict) -> list:
    rows = []
    for source_to, name, *targets in spec["sites"]:
        pattern = explicit[(spec["rows_of"], source_to)]["sentence_requires"]
        for old, new in spec["replace"]:
            pattern = pattern.replace(old, new)
        for entry, to in zip(spec["codes"], targets):
            row = {"code": entry["code"], "to": to, "sentence_requires": pattern}
            if entry.get("sentence_forbids"):
                row["sentence_forbids"] = entry["sentence_forbids"]
            row["why"] = entry["why"].format(site=name, to=to)
            rows.append(row)
    return rows


_SIDES = (("1", "right", r"\bright\b", r"\bleft\b"), ("2", "left", r"\bleft\b", r"\bright\b"))
_BOTH_SIDES = r"\bboth\b|\bbilateral\b|\bbilaterally\b"


def expand_by_site(items: list, site_lists: dict) -> list:
    """``specific_for`` with each ``{"by_site": ...}`` item replaced, in place, by the rows it stands for: for each of
    ``codes`` and each site of the named list (``site_lists[sites]``: [digit, name, pattern]), a rule to ``family`` +
    the site's digit + the side's digit (1 right, 2 left, 9 neither), when the sentence names the site with that side
    (within 40 characters, either order; 9: no side, neither side nor both), and ``sentence_requires`` (a condition
    of the whole sentence: 'chronic') holds and ``sentence_forbids`` does not. A target that is no billable code is
    left out. "Rheumatoid arthritis of the right knee": M06.9 -> M06.861; "Acute osteomyelitis of the left tibia":
    M86.9 -> M86.162. Both sides, or the site's plural (a fourth entry of the list) with no side: ``_both_rows``."""
    return _expanded(items, "by_site", lambda spec: _site_rows(spec, site_lists))


#: both sides said of a site: "both hands", "bilateral wrist", "right and left ankles"
_BOTH_SAID = r"\bboth\b|\bbilateral(?:ly)?\b|\bright\s+and\s+left\b|\bleft\s+and\s+right\b"


def _both_rows(code: str, spec: dict, digit: str, name: str, site: str, plural: str | None) -> list:
    """Rows for a site the sentence names on both sides ("Osteoarthritis of both hands") or in the plural with no
    side ("Osteoarthritis of the hands"): the family's bilateral code where it has one, else the right code and,
    as ``also``, the left one (guideline I.B.13: no bilateral code, a code for each side)."""
    family, extra_req, extra_forbid = spec["family"], spec.get("sentence_requires"), spec.get("sentence_forbids")
    both = icd10.lookup(f"{family}{digit}3")
    if both is not None and both.billable and "bilateral" in both.description.lower():
        to, also = both.code, None
    else:
        right, left = icd10.lookup(f"{family}{digit}1"), icd10.lookup(f"{family}{digit}2")
        if right is None or left is None or not (right.billable and left.billable):
            return []
        to, also = right.code, left.code
    found = [f"(?:{site})[^.;\\n]{{0,40}}?(?:{_BOTH_SAID})|(?:{_BOTH_SAID})[^.;\\n]{{0,40}}?(?:{site})"]
    forbid = [None]
    if plural:  # the plural said with no side: both ("the hands"), not the fingers of one hand
        found.append(f"(?:{plural})")
        forbid.append(r"\bright\b|\bleft\b")
    rows = []
    for sr, fb in zip(found, forbid):
        if extra_req:
            sr = f"^(?=[\\s\\S]*(?:{extra_req}))[\\s\\S]*?(?:{sr})"
        if extra_forbid:
            fb = f"{fb}|{extra_forbid}" if fb else extra_forbid
        row = {"code": code, "to": to, "sentence_requires": sr,
               "why": spec["why"].format(site=name) + (", both sides" if also is None else ", each side (no code says both)")}
        if fb:
            row["sentence_forbids"] = fb
        if also:
            row["also"] = also
        rows.append(row)
    return rows


def _site_rows(spec: dict, site_lists: dict) -> list:
    rows = []
    extra_req, extra_forbid = spec.get("sentence_requires"), spec.get("sentence_forbids")
    for code in spec["codes"]:
        for digit, name, site, *plural in site_lists[spec["sites"]]:
            rows.extend(_both_rows(code, spec, digit, name, site, plural[0] if plural else None))
            for sd, side, req, other in (*_SIDES, ("9", None, None, None)):
                to = f"{spec['family']}{digit}{sd}"
                e = icd10.lookup(to)
                if e is None or not e.billable:
                    continue
                sr = f"(?:{site})" + (f"[^.;\\n]{{0,40}}?{req}|{req}[^.;\\n]{{0,40}}?(?:{site})" if req else "")
                if extra_req:
                    sr = f"^(?=[\\s\\S]*(?:{extra_req}))[\\s\\S]*?(?:{sr})"
                fb = f"{other}|{_BOTH_SIDES}" if req else f"{_SIDES[0][2]}|{_SIDES[1][2]}|{_BOTH_SIDES}"
                if extra_forbid:
                    fb += "|" + extra_forbid
                rows.append({"code": code, "to": to, "sentence_requires": sr, "sentence_forbids": fb,
                             "why": spec["why"].format(site=name) + (f", {side}" if side else "")})
    return rows


@lru_cache(maxsize=1)
def _sorted_codes() -> list[str]:
    """Every code of the code set, sorted (a prefix's codes are one slice of it)."""
    return sorted(icd10.codeset().codes())


@lru_cache(maxsize=1)
def rules() -> SafetyRules:
    with open(resource_path("icd10cm/safety_rules.json"), encoding="utf-8") as fh:
        return SafetyRules(json.load(fh))


# ------------------------------------------------------------------ vocabulary of a code
@lru_cache(maxsize=4096)
def vocabulary(code: str) -> frozenset[str]:
    """Stemmed content words that name the condition of ``code`` (weak words removed)."""
    r = rules()
    from .coding_lexicon import lexicon

    words: set[str] = {w for t in lexicon().terms_of(code) for w in t.words}
    cs = icd10.codeset()
    base = code
    split = cs.split_seventh(code)
    if split is not None:
        base = split[0]
    e = cs.raw(base)
    if e is not None:
        for text in [e["d"], *e.get("i", ()), *e.get("inc", ())]:
            words.update(t.norm for t in tokenize(text))
    for prefix, syn in r.synonyms.items():
        if code.startswith(prefix):
            words |= syn
    # the words the Index treats as one with them ("fell" for 'fall', "renal" for 'kidney', "tibial" for 'tibia'),
    # as the lexicon matches them (resources/icd10cm/word_equivalents.json)
    from .coding_lexicon import word_equivalents

    same = word_equivalents()
    words |= {o for w in list(words) for o in same.get(w, ())}
    return frozenset(w for w in words if w not in r.weak and not w.isdigit())


def _similar(w: str, v: str) -> bool:
    if w == v:
        return True
    a, b = (w, v) if len(w) <= len(v) else (v, w)
    if len(a) >= 4 and b.startswith(a):
        return True
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= max(5, len(a) - 2)


#: Words of the neoplasm table's sites that name a condition, not a place ("Neoplasm, ... scar", "... hepatoma"),
#: or no place at all; the other words of its first-level sites are body sites (``site_words``).
_NOT_SITES = frozenset(
    "associated book coli cystic de disease disseminated diverticulum fetal generalized hemorrhoidal hepatoblastoma hepatoma "
    "immunoproliferative leaf malignant mastectomy meckel metastatic nec nos of or s scar specified stump transplanted "
    "unknown unspecified with".split())


# words of descriptions that name nothing ("Presence of artificial hip joint", "S/p")
_FUNCTION_WORDS = frozenset("a an and as at by for from in into not of on or p s the to".split())
# words that, beside a site, name a condition of it ("kidney disease", "heart disease", "renal impairment")
_CONDITION_NOUNS = frozenset(stem(w) for w in ("disease diseases disorder disorders syndrome abnormality problem impairment "
                                               "dysfunction lesion lesions damage").split())


@lru_cache(maxsize=1)
def site_words() -> frozenset[str]:
    """Stemmed words of body sites: the first-level site terms of the ICD-10-CM neoplasm table ("ankle", "kidney,
    renal", "breast") less ``_NOT_SITES``."""
    with open(resource_path("icd10cm/neoplasm.json"), encoding="utf-8") as fh:
        rows = json.load(fh)["rows"]
    words = {w for path, _ in rows if len(path) >= 2 for w in re.findall(r"[a-z]+", path[1].lower())}
    return frozenset(stem(w) for w in words - _NOT_SITES)


def names_only_a_site(code: str, text: str, learned: dict | None = None) -> bool:
    """Whether the words of ``text`` that belong to the vocabulary of ``code`` are all body sites ("Left ankle" for
    an algoneurodystrophy of the ankle, "kidney" for a kidney stone) while the code's vocabulary has words of its
    condition: a site alone is no mention. A code whose words are all sites ("Disorder of kidney") is left alone."""
    from .coding_lexicon import word_equivalents

    sites = site_words()
    vocab = vocabulary(code) | (learned or {}).get(code, frozenset())
    condition = frozenset(v for v in vocab if v not in sites and v not in _FUNCTION_WORDS)
    if not condition or not vocab & sites:
        return False
    by_prefix = _by_prefix(condition)
    weak = rules().weak
    named_site = False
    for norm, _ in _tokens(text):
        if norm in _CONDITION_NOUNS:
            return False
        if norm in weak:
            continue
        if norm in sites:
            named_site = named_site or norm in vocab
            continue
        if norm not in condition and _PROCEDURE_WORD.fullmatch(norm):
            continue  # an operation is no condition word: the 'lumpectomy' of a breast cancer is no breast lump
        if any(_in_vocab(w, condition, by_prefix) for w in (norm, *word_equivalents().get(norm, ()))):
            return False  # (an equivalent: "pulmonary oedema")
    return named_site


#: an operation's name (a word with a procedure's suffix): never a word of a condition it begins like
_PROCEDURE_WORD = re.compile(r"[a-z]+(?:ectom(?:y|ies)|otom(?:y|ies)|ostom(?:y|ies)|plast(?:y|ies)|scop(?:y|ies)|pex(?:y|ies)"
                             r"|rrhaph(?:y|ies))")


def is_mention(code: str, text: str, learned: dict | None = None) -> bool:
    """Whether ``text`` (an evidence span) holds a word naming the condition of ``code`` (its tabular
    vocabulary, or a word ``learned`` gives as a near-synonym of it)."""
    vocab = vocabulary(code) | (learned or {}).get(code, frozenset())
    by_prefix = _by_prefix(vocab)
    weak = rules().weak
    for norm, _ in _tokens(text):
        if norm in weak:
            continue
        if _in_vocab(norm, vocab, by_prefix):
            return True
    return False


def _in_vocab(word: str, vocab: frozenset, by_prefix: dict) -> bool:
    """``word`` is a word of ``vocab`` or ``_similar`` to one (``by_prefix``: ``_by_prefix(vocab)``)."""
    return word in vocab or any(_similar(word, v) for v in by_prefix.get(word[:4], ()))


@lru_cache(maxsize=4096)
def _by_prefix(vocab: frozenset) -> dict[str, tuple[str, ...]]:
    """Vocabulary words by their first four letters: two words ``_similar`` calls alike share those."""
    out: dict[str, list[str]] = {}
    for v in vocab:
        if len(v) >= 4:
            out.setdefault(v[:4], []).append(v)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[tuple[str, str], ...]:
    """(normalised word, its text in lower case) for each word of an evidence span (spans recur: cached)."""
    return tuple((t.norm, text[t.start:t.end].lower()) for t in tokenize(text))


_HEADING_BEFORE = re.compile(r"(?:^|\n)[ \t\u2022*\-\d.)]*$")
_HEADING_AFTER = re.compile(r"[ \t]*:")
_BULLETED = re.compile(r"(?:^|\n)[ \t]*(?:[\u2022*\-#>]+|\d{1,2}[.)])[ \t]*$")  # a list item's bullet or number


def is_heading(text: str, start: int, end: int) -> bool:
    """An evidence span that is a line's label ("Gastrointestinal:", "• Musculoskeletal:")."""
    return bool(_HEADING_AFTER.match(text, end)) and bool(_HEADING_BEFORE.search(text[max(0, start - 40):start]))


_SIDE = re.compile(r"\b(right|left)\b", re.IGNORECASE)


_BOTH = re.compile(r"\bbilateral|\bboth\b", re.IGNORECASE)
_SIDE_WORDS = {"right": re.compile(r"\b(?:right|rt|od|re|dextr\w*|rbbb)\b|" + _BOTH.pattern, re.IGNORECASE),
               "left": re.compile(r"\b(?:left|lt|os|le|sinistr\w*|lbbb)\b|" + _BOTH.pattern, re.IGNORECASE)}


@lru_cache(maxsize=4096)
def _code_side(code: str) -> str | None:
    """'right' or 'left' when the code's description names exactly one side, else None."""
    e = icd10.lookup(code)
    want = {m.lower() for m in _SIDE.findall(e.description)} if e is not None else set()
    return next(iter(want)) if len(want) == 1 else None


def _side_unsaid(code: str, text: str, start: int, end: int, sents: "_Sentences") -> str | None:
    """A lateral code (one side in its description) whose evidence sentence, and the sentence before it, name no
    side: the side is the coder's to choose (the unspecified-side code), never the model's guess."""
    side = _code_side(code)
    if side is None:
        return None
    a, b = sents.around(start, end)
    before = sents.around(a - 2, a - 1)[0] if a > 1 else a  # the start of the sentence before
    if _SIDE_WORDS[side].search(text, before, b):
        return None
    return f"laterality: the code is {side}, the note does not say which side here"


def _side_conflict(code: str, evidence: str) -> str | None:
    """A lateral code (right/left in its description) whose evidence names only the other side."""
    side = _code_side(code)
    said = {m.lower() for m in _SIDE.findall(evidence)}
    if side is not None and said and side not in said:
        return f"laterality: the code is {side}, the evidence says {', '.join(sorted(said))}"
    return None


# ------------------------------------------------------------------ sentences
class _Sentences:
    def __init__(self, doc):
        self.text = doc.text
        sents = getattr(doc, "sentences", None) or []
        self.spans = [(s.start, s.end) for s in sents]
        self.starts = [a for a, _ in self.spans]

    def around(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and self.spans[i][0] <= start < self.spans[i][1]:
            return self.spans[i][0], max(self.spans[i][1], end)
        lo = self.text.rfind("\n", 0, start) + 1
        hi = self.text.find("\n", end)
        return lo, (len(self.text) if hi < 0 else hi)


@lru_cache(maxsize=8192)
def is_junk_evidence(text: str) -> bool:
    """Numbers, dates and common English words ("03" of a date, "real" of "not a real person") are never
    evidence of a condition, whatever a learned table says."""
    from .coding_text import STOP

    common = rules().never_evidence
    return all(norm.isdigit() or norm[:1].isdigit() or norm in STOP or norm in common or raw in common
               for norm, raw in _tokens(text))


def _value(raw: str) -> str:
    v = raw.lower()
    return rules().number_values.get(v, v)


@lru_cache(maxsize=4096)
def code_numbers(code: str) -> tuple:
    """(kind, value, required) of a staged / graded / numbered code: N18.4 -> ('stage', '4', True),
    T21.21XA -> ('degree', '2', True), E10.9 -> ('type', '1', False)."""
    e = icd10.lookup(code)
    if e is None:
        return ()
    out = []
    for name, crx, _, required in rules().number_kinds:
        got = list(crx.finditer(e.description))
        if not got:
            continue
        if len(got) == 2 and " through " in e.description[got[0].end():got[1].start()]:
            # a range: I12.9 'with stage 1 through stage 4 chronic kidney disease, or unspecified chronic kidney
            # disease' agrees with any stage from 1 to 4, and with none ("or unspecified")
            lo, hi = _value(got[0].group(1)), _value(got[1].group(1))
            if lo.isdigit() and hi.isdigit():
                out.append((name, tuple(str(v) for v in range(int(lo), int(hi) + 1)),
                            required and "unspecified" not in e.description.lower()))
                continue
        out.append((name, _value(got[0].group(1)), required))
    return tuple(out)


_COORDINATED_PAIR = re.compile(r"\s+(?:and|or|&)\s+", re.IGNORECASE)
_ONE_WORD_APART = re.compile(r"\s+(?:[a-z]+\s+)?", re.IGNORECASE)


def number_problem(code: str, text: str, start: int, end: int, sent: tuple[int, int]) -> str | None:
    """A staged / graded / numbered code needs the number of its mention to agree: the nearest 'stage N'
    ('class N', 'N-degree', 'N trimester', 'type N') of the sentence within max_gap characters of the
    evidence. Another number, or none for a kind that needs one, rejects the evidence."""
    want = code_numbers(code)
    if not want:
        return None
    r = rules()
    a, b = sent
    for name, value, required in want:
        _, _, note_rxs, _ = next(k for k in r.number_kinds if k[0] == name)
        best = None
        for rx in note_rxs:
            for m in rx.finditer(text, a, b):
                gap = 0 if (m.start() < end and m.end() > start) else (start - m.end() if m.end() <= start else m.start() - end)
                got = _value(m.group(1))
                # (two joined by "and" at the same distance: "mitral and tricuspid regurgitation" names both)
                joined = (best is not None and gap == best[0] and got == value
                          and _COORDINATED_PAIR.fullmatch(text, *((best[4], m.start()) if best[4] <= m.start()
                                                                  else (m.end(), best[3]))) is not None)
                # (two inside the mention, one word apart at most: "right hand index finger contusion" names the finger)
                inside = (best is not None and gap == 0 == best[0] and got == value != best[1]
                          and _ONE_WORD_APART.fullmatch(text, best[4], m.start()) is not None)
                if gap <= r.number_gap and (best is None or gap < best[0] or joined or inside):
                    best = (gap, got, m.group(0), m.start(), m.end())
        if best is None:
            if required:
                return f"the note gives no {name} for this mention (the code is {name} {value})"
            continue
        # (a range takes a sub-stage by its number: "stage 3a" is within "stage 1 through stage 4")
        in_range = isinstance(value, tuple) and (best[1] in value or re.sub(r"(?<=\d)[a-z]$", "", str(best[1])) in value)
        if best[1] != value and not in_range:
            e = icd10.lookup(code)
            if name == "site" and e is not None and re.search(rf"\b{re.escape(best[2].lower())}\b", e.description.lower()):
                continue  # the code names the note's word itself: 'Hallux valgus (acquired), right foot'
            shown = f"{value[0]} to {value[-1]}" if isinstance(value, tuple) else value
            return f"{name} disagrees: the note says '{best[2]}', the code is {name} {shown}"
    return None


def _worded_term(code: str, words: str) -> bool:
    """``words`` are, word for word, an everyday wording of ``code`` in abbreviations.json ("Well child visit": every
    word of it common, the phrase not)."""
    from .coding_lexicon import lexicon

    low = " ".join(words.lower().split())
    return any(t.source == "abbr" and t.text.lower() == low for t in lexicon().terms_of(code))


def _joined(text: str, a: int, b: int) -> bool:
    """``text[a:b]`` is part of a longer token: a letter, digit, hyphen or slash touches it ("25-HCC", "HCC/HBV")."""
    return (a > 0 and (text[a - 1].isalnum() or text[a - 1] in "-/")) or (
        b < len(text) and (text[b].isalnum() or text[b] in "-/"))


def operation_title(doc, sec, span, sents: _Sentences, title) -> bool:
    """``span`` names what the title of an operation operates on -- the short first sentence of a procedure section:
    "Umbilical hernia repair.", "Excision of sebaceous cyst, left shoulder." -- and the note states no
    diagnosis elsewhere (no section of ``title``'s when_note_lacks: a postoperative diagnosis, an indication, an
    impression), so the title is what tells what was operated on. Not the narrative after it, nor a technique
    ("Profound hypothermic circulatory arrest time equals 23 minutes."), nor a finding of the operation ("Cystoscopy:
    Blockage of the urethra by a markedly enlarged prostate.")."""
    after, before, max_words, lacks = title
    if any(s.name in lacks for s in getattr(doc, "sections", None) or []):
        return False
    text = doc.text
    body = sec.body_start
    while body < sec.end and not text[body].isalnum():  # "PROCEDURE: , Umbilical hernia repair." (a comma left over)
        body += 1
    a, b = sents.around(body, body)
    if not (a <= body < b and a <= span.start and span.end <= b):
        return False
    b = min(b, sec.end)
    return (len(re.findall(r"[A-Za-z0-9]+", text[a:b])) <= max_words
            and bool(after.match(text, span.end, b) or before.search(text[a:span.start])))


def evidence_problem(code: str, doc, span, sents: _Sentences | None = None, learned: dict | None = None) -> str | None:
    """Why ``span`` is not a mention of ``code`` (None when it is)."""
    text = doc.text
    sents = sents or _Sentences(doc)
    rule = rules().rule_for(code)
    sec = doc.section_at(span.start) if hasattr(doc, "section_at") else None
    # (in the assessment a "Problem: plan" line names the problem: "-Acute sinusitis: amoxicillin x 10 days"; a label
    # of the plan is no encounter code: "• Patient Education and Counseling:" is no Z71.9)
    if is_heading(text, span.start, span.end) and not (
            not code.startswith("Z") and sec is not None and sec.name in rules().assessment.get("sections", ())
            and _BULLETED.search(text[max(0, span.start - 12):span.start])):
        return "a section heading is not a mention"
    if sec is not None:
        for sections, keep, why, only, when, title in rules().not_current:
            if (sec.name in sections and not code.startswith(keep) and (not only or code.startswith(only))
                    and (not when or any(s.name in when for s in getattr(doc, "sections", None) or []))):
                if title is not None and operation_title(doc, sec, span, sents, title):
                    continue
                return why
    if is_junk_evidence(span.text) and not _worded_term(code, span.text):
        return f"'{span.text}' is a number, a date or a common word, not a mention"
    reaction = drug_reaction(code, text, span.start, sents.around(span.start, span.end)[0])
    if reaction:
        return reaction
    if not is_mention(code, span.text, learned):
        return f"'{span.text}' does not name the condition"
    if (names_only_a_site(code, span.text, learned) and not _worded_term(code, span.text)
            and names_only_a_site(code, text[slice(*sents.around(span.start, span.end))], learned)):
        return f"'{span.text}' names a body site, and its sentence not the condition"
    side = _side_conflict(code, span.text) or _side_unsaid(code, text, span.start, span.end, sents)
    if side:
        return side
    nums = number_problem(code, text, span.start, span.end, sents.around(span.start, span.end))
    if nums:
        return nums
    rx = rule.get("evidence_requires")
    if (rx is not None and not rx.search(span.text) and not rx.search(_phrase(text, span.start, span.end))
            and not (_worded_term(code, span.text) and not _joined(text, span.start, span.end))):
        # (the code's own everyday name holds its words, "CML", "HCC" - standing alone: "25-HCC" is a vitamin D)
        return rule.get("why:evidence_requires") or "the evidence lacks the condition's words"
    rx = rule.get("note_requires")
    if rx is not None and not rx.search(text):
        return rule.get("why:note_requires") or "the note does not support the code"
    if any(k in rule for k in ("sentence_requires", "sentence_forbids", "not_around")):
        a, b = sents.around(span.start, span.end)
        sent = text[a:b]
        rx = rule.get("sentence_requires")
        if rx is not None and not rx.search(sent):
            return rule.get("why:sentence_requires") or "the sentence does not support the code"
        rx = rule.get("sentence_forbids")
        if rx is not None and rx.search(sent):
            return rule.get("why:sentence_forbids") or "the sentence rules the code out"
        rx = rule.get("not_around")
        if rx is not None:
            for m in rx.finditer(text, a, b):
                if m.start() < span.end and m.end() > span.start:
                    return rule.get("why:not_around") or "the word means something else here"
    return None


_PHRASE_LEFT = re.compile(r"(?<![\w'-])(?:[\w'-]+[ \t]+){0,2}$")
_PHRASE_RIGHT = re.compile(r"(?:[ \t]+[\w'-]+){0,2}")


def _phrase(text: str, start: int, end: int) -> str:
    """The mention with up to two words either side, not across punctuation or a line end: a learned mention
    may be part of the term that names the condition ('heart disease' of 'ischaemic heart disease', 'end-stage'
    of 'end-stage renal failure', 'varices' of 'varices in esophagus')."""
    left = _PHRASE_LEFT.search(text, max(0, start - 60), start)
    right = _PHRASE_RIGHT.match(text, end, min(len(text), end + 60))
    return text[left.start() if left else start:right.end() if right else end]


# "<drug> causes (him) to itch", "<drug> gives her hives", "<drug> made him nauseous": the reaction a drug causes,
# told in the history, is an allergy or intolerance (Z88, T88.7), not a current condition
_CAUSES = re.compile(r"\b(?:causes?|caused|gives?|gave|makes?|made)\s+(?:(?:him|her|them|me|his|hers|the patient)\s+)?"
                     r"(?:to\s+|an?\s+|some\s+)?(?:(?:severe|bad|mild|significant)\s+)?$", re.IGNORECASE)
_REACTION_KEPT = ("Z88", "Z91.0", "T78", "T88.7", "T36", "T37", "T38", "T39", "T40", "T41", "T42", "T43", "T44", "T45",
                  "T46", "T47", "T48", "T49", "T50")


def drug_reaction(code: str, text: str, start: int, sent_start: int) -> str | None:
    """Why a mention is a drug's reaction ("methylprednisolone causes his to itch"), or None."""
    if code.startswith(_REACTION_KEPT):
        return None
    lead = text[max(sent_start, start - 60):start]
    m = _CAUSES.search(lead)
    if m is None:
        return None
    from .extract import drug_lexicon  # (the medication lexicon the summaries use)

    cut = start - len(lead) + m.start()  # the drug's name ends right before the verb
    hits = drug_lexicon().find(text, max(sent_start, cut - 60), cut)
    if hits and not text[hits[-1].end:cut].strip(" ,"):
        drug = text[hits[-1].start:hits[-1].end]
        return (f"a reaction the note says {drug} causes is a drug allergy or intolerance (Z88.-, T88.7), "
                "not a current condition")
    return None


def past_episodes(codes, doc) -> None:
    """Acute codes whose every evidence span lies in a sentence about an earlier hospital stay ("Most recently,
    he was hospitalized on 02/04/08 for acute renal insufficiency"), or inside the words of a sentence that tell of
    an earlier episode and its end ("seen in the ER last week for a kidney stone, which has since passed", "treated
    for a urinary tract infection last month, completed antibiotics"; not "...; now the sore throat is back"), are
    historical, not suggested."""
    pe = rules().past_episode
    if pe is None:
        return
    rx, prefixes, why, around = pe
    sents = _Sentences(doc)

    def past(e) -> bool:
        a, b = sents.around(e.start, e.end)
        return rx.search(doc.text, a, b) is not None or any(
            m.start() <= e.start and e.end <= m.end() for m in around.finditer(doc.text, a, b))
    for c in codes:
        if c.status != "affirmed" or not c.evidence or not c.code.startswith(prefixes):
            continue
        if all(past(e) for e in c.evidence):
            c.status = "historical"
            if c.suggested:
                c.suggested = False
            c.warnings.append(f"not suggested: {why}")


def check_evidence(codes, doc, learned: dict | None = None, memo: dict | None = None,
                   established: tuple[str, ...] = ("affirmed",)) -> dict[str, str]:
    """Keep only evidence spans that mention each code's condition; codes left with none are not suggested
    (their evidence stays shown) and are returned as {code: why}. Codes never suggested are unsuggested.
    ``memo``: a dict kept between calls on the same document and learned table (each span is judged once).
    ``established``: the statuses that may be suggested (an inpatient encounter adds "uncertain")."""
    sents = _Sentences(doc)
    memo = {} if memo is None else memo

    def problem(code, e):
        key = (code, e.start, e.end)
        if key not in memo:
            memo[key] = evidence_problem(code, doc, e, sents, learned)
        return memo[key]

    blocked: dict[str, str] = {}
    for c in codes:
        rule = rules().rule_for(c.code)
        if "never_suggest" in rule:
            blocked[c.code] = rule["never_suggest"]
            if c.suggested:
                c.suggested = False
                c.warnings.append(f"not suggested: {rule['never_suggest']}")
            continue
        if not c.evidence or "history rule" in c.sources:
            continue  # a history-of / family-history Z code carries its condition's (checked) evidence
        problems = [problem(c.code, e) for e in c.evidence]
        good = [e for e, p in zip(c.evidence, problems) if p is None]
        fallback = not good and bool(getattr(c, "terms", None))
        if fallback:  # the shown spans are no mention, but the code's own term stands in the note: it is the evidence
            good = [e for e in c.terms if len(e.text.split()) <= 6 and problem(c.code, e) is None][:3]
        if good:
            if (fallback or len(good) < len(c.evidence)) and c.status in established:
                _restatus(c, good, doc, established)  # the affirmed mention may have been one of the rejected ones
            c.evidence = good
            continue
        why = next(p for p in problems if p)
        c.evidence = [e for e in c.evidence if not is_junk_evidence(e.text)]  # a date is never shown as evidence
        blocked[c.code] = why
        if c.suggested:
            c.suggested = False
            c.warnings.append(f"{_NOT_A_MENTION} ({why})")
    return blocked


#: The factor on the score of a listed code whose evidence names no such condition (check_evidence). It stays in the
#: list for review, below the codes the note does name. Measured 2026-12-05 (session 13) on CodiEsp dev with the
#: train-only pack (bench/codiesp.py): MAP 0.5593 -> 0.5679 with 0.5 (0.3 / 0.7 on every blocked code: 0.5622 / 0.5639);
#: what is suggested does not change.
UNMENTIONED_SCORE = 0.5


def lower_unmentioned(codes, blocked: dict[str, str]) -> None:
    """Rank lower (in place) a listed code that ``check_evidence`` found unmentioned and that no later rule
    suggested: its score times UNMENTIONED_SCORE, and a warning that says why. A code the rules never suggest
    (R69 ...) keeps its score: its mention is real, the code is only too vague to suggest."""
    for c in codes:
        why = blocked.get(c.code)
        if (why is None or c.suggested or why == rules().rule_for(c.code).get("never_suggest")
                or "coding rule" in c.sources):  # (a rule gave it the evidence after the check)
            continue
        said = any(w.startswith(_NOT_A_MENTION) for w in c.warnings)  # the reason is given there
        _rank_lower(c, None if said else why)


def _rank_lower(c, why: str | None) -> None:
    """Keep ``c`` listed at UNMENTIONED_SCORE of its score, with a warning that gives ``why`` (when not said yet)."""
    c.score *= UNMENTIONED_SCORE
    c.warnings.append(f"ranked lower (score x{UNMENTIONED_SCORE:g})" + (f": {why}" if why else ""))


def _restatus(c, good, doc, established: tuple[str, ...] = ("affirmed",)) -> None:
    """The status of a code whose rejected spans included the affirmed one: from its remaining mentions
    ('osteoarthritis of the knee' rejected for M19.90, left 'Her mother has rheumatoid arthritis': family).
    A code whose remaining mentions are not of an ``established`` status is no longer suggested."""
    try:
        from medassist.text.context import classify

        from .coding_model import _status_of
    except ImportError:  # pragma: no cover
        return
    found = [_status_of(doc, e.start, e.end, classify) for e in good]
    if not found or any(st == "affirmed" for st, _, _ in found):
        return
    if c.status != "affirmed" and any(st == c.status for st, _, _ in found):
        return  # an uncertain code (inpatient) keeps a remaining uncertain mention
    if found[0][0] == "historical":
        low = doc.text.lower()
        if treated_now(c.code, low) or called_chronic(low, [(e.start, e.end) for e in good]):
            return  # "history of DM treated with metformin": current, as coding_model.extract decided
    c.status, c.cue, c.applied = found[0]
    if c.suggested and c.status not in established:
        c.suggested = False
        c.warnings.append(f"not suggested: its remaining mentions are {c.status}")


def learned_synonyms(knowledge, min_count: int = 2, min_p: float = 0.5) -> dict[str, frozenset[str]]:
    """Words of the coder pack's learned mention n-grams that name one code above all others (seen in at
    least ``min_count`` sentences, that code's share at least ``min_p``): "necrosis" -> I96, "HCV" -> B19.20.
    They widen the mention check beyond the tabular wording; per-code rules still apply."""
    weak = rules().weak
    out: dict[str, set[str]] = {}
    for gram, ng, code, p in knowledge.sent.top_codes():
        if ng >= min_count and p >= min_p:
            out.setdefault(code, set()).update(w for w in gram.split() if w not in weak and not w.isdigit())
    # a drug's name is no mention of the condition it treats or causes ("sertraline" learned for hyponatremia E87.1,
    # "levothyroxine" for hypothyroidism): only of a code about the drug (poisoning, adverse effect, long-term use)
    for code, ws in out.items():
        if not ("T36" <= code[:3] <= "T65" or code.startswith("Z79")):
            ws -= {w for w in ws if _is_drug_name(w)}
    return {c: frozenset(ws) for c, ws in out.items() if ws}


def _is_drug_name(word: str) -> bool:
    """``word`` is a medicine's name in the lay lexicon (a generic or a brand)."""
    from medassist.text.lay import get_lexicon

    entry = get_lexicon().lookup(word)
    return entry is not None and entry.get("category") == "drug"


# ------------------------------------------------------------------ chronic conditions under treatment
_CHRONIC_RE = re.compile(r"\bchronic(?:ally)?\b")


def called_chronic(text_lower: str, spans) -> bool:
    """Whether the note calls one of these mentions ((start, end) spans) chronic ("history of chronic
    pancreatitis"): the condition is current even when given as history."""
    return any(_CHRONIC_RE.search(text_lower[max(0, a - 12):b]) for a, b in spans)


def treated_now(code: str, text_lower: str) -> str | None:
    """The drug named in the note that treats the chronic condition ``code`` (None if none); for a lifelong
    chronic condition ("history of diabetes mellitus": the patient has diabetes) the rules' reason."""
    for drug in rules().chronic_drugs(code):
        if re.search(r"(?<![a-z])" + re.escape(drug) + r"(?![a-z])", text_lower):
            return drug
    prefixes, why = rules().lifelong
    if prefixes and code.startswith(prefixes) and not code.startswith(rules().lifelong_episodes):
        return why  # ("history of DKA" is a past episode of diabetes, not current ketoacidosis)
    return None


# ------------------------------------------------------------------ specificity and combinations
def _make(code: str, like, score: float, evidence, why: str, status: str = "affirmed"):
    from .code import CodeSuggestion

    entry = icd10.lookup(code)
    if entry is None:
        return None
    return CodeSuggestion(code=entry.code, description=entry.description, score=score, suggested=True,
                          status=status, billable=entry.billable, evidence=list(evidence)[:3], warnings=[why],
                          cue=getattr(like, "cue", None), sources=["coding rule"])


def _list(codes: list, code: str, like, score: float, evidence, why: str, status: str = "affirmed") -> None:
    """List ``code`` below the suggestions (a rule's code the scorer gave no candidate for), not suggested."""
    made = _make(code, like, score, evidence, why, status=status)
    if made is not None:
        made.suggested = False
        codes.append(made)


def _promote(codes: list, code: str, like, score: float, evidence, why: str) -> None:
    """Suggest ``code`` (lifting it when listed, adding it otherwise)."""
    have = next((c for c in codes if c.code == code), None)
    if have is not None:
        if not have.suggested or have.score < score:
            have.score = max(have.score, score)
            have.suggested = True
            have.status = "affirmed"
            if evidence:  # the rule's own evidence (the drug, the combined conditions)
                have.evidence = list(evidence)[:3]
                # (what the evidence check said of the spans it replaces no longer holds)
                have.warnings = [w for w in have.warnings if not w.startswith(_NOT_A_MENTION)]
            have.warnings.append(why)
        return
    made = _make(code, like, score, evidence, why)
    if made is not None:
        codes.append(made)


_MEANING_STOP = frozenset("unspecified nos specified other site classified elsewhere unknown initial encounter part "
                          "not of in the a an and or to due by for as".split())


def _other_side(a, b) -> bool:
    """Two codes whose descriptions name different sides ("..., left eye" and "..., right eye"): two conditions, so
    neither holds the other's meaning ("moderate nonproliferative diabetic retinopathy without macular edema, left
    eye" E11.3392 beside "... with macular edema, right eye" E11.3311)."""
    sa, sb = (frozenset(re.findall(r"\b(?:right|left|bilateral)\b", x.description.lower())) for x in (a, b))
    return bool(sa and sb and sa != sb)


def _meaning_words(description: str, core: bool) -> frozenset[str]:
    """Content words of a code's description; ``core``: only what comes before 'without' (a default code's
    'without complications' says nothing more)."""
    words = []
    for t in tokenize(re.sub(r"[()\[\],]", " ", description)):
        if core and t.norm == "without":
            break
        if t.norm not in _MEANING_STOP and t.norm not in ("with", "without"):
            words.append(t.norm)
    return frozenset(words)


def _extent(wspans) -> tuple[int, int]:
    """Start and end of a lexicon match (its words' spans)."""
    return min(x for x, _ in wspans), max(y for _, y in wspans)


def _own_terms(code: str, e, text: str, sents: _Sentences, sources=("desc", "incl", "abbr")):
    """The lexicon terms of ``code`` written out in the sentence of evidence ``e`` that contain it: (term, start, end).
    ``sources``: the kinds of term that count (None: every kind, learned abbreviations and neoplasm rows too)."""
    a, b = sents.around(e.start, e.end)
    for term, wspans in _terms_in(text, a, b):
        if term.code == code and (sources is None or term.source in sources):
            lo, hi = _extent(wspans)
            if lo <= e.start and e.end <= hi:
                yield term, lo, hi


def _in_own_words(code: str, evidence, doc, sents: _Sentences) -> list:
    """Evidence carried to ``code`` from the code a rule replaced, each span that is none of ``code``'s own terms
    replaced by the longest of them its sentence writes out, affirmed: "He endorses shortness of breath with
    exertion" gives R06.00 by the learned word "exertion", and R06.02, which the rule puts in its place because the
    sentence says "shortness of breath", shows those words. A span that shares a word with such a term
    ("congestive heart failure" for I50.32 'Chronic diastolic (congestive) heart failure') or has none in its
    sentence stays."""
    from medassist.text.context import classify

    text = doc.text
    out = []
    for e in evidence:
        a, b = sents.around(e.start, e.end)
        terms = [(t, _extent(w)) for t, w in _terms_in(text, a, b)
                 if t.code == code and t.source in ("desc", "incl", "abbr")]
        said = {stem(t.norm) for t in tokenize(e.text)}
        own = sorted({x for _, x in terms}, key=lambda x: (x[0] - x[1], x[0]))
        if own and not any(said & set(t.words) for t, _ in terms):
            for lo, hi in own:
                try:
                    if classify(doc, lo, hi).status == "affirmed":
                        e = Span.of(text, lo, hi)
                        break
                except Exception:  # pragma: no cover - context must not break coding
                    break
        out.append(e)
    return list(dict.fromkeys(out))


def _longer_term(c, e, text: str, by_code: dict, sents: _Sentences) -> bool:
    """Another candidate's term says more of ``c``'s evidence ``e`` and its sentence than ``c``'s own term does:
    "Acute on chronic diastolic heart failure" is I50.33, not the I50.32 its last four words name; "Vitamin D
    deficiency" is E55.9, not E56.8 'Deficiency of other vitamins', whose words it also holds. (The sentence, not
    the line: a transcribed note holds many sentences on one line, "foreign body. ... overactive bladder".)"""
    found = _terms_in(text, *sents.around(e.start, e.end))
    own = [t for t, w in found if t.code == c.code and e.start <= _extent(w)[0] and _extent(w)[1] <= e.end]
    mine = max((len(t.words) for t in own), default=0)
    core = max((_core_words(t) for t in own), key=len, default=frozenset())
    for term, wspans in found:
        a, b = _extent(wspans)
        if term.code == c.code or term.code not in by_code or term.source not in ("desc", "incl", "abbr"):
            continue
        if len(term.words) > mine and a <= e.start and e.end <= b:
            return True
        # a term that starts before the evidence and names its condition more exactly, the side and limb apart:
        # "Tailor bunion deformity, right foot" is a tailor's bunion (M21.62-), not 'Bunion of right foot'
        if core and a < e.start < b <= e.end and core < _core_words(term):
            return True
    return False


_SIDE_NORMS = frozenset(("left", "right", "bilater", "bilateral"))  # (a term's or token's side words)


_GLOSS = re.compile(r"\s*\([^()]{1,60}\)")


def _line_core(body: str) -> int:
    """How many words of a problem line are neither small words nor a side or a limb."""
    from .coding_lexicon import _TERM_STOP

    body = _EYELID_PLACE.sub(" ", body)
    return sum(1 for t in tokenize(body, 0) if t.norm not in _TERM_STOP and any(ch.isalpha() for ch in t.norm)
               and t.norm not in _SIDE_NORMS and not _SITE.fullmatch(t.norm) and not _JOINT_PLACE.fullmatch(t.norm))


# the eyelid a problem line places an eyelid's condition on, which name_the_eyelid reads ("Stye of right upper eyelid")
_EYELID_PLACE = re.compile(r"\b(?:(?:upper|lower)\s+)?(?:eye)?lids?\b", re.IGNORECASE)


# the joint or digit a problem line places a condition in, below the limb _SITE names: where in the limb, which the
# code's site step reads from the sentence ("Gout of the left first metatarsophalangeal joint" is gout of the foot)
_JOINT_PLACE = re.compile(r"joints?|metatarsophalangeal|mtps?|metacarpophalangeal|mcps?|interphalangeal|pips?|dips?|"
                          r"first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|great|big|little", re.IGNORECASE)


def _n_said(words) -> int:
    """How many of ``words`` are not small words ("of", "the", "with": an everyday term keeps them)."""
    return sum(1 for w in words if w not in STOP)


def _core_words(term) -> frozenset:
    """A term's words but its side, limb and small words ("Bunion of right foot": bunion; an everyday term keeps
    its small words: "fracture of the radius": fracture)."""
    return frozenset(w for w in term.words if w not in _SIDE_NORMS and w not in STOP and not _SITE.fullmatch(w))


_FROM_PAST = "from the historical mention of "


def _scattered(text: str, spans) -> bool:
    """A term's words in the note are not one run (other words between them)."""
    spans = sorted(spans)
    return any(re.search(r"\w", text[b:a2]) for (_a, b), (a2, _b2) in zip(spans, spans[1:]))


def _history_source(z) -> str | None:
    """The condition a personal-history Z code was made from (the history rule's warning names it)."""
    return next((w[len(_FROM_PAST):].split()[0] for w in z.warnings if w.startswith(_FROM_PAST)), None)


def _unsuggest(c, why: str) -> None:
    c.suggested = False
    c.warnings.append(f"not suggested: {why}")


_BULLET = re.compile(r"^[\s\u2022*\-#>]*(?:\d+[.)]\s*)?")
# what ends a problem's name on its line: a semicolon, a spaced dash or a colon before the plan ("GERD - controlled on
# omeprazole", "Acute sinusitis: amoxicillin x 10 days", "history of colonic polyps; surveillance colonoscopy")
# (and the reason a chronic condition worsened, which its code does not say: "Acute on chronic systolic heart failure,
# due to medication noncompliance" is the heart failure's line, the noncompliance its own code)
_PROBLEM_END = re.compile(r";|\s[-\u2013\u2014]+\s|:\s|,?\s+(?:due\s+to|secondary\s+to|from|with|after)\s+(?:[\w-]+\s+){0,2}?"
                          r"(?:non-?\s?complian\w*|non-?\s?adheren\w*|running\s+out|ran\s+out)\b", re.I)


def _one_word_term(code: str, words: str) -> bool:
    """``words`` is one specific word that is the code's own tabular or Index term, and no other code's ("Empyema"
    J86.9, "menometrorrhagia" N92.1): a diagnosis the assessment names in one word."""
    from .coding_lexicon import lexicon

    w = words.strip()
    if " " in w or len(w) < 7 or w.lower() in rules().one_word_general or stem(w.lower()) in rules().weak:
        return False
    found = {t.code for t, _ in lexicon().match(w, 0, len(w))}  # (a hyphenated word: "Sacro-iliitis")
    return found == {code}  # the word names this code alone ('pyelonephritis' N12 and N16, 'carcinoma': no)


def promote_assessment(codes: list, doc) -> None:
    """A diagnosis the assessment names in the tabular wording, affirmed, is suggested even when the scorer
    put it below the threshold: a tight mention of 2-5 words ("ASSESSMENT: Allergic rhinitis.") or a problem
    line of its own ("Gout." heading a problem of the assessment and plan), or an assessment item that is an
    abbreviation ("1. Acute MI. 2. HTN."). "History of MI" / "h/o CVA" anywhere suggests the history-of code
    (I25.2, Z86.73; the current code for a lifelong condition such as HTN). The CodiEsp-trained scorer ranks
    abbreviations low, while US notes use them for most problems."""
    from medassist.text.context import classify

    from .coding_lexicon import lexicon

    rule = rules().assessment
    sents = _Sentences(doc)
    names = set(rule.get("sections", ()))
    spans = [(s.start, s.end) for s in getattr(doc, "sections", None) or [] if s.name in names]
    text = doc.text
    if not spans and _problem_list_only(doc):
        spans = [(0, len(text))]  # a note that is a few diagnosis lines and nothing else is its own problem list
    by_code = {}
    for c in codes:
        if not (c.suggested or any(w.startswith("not suggested") for w in c.warnings)):
            by_code.setdefault(c.code, c)
    every = {c.code: c for c in codes}
    for c in codes:  # tight mentions among the code's own evidence
        if (c.code not in by_code or c.status != "affirmed" or c.score < float(rule.get("min_score", 0.1))
                or "lexicon" not in c.sources):
            continue
        for e in c.evidence:
            n = len(e.text.split())
            if ((int(rule.get("min_words", 2)) <= n <= int(rule.get("max_words", 5)) or _one_word_term(c.code, e.text))
                    and any(a <= e.start and e.end <= b for a, b in spans)
                    and not _longer_term(c, e, text, every, sents)
                    and evidence_problem(c.code, doc, e, sents) is None):
                c.suggested = True
                c.warnings.append(f"suggested below the threshold: {rule.get('why', 'named in the assessment')}")
                break
    lex = lexicon()
    hist_names = set(rule.get("history_sections", ()))
    hist_spans = [(s.start, s.end) for s in getattr(doc, "sections", None) or [] if s.name in hist_names]
    for a, b in hist_spans:  # "3. History of nephrolithiasis." in the past history: the history-of Z code
        for m in re.finditer(r"[^\n.,;]+", text[a:b]):  # list items: lines, or "1. X.,2. Y." run together
            lo, hi = a + m.start(), a + m.end()
            body = _BULLET.sub("", m.group()).strip(" .:;,")
            if not body or len(body.split()) > int(rule.get("max_words", 5)) + 2:
                continue
            i = text.index(body, lo, hi)
            # (the term saying most in one run of words first: "history of breast cancer (left mastectomy" is the
            # breast's Z85.3, not 'cancer' Z85.9, nor the mastectomy-site skin its scattered words also make)
            matched = sorted(lex.match(text, i, i + len(body)), key=lambda tw: (_scattered(text, tw[1]),
                                                                                -sum(b - a for a, b in tw[1])))
            for term, wspans in matched:
                c = next((o for o in codes if o.code == term.code and o.status == "historical"), None)
                if c is None or c.score < float(rule.get("line_min_score", 0.03)):
                    continue
                # (a history code whose words say "history of" is affirmed: history_in_the_code)
                z = next((o for o in codes if not o.suggested and o.status in ("historical", "affirmed")
                          and _history_source(o) == c.code
                          and not any(w.startswith("not suggested") for w in o.warnings)), None)
                try:  # the condition's own words, so that "History of" before them is the cue
                    ctx = classify(doc, min(x[0] for x in wspans), max(x[1] for x in wspans))
                except Exception:  # pragma: no cover
                    continue
                if z is None or ctx.status != "historical" or ctx.cue is None:
                    continue  # only an explicit "history of" line, not every past-history item
                z.suggested = True
                z.evidence = [Span.of(text, i, i + len(body))]
                z.warnings.append(f"suggested below the threshold: a past-history problem line ('{body}')")
                break
    for m in _HISTORY_OF.finditer(text):  # "History of MI in 2019.", "h/o CVA and DVT": the history-of code
        end = min([k for k in (text.find(x, m.end()) for x in ".;\n") if k >= 0] or [len(text)])
        # (in the assessment or problem list any term will do: "4. History of squamous cell carcinoma of the skin, no
        # recurrence." is Z85.828; elsewhere only an abbreviation, "h/o CVA")
        listed = any(a <= m.start() < b for a, b in spans)
        for item in re.finditer(r"[^,/]+?(?=,|\band\b|/|$)", text[m.end():end]):
            body = re.sub(r"^(?:and|or)\s+", "", _YEAR.sub("", item.group()).strip(" ,"))
            if not body or len(body.split()) > (int(rule.get("line_max_words", 8)) if listed else 3):
                continue
            i = text.index(body, m.end() + item.start())
            for term, _ in lex.match(text, i, i + len(body)):
                if not (_only_modifiers(body, term) if term.source == "abbr" else listed and _names_the_body(body, term)):
                    continue
                z = next((o for o in codes if not o.suggested and o.status == "historical" and "history rule" in o.sources
                          and _history_source(o) == term.code
                          and not any(w.startswith("not suggested") for w in o.warnings)
                          and o.score >= float(rule.get("line_min_score", 0.03))), None)
                if z is None:  # "history of HTN": a lifelong condition is current
                    z = next((o for o in by_code.values() if o.code == term.code and not o.suggested
                              and o.status == "affirmed" and any(x.startswith("current") for x in o.sources)
                              and o.score >= float(rule.get("line_min_score", 0.03))), None)
                if z is not None:
                    z.suggested = True
                    z.warnings.append(f"suggested below the threshold: a {'past' if z.status == 'historical' else 'lifelong'} "
                                      f"condition named {'by its abbreviation' if term.source == 'abbr' else 'in the assessment'} "
                                      f"('{text[m.start():i + len(body)]}')")
                    break
    for a, b in spans:  # problem lines: the line is the term
        # (a transcribed note runs its lines together with ".," : "DIAGNOSES:,1.  Recurrent bladder tumor.,2.  ...")
        for m in _PROBLEM_LINE.finditer(text, a, b):
            line, lo, hi = m.group(), m.start(), m.end()
            # (the section's own heading on its first line goes: "ASSESSMENT: Acute esophagitis.")
            body = _BULLET.sub("", (_HEADING.sub("", line) if lo == a else line).lstrip(" ,")).strip(" .:;,")
            # (the problem is what comes before a semicolon: "Personal history of colonic polyps; surveillance
            # colonoscopy due next year")
            body = _PROBLEM_END.split(body)[0].rstrip(" .:,")
            # an injury's line says how it came about and which visit this is: "Left hip fracture after a fall at
            # home" is the fracture (the external cause step adds the fall), "Follow-up of left distal radius
            # fracture" the fracture (episode_of_care gives its later encounter); a follow-up of anything else is plan
            lead = _FOLLOW_UP_OF.match(body)
            if lead is not None and _INJURY_WORD.search(body, lead.end()):
                body = body[lead.end():]
            if _INJURY_WORD.search(body):
                body = _EPISODE_TAIL.split(_CAUSE_TAIL.split(body)[0])[0].rstrip(" .:,")
            if _PLAN_LEAD.match(body):
                continue  # a sentence of the plan is no problem: "Return for annual exam in one year."
            # (a longer line only when a term says all of it but one word: "Acute on chronic diastolic heart failure")
            # (its small words apart: "Varicose veins of the left lower extremity with pain")
            # (a gloss in brackets says the problem again in other words, it adds none to count: "Vascular dementia,
            # severe, with psychotic disturbance (visual hallucinations)")
            counted = _GLOSS.sub(" ", body) if _GLOSS.search(body, 1) else body
            if not body or _n_said(counted.lower().split()) > int(rule.get("line_max_words", 8)):
                continue
            i = text.index(body, lo, hi)
            covered = {e.text.lower() for o in codes if o.suggested and o.status != "historical" for e in o.evidence}
            if body.lower() in covered:
                continue  # a suggested code already stands for this problem
            line_core = _line_core(counted)
            # the line's content words, its side and a fracture's default "closed" apart; what it says beyond its
            # modifiers ("acute", "stable", ...) besides
            content = [w for w in re.findall(r"[a-z0-9']+", counted.lower())
                       if w not in STOP and w not in ("left", "right", "closed")]
            said = [w for w in content if w not in _ITEM_MODIFIERS]
            fits = []
            glosses = [(i + g.start(), i + g.end()) for g in _GLOSS.finditer(body)] if counted is not body else []
            for term, wspans in lex.match(text, i, i + len(body)):
                if glosses and all(any(x <= a and b <= y for x, y in glosses) for a, b in wspans):
                    continue  # (a term in the gloss alone is not the problem: "Gastrostomy (gastrocutaneous fistula)")
                c = by_code.get(term.code) or every.get(term.code)
                if c is None or c.score < float(rule.get("problem_line_min_score", 0.03)):
                    continue
                if term.source == "incl" and "classified elsewhere" in c.description.lower():
                    continue  # (a manifestation code's inclusion term says no underlying disease: "Nephritis." is not
                    # N08, glomerular disorders in diseases classified elsewhere, which is coded after its disease)
                if c.description.lower().startswith("other ") and term.source != "abbr" or not (
                        term.source in ("desc", "abbr", "neoplasm", "neoplasm-unspecified")
                        or term.source == "incl" and len(term.words) >= len(said) - 1):
                    continue  # (an "Other ..." code only by an everyday term chosen for it: "medial meniscus tear" is
                    # S83.24-; an inclusion term only when it says the whole line: "Kidney stones."; its small words,
                    # side and modifiers apart, and a fracture's default "closed": "Closed fracture of the left fifth
                    # metacarpal" is the Index-default term without 'bone' / 'hand')
                if _n_said(term.words) < len(content) - 1 and len(_core_words(term)) < line_core - 1:
                    continue  # the line says more than the term (its side, limb and small words apart)
                fits.append((term, c, wspans))
            # the term that says most of what the line says besides the side and the limb (which the side step
            # supplies): "Tailor bunion deformity, right foot" is 'tailor's bunion' (M21.62-), not 'Bunion of right
            # foot'; then the longer term. When that term's code is suggested already (or as its side's code), a
            # term on other words of the line is another problem ("Hyperpyrexia/leukocytosis"); one sharing its
            # words is not.
            fits.sort(key=lambda f: (len(_core_words(f[0])), _n_said(f[0].words), f[1].score), reverse=True)
            # (an external cause says how, not what: its words are claimed among the causes only, and the line goes on
            # to its injury - "Dog bite of left hand" is the bite S61.452A, with the cause W54.0XXA)
            taken: list = []
            causes: list = []
            for term, c, wspans in fits:
                cause = c.code.startswith(("V", "W", "X", "Y"))
                claimed = causes if cause else taken
                if any(a < y and x < b for a, b in wspans for x, y in claimed):
                    continue
                claimed.extend(wspans)
                if (c.suggested or c.code not in by_code
                        or any(w.startswith("not suggested: replaced by") for w in c.warnings)):
                    continue
                if _promote_problem(c, body, i, doc, sents, classify, _extent(wspans)) and not cause:
                    break  # (a term the line negates is not its problem: "GERD without esophagitis" is the GERD)
    promote_visit_reason(codes, doc, by_code, sents, classify, rule)
    promote_abbreviations(codes, doc, by_code, sents, classify, rule)
    for a, b in spans:  # list items that are an abbreviation: "1. Acute MI. 2. HTN.", "A/P: CAP, UTI, AKI."
        for m in re.finditer(r"[^\n.,;]+", text[a:b]):
            body = _BULLET.sub("", _HEADING.sub("", m.group())).strip(" .:;,")  # "A/P: CAP" -> "CAP"
            body = _PROBLEM_END.split(body)[0].rstrip(" .:,")
            if not body or len(body.split()) > 4:
                continue
            i = text.index(body, a + m.start(), a + m.end())
            for term, _ in sorted(lex.match(text, i, i + len(body)), key=lambda tw: -len(tw[0].words)):  # "CKD stage 3"
                c = by_code.get(term.code)
                # (an item that is the term, word for word, needs no score: "Breech presentation." is what the
                # CodiEsp-trained scorer never saw, not a stray match)
                floor = 0.0 if body.lower() == term.text.lower() else float(rule.get("line_min_score", 0.03))
                if term.source != "abbr" or c is None or c.suggested or c.score < floor:
                    continue
                if not _only_modifiers(body, term):
                    continue
                if _promote_problem(c, body, i, doc, sents, classify):
                    break


# what may stand before an abbreviation that names a condition the patient has: a list separator or the start of
# the sentence, or a word that introduces a condition ("with known CHF, COPD and CKD stage 3b", "She has HTN"); not
# an opening bracket: "both eyes (OA)" glosses the words before it
_ABBR_LEAD = re.compile(r"(?:^[\s\u2022*\-]*(?:\d{1,3}[.)])?|[,;:/]|\b(?:with|has|have|known|and|or|including|includes|also|plus|significant for|"
                        r"notable for|remarkable for|(?:after|following)(?:\s+(?:an?|the|his|her|their))?))\s*$",
                        re.IGNORECASE)
# and after it: the end of the item (a separator, another item, what treats it or how it is doing)
_ABBR_TAIL = re.compile(r"\s*(?:$|[,;.:)/]|\b(?:and|or|on|with|who|which|that|since|both|now|not|diagnosed|"
                        r"treated|managed|controlled|stable|followed|presents?|presented|presenting|is|was|are|were|admitted|here|"
                        r"comes|came|returns|in)\b|(?:19|20)\d\d\b)", re.IGNORECASE)  # (or its year: "s/p CABG 2015")
# a term that opens with its own status cue needs no lead: "Breast cancer s/p bilateral mastectomy"
_STATUS_TERM = re.compile(r"(?:status post|s/p)\s", re.IGNORECASE)


@lru_cache(maxsize=1)
def _abbreviation_regex() -> re.Pattern:
    """The first word of every abbreviation written with two capitals or more, as written ("CKD", "HFpEF"), and of
    every everyday term of two words or more in any case ("below-knee amputation", "Lumbar strain")."""
    from .coding_lexicon import lexicon

    terms = [t for t in lexicon().terms if t.source == "abbr"]
    firsts = {t.text.split()[0] for t in terms if sum(ch.isupper() for ch in t.text) >= 2}
    words = {re.split(r"[\s-]", t.text)[0].lower() for t in terms if len(t.words) >= 2}

    def alts(xs):
        return "|".join(sorted(map(re.escape, xs), key=len, reverse=True))
    return re.compile(r"\b(?:" + alts(firsts) + r"|(?i:" + alts(words) + r"))\b")


def promote_abbreviations(codes: list, doc, by_code: dict, sents, classify, rule: dict) -> None:
    """A condition written by its abbreviation, as an item of its own, in the sections that state the
    patient's conditions: "72-year-old with known CHF, COPD and CKD stage 3b", "She has HTN and T2DM", a
    past-history list "HTN, HLD, T2DM". The code is suggested when the candidate is current (affirmed; a
    lifelong or treated past-history condition is current) and this mention is not negated, uncertain, a
    relative's or hypothetical ("SpO2 95% on RA", "cradle cap", "MI ruled out", "? PE" are not suggested).
    The CodiEsp-trained scorer ranks abbreviations low: US notes name most problems this way."""
    from .coding_lexicon import lexicon

    names = set(rule.get("abbreviation_sections", ()))
    if not names:
        return
    text = doc.text
    lex = lexicon()
    for sec in getattr(doc, "sections", None) or []:
        if sec.name not in names:
            continue
        for a, b in ((x.start, x.end) for x in (getattr(doc, "sentences", None) or []) if sec.start <= x.start < sec.end):
            if not _abbreviation_regex().search(text, a, b):
                continue  # (most sentences hold none: the lexicon is only matched where one is written)
            done: list[tuple[int, int]] = []
            for term, wspans in sorted(lex.match(text, a, b), key=lambda tw: -len(tw[0].words)):  # "CKD stage 3b" first
                if term.source != "abbr":
                    continue
                i, j = wspans[0][0], wspans[-1][1]
                if any(x <= i < y for x, y in done) or (sum(ch.isupper() for ch in text[i:j]) < 2 and len(term.words) < 2):
                    continue  # a shorter abbreviation inside a longer one; "cap" in lower case is not CAP
                c = by_code.get(term.code)
                if (c is None or c.suggested or c.status != "affirmed"
                        or c.score < float(rule.get("line_min_score", 0.03))):
                    continue
                lo = i  # the modifiers before it ("known", "poorly controlled")
                for m in reversed(list(re.finditer(r"[A-Za-z-]+", text[a:i]))):
                    if m.group().lower() not in _ITEM_MODIFIERS or text[a + m.end():lo].strip():
                        break
                    lo = a + m.start()
                if (not (_ABBR_LEAD.search(text[a:lo]) or _STATUS_TERM.match(term.text))
                        or not _ABBR_TAIL.match(text, j, b)):
                    continue
                if text[j:j + 1] == ":" or is_heading(text, i, j):
                    continue  # "PE: clear lungs" heads a section, it is not a condition
                try:
                    ctx = classify(doc, i, j)
                except Exception:  # pragma: no cover - context must not break coding
                    continue
                lifelong = any(x.startswith(("current", "treated now")) for x in c.sources)
                if not (ctx.status == "affirmed" or ctx.status == "historical" and ctx.cue is None and lifelong):
                    continue
                if evidence_problem(c.code, doc, Span.of(text, i, j), sents) is not None:
                    continue
                c.suggested = True
                c.evidence = [Span.of(text, lo, j)] + [e for e in c.evidence if e.start != lo][:2]
                c.warnings.append(f"suggested below the threshold: a condition named by its abbreviation "
                                  f"('{text[lo:j]}')")
                done.append((i, j))


_HISTORY_OF = re.compile(r"\b(?:(?:past |prior )?history of|hx of|h/o)\s+", re.IGNORECASE)
_YEAR = re.compile(r"\s+(?:in\s+)?(?:19|20)\d\d\b.*$")
_HEADING = re.compile(r"^\s*[A-Za-z][A-Za-z/& ]{0,29}:\s*")
# the words an item may carry beside its condition ("Acute MI", "CKD stage 3", "poorly controlled T2DM")
_ITEM_MODIFIERS = frozenset("acute chronic severe mild moderate known stable controlled uncontrolled well poorly "
                            "recurrent new longstanding long-standing established underlying active worsening "
                            "decompensated compensated stage class grade type left right bilateral anterior inferior "
                            "posterior lateral".split())


def _only_modifiers(body: str, term) -> bool:
    """``body`` is the abbreviation ``term`` and at most modifiers, a stage, a number or a spinal level: "Acute MI",
    "CKD stage 3", "HNP L5-S1"; not "Cradle cap" (CAP) nor "MI ruled out"."""
    words = term.text.lower().split()
    return all(w.isdigit() or w.lower() in _ITEM_MODIFIERS or _SPINAL_LEVEL.fullmatch(w)
               for w in re.findall(r"[A-Za-z0-9]+", body) if w.lower() not in words)


_SPINAL_LEVEL = re.compile(r"[CTLS]\d{1,2}")  # (as written: "L5", "S1", "T12", "C6")
_BODY_STOP = frozenset("of the a an in on at to with and or left right bilateral".split())


def _names_the_body(body: str, term) -> bool:
    """The term says every word of ``body`` but small words, sides and modifiers: "squamous cell carcinoma of the
    skin" is C44.92's term (squamous cell carcinoma skin)."""
    words = set(term.words)
    return all(stem(w) in words or w.lower() in _BODY_STOP or w.lower() in _ITEM_MODIFIERS or w.isdigit()
               for w in re.findall(r"[A-Za-z0-9]+", body))


# what opens a sentence of the plan rather than a problem ("Return for annual exam in one year", "Follow up with
# cardiology", "Continue lisinopril for hypertension", "Will check an A1c")
# (whole words: "Plantar fasciitis", "Callus" and "Repeated falls" are problems)
_PLAN_LEAD = re.compile(r"(?:returns?|return to|follow(?:[\s-]*up)?|followup|f/u|continues?|start|begin|schedule|recheck|"
                        r"consider|check|obtain|order|will|discussed|advised|counseled|encouraged|recommend(?:ed)?|"
                        r"call)\b(?!-)", re.IGNORECASE)
_INJURY_WORD = re.compile(r"\b(?:fractures?|sprains?|strains?|lacerations?|contusions?|dislocations?|burns?|"
                          r"injur(?:y|ies)|wounds?|bites?|abrasions?|concussion|tears?)\b", re.IGNORECASE)
_FOLLOW_UP_OF = re.compile(r"(?:follow[\s-]*up|followup|f/u)(?:\s+(?:visit|appointment|exam))?\s+(?:of|for|on)\s+"
                           r"(?:(?:a|an|the|his|her|their)\s+)?", re.IGNORECASE)
# how an injury came about, after its name on the line: "after a fall at home", "from a motor vehicle collision"
_CAUSE_TAIL = re.compile(r"[\s,]+(?:after|following|from|due\s+to|secondary\s+to|caused\s+by|as\s+a\s+result\s+of|sustained\s+in|"
                         r"in|during|when|while)\s+(?:(?:a|an|the|his|her)\s+)?"
                         r"(?:[\w-]+\s+){0,3}?(?:fall|fell|falling|slip(?:ped)?|trip(?:ped)?|mvc|mva|motor\s+vehicle|"
                         r"collision|accident|crash|assault|altercation|fight|bite|struck|hit|sports?|football|"
                         r"soccer|basketball|skiing|ladder)\b.*$", re.IGNORECASE)
# which visit of an injury this is, after its name on the line: ", healing well in cast", ", here for cast change"
_EPISODE_TAIL = re.compile(r"[\s,]+(?:healing|status\s+post|s/p|post[\s-]?op(?:erative)?|here\s+for|(?:now\s+)?in\s+(?:a\s+)?(?:cast|splint|boot|sling|brace)|"
                           r"(?:subsequent|initial)\s+encounter|routine\s+healing|with\s+(?:routine|delayed)\s+healing)\b.*$",
                           re.IGNORECASE)
# a line of its own, or a sentence of a prose assessment ("Fall at home. Contusion of left hip.")
_PROBLEM_LINE = re.compile(r"(?:[^\n.]|\.(?!,)(?![ \t]+[A-Z][a-z]))+\.?")


def _problem_list_only(doc) -> bool:
    """A note with no headings that is a few short lines ("Cellulitis of right lower leg.", a problem list pasted on
    its own): at most 6 lines of at most 12 words, each a sentence at most. A case report or a narrative is not."""
    sections = getattr(doc, "sections", None) or []
    if any(s.name != "preamble" for s in sections):
        return False
    lines = [ln.strip() for ln in doc.text.splitlines() if ln.strip()]
    return (0 < len(lines) <= 6 and all(len(ln.split()) <= 12 for ln in lines)
            and all(len(re.findall(r"[.!?](?:\s|$)", ln)) <= 1 for ln in lines))


def promote_visit_reason(codes: list, doc, by_code: dict, sents, classify, rule: dict) -> None:
    """The reason for the visit, when it is an encounter code (an annual exam: Z00.00; a routine circumcision:
    Z41.2): written as the chief complaint ("CHIEF COMPLAINT: Annual exam."), the procedure ("PROCEDURE: Newborn
    circumcision.") or as what the patient presents for ("presents for her annual physical"). It is the
    first-listed code of such a visit (guideline IV.C); the CodiEsp-trained scorer never saw one."""
    prefixes = tuple(rule.get("visit_reason_codes", ()))
    names = set(rule.get("visit_reason_sections", ()))
    if not prefixes:
        return
    text = doc.text
    reason = [(s.start, s.end) for s in getattr(doc, "sections", None) or [] if s.name in names]
    for c in by_code.values():
        if (not c.code.startswith(prefixes) or c.suggested or c.status != "affirmed"
                or c.score < float(rule.get("line_min_score", 0.03))):
            continue
        for e in c.evidence:
            if not (any(a <= e.start and e.end <= b for a, b in reason) or _PRESENTS_FOR.search(text[max(0, e.start - 60):e.start])):
                continue
            if not _affirmed_mention(c.code, doc, e, sents, classify):
                continue
            c.suggested = True
            c.evidence = [e] + [x for x in c.evidence if x is not e][:2]
            more = ("; with abnormal findings the code says so (Z00.01), a child's routine exam is Z00.12-"
                    if c.code.startswith("Z00") else "")
            c.warnings.append(f"suggested below the threshold: the reason for the visit ('{e.text}'){more}")
            break


_TERM_ABSENT = re.compile(r"[\s,;]+(?:without|w/o|no|not)\b", re.IGNORECASE)


def _affirmed_mention(code: str, doc, e, sents, classify, also=()) -> bool:
    """Evidence ``e`` is a mention of ``code`` and the note states it (and the stretches ``also``: a term's own
    words) as the patient's, now."""
    from .coding_model import _LAST_WORD

    if evidence_problem(code, doc, e, sents) is not None:
        return False
    # (a term's words spread over the line hold the cue between them: "Headache, probably tension type" is judged
    # at the term's last word too, as the coder judges a mention, so the 'probably' counts)
    heads = []
    for a, b in also:
        w = _TERM_ABSENT.search(doc.text, a, b)  # (what a term says is absent is no cue: "Concussion, no LOC")
        m = _LAST_WORD.search(doc.text, a, w.start() if w is not None else b)  # (judged there, as the coder does)
        if m is not None and m.start() > a:
            heads.append((m.start(), m.start() + len(m.group().rstrip())))
    try:
        return all(_stated(code, classify(doc, a, b)) for a, b in [(e.start, e.end), *also, *heads])
    except Exception:  # pragma: no cover - context must not break coding
        return False


_SCREENING_CUE = re.compile(r"(?i)\bscreen")


def _stated(code: str, ctx) -> bool:
    """The context says the patient has it now, or its only cue is what the code itself means: the 'screening' of
    an encounter for screening ("Lipid screening": Z13.220; the context rules read 'screening for X' as X not
    known to be there)."""
    if ctx.status == "affirmed":
        return True
    if ctx.status != "hypothetical" or ctx.cue is None or not code.startswith("Z") or not _SCREENING_CUE.search(ctx.cue.text):
        return False
    e = icd10.lookup(code)
    return e is not None and "screening" in e.description.lower()


# "presents for her annual exam", "is here today for a routine physical", "seen for an annual wellness visit"
_PRESENTS_FOR = re.compile(r"\b(?:presents?|presenting|presented|here|(?:comes|came)(?:\s+in)?|seen|is in|returns|returned)\s+(?:today\s+|in clinic\s+)?"
                           r"for\s+(?:(?:a|an|her|his|their|the|your)\s+)?(?:routine\s+|yearly\s+|scheduled\s+)?$", re.IGNORECASE)


def _promote_problem(c, body: str, i: int, doc, sents, classify, words: tuple[int, int] | None = None) -> bool:
    """Suggest ``c`` for the assessment problem ``body`` (at ``i``) when it is a mention of the condition, affirmed
    (the line, and the term's own words when given: "possible UTI" holds its cue)."""
    text = doc.text
    end = i + len(body)
    cut = re.search(r"[\s,]+without\b", body)
    if cut is not None and "without" in c.description.lower():
        end = i + cut.start()  # what the code itself says is absent is no cue: "GERD without esophagitis" (K21.9)
    if not _affirmed_mention(c.code, doc, Span.of(text, i, end), sents, classify, [words] if words else ()):
        return False
    c.suggested = True
    c.status = "affirmed"
    c.evidence = [Span.of(text, i, i + len(body))] + [e for e in c.evidence if not (e.start == i)][:2]
    c.warnings.append(f"suggested below the threshold: a problem of the assessment or problem list ('{body}')")
    return True


def add_companions(codes: list, doc, late: bool = False) -> None:
    """Codes a suggested code's 'use additional code' note asks for when the note names the drug (affirmed), and
    status codes the note states (BMI with a weight diagnosis, elevated BP reading, allergy status, stent), and the
    organism (B95-B97) an infection's notes ask for, named in the sentence of that infection ("MRSA cellulitis of the
    left leg": L03.116 with B95.62). ``late``:
    the rules marked "late", for the codes the specific-code and pruning steps settle on (J96.22 from J96.20), run
    after them."""
    from medassist.text.context import classify

    text = doc.text
    low = lower_ascii(text)
    sents = None
    suggested = [c for c in codes if c.suggested]  # (in list order; taken again after a rule adds its code)
    for rule in rules().companions:
        if bool(rule.get("late")) != late:
            continue
        when = rule.get("when")
        base = None
        bases = []
        if when is not None or rule.get("when_asks"):
            prefixes = tuple(when) if isinstance(when, list) else (when,) if when else ()
            bases = [c for c in suggested if c.code != rule["add"] and (
                (prefixes and c.code.startswith(prefixes)) or (rule.get("when_asks") and _asks_for_code(c.code, rule["add"])))]
            if not bases:
                continue
            base = bases[0]
        if rule.get("unless") and any(c.code.startswith(tuple(rule["unless"])) for c in suggested):
            continue  # (a code the note already has says it: the sepsis a septic shock is coded after)
        if not _may_match(rule, low):
            continue  # (none of the words every match holds is in the note)
        allowed = set(rule.get("statuses", ("affirmed",)))
        not_in = set(rule.get("not_in_sections", ()))
        only_in = set(rule.get("in_sections", ()))
        for m in rule["note_matches"].finditer(text):
            sec = doc.section_at(m.start()) if (not_in or only_in) and hasattr(doc, "section_at") else None
            if sec is not None and sec.name in not_in:
                continue  # (a stent placed, or tried, during this procedure is no stent status)
            if only_in and (sec is None or sec.name not in only_in):
                continue  # (a past surgical history item: a procedure had before, said without 's/p')
            forbid = rule.get("sentence_forbids")
            if forbid is not None:
                sents = sents or _Sentences(doc)
                if forbid.search(text, *sents.around(m.start(), m.end())):
                    continue  # (a drug the sentence says was stopped or taken for a while: no long-term use)
            if rule.get("near_base"):  # (the organism of this infection: its sentence, not the note's other one)
                sents = sents or _Sentences(doc)
                where = sents.around(m.start(), m.end())
                base = next((b for b in bases if any(sents.around(e.start, e.end) == where for e in b.evidence)), None)
                if base is None:
                    continue
            try:
                status = classify(doc, m.start(), m.end()).status
            except Exception:  # pragma: no cover - context must not break coding
                status = "affirmed"
            if status in allowed:
                score = base.score if base is not None else float(rule.get("score", 0.5))
                if rule.get("score_cap") is not None:  # a secondary code listed below the conditions it goes with
                    score = min(score, float(rule["score_cap"]))
                a, b = m.span("ev") if "ev" in m.re.groupindex and m.start("ev") >= 0 else m.span()
                _promote(codes, rule["add"], base, score, [Span.of(text, a, b)], rule["why"])
                suggested = [c for c in codes if c.suggested]
                break


def _may_match(rule: dict, low: str | None) -> bool:
    """False only when the rule's ``note_matches`` cannot match the note whose ``lower_ascii`` is ``low``
    (literals.required_literals, worked out the first time the rule is read and kept in the rule)."""
    needs = rule.get("_needs", False)
    if needs is False:
        rx = rule["note_matches"]
        needs = rule["_needs"] = required_literals(rx.pattern, rx.flags)
    return may_match(needs, low)


_LEADING_LOOKBEHINDS = re.compile(r"\(\?:((?:\(\?<=[^()]*\)\|?)+)\)")


def _space_first(pattern: str) -> str:
    """``pattern``, tried only after a space when it opens with lookbehinds that all end with one ("(?:(?<=status
    post )|(?<=s/p )|(?<=had )...)mastectomy"): the same matches, about five times faster over a note (re tries every
    lookbehind at every position; a space is one test)."""
    m = _LEADING_LOOKBEHINDS.match(pattern)
    if m and all(x.endswith(" ") for x in re.findall(r"\(\?<=([^()]*)\)", m.group(1))):
        return "(?<= )" + pattern
    return pattern


def _terms_in(text: str, a: int, b: int) -> tuple:
    """The lexicon's terms in ``text[a:b]`` (a sentence, mostly), as the coder found them (remembered)."""
    from .coding_lexicon import lexicon

    return lexicon().match_cached(text, a, b)


def widen_to_terms(codes: list, doc, sents: _Sentences) -> None:
    """A suggested code's evidence that is part of the code's own term written out in its sentence becomes
    the whole term: D50.9's "Iron deficiency" (a learned n-gram) is "Iron deficiency anemia", so that the
    anemia and the iron deficiency inside it are seen as the same condition, not three."""
    text = doc.text
    for c in codes:
        if not c.suggested or not c.evidence:
            continue
        out = []
        for e in c.evidence:
            best = e
            for _, lo, hi in _own_terms(c.code, e, text, sents):
                if hi - lo > best.end - best.start and hi - lo <= 80 and not any(ch in ",;.:" for ch in text[lo:hi]):
                    best = Span.of(text, lo, hi)
            out.append(best)
        c.evidence = list(dict.fromkeys(out))


def _sibling_for_side(code: str, side: str) -> str | None:
    """The billable code near ``code`` (a sibling, cousin or nephew) whose description is this one's with its
    "unspecified" side named: S52.539A 'Colles' fracture of unspecified radius' + right -> S52.531A; ``side`` is
    'right', 'left' or 'bilateral' ('unilateral' / 'bilateral' where the codes name no side: Q53.9 + right ->
    Q53.10). None when there is none."""
    cs = icd10.codeset()
    split = cs.split_seventh(code)
    base, seventh = split if split else (code, None)
    e = icd10.lookup(base)
    if e is None or "unspecified" not in e.description.lower():
        return None
    desc = e.description.lower()
    wants = set()
    for m in re.finditer(r"unspecified", desc):
        wants.add(desc[:m.start()] + side + desc[m.end():])
    up = icd10.ancestors(base)
    parent = next(iter(up[:1]), None)
    sibs = [(sib, icd10.lookup(sib)) for sib in (icd10.children(parent) if parent else []) if sib != base]
    if len(up) > 1:  # and the cousins: 'of other part of unspecified foot' L97.509 + right -> L97.519 (under L97.51)
        sibs += [(cousin, icd10.lookup(cousin)) for aunt in icd10.children(up[1]) if aunt != parent
                 for cousin in icd10.children(aunt)]
    # and the nephews: 'Undescended testicle, unspecified' Q53.9 + right -> Q53.10 (under Q53.1, unilateral)
    sibs += [(nephew, icd10.lookup(nephew)) for sib, _ in list(sibs) for nephew in icd10.children(sib)]
    # (or the same words with the side for "unspecified": 'Cholesteatoma of external ear, unspecified ear' + left ->
    # H60.42 'Cholesteatoma of left external ear'; or, where the codes name no side, "unilateral" for one side
    # and "bilateral" for both: Q53.10 'Unspecified undescended testicle, unilateral')
    def bag_of(d: str) -> set:  # (plural folded, "side" a filler: 'bilateral upper limbs', 'pain bilateral',
        #                          'bilateral lower extremities')
        return {w[:-3] + "y" if len(w) > 4 and w.endswith("ies") else w[:-1] if len(w) > 3 and w.endswith("s") else w
                for w in re.findall(r"[a-z]+", d)} - {"side"}

    words = bag_of(desc) - {"unspecified"}
    bag = words | {side}
    lateral = words | {"bilateral" if side == "bilateral" else "unilateral"}
    organ = {"eye", "ear"}  # 'Acute atopic conjunctivitis, unspecified eye' + both -> H10.13 '..., bilateral' (no "eye")
    for match in (lambda d: d in wants, lambda d: "unspecified" not in d and bag_of(d) == bag,
                  lambda d: bag_of(d) - {"unspecified"} == lateral,
                  lambda d: side == "bilateral" and "bilateral" in d and bag_of(d) - organ - {"unspecified"} == bag - organ):
        for sib, se in sibs:
            if se is not None and (se.billable or seventh) and match(se.description.lower()):
                return icd10.with_seventh(sib, seventh) if seventh else sib
    return None


def current_beats_history(codes: list) -> None:
    """A personal-history Z code made from a past mention of a condition that the note also states as current
    and is suggested ("history of kidney stones" and the assessment "Kidney stones."): the current code only."""
    current = {c.code for c in codes if c.suggested and c.status == "affirmed"}
    for z in codes:
        if not z.suggested or z.status != "historical":
            continue
        src = _history_source(z)
        if src in current:
            _unsuggest(z, f"the note states {src} as current")


#: a deficit code -> its code "following cerebral infarction" (I69.3-); hemiplegia and monoplegia keep their side and
#: dominance digit (G81.94 left non-dominant -> I69.354), "0" (unspecified side) is "9" in I69
_SEQUELA_OF_INFARCTION = {"G81.0": "I69.35", "G81.1": "I69.35", "G81.9": "I69.35", "G83.1": "I69.34",
                          "G83.2": "I69.33", "R47.01": "I69.320", "R47.02": "I69.321", "R47.1": "I69.322",
                          "R13.1": "I69.391", "R29.810": "I69.392", "R27.0": "I69.393", "R48.2": "I69.390"}
_DEFICIT_GONE = re.compile(r"\b(?:resolved|recovered|no (?:residual|remaining|lasting)|without (?:residual|any residual|"
                           r"lasting)|(?:has|have) since (?:improved|cleared)|back to (?:her|his|their) baseline)\b",
                           re.IGNORECASE)


def _sequela_code(code: str) -> str | None:
    for head, to in _SEQUELA_OF_INFARCTION.items():
        if code.startswith(head):
            if len(to) == 7:
                return to
            side = code[-1] if len(code) == 6 else "0"
            return to + ("9" if side == "0" else side)
    return None


def stroke_sequelae(codes: list, doc, sents: _Sentences) -> None:
    """A deficit the note gives in the sentence of a past cerebral infarction is its sequela, coded I69.3- and current
    (guideline I.C.9.d: a deficit that remains after a stroke; Z86.73 is a history *without* residual deficits):
    "History of stroke with residual left hemiparesis" I69.354, "Left hemiparesis after a stroke in 2019" I69.354,
    where the history's scope had made the deficit past too. Not when the sentence says it resolved, and not for an
    acute infarction (I63 current: its deficits are coded beside it)."""
    text = doc.text
    past = [c for c in codes if (c.code.startswith("I63") and c.status == "historical")
            or (c.code == "Z86.73" and c.suggested)]
    if not past:
        return
    for c in list(codes):
        to = _sequela_code(c.code)
        if to is None or c.status not in ("affirmed", "historical") or not c.evidence:
            continue
        if c.status == "historical" and c.score < 0.3:  # (an affirmed one was judged by the other rules)
            continue
        if not c.suggested and c.status == "affirmed":
            continue
        e = c.evidence[0]
        where = sents.around(e.start, e.end)
        stroke = next((x for x in past for s in x.evidence if sents.around(s.start, s.end) == where), None)
        if stroke is None or _DEFICIT_GONE.search(text, *where) or icd10.lookup(to) is None:
            continue
        ev = [e] + [s for s in stroke.evidence if sents.around(s.start, s.end) == where][:1]
        why = (f"a deficit the note gives with a past cerebral infarction is its sequela ({to}, guideline I.C.9.d), "
               f"current; Z86.73 is a history without residual deficits")
        if c.suggested and not to.startswith("I69.391"):  # dysphagia: I69.391 asks for its R13.1- code beside it
            _unsuggest(c, f"combined into {to}: {why}")
        for z in codes:
            if z.code == "Z86.73" and z.suggested:
                _unsuggest(z, f"{to} is suggested: {why}")
        _promote(codes, to, c, max(c.score, stroke.score), ev, f"sequela code: {why}")


#: "Patellofemoral pain syndrome, bilateral": the side said just after the mention, past its comma
_BOTH_AFTER = re.compile(r"[ \t]*,?[ \t]*(?:bilateral(?:ly)?|both sides)\b", re.IGNORECASE)


def _says_both(text: str, e) -> bool:
    """The mention itself says both sides: "Bilateral knee pain", "Patellofemoral pain syndrome, bilateral"."""
    return bool(_BOTH.search(_phrase(text, e.start, e.end)) or _BOTH_AFTER.match(text, e.end))


_SIDE_BEFORE = re.compile(r"\b(right|left)\b(?:[\s,-]+[\w-]+){0,3}[\s,-]*\Z", re.IGNORECASE)


def side_disagrees(codes: list, doc, sents: _Sentences) -> None:
    """A suggested code of one side whose every mention the note gives the other side is not suggested: the learned
    tables' "middle cerebral" I63.511 (right) for "stroke of left middle cerebral artery with right hemiparesis". The
    side is the one written on the mention or at most three words before it, in its sentence."""
    text = doc.text
    for c in codes:
        if not c.suggested or not c.evidence or "bilateral" in c.description.lower():
            continue
        side = _code_side(c.code)
        if side is None:
            continue
        said = []
        for e in c.evidence:
            on = {m.lower() for m in _SIDE.findall(text[e.start:e.end])}
            if not on:
                a, _ = sents.around(e.start, e.end)
                m = _SIDE_BEFORE.search(text, max(a, e.start - 40), e.start)
                on = {m.group(1).lower()} if m else set()
            said.append(on)
        if said and all(on and side not in on for on in said):
            other = next(iter(said[0]))
            _unsuggest(c, f"the note gives its mention the {other} side, and {c.code} is the {side}")


def name_the_side(codes: list, doc, sents: _Sentences) -> None:
    """A suggested code for an unspecified side whose evidence (or its sentence) names one side gets that
    side's code: "Right wrist Colles fracture" S52.531A, "Right knee MCL strain" S83.411A. Both sides: the bilateral
    code, or where there is none and the mention itself says so ("Bilateral knee pain"), the right and the left
    codes. No side: the code stays."""
    text = doc.text
    for c in list(codes):
        if not c.suggested or not c.evidence or "unspecified" not in c.description.lower():
            continue
        e = c.evidence[0]
        a, b = sents.around(e.start, e.end)
        found = set()
        for lo, hi in ((e.start, e.end), (a, b)):
            found = {sd for sd in ("right", "left") if _SIDE_WORDS[sd].search(text, lo, hi)}
            if found:
                break
        if _BOTH.search(text, a, b):
            found = {"bilateral"}  # (a code that says "bilateral" takes it, or, said on the mention, both sides' codes)
        if len(found) != 1:
            continue
        side = found.pop()
        sibs = [_sibling_for_side(c.code, side)]
        if sibs[0] is None and side == "bilateral" and _says_both(text, e):
            # no bilateral code: "Bilateral knee pain" is M25.561 and M25.562 (the word on the mention itself)
            sibs = [_sibling_for_side(c.code, "right"), _sibling_for_side(c.code, "left")]
        if None in sibs:
            continue
        for sib in sibs:
            _promote(codes, sib, c, c.score, c.evidence,
                     f"the side the note names: {side} ({c.code} is the unspecified side)")
            made = next(o for o in codes if o.code == sib)
            made.warnings = [w for w in made.warnings if not w.startswith("not suggested")]  # judged on c's evidence
        _unsuggest(c, f"replaced by {' and '.join(sibs)}: the note names the {side} side" + ("s" if len(sibs) > 1 else ""))


_EYELID = {"upper": re.compile(r"\bupper\s+(?:eye)?lids?\b|\b(?:eye)?lids?,?\s+upper\b|\bupper\b", re.I),
           "lower": re.compile(r"\blower\s+(?:eye)?lids?\b|\b(?:eye)?lids?,?\s+lower\b|\blower\b", re.I)}
_UNSPECIFIED_LID = re.compile(r"\b(right|left) eye, unspecified eyelid$", re.I)


def _sibling_named(code: str, description: str) -> str | None:
    """The billable code of ``code``'s category level (a child of its parent) described as ``description``
    (any case): the eyelid's or the trimester's own code."""
    parent = next(iter(icd10.ancestors(code)[:1]), None)
    want = description.lower()
    return next((k for k in (icd10.children(parent) if parent else ())
                 if (e := icd10.lookup(k)) is not None and e.billable and e.description.lower() == want), None)


def name_the_eyelid(codes: list, doc, sents: _Sentences) -> None:
    """An eyelid code of one eye's 'unspecified eyelid' (hordeolum, chalazion, blepharitis, dermatochalasis...) whose
    sentence says upper or lower lid gets that lid's code: "Hordeolum of the left upper eyelid" is H00.014."""
    text = doc.text
    for c in list(codes):
        m = _UNSPECIFIED_LID.search(c.description) if c.suggested and c.evidence else None
        if m is None:
            continue
        a, b = sents.around(c.evidence[0].start, c.evidence[0].end)
        found = [lid for lid, rx in _EYELID.items() if rx.search(text, a, b)]
        if len(found) != 1:
            continue
        sib = _sibling_named(c.code, c.description[:m.start()] + f"{m.group(1)} {found[0]} eyelid")
        if sib is None:
            continue
        _promote(codes, sib, c, c.score, c.evidence, f"the eyelid the note names: {found[0]} ({c.code} is the unspecified eyelid)")
        _unsuggest(c, f"replaced by {sib}: the note names the {found[0]} eyelid")


def one_side_or_both(codes: list, doc) -> None:
    """A suggested "unilateral" code whose every mention says "bilateral" (or lies in the mention of the suggested
    bilateral code of its category) is that bilateral condition once more: "Bilateral inguinal hernia" is K40.20, not
    K40.20 and K40.90. A one-sided mention elsewhere in the note keeps it."""
    text = doc.text
    both = [o for o in codes if o.suggested and "bilateral" in o.description.lower()]
    for c in codes:
        if not c.suggested or not c.evidence or "unilateral" not in c.description.lower():
            continue
        o = next((o for o in both if o.code[:3] == c.code[:3]), None)
        if o is None:
            continue
        if all(_says_both(text, e) or any(x.start <= e.start and e.end <= x.end for x in o.evidence) for e in c.evidence):
            _unsuggest(c, f"the note names both sides: {o.code} ({o.description})")


#: what bites without venom and is no animal's open bite: a tick, an insect (Index: Bite, insect, nonvenomous - see Bite,
#: by site, superficial, insect; a venomous insect or spider is a toxic effect, T63.-)
_INSECT = re.compile(r"\b(?:ticks?|insects?|mosquito(?:e?s)?|fleas?|chiggers?|bed\s*bugs?|bugs?|gnats?|mites?|lice|"
                     r"black\s*fl(?:y|ies)|horse\s*fl(?:y|ies))\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _insect_bite_codes() -> dict[str, str]:
    """Each 'Open bite' code of the tabular list -> the 'Insect bite (nonvenomous)' code of the same site and side."""
    def site(desc: str, head: str) -> str:
        return re.sub(r"^[\s,]*(?:of\s+)?", "", desc[len(head):]).strip().lower()

    entries = [icd10.lookup(c) for c in icd10.iter_codes()]
    insect = {site(e.description, "Insect bite (nonvenomous)"): e.code for e in entries
              if e is not None and e.description.startswith("Insect bite (nonvenomous)")}
    return {e.code: insect[site(e.description, "Open bite")] for e in entries
            if e is not None and e.description.startswith("Open bite")
            and site(e.description, "Open bite") in insect}


def insect_bites(codes: list, doc, sents: _Sentences) -> None:
    """A bite the sentence says a tick or an insect gave is no open bite (S-.-5, an animal's or a person's): "Tick bite
    of right thigh" is S70.361A, insect bite (nonvenomous) of the right thigh, not S71.151A."""
    text = doc.text
    if _INSECT.search(text) is None:
        return
    table = _insect_bite_codes()
    for c in [c for c in codes if c.suggested]:
        got = icd10.codeset().split_seventh(c.code)
        base, seventh = got if got is not None else (c.code, None)
        to = table.get(base)
        if to is None or not any(_INSECT.search(text, *sents.around(e.start, e.end)) for e in c.evidence):
            continue
        to = icd10.with_seventh(to, seventh) if seventh else to
        if to is None:
            continue
        _unsuggest(c, f"replaced by {to}: an insect's or a tick's bite is a superficial insect bite of the site "
                      "(Index: Bite, insect), not an open bite")
        _promote(codes, to, c, c.score, c.evidence, f"the insect bite of {c.code}'s site and side (Index: Bite, insect)")


def external_cause(codes: list, doc, sents: _Sentences) -> None:
    """A suggested injury (S00-T88) takes the external cause the note words ("She fell from a ladder": W11.XXXA),
    as the injury chapter's note asks ("use secondary code(s) from Chapter 20 to indicate cause of injury"): the
    affirmed lexicon candidate of V00-X57 (not X58 'other specified factors', nor the activity or place codes Y92-Y93
    that any "activity" or "home" would give) whose evidence is a mention, the longest term first. The
    CodiEsp-trained scorer ranks a cause told in the history low."""
    if not any(c.suggested and c.code.startswith(_CAUSED) for c in codes):
        return
    if any(c.suggested and c.code.startswith(("V", "W", "X", "Y")) for c in codes):
        return
    from medassist.text.context import classify

    from .coding_lexicon import lexicon

    best = None
    for c in codes:
        if (not c.code.startswith(("V", "W", "X")) or c.code.startswith("X58") or c.status != "affirmed"
                or "lexicon" not in c.sources or any(w.startswith("not suggested") for w in c.warnings)):
            continue
        for e in c.evidence:
            words = max((len(t.words) for t, w in lexicon().match_cached(doc.text, *sents.around(e.start, e.end))
                         if t.code == c.code and e.start <= _extent(w)[0] and _extent(w)[1] <= e.end),
                        default=0)
            if not words or not _affirmed_mention(c.code, doc, e, sents, classify):
                continue
            if best is None or (words, c.score) > (best[0], best[1].score):
                best = (words, c, e)
    if best is not None:
        _, c, e = best
        c.suggested = True
        c.evidence = [e] + [x for x in c.evidence if x is not e][:2]
        c.warnings.append(f"suggested below the threshold: the external cause of the suggested injury ('{e.text}')")


class _Only:
    """One evidence span of a code, for asking whether a rule holds for that mention alone."""
    __slots__ = ("evidence",)

    def __init__(self, e):
        self.evidence = (e,)


def _rule_holds(rule: dict, c, text: str, sents: _Sentences) -> bool:
    """A ``specific_for`` rule applies to ``c``: no evidence span has words it forbids, and the sentence of one
    (the whole note, ``"scope": "note"``) has the words it requires and none it forbids (and that span the words
    ``evidence_requires`` gives: a degenerated disc, not a herniated one)."""
    ok = False
    prefixes, denied, _ = rules().link_denied
    for e in c.evidence:
        if rule.get("evidence_forbids") is not None and rule["evidence_forbids"].search(e.text):
            return False
        if rule.get("evidence_requires") is not None and not rule["evidence_requires"].search(e.text):
            continue
        a, b = (0, len(text)) if rule.get("scope") == "note" else sents.around(e.start, e.end)
        s = text[a:b]
        if rule.get("sentence_requires") is not None and not rule["sentence_requires"].search(s):
            continue
        if rule.get("sentence_forbids") is not None and rule["sentence_forbids"].search(s):
            continue
        if rule["to"].startswith(prefixes) and denied.search(text[slice(*sents.around(e.start, e.end))]):
            continue  # (the sentence says its condition is not diabetic)
        ok = True
    return ok


def _sibling_says_more(codes: list, plain, more) -> None:
    """A suggested code that ``plain(c)`` calls the plain form of its condition is dropped for the first suggested
    code of its subcategory (one parent, below a category) that ``more(o, c)`` says names more of it; that code takes
    its score (in place)."""
    sug = [c for c in codes if c.suggested]
    for c in sug:
        if not c.suggested or not plain(c):
            continue
        mine = _parent(c.code)  # (a subcategory: a category's children differ too much, I25.9 vs the old MI I25.2)
        better = next((o for o in sug if o is not c and o.suggested and mine is not None and "." in mine
                       and _parent(o.code) == mine and more(o, c)), None)
        if better is not None:
            _unsuggest(c, f"the more specific {better.code} ({better.description}) is suggested")
            better.score = max(better.score, c.score)


def refine(codes: list, doc) -> list:
    """Assessment diagnoses, companion codes, specific codes, combinations, sibling pruning, Excludes1
    symptom pruning (in place; returns codes)."""
    r = rules()
    sents = _Sentences(doc)
    text = doc.text
    widen_to_terms(codes, doc, sents)
    history_in_the_code(codes)
    promote_assessment(codes, doc)
    current_beats_history(codes)
    stroke_sequelae(codes, doc, sents)
    side_disagrees(codes, doc, sents)
    name_the_side(codes, doc, sents)
    name_the_eyelid(codes, doc, sents)
    one_side_or_both(codes, doc)
    insect_bites(codes, doc, sents)
    add_companions(codes, doc)
    external_cause(codes, doc, sents)
    specific_fall(codes, doc, sents)
    numbered_children(codes, doc, sents)
    glasgow_scale(codes, doc, sents)
    poisoning_intent(codes, doc, sents)
    adverse_effects(codes, doc, sents)
    poisonings(codes, doc, sents)
    gestation = gestation_weeks(codes, doc, sents)
    skin_carcinoma(codes, doc, sents)
    limb_ulcer(codes, doc, sents)
    epilepsy_kind(codes, doc, sents)
    # 1. a more specific code the evidence sentence (or the note) supports (in the rules' order: one rule's code may be
    #    another's starting point, E11.9 -> E11.319 -> E11.3293)
    listed: dict[str, list] = {}  # code -> the listed codes (rules only append to the list, and never change a code)
    seen_len = -1
    for rule in r.specific_for:
        if len(codes) != seen_len:  # (a rule that fired may have added its code)
            listed, seen_len = {}, len(codes)
            for c in codes:
                listed.setdefault(c.code, []).append(c)
        if rule["code"] not in listed:
            continue
        index = rule.get("kind") == "index"  # the Index's code for the words, not a more specific one: back pain M54.9
        for c in list(listed[rule["code"]]):
            if not c.suggested:
                # listed below the threshold: the Index's code, listed lower, takes its place in the ranking
                to = next((x for x in codes if x.code == rule["to"]), None) if index else None
                if to is not None and not to.suggested and to.score < c.score and _rule_holds(rule, c, text, sents):
                    to.score, c.score = c.score, to.score
                    to.warnings.append(f"ranked in the place of {c.code}: {rule['why']}")
                continue
            if _rule_holds(rule, c, text, sents):
                # two mentions that two rules of the code make two codes ("Lipoma of the right thigh ... Left forearm
                # lipoma", "Skin abscess of the right axilla and of the left groin"): this rule takes its own
                # mentions, and the code keeps the others for the rule they hold for
                mine = [e for e in c.evidence if _rule_holds(rule, _Only(e), text, sents)]
                rest = [e for e in c.evidence if e not in mine]
                if mine and rest and not index and any(
                        o is not rule and o["code"] == c.code and o["to"] != rule["to"] and o.get("kind") != "index"
                        and any(_rule_holds(o, _Only(e), text, sents) for e in rest) for o in r.specific_for):
                    c.evidence = rest
                    _promote(codes, rule["to"], c, c.score, mine, f"more specific than {c.code}: {rule['why']}")
                    continue
                _unsuggest(c, f"replaced by {'' if index else 'the more specific '}{rule['to']}: {rule['why']}")
                # (a target suggested already keeps its own evidence: 'Acute on chronic diastolic heart failure' for
                # I50.33, not the 'CHF' of the I50.30 that the rule also brings to it)
                already = any(x.code == rule["to"] and x.suggested and x.evidence for x in codes)
                carried = None if already else _in_own_words(rule["to"], c.evidence, doc, sents)
                _promote(codes, rule["to"], c, c.score, carried,
                         f"{'the code the Index gives instead of' if index else 'more specific than'} {c.code}: {rule['why']}")
                if rule.get("also"):
                    # the second code of a condition that needs two (each side's code where none says 'bilateral')
                    _promote(codes, rule["also"], c, c.score, _in_own_words(rule["also"], c.evidence, doc, sents),
                             f"more specific than {c.code}: {rule['why']}")
    # 2. combination codes ICD-10-CM presumes
    for rule in r.combinations:
        sug = [c for c in codes if c.suggested]
        parts = []
        for p in rule["when"]:
            hit = [c for c in sug if c.code.startswith(p)]
            if not hit:
                break
            parts.append(hit[0])
        else:
            if rule.get("and_any") and not any(c.code.startswith(tuple(rule["and_any"])) for c in sug):
                continue
            # "evidence_requires": {prefix: regex} a part's evidence (with the words just before it) must say
            # ("peripheral neuropathy", "polyneuropathy"; not "diabetic neuropathy")
            if any(not any(re.search(rx, text[max(0, e.start - 20):e.end], re.IGNORECASE) for e in c.evidence)
                   for p, rx in (rule.get("evidence_requires") or {}).items() for c in parts if c.code.startswith(p)):
                continue
            # a part whose sentence says it is not a complication of the other ("CKD from IgA nephropathy, not
            # related to diabetes"): the presumed link does not hold
            prefixes, denied, _ = r.link_denied
            if rule["add"].startswith(prefixes) and any(
                    denied.search(text[slice(*sents.around(e.start, e.end))])
                    for c in parts if not c.code.startswith(prefixes) for e in c.evidence):
                continue
            dropped = [c for c in sug if c.code.startswith(tuple(rule["drop"]))]
            ev = [e for c in parts for e in c.evidence[:1]]
            score = max(c.score for c in dropped) if dropped else min(c.score for c in parts)
            for c in dropped:
                _unsuggest(c, f"combined into {rule['add']}: {rule['why']}")
            _promote(codes, rule["add"], parts[0], score, ev, f"combination code: {rule['why']}")
    # 2'. the words of a denied link ("not diabetic", "not related to diabetes") are no evidence of the diabetes
    prefixes, denied, _ = r.link_denied
    if prefixes:
        spans = [m.span() for m in denied.finditer(text)]
        for c in codes:
            if spans and c.code.startswith(prefixes):
                kept = [e for e in c.evidence if not any(a <= e.start and e.end <= b for a, b in spans)]
                if kept:
                    c.evidence = kept
    # 2a. a diabetic foot or skin ulcer's 'use additional code': the site, side and depth the note gives (L97.-)
    ulcer_site(codes, doc, sents)
    # 2b. HIV: a patient "HIV positive", "positive for HIV", with no AIDS, HIV disease or HIV treatment named, has the
    #     asymptomatic status Z21, not the disease B20 (guideline I.C.1.a.2.d); with them, B20 and not Z21
    b20 = next((c for c in codes if c.suggested and c.code == "B20"), None)
    z21 = next((c for c in codes if c.suggested and c.code == "Z21"), None)
    disease = b20 is not None and _HIV_DISEASE.search(text) is not None
    if disease and z21 is not None:
        _unsuggest(z21, "B20 is suggested: the note names AIDS, HIV disease or its treatment (guideline I.C.1.a.2.d)")
    elif b20 is not None and not disease:
        status = [e for e in b20.evidence if _HIV_POSITIVE.search(text, *sents.around(e.start, e.end))]
        if status:
            why = ("the note calls the patient HIV positive and names no AIDS, HIV disease or HIV treatment: "
                   "Z21, asymptomatic HIV status (guideline I.C.1.a.2.d)")
            _unsuggest(b20, why)
            if z21 is None:
                _promote(codes, "Z21", b20, b20.score, status, why)
    # 2c. osteoporosis with a current fracture is M80 (by site and side), not M81 beside a fracture code
    osteoporotic_fracture(codes, doc, sents)
    # 3. a code whose meaning another suggested code of its category holds and adds to is dropped
    #    (E66.9 obesity < E66.01 morbid obesity; R11.0 nausea < R11.2 nausea with vomiting; Z80.9 < Z80.0)
    #    (not the substances of poisonings and adverse effects, T36-T65: SSRIs are no less than 'serotonin and
    #    norepinephrine reuptake inhibitors', each drug of an overdose has its code)
    sug = [c for c in codes if c.suggested]
    for c in sug:
        mine = _meaning_words(c.description, core=True)
        if not mine or not c.suggested or "T36" <= c.code[:3] <= "T65":  # (one this step already dropped drops no
            continue  # other: 'Other' and 'Unspecified ectopic pregnancy' of one mention dropped each other)
        better = [o for o in sug if o is not c and o.suggested and o.code[:3] == c.code[:3]
                  and mine < _meaning_words(o.description, core=False) and not _other_side(c, o)]
        for o in [o for o in better if c.evidence and not o.code.startswith("Z") and not _says_more(o, c, text)]:
            # its every span lies inside the plainer code's: what it adds ('of small intestine') is the learned
            # tables' guess, not the note's words ("Crohn's" for K50.00 beside "Crohn's disease" K50.90). (A Z
            # code's description names a class the evidence gives by example: 'colon cancer' is Z80.0, of
            # digestive organs.)
            _unsuggest(o, f"the note says no more than {c.code} ({c.description}) of this condition")
            better.remove(o)
        # (one more specific says more than this code says in full: F31.10 '... manic without psychotic features,
        # unspecified' is not more specific than F31.13 '... without psychotic features, severe')
        full = _meaning_words(c.description, core=False)
        better = [o for o in better if not _meaning_words(o.description, core=False) <= full]
        if better:
            _unsuggest(c, f"the more specific {better[0].code} ({better[0].description}) is suggested")
            better[0].score = max(better[0].score, c.score)  # it stands for the same condition
    # 3b. an unspecified code beside a specified code of its subcategory stands for the same condition: "Unspecified
    #     malignant neoplasm of skin of scalp and neck" C44.40 beside "Squamous cell carcinoma of skin of scalp and
    #     neck" C44.42 (codes of one parent; "Internal nasal valve collapse, unspecified" J34.8200 is no J34.89)
    _sibling_says_more(codes, lambda c: c.description.lower().startswith("unspecified ")
                       or c.description.lower().endswith(", unspecified"),
                       lambda o, c: not _unspecified(o.description) and not _asks_for(o, c))
    # 3c. an "uncomplicated" code beside a code of its subcategory that names the complication stands for the same
    #     condition: "moderate persistent asthma" of the history is J45.40, the assessment's "Moderate persistent
    #     asthma with acute exacerbation" J45.41 (one asthma, exacerbated)
    _sibling_says_more(codes, lambda c: c.description.lower().endswith(", uncomplicated"),
                       lambda o, c: " with " in f" {o.description.lower()} ")
    # 3d. an unspecified code of a category beside the code of the form the note names, where every other child is
    #     such a form: "Chronic ischemic heart disease, unspecified" I25.9 beside the coronary atherosclerosis I25.10
    #     or the ischemic cardiomyopathy I25.5 (not beside the old myocardial infarction I25.2, a second condition)
    for code, beside, why in r.unspecified_beside:
        plain = next((c for c in codes if c.suggested and c.code == code), None)
        named = next((o for o in codes if o.suggested and o.code != code and o.code.startswith(beside)), None)
        if plain is not None and named is not None:
            _unsuggest(plain, f"the more specific {named.code} ({named.description}) is suggested: {why}")
            named.score = max(named.score, plain.score)
    # 3b'. a learned code of a category another suggested code names in the note's own words, whose distinguishing
    #      words are nowhere in the note, is the tables' other guess at the same condition: "left breast" learned as
    #      C50.312 (lower-inner quadrant) beside "upper-outer quadrant of left female breast" C50.412
    note_words = {t.norm for t in tokenize(text)}
    sug = [c for c in codes if c.suggested]
    for c in sug:
        if not c.suggested or "lexicon" in c.sources or "learned" not in c.sources or not c.code[:1] in "C":
            continue
        named = next((o for o in sug if o is not c and o.suggested and o.code[:3] == c.code[:3]
                      and "lexicon" in o.sources), None)
        if named is None:
            continue
        extra = _meaning_words(c.description, core=False) - _meaning_words(named.description, core=False)
        if extra and not extra & note_words:
            _unsuggest(c, f"{named.code} ({named.description}) is suggested for this condition in the note's words; "
                          f"'{', '.join(sorted(extra))}' of {c.code} is nowhere in the note")
    # 3c. a bilateral code stands for both sides: the right and the left code of its category that the side step made
    #     of the same words go ("Primary osteoarthritis of both knees" is M17.0, not also M17.11 and M17.12)
    for both in [c for c in codes if c.suggested and "bilateral" in c.description.lower()]:
        where = {sents.around(e.start, e.end) for e in both.evidence}
        for c in codes:
            low = c.description.lower()
            if (c.suggested and c is not both and c.code[:3] == both.code[:3] and "bilateral" not in low
                    and re.search(r"\b(?:right|left)\b", low)
                    and any(sents.around(e.start, e.end) in where for e in c.evidence)):
                _unsuggest(c, f"the bilateral {both.code} ({both.description}) is suggested for the same words")
    # 3d. the companions of the codes the steps above settled on (both kinds of an acute on chronic respiratory failure)
    add_companions(codes, doc, late=True)
    # 4. a sign/symptom excluded by a suggested diagnosis is integral to it (guideline I.B.5)
    names = [c.code for c in codes if c.suggested]
    for a, b, note in icd10.excludes1_conflicts(names):
        # (and a pain code whose Excludes1 note names the pain due to, or with, the suggested disease: "Neck pain in
        # the setting of arthritis and disc degeneration" is M50.30, cervicalgia due to a cervical disc disorder)
        if (a.startswith("R") and not b.startswith("R")) or (
                a.startswith(("M54", "M25.5", "M79.6")) and not b.startswith(("R", "M54", "M25", "M79"))
                and re.search(r"\b(?:due to|with)\b", note)):
            for c in codes:
                if c.code == a and c.suggested:
                    _unsuggest(c, f"integral to the suggested {b} (Excludes1: {note})")
    # 5. symptoms routinely part of a suggested disease (cough and fever of a pneumonia) are not coded
    for diseases, symptoms, why, same_site, same_sentence, unless in r.integral:
        bases = [c for c in codes if c.suggested and c.code.startswith(diseases)]
        if not bases or (unless is not None and unless.search(text)):
            continue  # ("unless_note": what makes it a condition of its own, treated apart: a thoracentesis)
        for c in codes:
            if not (c.suggested and c.code.startswith(symptoms)):
                continue
            mine = _sites(c.description)
            if same_sentence:  # every mention of the symptom shares its sentence with the disease's evidence
                where = {sents.around(e.start, e.end) for e in c.evidence}
                near = [b for b in bases if where and all(any(sents.around(e.start, e.end) == w for e in b.evidence)
                                                          for w in where)]
            else:
                near = bases
            base = next((b for b in near if not same_site or not mine or mine & _sites(b.description)), None)
            if base is not None:
                _unsuggest(c, f"integral to the suggested {base.code} ({base.description}): {why}")
    # 5a. an organism code (B95-B97) beside a sepsis code that names the organism (A40, A41.0-, A41.5-) is said twice,
    #     unless another suggested code's note asks for it ("E. coli UTI with sepsis": N39.0 takes B96.20)
    named_sepsis = [c for c in codes if c.suggested and c.code.startswith(("A40", "A41.0", "A41.5"))]
    if named_sepsis and _SEPSIS_WORD.search(text):  # (the note's sepsis, not a learned guess from a bacteremia)
        for b in [c for c in codes if c.suggested and c.code.startswith(("B95", "B96", "B97"))]:
            askers = [o for o in codes if o.suggested and o is not b and not o.code.startswith(("A40", "A41", "B9"))
                      and (e := icd10.lookup(o.code)) is not None and _refers(list(e.use_additional), b.code)]
            if not askers:
                _unsuggest(b, f"the sepsis code {named_sepsis[0].code} ({named_sepsis[0].description}) names the "
                              "organism, and no other suggested code asks for it")
    # 5b. an external cause (V00-Y99) says how an injury or poisoning came about: with none suggested it stands for
    #     nothing ("swimming at the pool a lot this summer and fall" is no W16; guideline I.C.20)
    if not any(c.suggested and c.code.startswith(_CAUSED) for c in codes):
        for c in codes:  # (a bite or sting, W50-W64, is often the only code of a "Tick bite." visit: it stays)
            if c.suggested and c.code.startswith(("V", "W", "X", "Y")) and not c.code.startswith(_BITES):
                _unsuggest(c, "an external cause is coded with the injury or poisoning it caused, and no injury or "
                              "poisoning is suggested (guideline I.C.20)")
    # 6. a mention nested in a longer mention that another suggested code explains is not a second condition
    more_exact_terms(codes, doc)
    covered_mentions(codes, doc)
    # 7. the episode of care of injury and fracture codes (7th character), the trimester of obstetric codes, once the
    #    codes are chosen
    episode_of_care(codes, doc, sents)
    pregnancy_codes(codes, doc, gestation)
    return codes


def _narrows(o, c) -> bool:
    """``o`` is ``c`` narrowed: its description holds all of ``c``'s words and the two exclude each other
    (Excludes1): J91.0 'Malignant pleural effusion' and J90 'Pleural effusion, not elsewhere classified'."""
    return (_meaning_words(c.description, True) <= _meaning_words(o.description, True)
            and bool(icd10.excludes1_conflicts([c.code, o.code])))


_BITES = tuple(f"W{n}" for n in range(50, 65))
_SEPSIS_WORD = re.compile(r"\b(?:sepsis|septic\w*|septicaemia|septicemia|urosepsis)\b", re.IGNORECASE)
# what an external cause is coded with: an injury or poisoning, or a fracture of weak bone a fall or strain caused
# (osteoporotic, stress, pathological fractures; a collapsed vertebra)
_CAUSED = ("S", "T", "M80", "M84.3", "M84.4", "M84.5", "M84.6", "M48.5")
_HIV_POSITIVE = re.compile(r"\bhiv[- ]?(?:positive|\+|seropositiv\w*)|\bseropositiv\w*\s+(?:for\s+)?hiv\b|\bpositive\s+for\s+hiv\b|\bknown\s+hiv\b|\bhiv\s+test\s+positive\b|"
                           r"\basymptomatic\s+(?:hiv|human\s+immunodeficiency\s+virus)\b",
                           re.IGNORECASE)
_HIV_DISEASE = re.compile(r"(?-i:\bAIDS\b)|(?<!asymptomatic )\bhiv[- ](?:disease|infection|related)|"
                          r"(?<!asymptomatic )human immunodeficiency virus (?:disease|infection)|"
                          r"antiretrovir|\bHAART\b|\bART\b|opportunistic|\bCD4\b[^.]{0,30}\b(?:low|<|below)", re.IGNORECASE)


@lru_cache(maxsize=8192)
def _asks_for_code(code: str, other: str, code_first: bool = False) -> bool:
    """``code``'s 'use additional code' notes (its own, its block's, its chapter's; with ``code_first`` its 'code
    first' notes too) ask for ``other``: N39.0 and L03.116 ask for the infectious agent (B95-B97)."""
    e = icd10.lookup(code)
    return e is not None and _refers(list(e.use_additional) + (list(e.code_first) if code_first else []), other)


def _asks_for(o, c) -> bool:
    """``o``'s tabular notes ask for ``c`` (use additional / code first): both stay."""
    return _asks_for_code(o.code, c.code, True)


def more_exact_terms(codes: list, doc) -> None:
    """Of suggested codes whose evidence is the same words, one whose term holds every word of another's and
    more wins: "Vitamin D deficiency" is E55.9; E50.9 'Vitamin A deficiency' (the "A" an article to the
    matcher) and E56.9 'Vitamin deficiency' match only "vitamin ... deficiency". Codes the winner's notes ask for stay."""
    text = doc.text
    groups: dict[tuple[int, int], list] = {}
    for c in codes:
        if c.suggested and c.evidence:
            groups.setdefault((c.evidence[0].start, c.evidence[0].end), []).append(c)
    for (a, b), group in groups.items():
        if len({c.code for c in group}) < 2:
            continue
        words = {}
        for term, _ in _terms_in(text, a, b):
            if any(c.code == term.code for c in group) and len(term.words) > len(words.get(term.code, ())):
                words[term.code] = set(term.words)
        for c in group:
            mine = words.get(c.code)
            if not mine:
                continue
            better = next((o for o in group if o is not c and o.suggested and mine < words.get(o.code, set())), None)
            if better is None:
                continue
            if _asks_for(better, c):
                continue
            _unsuggest(c, f"'{text[a:b]}' is named more exactly by {better.code} ({better.description})")
    # an unspecified code whose term is part of a suggested code's term elsewhere in the note: the same
    # condition ("anemia" further on in a note that says "iron deficiency anemia": D50.9, not also D64.9)
    sents = _Sentences(doc)
    words: dict[str, set] = {}
    for c in codes:
        if not (c.suggested and c.evidence):
            continue
        for e in c.evidence[:3]:
            for term, _, _ in _own_terms(c.code, e, text, sents):
                if len(term.words) > len(words.get(c.code, ())):
                    words[c.code] = set(term.words)
    for c in codes:
        mine = words.get(c.code)
        if not (c.suggested and mine and _unspecified(c.description)):
            continue
        better = next((o for o in codes if o is not c and o.suggested and o.code[:1] == c.code[:1]
                       and mine < words.get(o.code, set()) and not _asks_for(o, c)), None)
        if better is not None:
            _unsuggest(c, f"the note names this condition more exactly: {better.code} ({better.description})")


_SITE = re.compile(r"\b(knee|hip|shoulder|elbow|wrist|hand|ankle|foot|spine|finger|toe|upper arm|humerus|forearm|radius|"
                   r"ulna|thigh|femur|lower leg|tibia|fibula)s?\b", re.IGNORECASE)
#: a long bone is the region of the limb it lies in ('Pain in right upper arm' and a fracture of the humerus)
_BONE_REGION = {"humerus": "upper arm", "radius": "forearm", "ulna": "forearm", "femur": "thigh", "tibia": "lower leg",
                "fibula": "lower leg"}


def _sites(description: str) -> set[str]:
    return {_BONE_REGION.get(m.lower(), m.lower()) for m in _SITE.findall(description)}


# the intent a poisoning's sentence gives (T36-T50, 6th character: 1 accidental, 2 intentional self-harm, 3 assault,
# 4 undetermined; ICD-10-CM I.C.19.e.5.b: no intent documented is accidental)
_INTENT = (("2", re.compile(r"(?<!un)intentional|suicid|self[- ]harm|self[- ]inflicted|deliberate", re.IGNORECASE)),
           ("3", re.compile(r"\bassault|\bpoisoned by (?:her|his|a|an|the)\b", re.IGNORECASE)),
           ("4", re.compile(r"intent (?:is |was )?(?:undetermined|unknown|unclear)|undetermined intent", re.IGNORECASE)))
_ACCIDENTAL = re.compile(r"\baccident|\bunintentional|by mistake|inadvertent", re.IGNORECASE)
_INTENT_WORDS = {"1": "accidental (the intent not stated otherwise, guideline I.C.19.e.5.b)", "2": "intentional self-harm",
                 "3": "assault", "4": "undetermined intent"}


def _intents(text: str, a: int, b: int) -> set[str]:
    """The intents (the 6th character's digits) that ``text[a:b]`` states, "1" for an accidental one."""
    return ({"1"} if _ACCIDENTAL.search(text, a, b) else set()) | {d for d, rx in _INTENT if rx.search(text, a, b)}


def poisoning_intent(codes: list, doc, sents: _Sentences) -> None:
    """A suggested poisoning code (T36-T50) of accidental intent takes the intent its sentence states: "Overdose of
    acetaminophen, intentional" is T39.1X2A (intentional self-harm), not T39.1X1A. A sentence that also says
    accidental, or gives two intents, keeps the code."""
    text = doc.text
    for c in [c for c in codes if c.suggested and "T36" <= c.code[:3] <= "T50" and len(c.code) >= 7 and c.code[6] == "1"]:
        intents = set().union(*(_intents(text, *sents.around(e.start, e.end)) for e in c.evidence))
        if len(intents) != 1 or "1" in intents:
            continue
        digit = intents.pop()
        to = c.code[:6] + digit + c.code[7:]
        if icd10.lookup(to) is None:
            continue
        why = _INTENT_WORDS[digit]
        _unsuggest(c, f"replaced by {to}: the sentence gives the poisoning's intent ({why})")
        _promote(codes, to, c, c.score, c.evidence, f"the poisoning's intent the sentence gives: {why}")


# a drug named as the cause of what the sentence describes: "rash due to amoxicillin", "adverse reaction to
# lisinopril", "hypokalemia secondary to hydrochlorothiazide" (the cue right before the drug's name) ...
_ADVERSE_LEAD = re.compile(
    r"(?:\b(?:adverse|allergic|drug|hypersensitivity)\s+(?:drug\s+)?(?:reactions?|effects?|rash|eruption)\s+(?:to|from)"
    r"|\b(?:due\s+to|secondary\s+to|caused\s+by|induced\s+by|attributed\s+to|related\s+to))"
    r"\s+(?:(?:the|his|her|their|taking|starting|recent|new|high[- ]dose|iv|oral|inhaled|topical|intravenous|"
    r"use\s+of|the\s+use\s+of)\s+){0,3}"
    # ... or the list after a general word: "due to medications (hydrochlorothiazide, tamsulosin)"
    r"(?:(?:(?:her|his|their|the|several|multiple|these)\s+)?(?:medications?|drugs?|meds|agents?)\s*(?:\(|:|,|such\s+as|including)\s*"
    r"(?:[\w-]+(?:\s+[\w-]+)?\s*(?:,|\band\b|/)\s*){0,3})?$",
    re.IGNORECASE)
# ... or written before it: "statin-induced myopathy", "ACE inhibitor-associated angioedema"
_ADVERSE_TAIL = re.compile(r"[- ](?:induced|associated|related)\b", re.IGNORECASE)  # (.match at the drug's end)
_LAST_WORD = re.compile(r"(\w[\w-]*)\W*\Z")  # (searched within the words before the cue)
_FIRST_WORD = re.compile(r"\W*(\w[\w-]*)")
_HYPHEN_DRUG = re.compile(r"\b[A-Za-z]{4,}(?=-(?:induced|associated|related)\b)")
# a drug's toxicity: "Digoxin toxicity", "lithium toxic level", "toxicity from methotrexate". With no overdose, wrong
# use or intent in its sentence it is an adverse effect of the drug properly taken (guideline I.C.19.e.5.a; a coder
# queries when the note does not say); with one, a poisoning (I.C.19.e.5.b)
_TOXICITY_TAIL = re.compile(r"[- ](?:toxicity|toxic\s+(?:levels?|effects?))\b", re.IGNORECASE)  # (.match at the drug's end)
_TOXICITY_LEAD = re.compile(r"\btoxicity\s+(?:of|from|due\s+to|secondary\s+to)\s+(?:(?:the|his|her|their)\s+)?$", re.IGNORECASE)
_POISONING = (r"overdos\w*|poison\w*|ingest\w*|took\s+(?:too\s+many|an\s+extra|extra|a\s+handful)|"
              r"wrong\s+(?:dose|medication|drug)")
_POISONING_WORDS = re.compile(rf"\b(?:{_POISONING})\b", re.IGNORECASE)
# a poisoning (overdose, wrong drug, toxicity), an underdosing, or an effect only talked about is no adverse effect of
# a drug properly taken
_NOT_ADVERSE = re.compile(
    rf"\b(?:{_POISONING}|toxicity|toxic\s+levels?|"
    r"intoxicat\w*|suicid\w*|self[- ]harm|underdos\w*|ran\s+out\s+of|"
    r"discuss\w*|counsel\w*|explain\w*|educat\w*|risks?|monitor\w*|watch\s+for|warn\w*|potential|"
    r"may|might|could|if|avoid\w*|prevent\w*|rule\s+out|"
    # ... nor an intolerance the patient tells of (Z88.-, Z91.-): "a reaction to dexamethasone that causes his heart to
    # race", "did not want any steroid", "in the past"
    r"causes|refus\w*|declin\w*|did\s+not\s+want|does\s+not\s+want|in\s+the\s+past|previous(?:ly)?|prior|"
    r"history|intoleran\w*|allerg(?:y|ies)|"
    # ... nor a cause only suspected (outpatient rules: what is uncertain is not coded)
    r"probabl\w*|likely|suspect\w*|possibl\w*|presum\w*)\b", re.IGNORECASE)
# the sentence's treatment before the cue: "azathioprine 150 mg/day since 2005 due to corticosteroids" gives a reason
# for a drug, not a drug's effect
_TREATMENT_BEFORE = re.compile(r"\b(?:treat\w*|therapy|started|continued|prescribed|given|dose\w*|\d+\s*(?:mg|mcg|g|units?)\b)",
                               re.IGNORECASE)


@lru_cache(maxsize=1)
def _drug_table() -> dict:
    """Term path -> the Table of Drugs' 6 cells (read when a drug is first named as a cause or a poison)."""
    with open(resource_path("icd10cm/drug_table.json"), encoding="utf-8") as fh:
        table = json.load(fh)
    return {tuple(p): c for p, c in table["rows"]}


@lru_cache(maxsize=1)
def _drug_classes() -> tuple[dict, list, dict]:
    """(generic -> table path, [(class regex, path)], effect code -> [its code when a drug caused it, why])."""
    with open(resource_path("icd10cm/drug_classes.json"), encoding="utf-8") as fh:
        classes = json.load(fh)
    return ({k: tuple(v) for k, v in classes["generics"].items()},
            [(re.compile(rx, re.IGNORECASE), tuple(p)) for rx, p in classes["classes"]], classes["manifestations"])


#: the Table of Drugs' columns (drug_table.json "columns"): poisoning accidental, intentional self-harm, assault,
#: undetermined; adverse effect; underdosing
_ACCIDENTAL_COL, _ADVERSE_COL = 0, 4


def _table_code(names, col: int) -> tuple[str, str] | None:
    """(the code of column ``col``, 7th character A; the table row) of the first of ``names`` (a drug's name as written,
    its generic; or one table path) that the Table of Drugs, or the class row drug_classes.json gives it, has a code
    for."""
    cells, generics = _drug_table(), _drug_classes()[0]
    if len(names) == 1 and isinstance(names[0], tuple):  # a class the note names ("statin"): its row
        paths = [names[0]]
    else:
        paths = [p for n in names if n for p in ((n[:1].upper() + n[1:],), generics.get(n.lower())) if p]
    found = []
    for path in paths:
        cell = (cells.get(path) or [""] * 6)[col]
        if not cell:
            continue
        head, _, tail = cell.partition(".")
        code = f"{head}.{tail.ljust(3, 'X')}A"
        if icd10.lookup(code) is not None:
            found.append((code, ", ".join(path)))
    # a medicine's row before the element or chemical of its name ("lithium": Lithium salts T43.59-, not the metal T56.89-)
    return next((f for f in found if f[0] < "T51"), found[0]) if found else None


def _drug_mentions(doc, strict: bool = True) -> list[tuple[int, int, tuple]]:
    """(start, end, names) of every drug the note names: the drug lexicon's (``strict``: not the words that are also a
    nutrient, a lab or a substance of abuse, "iron deficiency", "cocaine use"; never an allergen), the classes of
    drug_classes.json ("statin", "ACE inhibitor", "carbon monoxide"), and a drug written as one word with '-induced'
    ("Lisinopril-induced")."""
    from .extract import drug_lexicon

    text = doc.text
    lexicon = drug_lexicon()
    hits = [(h.start, h.end, (h.key, h.generic)) for h in lexicon.find(text, strict=strict) if h.source != "allergen"]
    for rx, path in _drug_classes()[1]:
        _add_mentions(hits, ((m, (path,)) for m in rx.finditer(text)))
    _add_mentions(hits, ((m, (m.group().lower(), (lexicon.entries.get((m.group().lower(),)) or (None,))[0]))
                         for m in _HYPHEN_DRUG.finditer(text)))
    return sorted(hits)


def _add_mentions(hits: list, found) -> None:
    """Add each (match, names) of ``found`` that overlaps no mention ``hits`` holds already (the first reading wins)."""
    for m, names in found:
        if not any(a < m.end() and m.start() < b for a, b, _ in hits):
            hits.append((m.start(), m.end(), names))


def adverse_effects(codes: list, doc, sents: _Sentences) -> None:
    """A drug the sentence names as the cause of a current condition ("Rash due to amoxicillin", "Adverse reaction to
    lisinopril", "Statin-induced myopathy") is coded with its adverse-effect code from the Table of Drugs and
    Chemicals (T36-T50, 6th character 5, 7th A), sequenced after the code of the effect (guideline I.C.19.e.5.a).
    Not for a poisoning (overdose, wrong drug, toxicity), an underdosing, a reaction talked about or listed among the
    allergies (Z88.-), nor one negated, past or a relative's."""
    from medassist.text.context import classify

    text = doc.text
    low = text.lower()
    if not any(w in low for w in ("due to", "secondary to", "caused by", "induced", "associated", "related",
                                  "reaction", "effect", "eruption", "rash", "toxic")):
        return
    effects = _drug_classes()[2]
    # (the words that are also a lab or a nutrient only where a toxicity is named: one scan of the note otherwise)
    mentions = _drug_mentions(doc, strict="toxic" not in low)
    strict = {(a, b) for a, b, _ in _drug_mentions(doc)} if "toxic" in low else {(a, b) for a, b, _ in mentions}
    for a, b, names in mentions:
        sa, sb = sents.around(a, b)
        lead = _ADVERSE_LEAD.search(text, max(sa, a - 60), a) or _TOXICITY_LEAD.search(text, max(sa, a - 40), a)
        tail = _ADVERSE_TAIL.match(text, b, sb) or _TOXICITY_TAIL.match(text, b, sb)
        if lead is None and tail is None:
            continue
        toxicity = (lead is not None and lead.re is _TOXICITY_LEAD) or (tail is not None and tail.re is _TOXICITY_TAIL)
        if (a, b) not in strict and not toxicity:
            continue  # (a word that is also a lab or a nutrient is a drug here only as one whose toxicity is named)
        if toxicity:  # (a toxicity the sentence calls an overdose, a wrong use or intended is a poisoning: poisonings)
            if _POISONING_WORDS.search(text, sa, sb) or _intents(text, sa, sb):
                continue
            if _NOT_ADVERSE.search(re.sub(r"\btoxic(?:ity|\s+levels?)\b", " ", text[sa:sb], flags=re.IGNORECASE)):
                continue
        elif _NOT_ADVERSE.search(text, sa, sb) or (lead is not None and _TREATMENT_BEFORE.search(text, sa, lead.start())):
            continue
        sec = doc.section_at(a) if hasattr(doc, "section_at") else None
        if sec is not None and sec.name == "allergies":
            continue
        # the drug, and the effect's word next to the cue, are the patient's, now ("No rash due to amoxicillin": the
        # negation governs the rash; "Her mother had a rash due to penicillin")
        if lead is not None:
            w = _LAST_WORD.search(text, sa, lead.start())
        else:
            w = _FIRST_WORD.match(text, tail.end(), sb)
        spans = [(a, b)] + ([(w.start(1), w.end(1))] if w else [])
        try:
            if any(classify(doc, x, y).status != "affirmed" for x, y in spans):
                continue
        except Exception:  # pragma: no cover - context must not break coding
            continue
        got = _table_code(names, _ADVERSE_COL)
        if got is None:
            continue
        code, row = got
        drug = text[a:b]
        _promote(codes, code, None, 0.5, [Span.of(text, lead.start() if lead else a, tail.end() if tail else b)],
                 f"adverse effect of {drug} (Table of Drugs and Chemicals: {row}, adverse effect column): code the "
                 "nature of the adverse effect first, then this code (guideline I.C.19.e.5.a)"
                 + ("; a toxicity is an adverse effect when the drug was taken as prescribed: if it was an overdose or "
                    "a wrong use, code the poisoning instead (query the provider when the note does not say)"
                    if toxicity else ""))
        # the effect the same sentence names, coded as a drug's: "Rash due to amoxicillin" is L27.0, not R21 (also when
        # the rash is named in other sentences too: the chief complaint, the HPI)
        for c in [c for c in codes if c.suggested and c.code in effects]:
            if any(sa <= e.start and e.end <= sb for e in c.evidence):
                to, why = effects[c.code]
                _unsuggest(c, f"replaced by {to}: {why} ({drug})")
                _promote(codes, to, c, c.score, c.evidence, f"more specific than {c.code}: {why} ({drug})")


# a poisoning the sentence states: "overdose of sertraline", "ingestion of his grandmother's metoprolol", "poisoning
# by ...", "took a handful of ...", "acetaminophen overdose"
_POISON_LEAD = re.compile(
    r"\b(?:overdos(?:e|ed|ing)\s+(?:of|on|with)|poison(?:ing|ed)\s+(?:by|with|from)|ingest(?:ion\s+of|ed|ing)|"
    r"took\s+(?:an?\s+)?(?:overdose|handful|bottle|excess|too\s+many)(?:\s+of)?)\b", re.IGNORECASE)
_POISON_TAIL = re.compile(r"[- ](?:overdose|poisoning|ingestion)\b", re.IGNORECASE)  # (.match at the drug's end)
# words allowed between the cue and its drugs ("of his grandmother's", "30 tablets of", "acetaminophen and ibuprofen")
_POISON_GAP = re.compile(r"(?:[\s,]|\b(?:and|or|plus|his|her|their|the|a|an|several|multiple|some|\d+|pills?|"
                         r"tablets?|capsules?|of|approximately|about|around|over|up\s+to|\w+'s)\b)*", re.IGNORECASE)
_NOT_POISONING = re.compile(r"\b(?:risk|counsel\w*|discuss\w*|educat\w*|prevent\w*|naloxone|narcan|if|avoid\w*|"
                            r"rule\s+out|possibl\w*|probabl\w*|suspect\w*|concern\w*|worr\w*)\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"\b\w+'s\s+\Z")  # (searched between the cue and the drug)
_WORD_RX = re.compile(r"\b[A-Za-z][A-Za-z-]{3,}\b")
_UNSPECIFIED_POISON = ("T65.9", "T50.90")  # toxic effect of an unspecified substance, poisoning by unspecified drugs


@lru_cache(maxsize=1)
def _poison_terms() -> dict[str, tuple]:
    """One-word main terms of the Table of Drugs with a poisoning code and no adverse-effect one (not a medicine:
    heroin, bleach, lead), lower case -> their row."""
    cells = _drug_table()
    return {p[0].lower(): p for p, c in cells.items()
            if len(p) == 1 and c[_ACCIDENTAL_COL] and not c[_ADVERSE_COL] and " " not in p[0] and "," not in p[0]}


def poisonings(codes: list, doc, sents: _Sentences) -> None:
    """A poisoning the sentence states ("Overdose of sertraline", "Accidental ingestion of his grandmother's
    metoprolol", "Intentional overdose of acetaminophen and ibuprofen": each drug) is coded from the Table of Drugs
    and Chemicals, in the column of the intent the sentence gives (accidental when it gives none, guideline
    I.C.19.e.5.b; self-harm, assault, undetermined), sequenced before its manifestations. Not a poisoning talked about
    (risk, counselling, naloxone), suspected, negated, past or a relative's."""
    from medassist.text.context import classify

    text = doc.text
    low = text.lower()
    if not any(w in low for w in ("overdos", "poison", "ingest", "took a", "took an", "took too", "toxic")):
        return
    hits = _drug_mentions(doc, strict=False)  # (an overdose of cocaine, of iron, is a poisoning by it)
    terms = _poison_terms()  # substances that are no medicine ("heroin", "lead", "bleach"): the table's own words
    _add_mentions(hits, ((m, (terms[m.group().lower()],)) for m in _WORD_RX.finditer(text) if m.group().lower() in terms))
    hits.sort()
    cues = list(_POISON_LEAD.finditer(text))
    made: dict[str, tuple[int, int]] = {}  # code -> the words it was coded from
    for k, (a, b, names) in enumerate(hits):
        sa, sb = sents.around(a, b)
        cue = None
        for m in cues:  # a cue before the drug, with nothing but other drugs and small words between
            if sa <= m.start() and m.end() <= a:
                between = "".join(" " if any(x <= i < y for x, y, _ in hits[:k]) else ch
                                  for i, ch in zip(range(m.end(), a), text[m.end():a]))
                if _POISON_GAP.fullmatch(between):
                    cue = (m.start(), b)
        tail = _POISON_TAIL.match(text, b, sb)
        if tail is None and (_intents(text, sa, sb) or _POISONING_WORDS.search(text, sa, sb)):
            tail = _TOXICITY_TAIL.match(text, b, sb)  # "Lithium toxicity, accidental" (with none: adverse_effects)
            before = _TOXICITY_LEAD.search(text, max(sa, a - 40), a)  # "toxicity from lithium after an intentional ..."
            if cue is None and tail is None and before is not None:
                cue = (before.start(), b)
        if cue is None and tail is not None:
            cue = (a, tail.end())
        if cue is None or _NOT_POISONING.search(text, sa, sb):
            continue
        try:
            status = classify(doc, a, b).status
        except Exception:  # pragma: no cover - context must not break coding
            continue
        # (a relative's pills are still the patient's poisoning: "ingestion of his grandmother's metoprolol")
        if status != "affirmed" and not (status == "family" and _POSSESSIVE.search(text, cue[0], a)):
            continue
        intents = _intents(text, sa, sb)
        digit = intents.pop() if len(intents) == 1 else "1"  # (two intents stated, or none: accidental)
        col = int(digit) - 1  # the table's poisoning columns in the 6th character's order
        got = _table_code(names, col)
        if got is None:
            continue
        code, row = got
        made[code] = cue
        _promote(codes, code, None, 0.5, [Span.of(text, *cue)],
                 f"poisoning by {text[a:b]}, {_INTENT_WORDS[digit]} (Table of Drugs and Chemicals: {row}): code it "
                 "first, then its manifestations (guideline I.C.19.e.5.b)")
        # the unspecified substance / drug of the same sentence ("Lead poisoning" is no T65.91XA), and a suicide attempt
        # NOS once its poisoning is coded as self-harm (Index: Suicide, attempt, by poisoning: Table of Drugs)
        unspecified = _UNSPECIFIED_POISON + (("T14.91",) if col == 1 else ())
        for c in codes:
            if (c.suggested and c.code.startswith(unspecified) and c.code[:3] != code[:3]
                    and c.evidence and all(sents.around(e.start, e.end) == (sa, sb) for e in c.evidence)):
                _unsuggest(c, f"replaced by {code}: the sentence names the substance ({text[a:b]})")
    # another poisoning code learned from the same words is another row's guess ("Cocaine overdose" T41.3X1A, cocaine
    # as a local anesthetic, beside the table's T40.5X1A)
    for c in codes:
        if (c.suggested and "T36" <= c.code[:3] <= "T65" and c.code not in made and c.evidence
                and all(any(x <= e.start and e.end <= y for x, y in made.values()) for e in c.evidence)):
            by = next(k for k, (x, y) in made.items() if any(x <= e.start and e.end <= y for e in c.evidence))
            _unsuggest(c, f"replaced by {by}: the Table of Drugs' row for the substance the note names")


def numbered_children(codes: list, doc, sents: _Sentences) -> None:
    """A suggested code with no stage / class / degree whose category holds a listed, affirmed code whose
    number agrees with the note ("chronic kidney disease stage 3": N18.9 -> N18.30) is replaced by it."""
    text = doc.text
    for c in [c for c in codes if c.suggested]:
        if any(req for _, _, req in code_numbers(c.code)):
            continue
        best = None
        parent = next(iter(icd10.ancestors(c.code)[:1]), c.code[:3])
        for o in codes:  # (within c's own parent: M25.60 'Stiffness of joint' is no M25.562 'Pain in left knee')
            if (o is c or o.code[:3] != c.code[:3] or o.status != "affirmed" or parent not in icd10.ancestors(o.code)
                    or not any(req for _, _, req in code_numbers(o.code))):
                continue
            good = [e for e in o.evidence if evidence_problem(o.code, doc, e, sents) is None]
            if good and (best is None or o.score > best[0].score):
                best = (o, good)
        if best is None:
            _numbered_sibling(codes, c, doc, sents)
            continue
        o, good = best
        n = code_numbers(o.code)[0]
        _unsuggest(c, f"replaced by {o.code}: the note gives {n[0]} {n[1]}")
        o.suggested, o.evidence = True, good[:3]
        o.score = max(o.score, c.score)
        o.warnings.append(f"more specific than {c.code}: the note gives {n[0]} {n[1]} ('{good[0].text}')")


#: a Glasgow coma scale total the note states: "Glasgow coma scale score of 15", "GCS 8/15", "Glasgow of 3", "GCS: 14"
#: (not a range, "13-15", nor the eye / verbal / motor parts)
_GCS = re.compile(r"\b(?:glasgow(?:\s+coma)?(?:\s+scale)?|GCS)(?:\s+score)?\s*(?:(?:of|was|is|=|:)\s*){0,2}"
                  r"(?<![\d.])(1[0-5]|[3-9])(?:\s*/\s*15|\s+points?)?(?![\d.,]*\d|\s*[-\u2013]\s*\d)", re.I)
#: when the score was taken: the R40.24- codes' 7th character (0 unspecified time)
_GCS_WHEN = (
    ("1", re.compile(r"\b(?:in\s+the\s+field|at\s+the\s+scene|on[- ]scene|pre-?hospital|EMS|EMTs?|paramedics?|"
                     r"ambulance)\b", re.I)),
    ("2", re.compile(r"\b(?:emergency\s+(?:department|room|service|unit)|ED|ER)\b", re.I)),
    ("4", re.compile(r"\b(?:after|at|following)\s+(?:24|48|72|twenty-four)\s+hours\b|"
                     r"\b(?:24|48|72|twenty-four)\s+hours\s+(?:after|following|later|into|of)\b", re.I)),
    ("3", re.compile(r"\b(?:on|at|upon|during)\s+(?:(?:the\s+)?hospital\s+|his\s+|her\s+)?admission\b|\bwhen\s+admitted\b|"
                     r"\bon\s+arrival\s+(?:to|at)\s+(?:the\s+)?(?:hospital|ward|ICU|unit)\b", re.I)),
)
_GCS_RANGE = {"1": "13-15", "2": "9-12", "3": "3-8"}


def stated_coma_scale(doc, sents: _Sentences | None = None) -> dict[str, list]:
    """{R40.24- code: [its Spans]} for each Glasgow coma scale total the note states, with the time it was taken."""
    sents = sents if sents is not None else _Sentences(doc)
    text = doc.text
    wanted: dict[str, list] = {}
    found = list(_GCS.finditer(text))
    for k, m in enumerate(found):
        n = int(m.group(1))
        band = "1" if n >= 13 else "2" if n >= 9 else "3"
        a, b = sents.around(m.start(), m.end())
        # a second score in the sentence has its own time: each reads from the one before it to the one after it
        lo = max(a, found[k - 1].end()) if k else a
        hi = min(b, found[k + 1].start()) if k + 1 < len(found) else b
        clause = text[lo:max(hi, m.end())]
        when = next((ch for ch, pat in _GCS_WHEN if pat.search(clause)), "0")
        wanted.setdefault(f"R40.24{band}{when}", []).append(Span.of(text, m.start(), m.end()))
    return wanted


def screen_alternatives(alternatives: list, doc) -> list:
    """The learned alternatives (code.add_alternatives) without those the note's own statements rule out: a Glasgow
    coma scale code of a score or time the note does not state."""
    if not any(a.code.startswith("R40.24") for a in alternatives):
        return alternatives
    stated = stated_coma_scale(doc)
    return [a for a in alternatives if not (stated and a.code.startswith("R40.24") and a.code not in stated)]


def glasgow_scale(codes: list, doc, sents: _Sentences) -> None:
    """A Glasgow coma scale code (R40.24-) is the one of the total the note states and of when it was taken (the
    7th character: in the field, at arrival to the emergency department, at hospital admission, 24 hours or more
    after it). The learned tables know the words 'Glasgow coma scale', not which number a note gives: "Glasgow coma
    scale score of 15" in the emergency department is R40.2412, not a 9-12 score in the field. A suggested code of
    another total or time is replaced by the stated one; listed ones are ranked below it."""
    wanted = stated_coma_scale(doc, sents)
    gcs = [c for c in codes if c.code.startswith("R40.24")]
    if not wanted or not gcs:
        return
    top = max(gcs, key=lambda c: c.score)
    top_score = top.score
    suggested = [c for c in gcs if c.suggested]
    lead = max((c.score for c in suggested), default=0.0)  # (before the codes it replaces are ranked lower)
    said = " and ".join(f"{_GCS_RANGE[k[6]]} ({k})" for k in wanted)
    for c in gcs:
        if c.code not in wanted:
            if c.suggested:
                _unsuggest(c, f"the note states a Glasgow coma scale score of {said}")
            _rank_lower(c, f"the note states a Glasgow coma scale score of {said}")
    for code, spans in wanted.items():
        why = f"the Glasgow coma scale score the note states ('{spans[0].text}') and when it was taken"
        if suggested:
            _promote(codes, code, suggested[0], lead, spans, why)
            continue
        have = next((c for c in codes if c.code == code), None)
        if have is None:
            _list(codes, code, top, top_score, spans, why, status=top.status)
        elif have.score < top_score:
            have.score = top_score
            have.warnings.append(f"ranked in the place of {top.code}: {why}")


_GESTATION_WORD = r"(?:gestation(?:al age)?|pregnancy|pregnant|(?:E)?GA\b|IUP\b)"
_N_WEEKS = (r"(?<![\d/.,+-])(\d{1,2})(?:[.,]\d|\s*\+\s*\d(?:/7)?|[- ]\d/\d|\s+and\s+\d/7(?:th|ths)?|\s+plus)?"
            r"\s*(?:-\s*)?(?:weeks?|wks?)\b['’]?")
#: "39 weeks' gestation", "19.6 weeks of gestation", "36+2 weeks of pregnancy", "A 10-1/2 week pregnancy", "39 plus weeks",
#: "Term pregnancy at 40 and 3/7th weeks";
#: "pregnant at 32 weeks", "gestational age of 24 weeks", "EGA 38 weeks", "IUP at 8 weeks", "G2P1 at 22 weeks"
_GESTATION_WEEKS = re.compile(
    rf"\b{_N_WEEKS}\s*(?:of\s+)?{_GESTATION_WORD}"
    rf"|\b{_GESTATION_WORD}\s*,?\s*(?:(?:of|at|is|was)\s+)?(?:(?:about|approximately|around)\s+)?{_N_WEEKS}"
    # (a preterm labor's weeks are the pregnancy's: "Preterm labor at 33 weeks")
    rf"|\b(?:preterm|pre-term|premature)\s+(?:labou?r|contractions|rupture\s+of\s+(?:the\s+)?membranes|P?PROM)\s+at\s+{_N_WEEKS}"
    # (the obstetric shorthand of gravida and para: "G2P1 at 22 weeks", "G1P0 @ 30 weeks")
    rf"|\bG\d{{1,2}}\s*P\d{{1,4}}(?:-\d{{1,2}}){{0,3}}\s+(?:at|@)\s+{_N_WEEKS}"
    # (a pregnancy's own condition 'at' its weeks: "Gestational hypertension, 32 weeks", "Breech presentation at 37
    # weeks", "Oligohydramnios, 34 weeks", "Preeclampsia without severe features at 35 weeks")
    rf"|\b(?:gestational\s+(?:hypertension|diabetes)|pre-?eclampsia|eclampsia|breech(?:\s+presentation)?"
    rf"|(?:placenta\s+)?previa|oligohydramnios|polyhydramnios|hyperemesis(?:\s+gravidarum)?|cervical\s+insufficiency"
    rf"|placental\s+abruption|abruptio\s+placentae)"
    rf"\s*(?:,\s*|\s+)(?:(?:(?!(?:after|delivery|delivered|postpartum|born|birth|resolved|since|until)\b)[\w-]+,?\s+){{0,4}}?"
    rf"(?:at|@)\s+|(?:at|@)\s+)?{_N_WEEKS}",
    re.I)
#: the weeks of a newborn's own gestation (preterm birth is coded P07.- on the baby's record), not the mother's
_NEWBORN_WEEKS = re.compile(r"\b(?:born|newborn|neonat\w*|infant|baby|babies|ex-?\s*\d+\s*week)", re.I)


#: a delivery or the puerperium: an obstetric code's "complicating childbirth" / "puerperium" sibling may be the one
_DELIVERY = re.compile(r"\b(?:deliver(?:y|ed|ies)|(?<!preterm )(?<!pre-term )(?<!false )(?<!threatened )labou?r\b|"
                       r"ca?esarean|c-section|childbirth|"
                       r"postpartum|post-partum|puerper\w*)", re.I)
# a delivery the note tells of that is not this one: an earlier ("Cesarean section in 2021", "previous cesarean"), a
# planned one ("planning repeat cesarean"; a repeat cesarean done now is this one), or one in the obstetric history
_OTHER_DELIVERY_BEFORE = re.compile(r"(?:previous|prior|history\s+of|h/o|last|past|planned|planning|plans?\s+for|"
                                    r"scheduled|future|discussed|counsel\w*|obstetric\s+history|trial\s+of|"
                                    # "Her first pregnancy ended in a cesarean delivery", "Go to labor and delivery for
                                    # headache" (the unit, in the return precautions)
                                    r"pregnanc(?:y|ies)\s+(?:ended|resulted)|"
                                    r"(?:go|come|report|present|return|head)\s+(?:\w+\s+)?to(?:\s+the)?)"
                                    r"\W+(?:\w+\W+){0,3}$", re.I)
_OTHER_DELIVERY_AFTER = re.compile(r"^\W*(?:[\w-]+\W+){0,3}?(?:in|on)\s+(?:19|20)\d\d\b", re.I)
_OBSTETRIC_HISTORY = re.compile(r"(?:obstetric(?:al)?|ob|gyn(?:ecologic)?|surgical)\s+history\s*:[^\n]*$", re.I)


def _delivery_now(text: str, words: re.Pattern = _DELIVERY) -> bool:
    """The note tells of a delivery or a puerperium now (a note of this delivery), not only of an earlier or a planned
    one (``words``: the wording that counts; _DELIVERED for this encounter's delivery itself)."""
    for m in words.finditer(text):
        line = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
        if (_OTHER_DELIVERY_BEFORE.search(text[max(0, m.start() - 60):m.start()])
                or _OTHER_DELIVERY_AFTER.match(text[m.end():m.end() + 40]) or _OBSTETRIC_HISTORY.search(line)):
            continue
        return True
    return False


#: a condition of a pregnant patient complicates the pregnancy unless the provider says otherwise (guideline
#: I.C.15.a.1): its chapter 15 code (pregnancy, unspecified trimester; in a delivery note, complicating childbirth),
#: the pre-existing one when its mention says so, else the Index's "Hypertension, complicating pregnancy" (O16)
_IN_PREGNANCY = {"I10": (("O10.019", "O10.02"), ("O16.9", "O16.4"))}
_PRE_EXISTING = re.compile(r"\b(?:chronic|pre-?existing|essential|history of|known)\b", re.I)
#: the note describes this encounter's delivery (narrower than _DELIVERY: 'labor precautions' is no delivery)
_DELIVERED = re.compile(r"\b(?:delivered|delivery of|vaginal delivery|ca?esarean|c-section|repeat section)", re.I)


def _abortive(codes: list) -> bool:
    """A pregnancy with abortive outcome (O00-O08) is suggested."""
    return any(c.suggested and c.code[:1] == "O" and c.code[:3] < "O09" for c in codes)


def _in_pregnancy(codes: list, text: str, span: Span) -> None:
    """In a note that states the weeks of the current pregnancy, hypertension is a hypertension complicating it, not
    I10: pre-existing (O10.019, O10.02 in a delivery note) when its mention says chronic, pre-existing, essential, known
    or history of; else unspecified maternal hypertension (O16.9, O16.4). Not with an abortive outcome."""
    if _abortive(codes):
        return
    for c in [c for c in codes if c.suggested and c.code in _IN_PREGNANCY and c.status == "affirmed"]:
        before = any(_PRE_EXISTING.search(text[max(0, e.start - 40):e.end]) for e in c.evidence)
        pregnancy, childbirth = _IN_PREGNANCY[c.code][0 if before else 1]
        to = childbirth if _delivery_now(text, _DELIVERED) else pregnancy
        why = (f"a condition of a pregnant patient complicates the pregnancy unless the provider says otherwise "
               f"(guideline I.C.15.a.1; the note states '{span.text}')")
        _promote(codes, to, c, c.score, c.evidence, f"more specific than {c.code}: {why}")
        _unsuggest(c, f"replaced by {to}: {why}")


def _complicating_pregnancy(codes: list, text: str, span: Span) -> None:
    """In a note that states the weeks of the current pregnancy, a condition of another chapter (hypothyroidism,
    asthma, depression, anemia ...) complicates the pregnancy unless the provider says it is incidental (guideline
    I.C.15.a.1): its O99 code (in pregnancy, unspecified trimester, which _trimester then places; complicating
    childbirth in a note of this delivery) is suggested first, the condition's own code beside it (the O99 code's
    'use additional code'). Not with an abortive outcome."""
    families, incidental, why = rules().complicating_pregnancy
    if not families or _abortive(codes) or incidental.search(text):
        return
    delivered = _delivery_now(text, _DELIVERED)
    for c in [c for c in codes if c.suggested and c.status == "affirmed" and _CHAPTER_CONDITION.match(c.code)]:
        to = next(((childbirth if delivered else pregnancy) for prefixes, excepted, pregnancy, childbirth in families
                   if c.code.startswith(prefixes) and not c.code.startswith(excepted)), None)
        if to is not None:
            _promote(codes, to, c, c.score + 1e-6, c.evidence,  # (listed just above the condition: the O code first)
                     f"{why}; the note states '{span.text}' and {c.code} ({c.description})")


#: a condition of chapters 3-12 an O99 code stands for (no neoplasm D0-D4, symptom, injury or status code)
_CHAPTER_CONDITION = re.compile(r"(?:D[5-8]|[EFGIJKL])")


def _trimester(codes: list, text: str, weeks: list[int], span: Span) -> None:
    """A suggested obstetric code (or a normal pregnancy's supervision, Z34) of 'unspecified trimester' takes the
    trimester of the weeks the note states (first under 14 weeks, second 14 to 27, third from 28; ICD-10-CM
    I.C.15.a.3) when every stated week falls in one trimester and the sibling exists. Not in a note of a delivery or the puerperium, whose codes say 'complicating childbirth'."""
    tris = {"first" if n < 14 else "second" if n < 28 else "third" for n in weeks}
    if len(tris) != 1 or _delivery_now(text):
        return
    tri = tris.pop()
    for c in [c for c in codes if c.suggested and c.code.startswith(("O", "Z34")) and c.status == "affirmed"
              and c.description.endswith("unspecified trimester")]:
        sib = _sibling_named(c.code, c.description[: -len("unspecified trimester")] + f"{tri} trimester")
        if sib is None:
            continue
        why = f"the note states {', '.join(str(n) for n in dict.fromkeys(weeks))} weeks of gestation ({tri} trimester)"
        _promote(codes, sib, c, c.score, c.evidence, f"more specific than {c.code}: {why}, '{span.text}'")
        _unsuggest(c, f"replaced by {sib}: {why}")


# L97 (non-pressure chronic ulcer of lower limb): 4th character the site, 5th the side, 6th the depth
def _digit_table(*pairs: tuple[str, str]) -> tuple:
    """(words, the code character they give), compiled case-insensitive, tried in order."""
    return tuple((re.compile(rx, re.IGNORECASE), digit) for rx, digit in pairs)


_ULCER_SITES = _digit_table((r"\b(?:heel|midfoot|mid-foot|plantar|sole|arch)\b", "4"), (r"\b(?:ankle|malleol\w*)\b", "3"),
                            (r"\b(?:toes?|hallux|halluces|forefoot|metatarsal\w*|dorsum|dorsal|foot|feet)\b", "5"),
                            (r"\bcalf\b", "2"), (r"\bthigh\b", "1"), (r"\b(?:shin|pretibial)\b", "8"),
                            (r"\b(?:lower leg|legs?|lower (?:limb|extremit\w+))\b", "9"))
_ULCER_DEPTHS = _digit_table((r"breakdown of (?:the )?skin|skin breakdown|partial[- ]thickness", "1"),
                             (r"fat (?:layer )?exposed|exposed fat|full[- ]thickness|subcutaneous", "2"),
                             (r"necrosis of (?:the )?muscle|muscle necrosis", "3"),
                             (r"necrosis of (?:the )?bone|bone necrosis|osteomyelitis", "4"),
                             (r"muscle involvement without (?:evidence of )?necrosis", "5"),
                             (r"bone involvement without (?:evidence of )?necrosis", "6"))
_ULCER_WORD = re.compile(r"\bulcer\w*", re.I)
_ULCER_LEG = re.compile(r"\b(?:legs?|lower (?:limb|extremit\w+))\b", re.I)


# a chronic ulcer of the skin of a leg or foot that the note names by its place ("Chronic ulcer of the right calf with
# fat layer exposed", "Left great toe ulcer"): the ulcer word and the place within a few words of each other
_LIMB_ULCER = re.compile(r"\bulcers?\b", re.IGNORECASE)
# other kinds of ulcer, with their own codes (a pressure ulcer L89 below; venous, varicose and arterial ulcers are the
# vessels' codes with ulcer_site's L97), or ulcers of no skin of a limb
_OTHER_ULCER = re.compile(r"\bvenous\b|\bstasis\b|varic|arterial|ischa?emic|\bcorneal\b|peptic|gastric|duoden|aphthous|"
                          r"\bmouth\b|\boral\b|mucos|genital|\banal\b|rectal|\bstress\b|ulcerative|malignan|melanoma|"
                          r"carcinoma|\bburn|\bwound\b|lacerat|\babrasion", re.IGNORECASE)
_PRESSURE = re.compile(r"(?<!non-)(?<!non )\bpressure\b|decubit|bed\s*sores?", re.IGNORECASE)
_PRESSURE_STAGE = _digit_table((r"\bunstageable\b", "0"), (r"\bdeep tissue\b", "6"),
                               (r"\bstage\s*(?:1|I)\b", "1"), (r"\bstage\s*(?:2|II)\b", "2"),
                               (r"\bstage\s*(?:3|III)\b", "3"), (r"\bstage\s*(?:4|IV)\b", "4"))


_FOCAL_IMPAIRED = re.compile(r"complex\s+partial|impair\w*\s+(?:of\s+)?(?:consciousness|awareness)|focal\s+(?:onset\s+)?"
                             r"impaired|dyscognitive|with\s+(?:loss|alteration)\s+of\s+(?:consciousness|awareness)", re.I)
_FOCAL_AWARE = re.compile(r"simple\s+partial|without\s+(?:impair\w*|loss|alteration)\s+of\s+(?:consciousness|awareness)|"
                          r"focal\s+(?:onset\s+)?aware", re.I)
_FOCAL = re.compile(r"\b(?:focal|partial|localization[- ]related|(?:temporal|frontal|parietal|occipital)\s+lobe)\b", re.I)
_GENERALIZED = re.compile(r"(?<!secondarily\s)(?<!secondary\s)\bgeneralized\b", re.I)
_INTRACTABLE = re.compile(r"(?<!not\s)(?<!non-)\b(?:intractable|refractory|drug[- ]resistant|pharmaco-?resistant|"
                          r"treatment[- ]resistant|poorly\s+controlled)\b", re.I)
_STATUS_EPI = re.compile(r"(?<!without\s)(?<!\bno\s)\bstatus\s+epilepticus\b", re.I)


def epilepsy_kind(codes: list, doc, sents: _Sentences) -> None:
    """An epilepsy code by what its sentence says (Index: Epilepsy): focal with impaired awareness (complex partial)
    G40.2-, focal aware (simple partial) G40.1-, generalized G40.3-, none of these G40.9-; intractable (refractory,
    pharmacoresistant, poorly controlled) or not; with status epilepticus or without. "Focal epilepsy with impairment
    of consciousness" was G40.109, the simple partial code. Absence, myoclonic and named syndromes keep their codes."""
    text = doc.text
    for c in [c for c in codes if c.suggested and c.evidence and re.match(r"G40\.[0-49]\d\d$", c.code)]:
        a, b = sents.around(c.evidence[0].start, c.evidence[0].end)
        sent = text[a:b]
        if re.search(r"\babsence|myoclon|lennox|dravet|infantile\s+spasms|west\s+syndrome", sent, re.I):
            continue
        if _FOCAL_IMPAIRED.search(sent):
            kind = "2"
        elif _FOCAL_AWARE.search(sent):
            kind = "1"
        elif _FOCAL.search(sent):
            kind = c.code[4] if c.code[4] in "012" else "1"  # (focal NOS: the code's own, or the Index's G40.1-)
        elif _GENERALIZED.search(sent):
            kind = c.code[4] if c.code[4] in "34" else "3"
        else:
            kind = c.code[4]
        intr = "1" if _INTRACTABLE.search(sent) else "0"
        status = "1" if _STATUS_EPI.search(sent) else "9"
        code = f"G40.{kind}{intr}{status}"
        if code == c.code or icd10.lookup(code) is None:
            continue
        why = f"the epilepsy its sentence describes ('{sent.strip()[:80]}') is {code} (Index: Epilepsy)"
        _unsuggest(c, f"replaced by {code}: {why}")
        _promote(codes, code, c, c.score, list(c.evidence), f"more specific than {c.code}: {why}")


def limb_ulcer(codes: list, doc, sents: _Sentences) -> None:
    """A non-pressure chronic ulcer the note names on a leg or foot is L97 by its place, side and depth (the same
    words as ulcer_site reads); a pressure ulcer named only so ("foot ulcer of the left heel, pressure related") is
    L89 by its place and stage. Suggested when the ulcer is affirmed, the patient's, now, and no ulcer code is
    suggested from its sentence yet; an L97 / L98.4 code of less detail from the same sentence gives way. It comes
    before the combinations, so a diabetic's foot ulcer becomes E11.621 with it (I.A.15)."""
    from medassist.text.context import classify

    text = doc.text
    done: set = set()
    for m in _LIMB_ULCER.finditer(text):
        a, b = sents.around(m.start(), m.end())
        if (a, b) in done:
            continue
        # the ulcer's own words: a few words before it to the end of its clause after it
        lo = max(a, text.rfind(",", a, m.start()) + 1, text.rfind("\n", a, m.start()) + 1, m.start() - 45)
        nl = text.find("\n", m.end(), b)
        hi = min(b if nl < 0 else nl, m.end() + 90)
        near = text[lo:hi]
        if _OTHER_ULCER.search(near):
            continue
        site = next((d for rx, d in _ULCER_SITES if rx.search(near)), None)
        if site is None or site == "9" and not _ULCER_LEG.search(near):
            continue
        mine = [c for c in codes if c.suggested and c.code.startswith(("L97", "L98.4", "L89", "I83.0", "I83.2", "I87.2",
                                                                          "I70.2", "I70.3", "I70.4", "I70.5", "I70.7"))
                and any(lo <= e.start < hi or e.start <= lo < e.end for e in c.evidence)]
        if any(re.match(r"E(?:08|09|10|11|13)\.62[12]$", c.code) for c in codes if c.suggested):
            continue  # (ulcer_site gives the L97 of a diabetic ulcer)
        if _status_at(doc, m.start(), m.end(), classify) != "affirmed":
            continue
        done.add((a, b))
        left, right = re.search(r"\bleft\b", near, re.I), re.search(r"\bright\b", near, re.I)
        side = "1" if right and not left else "2" if left and not right else "0"
        if _PRESSURE.search(near):
            stage = next((d for rx, d in _PRESSURE_STAGE if rx.search(near)), "9")
            code = (f"L89.6{side}{stage}" if site == "4" and "heel" in near.lower()
                    else f"L89.5{side}{stage}" if site == "3" else f"L89.89{stage}")
            why = "a pressure ulcer is L89 by its place, side and stage (Index: Ulcer, pressure), not a non-pressure L97"
        else:
            depth = next((d for rx, d in _ULCER_DEPTHS if rx.search(near)), "9")
            code = f"L97.{site}{side}{depth}"
            why = "a chronic ulcer of the skin of the leg or foot, not a pressure ulcer: L97 by its place, side and depth"
        if icd10.lookup(code) is None or any(c.code == code for c in mine):
            continue
        # (a pressure ulcer of this place, or of none, gives way; one of another place is another ulcer)
        mine = [c for c in mine if not c.code.startswith("L89") or c.code[:5] in (code[:5], "L89.9")
                or code.startswith("L97")]
        if any(not c.code.startswith(("L97", "L98.4", "L89")) for c in mine):
            continue  # (a venous or arterial ulcer code holds the sentence)
        for c in mine:
            _unsuggest(c, f"the ulcer the note describes is {code}")
        start = lo + len(near) - len(near.lstrip(" \n\t-*\u2022.0123456789)"))
        end = hi
        while end > start and text[end - 1] in " .;,\n":
            end -= 1
        score = max([c.score for c in mine] + [0.5])
        _promote(codes, code, None, score, [Span.of(text, start, end)], f"suggested: {why}")


def ulcer_site(codes: list, doc, sents: _Sentences) -> None:
    """A suggested diabetic foot ulcer (E08-E13 .621) or other skin ulcer of a leg (.622) asks, in the tabular, for an
    additional code of the ulcer's site and depth (L97.-): the sentence of the ulcer gives the site (heel and midfoot,
    ankle, other part of the foot, calf, thigh, shin, the leg unspecified), the side (right, left) and the depth
    (limited to breakdown of skin, fat layer exposed, necrosis of muscle or bone, ...); what it does not give is
    'unspecified'. The code is suggested beside the diabetes code, and an L97 code suggested from the same words
    with less detail gives way to it. So does a venous (stasis) ulcer (I87.2; with the varicose veins the note names,
    the varices with ulcer by side and site, I83.0-, as the Index says), beside a diabetic one or alone."""
    diabetic = next((c for c in codes if c.suggested and re.match(r"E(?:08|09|10|11|13)\.62[12]$", c.code)), None)
    # (the varices with ulcer the note names before a venous ulcer NOS: "stasis dermatitis" is I87.2 too)
    venous = (next((c for c in codes if c.suggested and re.match(r"I83\.[02]", c.code)), None)
              or next((c for c in codes if c.suggested and c.code == "I87.2"), None))
    made: set = set()
    for base in (diabetic, venous):
        if base is not None:
            _ulcer_of(base, base is venous, codes, doc, sents, made)


def _ulcer_of(base, venous: bool, codes: list, doc, sents: _Sentences, made: set) -> None:
    """ulcer_site for one ulcer code (``base``), in the sentence of its evidence; ``made``: the L97 codes given so far
    (another ulcer's, which this one does not replace)."""
    text = doc.text

    def ulcers_in(e) -> int:  # (a sentence of one ulcer first: "a diabetic ulcer of the left heel ..., and a venous
        return len(_ULCER_WORD.findall(text, *sents.around(e.start, e.end)))  # ulcer of the right ankle" has two)

    for e in sorted(base.evidence, key=lambda e: ulcers_in(e) > 1):
        a, b = sents.around(e.start, e.end)
        m = _ULCER_WORD.search(text, a, b)
        if m is None:
            continue
        sent = text[a:b]
        site = next((d for rx, d in _ULCER_SITES if rx.search(sent)), None)
        if site is None:
            site = "9" if venous or base.code.endswith("622") else "5"  # a foot ulcer NOS: 'other part of foot'
        if base.code.endswith("621") and site not in "345":
            site = "5"
        left, right = re.search(r"\bleft\b", sent, re.I), re.search(r"\bright\b", sent, re.I)
        side = "1" if right and not left else "2" if left and not right else "0"  # (0: unspecified side)
        depth = next((d for rx, d in _ULCER_DEPTHS if rx.search(sent)), "9")
        code = f"L97.{site}{side}{depth}"
        if icd10.lookup(code) is None:
            return
        lead = _BULLET.match(text[a:b]).end()  # (the evidence: the sentence without its list number and final stop)
        a = a + lead if a + lead <= e.start else a
        while b > a and text[b - 1] in " .;\n":
            b -= 1
        leg = site in "1238" or site == "9" and _ULCER_LEG.search(sent) is not None
        for c in codes:  # (a leg's ulcer is L97, not a skin ulcer of 'other sites' L98.4-)
            if (c.suggested and c.code != code and c.code not in made
                    and (c.code.startswith("L97") or leg and c.code.startswith("L98.4"))
                    and (not venous and "coding rule" not in c.sources or any(a <= x.start < b for x in c.evidence))):
                _unsuggest(c, f"the ulcer the note describes is {code}")

        def replaced(combo: str, why: str):  # ``base`` replaced by ``combo`` (suggested): the new base
            _promote(codes, combo, base, base.score, base.evidence, f"more specific than {base.code}: {why}")
            _unsuggest(base, f"replaced by {combo}: {why}")
            return next(c for c in codes if c.code == combo)

        if venous and base.code == "I87.2" and _VARICOSE.search(text):
            # Index: Ulcer, stasis (venous) - see Varix, leg, with ulcer; without varicose veins I87.2
            combo = f"I83.0{side}{site}"
            if icd10.lookup(combo) is not None:
                why = "a venous (stasis) ulcer with the varicose veins the note names is the varices with ulcer, by side and site"
                base = replaced(combo, why)
                legs = "0" + (side if side != "0" else "123")  # (the varicose veins of that leg, or of no named leg)
                for c in codes:
                    if c.suggested and re.match(rf"I83\.[89][{legs}]", c.code):
                        _unsuggest(c, f"part of {combo}: {why}")
        elif venous and re.match(r"I83\.[02][0-2]9$", base.code) and site != "9":
            # varices with ulcer of an unspecified site (a side rule's I83.019): the site of the ulcer in its sentence
            combo = base.code[:-1] + site
            if icd10.lookup(combo) is not None:
                base = replaced(combo, "the ulcer of the varicose veins is placed in its sentence")
        if venous and base.code == "I87.2":
            for c in codes:  # (the "chronic venous stasis" of a venous stasis ulcer is its I87.2, not I87.8 beside it)
                if c.suggested and c.code == "I87.8" and all(a <= x.start < b for x in c.evidence):
                    _unsuggest(c, "part of I87.2: the venous stasis of the ulcer its sentence names")
        if venous and base.code.startswith("I83"):
            for c in codes:  # a venous insufficiency, stasis or stasis dermatitis of the varices' sentence is part of them
                if c.suggested and c.code in ("I87.2", "I87.8") and any(a <= x.start < b for x in c.evidence):
                    _unsuggest(c, f"part of {base.code}: the varicose veins the sentence names, with ulcer or "
                                  "inflammation (Index: Varix, leg, with ulcer / inflammation)")
        _promote(codes, code, base, base.score, [Span.of(text, a, b)],
                 f"use additional code of {base.code}: the ulcer's site, side and depth in its sentence")
        made.add(code)
        return


_VARICOSE = re.compile(r"\bvaric(?:ose|osities|es)\b", re.IGNORECASE)


def _stated_gestation(doc, sents: _Sentences) -> tuple[dict, list]:
    """The weeks of gestation the note states for the current pregnancy: ({Z3A code: span}, [weeks])."""
    from medassist.text.context import classify

    text = doc.text
    stated: dict[str, Span] = {}
    weeks: list[int] = []
    for m in _GESTATION_WEEKS.finditer(text):
        a, b = sents.around(m.start(), m.end())
        if _NEWBORN_WEEKS.search(text[a:b]) or _status_at(doc, m.start(), m.end(), classify) != "affirmed":
            continue
        n = int(next(g for g in m.groups() if g))
        code = "Z3A.01" if n < 8 else "Z3A.49" if n > 42 else f"Z3A.{n:02d}"
        if icd10.lookup(code) is not None:
            stated.setdefault(code, Span.of(text, m.start(), m.end()))
            weeks.append(n)
    return stated, weeks


def pregnancy_codes(codes: list, doc, gestation: tuple[dict, list]) -> None:
    """Once the codes are chosen: a condition of another chapter complicates the pregnancy (_complicating_pregnancy),
    an obstetric code a later rule made ('Anemia of pregnancy' O99.019 from D64.9) takes the trimester of the stated
    weeks too (_trimester), and a normal pregnancy's supervision (Z34) goes beside an
    obstetric complication (Z34 is for a pregnancy without one; guideline I.C.15.b.2: a high-risk or complicated
    pregnancy's visit is coded by its complications). ``gestation``: _stated_gestation's (stated, weeks)."""
    stated, weeks = gestation
    if stated:
        _complicating_pregnancy(codes, doc.text, next(iter(stated.values())))
        _trimester(codes, doc.text, weeks, next(iter(stated.values())))
        # (an O99 code made here goes with the weeks the note states, as gestation_weeks gives them to an O code)
        made = [c for c in codes if c.suggested and c.code.startswith("O99") and c.status == "affirmed"]
        if made and not _abortive(codes) and not any(c.suggested and c.code.startswith("Z3A") for c in codes):
            for k, (code, span) in enumerate(stated.items()):
                _promote(codes, code, None, max(c.score for c in made) * (0.999 - 0.01 * k), [span],
                         f"the note states the weeks of gestation ('{span.text}')")
    complication = next((c for c in codes if c.suggested and c.status == "affirmed" and c.code[:1] == "O"
                         and not c.code.startswith(("O80", "O09"))), None)
    if complication is not None:
        for c in codes:
            if c.suggested and c.code.startswith("Z34"):
                _unsuggest(c, f"the pregnancy has a complication the note names ({complication.code} "
                              f"{complication.description}): Z34 is the supervision of a normal pregnancy")


def gestation_weeks(codes: list, doc, sents: _Sentences) -> tuple[dict, list]:
    """Weeks of gestation (Z3A) are the weeks the note states for the current pregnancy: "at 39 weeks' gestation" is
    Z3A.39 (Z3A.01 under 8 weeks, Z3A.49 over 42), whichever Z3A code the learned tables ranked first. The stated
    week takes the best Z3A score (suggested when a Z3A or an obstetric O code is suggested: Z3A goes with the O code
    on the mother's record, guideline I.C.15.b.3); a Z3A code of weeks the note does not state is ranked lower. A
    newborn's weeks ("born at 28 weeks of gestation") and a past pregnancy's are not the mother's current ones.
    Stated weeks also make the patient's hypertension a pregnancy's (_in_pregnancy) and give an obstetric code of
    'unspecified trimester' its trimester (_trimester)."""
    text = doc.text
    stated, weeks = _stated_gestation(doc, sents)
    if not stated:
        return stated, weeks
    _in_pregnancy(codes, text, next(iter(stated.values())))
    _trimester(codes, text, weeks, next(iter(stated.values())))
    family = [c for c in codes if c.code.startswith("Z3A")]
    # (an obstetric code, or a normal pregnancy's supervision: "Pregnancy at 12 weeks, routine prenatal visit" is
    # Z34.01 with Z3A.12)
    obstetric = [c for c in codes if c.suggested and (c.code[:1] == "O" or c.code.startswith("Z34"))
                 and c.status == "affirmed"]
    if _abortive(codes):  # Z3A Excludes1 a pregnancy with abortive outcome (O00-O08)
        obstetric = []
        for c in family:
            if c.suggested:
                _unsuggest(c, "a pregnancy with abortive outcome (O00-O08) takes no weeks of gestation (Z3A Excludes1)")
    top = max((c.score for c in family), default=0.0)
    suggest = any(c.suggested for c in family) or bool(obstetric)
    if suggest:
        top = max([top] + [c.score for c in obstetric])
    for k, (code, span) in enumerate(stated.items()):
        score = top * (1.0 - 0.01 * k)  # in the note's order
        why = f"the note states the weeks of gestation ('{span.text}')"
        have = next((c for c in codes if c.code == code), None)
        if suggest:
            _promote(codes, code, None, score, [span], why)
        elif have is not None:
            have.score, have.evidence = max(have.score, score), [span]
            have.sources = sorted(set(have.sources) | {"coding rule"})
            have.warnings.append(f"ranked first of Z3A: {why}")
        else:
            _list(codes, code, None, score, [span], f"listed: {why}")
    for c in family:
        if c.code not in stated:
            if c.suggested:
                _unsuggest(c, f"replaced by {', '.join(stated)}: the note states other weeks of gestation")
            _rank_lower(c, "the note states other weeks of gestation")
    return stated, weeks


def _numbered_sibling(codes: list, c, doc, sents: _Sentences) -> None:
    """The sibling the scorer did not list whose stage / degree / class the mention of ``c`` ('unspecified stage')
    gives: "Stage IV necrotic sacral decubitus" L89.159 -> L89.154."""
    if "unspecified" not in c.description.lower() or not c.evidence:
        return
    parent = next(iter(icd10.ancestors(c.code)[:1]), None)
    for sib in icd10.children(parent) if parent else ():
        want = code_numbers(sib)
        e = icd10.lookup(sib)
        if sib == c.code or not want or not all(req for _, _, req in want) or e is None or not e.billable:
            continue
        good = [ev for ev in c.evidence if number_problem(sib, doc.text, ev.start, ev.end, sents.around(ev.start, ev.end)) is None]
        if good:
            n = want[0]
            _promote(codes, sib, c, c.score, good, f"more specific than {c.code}: the note gives {n[0]} {n[1]} ('{good[0].text}')")
            _unsuggest(c, f"replaced by {sib}: the note gives {n[0]} {n[1]}")
            return


# a code, a range ("N18.1-N18.6", "B95-B97": the range first, then a category's dash "N18.-")
_CODE_REF = re.compile(r"\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:\s*-\s*([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)|\.?-)?")


def _refers(notes, code: str) -> bool:
    """Whether tabular notes ("code to identify the stage (N18.1-N18.6)") name ``code`` or a range holding it."""
    flat = code.replace(".", "")
    for note in notes or ():
        for m in _CODE_REF.finditer(note):
            lo = m.group(1).replace(".", "")
            hi = (m.group(2) or "").replace(".", "")
            if hi:
                if lo <= flat[:len(lo)] and flat[:len(hi)] <= hi:
                    return True
            elif flat.startswith(lo):
                return True
    return False


def _says_more(o, c, text: str) -> bool:
    """``o`` has an evidence span of its own (one not inside any of ``c``'s spans), or its evidence holds a word
    of what ``o`` adds to ``c`` ('vomiting' in "nausea and vomiting" for R11.2 beside R11.0 Nausea)."""
    if any(not any(x.start <= e.start and e.end <= x.end for x in c.evidence) for e in o.evidence):
        return True
    extra = _meaning_words(o.description, core=False) - _meaning_words(c.description, core=True)
    # (a word of the same stem counts: 'alcoholic' says the 'alcohol' of 'Alcohol-induced chronic pancreatitis')
    if any(_similar(w, t.norm) for e in o.evidence for t in tokenize(_phrase(text, e.start, e.end)) for w in extra):
        return True
    # (and so does a word the abbreviations give ``o`` alone: "Prostatism" is BPH with LUTS, N40.1)
    from .coding_lexicon import lexicon

    own = {t.words for t in lexicon().terms_of(o.code) if t.source == "abbr"}
    return any(tuple(t.norm for t in tokenize(e.text)) in own for e in o.evidence)


def _parent(code: str) -> str | None:
    split = icd10.codeset().split_seventh(code)
    up = icd10.ancestors(split[0] if split else code)
    return up[0] if up else None


def _unspecified(description: str) -> bool:
    """A code that names no kind of its own: 'unspecified', or 'not elsewhere classified' (a residual code, for a
    condition no other code classifies: R58 beside the vitreous hemorrhage H43.1- is none)."""
    return "unspecified" in description.lower() or "not elsewhere classified" in description.lower()


_CONJ_AFTER = re.compile(r"\s*(?:&|\band\b|\bor\b)", re.IGNORECASE)
_CONJ_BEFORE = re.compile(r"(?:&|\band\b|\bor\b)\s*$", re.IGNORECASE)


def _conjunct(inner, outer) -> bool:
    """``inner`` is one item of a coordination inside ``outer`` ('carcinoma of the mouth floor' in 'carcinoma of the
    mouth floor and tongue'): the outer words go on, or come before it, with 'and' or 'or' (a comma may
    invert a term: 'infection, viral')."""
    a, b = inner.start - outer.start, inner.end - outer.start
    return bool(_CONJ_AFTER.match(outer.text, b) or (a > 0 and _CONJ_BEFORE.search(outer.text, 0, a)))


def covered_mentions(codes: list, doc=None) -> None:
    """A suggested code whose every evidence span lies inside the evidence of another suggested code ("kidney
    injury" in "Acute kidney injury", "chronic kidney" in "chronic kidney disease stage 3") is the same
    condition, not a second one; an unspecified code whose spans equal another's is dropped too. Codes the
    other code's notes ask for (use additional / code first), and specific codes scored above the outer one, are kept
    unless the outer code narrows them (_narrows: J90 'pleural effusion' in J91.0 'Malignant pleural effusion').
    With ``doc``, only the spans that give the code its status count ("infection" in "urinary tract infection"
    suggests no B99.9 because "No evidence of infection" elsewhere is negated)."""
    from medassist.text.context import classify

    sug = [c for c in codes if c.suggested and c.evidence]
    sents = _Sentences(doc) if doc is not None else None
    for c in sug:
        if not c.suggested or "history rule" in c.sources or "coding rule" in c.sources:
            continue
        vague = _unspecified(c.description)
        spans = c.evidence
        if doc is not None and len(spans) > 1:
            try:
                spans = [e for e in c.evidence if classify(doc, e.start, e.end).status == c.status] or c.evidence
            except Exception:  # pragma: no cover - context must not break coding
                spans = c.evidence
        named = None  # whether the nested words are a term of c's own (else a learned guess from them)
        for o in sug:
            if o is c or not o.suggested or o.code == c.code:
                continue
            if o.score < c.score and not vague and not _narrows(o, c):
                if named is None:
                    named = sents is None or any(
                        t.code == c.code and _extent(w)[0] <= e.end and e.start <= _extent(w)[1]
                        for e in spans for t, w in _terms_in(doc.text, *sents.around(e.start, e.end)))
                if named:
                    continue  # a specific nested code scored above the outer one stays ("HIV" in "HIV positive"),
                    # unless the outer one is it, narrowed ("pleural effusion" J90 in "Malignant pleural effusion"
                    # J91.0), or the nested words are none of its terms: C92.10 chronic myeloid leukemia learned from
                    # "myeloid leukemia" in "Acute myeloid leukemia" (C92.00)
            # (the same words as a code of its category the lexicon matched, when only the learned tables gave it:
            # "Gait instability" is R26.81's term, not also the R26.89 'Other abnormalities of gait' learned beside it)
            # (two sides of one bilateral mention stay: M25.561 and M25.562 for "pain in the bilateral knees")
            same = ("lexicon" not in c.sources and "lexicon" in o.sources and o.code[:3] == c.code[:3]
                    and _code_side(c.code) == _code_side(o.code))
            inside = all(any(x.start <= e.start and e.end <= x.end and (vague or same or (x.end - x.start) > (e.end - e.start))
                             and len(x.text.split()) <= 8 and not (o.code[:3] != c.code[:3] and _conjunct(e, x)
                                                                   and not icd10.excludes1_conflicts([c.code, o.code]))
                             for x in o.evidence) and is_mention(o.code, e.text)
                         for e in spans)  # the nested words name the outer code's condition too
            if not inside or (vague and _unspecified(o.description) and o.code[:3] != c.code[:3] and not any(
                    (x.end - x.start) > (e.end - e.start) for e in spans for x in o.evidence)):
                continue
            if _asks_for(o, c) or _asks_for(c, o):
                continue
            if c.code.startswith(("V", "W", "X", "Y")) and o.code.startswith(("S", "T")):
                continue  # the cause of the injury, said in its words ("Dog bite of left hand": W54.0XXA with S61.452A)
            if c.code[:3] in ("B95", "B96", "B97"):
                continue  # the organism of the condition whose words hold it ("MRSA bacteremia": R78.81 with B95.62)
            if "C00" <= c.code[:3] <= "C75" and "C77" <= o.code[:3] <= "C79":
                continue  # "Metastatic breast cancer" names the primary (C50.91-) and its spread (C79.9): both are coded
            _unsuggest(c, f"{_PART_OF_MENTION} {o.code} ({o.description})")
            break


# The episode of care an injury's 7th character gives (guideline I.C.19.a), as the sentence of its mention words it:
# A while the injury is actively treated, D for the encounters after it (routine healing, a cast change, a follow-up
# visit), G / K / P for a fracture that heals late, not at all or wrongly, S for a sequela; B / C for an open fracture.
# The most specific cue wins (a sequela before a nonunion before a follow-up).
_EPISODE_CUES = (
    ("sequela", re.compile(r"\bsequelae?\b|\blate\s+effects?\b", re.IGNORECASE)),
    ("nonunion", re.compile(r"\bnon-?\s?unions?\b|\bnon-?united\b|\bununited\b", re.IGNORECASE)),
    ("malunion", re.compile(r"\bmal-?\s?unions?\b|\bmal-?united\b", re.IGNORECASE)),
    ("delayed", re.compile(r"\bdelayed\s+(?:healing|union)\b", re.IGNORECASE)),
    ("routine", re.compile(r"\bsubsequent\s+(?:encounter|visit)\b|\b" + _FOLLOW_UP_OF.pattern + r"|\broutine\s+healing\b|\bhealing\s+(?:well|nicely|as\s+expected|"
                           r"appropriately|normally)\b|\bcast\s+(?:change|removal|check)\b|\b(?:change|removal)\s+of\s+"
                           r"(?:the\s+|his\s+|her\s+)?cast\b|\baftercare\b", re.IGNORECASE)),
)
_INITIAL_ENCOUNTER = re.compile(r"\binitial\s+encounter\b", re.IGNORECASE)
# an open fracture, not an open reduction of a closed one ("open reduction and internal fixation of the fracture")
_OPEN_FRACTURE = re.compile(
    r"\b(?:open|compound)\s+(?:(?!reduction|repair|fixation|treatment|surgery|approach)[a-z-]+\s+){0,3}?fractures?\b|"
    r"\bfractures?\b[^.;:\n]{0,40}?\b(?:open|compound)\b(?!\s+(?:reduction|repair|fixation|treatment|surgery|approach))",
    re.IGNORECASE)
_OPEN_TYPE_III = re.compile(r"\b(?:type|grade|gustilo)\s+(?:III|3)\s?[ABC]?\b|\bIII[ABC]\b", re.IGNORECASE)


def _seventh_for(chars: dict, episode: str, opened: str | None) -> str | None:
    """The 7th character of ``chars`` (char -> meaning, as the tabular list gives them) for an ``episode`` (initial /
    routine / delayed / nonunion / malunion / sequela) of a closed (``opened`` None) or open ("I" / "III")
    fracture; None when none fits."""
    healing = {"routine": "routine healing", "delayed": "delayed healing", "nonunion": "nonunion",
               "malunion": "malunion"}
    for ch, meaning in chars.items():
        m = meaning.lower()
        if episode == "sequela":
            ok = m.startswith("sequela")
        elif episode == "initial":
            ok = m.startswith("initial")
        else:
            ok = m.startswith("subsequent")
            if ok and any(h in m for h in healing.values()):  # a fracture's: the healing must be the note's
                ok = healing[episode] in m
        if not ok:
            continue
        if "open fracture" in m:
            ok = opened is not None and ("type" not in m or ("iii" in m) == (opened == "III"))
        elif "closed fracture" in m:
            ok = opened is None
        if ok:
            return ch
    return None


def _status_at(doc, start: int, end: int, classify=None) -> str | None:
    """The context status of the words at start:end (None when the context rules fail: coding goes on)."""
    if classify is None:
        from medassist.text.context import classify
    try:
        return classify(doc, start, end).status
    except Exception:  # pragma: no cover - context must not break coding
        return None


def _cue_affirmed(doc, m, classify) -> bool:
    """The note says it (of the past too: "status post ORIF, healing well"), not that it is absent or possible."""
    return _status_at(doc, m.start(), m.end(), classify) in ("affirmed", "historical")


def episode_of_care(codes: list, doc, sents: _Sentences) -> None:
    """A suggested code with a 7th character for the episode of care (injuries, poisonings, fractures of chapter 13,
    their external causes) takes the character its sentence words (guideline I.C.19.a): "Right clavicle fracture,
    subsequent encounter" is S42.001D, "Follow-up of left distal radius fracture, healing well in cast" S52.502D,
    "Nonunion of right scaphoid fracture" S62.001K, "Open fracture of the right tibial shaft" S82.201B (type III:
    C). A cue the note negates ("no evidence of nonunion", "no open fracture") is none; "open reduction" is no open
    fracture. An external cause with no cue of its own follows the injuries when they all name one later episode
    (W19.XXXD beside S72.002D). The scorer and every other rule work on the initial encounter's code (A), the
    code the data sets label."""
    from medassist.text.context import classify

    text = doc.text
    cs = icd10.codeset()
    changed: dict[str, str] = {}  # injury code -> its episode
    causes = []
    for c in codes:
        if not c.suggested or not c.evidence:
            continue
        split = cs.split_seventh(c.code)
        if split is None or split[1] != "A":
            continue
        chars = icd10.seventh_characters(split[0])
        if not any("encounter" in m for m in chars.values()):
            continue  # (a fetus's 7th character, O31-O41)
        episode, cue, opened, initial = None, None, None, False
        best = len(_EPISODE_CUES)  # the most specific cue found so far (its rank)
        for e in c.evidence:
            a, b = sents.around(e.start, e.end)
            for rank, (name, rx) in enumerate(_EPISODE_CUES[:best]):
                m = next((m for m in rx.finditer(text, a, b) if _cue_affirmed(doc, m, classify)), None)
                if m is not None:
                    episode, cue, best = name, m.group(0), rank
                    break
            if opened is None:
                m = next((m for m in _OPEN_FRACTURE.finditer(text, a, b) if _cue_affirmed(doc, m, classify)), None)
                if m is not None:
                    opened = "III" if _OPEN_TYPE_III.search(text, a, b) else "I"
                    cue = cue or m.group(0)
            initial = initial or _INITIAL_ENCOUNTER.search(text, a, b) is not None
        if episode is not None and initial:
            continue  # the note says both: the coder decides
        if c.code.startswith(("V", "W", "X", "Y")) and episode is None and not initial:
            causes.append(c)
            continue
        if episode is None and opened is None:
            continue
        ch = _seventh_for(chars, episode or "initial", opened if "fracture" in " ".join(chars.values()) else None)
        if ch is None or ch == "A":
            continue
        _set_seventh(codes, c, ch, chars[ch], f"'{cue}'" if cue else "the note")
        changed[c.code] = episode or "initial"
    # the external causes of the injuries, when those name one episode after the first
    later = {"sequela" if v == "sequela" else "routine" for v in changed.values() if v != "initial"}
    injuries = [c for c in codes if c.suggested and c.code.startswith(_CAUSED) and cs.split_seventh(c.code)]
    if len(later) == 1 and injuries and all(c.code in changed and changed[c.code] != "initial" for c in injuries):
        episode = later.pop()
        for c in causes:
            chars = icd10.seventh_characters(cs.split_seventh(c.code)[0])
            ch = _seventh_for(chars, episode, None)
            if ch is not None and ch != "A":
                _set_seventh(codes, c, ch, chars[ch], f"the injury it caused ({injuries[0].code})")


def _set_seventh(codes: list, c, ch: str, meaning: str, why: str) -> None:
    """``c`` becomes its code with the 7th character ``ch`` (in place: the A code is not the encounter's)."""
    new = icd10.with_seventh(icd10.codeset().split_seventh(c.code)[0], ch)
    entry = icd10.lookup(new) if new else None
    if entry is None:
        return
    for o in [o for o in codes if o is not c and o.code == entry.code]:
        codes.remove(o)  # (listed already: one entry)
    old = c.code
    c.code, c.description, c.billable = entry.code, entry.description, entry.billable
    c.warnings.append(f"7th character {ch} ({meaning}) in the place of {old}: the note says {why} "
                      f"(guideline I.C.19.a)")


# a fracture the sentence puts down to osteoporosis: "osteoporotic compression fracture", "fracture due to
# osteoporosis", "osteoporosis with a vertebral fracture", "fragility fracture" (not any sentence with both words:
# "assessed for osteoporosis ... no family history of fracture")
_OSTEOPOROTIC_FRACTURE = re.compile(
    r"\bosteoporotic\s+(?:[\w-]+\s+){0,3}?(?:fractures?|fx)\b|"
    r"\b(?:fractures?|fx)\b[^.;\n]{0,60}?\b(?:due\s+to|secondary\s+to|from|related\s+to|caused\s+by|because\s+of|"
    r"in\s+the\s+setting\s+of)\s+(?:[\w-]+\s+){0,2}?osteoporosis\b|"
    r"\bosteoporosis\s+with\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}?(?:fractures?|fx)\b|"
    r"\b(?:fragility|insufficiency)\s+(?:fractures?|fx)\b", re.IGNORECASE)
_FRACTURE_WORD = re.compile(r"\bfractures?\b|\bfx\b", re.IGNORECASE)
# the site of an osteoporotic fracture (M80.0-: the 5th character), as its sentence words it
_OSTEOPOROTIC_SITES = (
    ("8", re.compile(r"\bvertebra(?:e|l)?\b|\bspine\b|\bspinal\b|\bcompression\s+fractures?\b|\b[TL]\d{1,2}\b|"
                     r"\b(?:lumbar|thoracic)\b", re.IGNORECASE)),
    ("5", re.compile(r"\bhip\b|\bfemur\b|\bfemoral\b", re.IGNORECASE)),
    ("3", re.compile(r"\bwrist\b|\bradius\b|\bradial\b|\bulna\b|\bforearm\b|\bcolles\b", re.IGNORECASE)),
    ("2", re.compile(r"\bhumerus\b|\bhumeral\b|\bshoulder\b", re.IGNORECASE)),
    ("4", re.compile(r"\bhand\b|\bmetacarpal\b", re.IGNORECASE)),
    ("6", re.compile(r"\btibia\b|\btibial\b|\bfibula\b|\bfibular\b|\blower\s+leg\b", re.IGNORECASE)),
    ("7", re.compile(r"\bankle\b|\bfoot\b|\bmetatarsal\b|\bcalcaneus\b", re.IGNORECASE)),
)
# what a fracture of osteoporotic bone was coded as before this rule: a traumatic or stress fracture, a collapsed
# vertebra (M48.5- Excludes1 'pathological fracture of vertebra due to osteoporosis (M80.-)')
_FRACTURE_CODES = ("S12", "S22", "S32", "S42", "S52", "S62", "S72", "S82", "S92", "T14.8", "M48.5", "M84.3", "M84.4")


def osteoporotic_fracture(codes: list, doc, sents: _Sentences) -> None:
    """Osteoporosis with a current fracture is M80 ('with current pathological fracture'), by site and side, not M81
    ('without current pathological fracture') beside a traumatic fracture or a collapsed vertebra: "Osteoporotic
    compression fracture of L1" is M80.08XA, "Left hip fracture due to osteoporosis" M80.052A (M80.8- for a suggested
    M81.8 'other osteoporosis'). The fracture must be the patient's, now, and said in a sentence that names the
    osteoporosis or calls the fracture a fragility or insufficiency one."""
    from medassist.text.context import classify

    base = next((c for c in codes if c.suggested and c.code in ("M81.0", "M81.8") and c.status == "affirmed"), None)
    if base is None:
        return
    text = doc.text
    done: set = set()
    for m in _OSTEOPOROTIC_FRACTURE.finditer(text):
        a, b = sents.around(m.start(), m.end())
        if (a, b) in done:
            continue
        s = text[a:b]
        fx = next((f for f in _FRACTURE_WORD.finditer(m.group())
                   if classify(doc, m.start() + f.start(), m.start() + f.end()).status == "affirmed"), None)
        if fx is None:
            continue  # a past one ("history of osteoporotic fracture"), a negated or a relative's
        done.add((a, b))
        site = next((k for k, rx in _OSTEOPOROTIC_SITES if rx.search(s)), "0")
        head = f"M80.{'8' if base.code == 'M81.8' else '0'}{site}"
        if site in ("0", "8"):
            code = f"{head}XA"
        else:
            sides = [sd for sd in ("right", "left") if _SIDE_WORDS[sd].search(s)]  # (both or none: unspecified)
            code = f"{head}{ {'right': '1', 'left': '2'}.get(sides[0], '9') if len(sides) == 1 else '9' }A"
        if icd10.lookup(code) is None:
            continue
        ev = [Span.of(text, a, b)]
        why = (f"osteoporosis with a current fracture ('{s.strip()[:80]}') is {code}, not {base.code} 'without current "
               f"pathological fracture' (Index: Osteoporosis, with current pathological fracture)")
        for c in codes:
            if c.suggested and c is not base and c.code.startswith(_FRACTURE_CODES) and any(
                    a <= e.start and e.end <= b for e in c.evidence):
                _unsuggest(c, f"the fracture of osteoporotic bone is {code}")
        _unsuggest(base, f"{code} is suggested: {why}")
        _promote(codes, code, base, base.score, ev, f"combination code: {why}")
        return
    # guideline I.C.13.d.1: a patient with known osteoporosis whose fracture came of a minor fall (from standing: a
    # trip, a slip, onto an outstretched hand) has M80, not the traumatic fracture code, "if that fall or trauma would
    # not usually break a normal, healthy bone"
    if base.code != "M81.0":
        return
    minor = _MINOR_FALL.search(text) is not None and _MAJOR_TRAUMA.search(text) is None
    # (a collapsed vertebra of a patient with osteoporosis is M80 whatever the fall: M48.5 Excludes1 'collapsed
    # vertebra in osteoporosis (M80.-)')
    for c in [c for c in codes if c.suggested and c.evidence and (
            c.code.startswith("M48.5") or minor and "fracture" in c.description.lower())]:
        site = "8" if c.code.startswith("M48.5") else next(
            (k for k, prefixes in _FRACTURE_SITE_OF_CODE if c.code.startswith(prefixes)), None)
        if site is None:
            continue
        a, b = sents.around(c.evidence[0].start, c.evidence[0].end)
        if site == "8":
            code = "M80.08XA"
        else:
            desc = c.description.lower()
            sides = [sd for sd in ("right", "left") if re.search(rf"\b{sd}\b", desc)] or \
                [sd for sd in ("right", "left") if _SIDE_WORDS[sd].search(text, a, b)]
            code = f"M80.0{site}{ {'right': '1', 'left': '2'}.get(sides[0], '9') if len(sides) == 1 else '9' }A"
        if icd10.lookup(code) is None:
            continue
        why = (f"a fracture from a minor fall in a patient with osteoporosis is {code}, not the traumatic {c.code} "
               "(guideline I.C.13.d.1: a fall that would not break a normal, healthy bone), with the fall's external "
               "cause code") if not c.code.startswith("M48.5") else (
            f"a collapsed vertebra in a patient with osteoporosis is {code} (M48.5 Excludes1: collapsed vertebra in "
            "osteoporosis, M80.-)")
        _unsuggest(c, f"replaced by {code}: {why}")
        _unsuggest(base, f"{code} is suggested: osteoporosis with a current fracture")
        _promote(codes, code, base, max(base.score, c.score), list(c.evidence[:2]), f"combination code: {why}")
        return


_MINOR_FALL = re.compile(r"\b(?:tripped|tripping|slipped|slipping|stumbled|lost (?:her|his|their) (?:balance|footing)|"
                         r"(?:fell|fall|falling) (?:from|at) (?:a )?standing(?: height)?|ground[- ]level fall|"
                         r"fall from (?:a )?standing|mechanical fall|FOOSH|fell (?:onto|on) (?:an? |her |his |their )?"
                         r"outstretched|fell (?:out of|from) (?:her |his |their |a |the )?(?:bed|chair|wheelchair))\b",
                         re.IGNORECASE)
_MAJOR_TRAUMA = re.compile(r"\b(?:motor vehicle|MVC|MVA|collision|crash|pedestrian|struck by|assault\w*|"
                           r"fell (?:from|off) (?:a |the |his |her )?(?:ladder|roof|height|horse|tree|bicycle|bike|"
                           r"scaffold\w*|balcony|stairs)|fell down (?:\w+ )?(?:stairs|steps)|high[- ]energy|"
                           r"ski(?:ing)?|snowboard\w*|football|soccer|rugby|crush\w*)\b", re.IGNORECASE)
_FRACTURE_SITE_OF_CODE = (("1", ("S42.0", "S42.1")), ("2", ("S42.2", "S42.3", "S42.4")), ("3", ("S52",)),
                          ("4", ("S62",)), ("5", ("S72",)), ("6", ("S82.1", "S82.2", "S82.3", "S82.4")),
                          ("7", ("S82.5", "S82.6", "S82.8", "S92")), ("8", ("S12", "S22.0", "S32.0")))


# a skin cancer by its cell type and a site of the skin: "Squamous cell carcinoma of the left forearm" (the learned
# tables read "squamous cell carcinoma" as a cancer of the mouth or throat; a squamous cell carcinoma of the lip, the
# neck or an organ is not the skin's)
_SKIN_CARCINOMA = re.compile(r"\b(?:(?P<scc>squamous\s+cell\s+(?:skin\s+)?(?:carcinoma|cancer)|SCC)|"
                             r"(?P<bcc>basal\s+cell\s+(?:skin\s+)?(?:carcinoma|cancer)|BCC))\b", re.IGNORECASE)
_SKIN_SITE = re.compile(
    r"[^.;\n]{0,12}?\b(?:of|on|at|over|involving)\s+(?:the\s+)?(?:(?:left|right|upper|lower|mid|medial|lateral|"
    r"anterior|posterior|distal|proximal|dorsal|central)\s+){0,2}(?:skin|nose|cheeks?|forehead|temples?|chin|scalp|ears?|"
    r"face|back|chest|trunk|abdomen|flank|arms?|forearms?|hands?|fingers?|thumbs?|shoulders?|elbows?|wrists?|legs?|"
    r"thighs?|knees?|ankles?|feet|foot|toes?|shins?|calf|calves)\b", re.IGNORECASE)


def skin_carcinoma(codes: list, doc, sents: _Sentences) -> None:
    """A basal or squamous cell carcinoma the sentence puts on a site of the skin is a skin cancer (C44.91 / C44.92,
    which the site rules of ``specific_for`` then place: C44.621 forearm, then its side), suggested when the mention
    is affirmed and the patient's, now."""
    from medassist.text.context import classify

    text = doc.text
    for m in _SKIN_CARCINOMA.finditer(text):
        if not _SKIN_SITE.match(text, m.end()):
            continue
        code = "C44.92" if m.group("scc") else "C44.91"
        if any(c.suggested and c.code.startswith("C44") for c in codes):
            return
        if _status_at(doc, m.start(), m.end(), classify) != "affirmed":
            continue
        a, b = sents.around(m.start(), m.end())
        ev = [Span.of(text, m.start(), m.end())]
        # the learned tables' other sites for the sentence's words ("lower" of "right lower leg" as the lower gum)
        learned = [c for c in codes if c.code[:1] == "C" and not c.code.startswith("C44") and c.evidence
                   and "lexicon" not in c.sources and all(a <= e.start and e.end <= b for e in c.evidence)]
        score = max([c.score for c in codes if c.code == code] + [c.score for c in learned] + [0.0])
        for c in learned:
            if c.suggested:
                _unsuggest(c, f"'{m.group(0)}' of the {text[m.end():b].strip(' .')[:40]} is a cancer of the skin")
        _promote(codes, code, None, score, ev, f"suggested: a {m.group(0)} the sentence places on the skin "
                                               f"('{text[m.start():b].strip(' .')[:80]}'; Neoplasm table: skin)")


def specific_fall(codes: list, doc, sents: _Sentences) -> None:
    """A fall the note says more of is not W19 'unspecified fall': "slipped on ice outside her home" is W00.0XXA, "fell
    from a ladder" W11.XXXA - the affirmed lexicon candidate of W00-W18 whose evidence is a mention (its longest term
    first) takes the place of a suggested W19."""
    from medassist.text.context import classify

    from .coding_lexicon import lexicon

    w19 = next((c for c in codes if c.suggested and c.code.startswith("W19")), None)
    if w19 is None:
        return
    best = None
    for c in codes:
        if (c.suggested or not ("W00" <= c.code[:3] <= "W18") or c.status != "affirmed" or "lexicon" not in c.sources
                or any(w.startswith("not suggested") for w in c.warnings)):
            continue
        for e in c.evidence:
            words = max((len(t.words) for t, w in lexicon().match_cached(doc.text, *sents.around(e.start, e.end))
                         if t.code == c.code and e.start <= _extent(w)[0] and _extent(w)[1] <= e.end), default=0)
            if words < 2 or not _affirmed_mention(c.code, doc, e, sents, classify):
                continue
            if best is None or (words, c.score) > (best[0], best[1].score):
                best = (words, c, e)
    if best is None:
        return
    _, c, e = best
    _unsuggest(w19, f"the note says how the fall happened ('{e.text}'): {c.code}")
    c.suggested = True
    c.score = max(c.score, w19.score)
    c.evidence = [e] + [x for x in c.evidence if x is not e][:2]
    c.warnings.append(f"in the place of {w19.code} (unspecified fall): the note says how the fall happened ('{e.text}')")


_PAST_CUE = re.compile(r"(?i)^(?:prior|previous|previously|history\s+of|h/o|hx\s+of|past)\b")
_PERSONAL_HISTORY = re.compile(r"(?i)^personal\s+history\s+of\b")


def history_in_the_code(codes: list) -> None:
    """A code whose own description is about an earlier event ("Maternal care for ... scar from previous cesarean
    delivery", O34.21-) is current when the note words that event as past ("Prior c-section" in a pregnancy): the
    context rules' 'historical' is the code's meaning, not a reason to hold it back. So is the 'history of' of a
    history Z code written in its own words, the cue inside its evidence ("Personal history of nicotine dependence"
    Z87.891, "History of falls" Z91.81); other Z codes of history are made by the history rules."""
    for c in codes:
        cue = c.cue
        if c.status != "historical" or cue is None or not (_PAST_CUE.match(cue.text) or _PERSONAL_HISTORY.match(cue.text)):
            continue
        if c.code.startswith("Z"):
            own = (re.match(r"(?:personal\s+)?history\s+of\b", c.description, re.IGNORECASE)
                   and any(e.start <= cue.start and cue.end <= e.end for e in c.evidence))
        else:
            own = re.search(r"\b(?:previous|prior|history)\b", c.description, re.IGNORECASE)
        if own:
            c.status = "affirmed"
            c.warnings.append(f"'{cue.text}' is part of what {c.code} means: coded as the current encounter's")
            if c.code.startswith("Z") and not c.suggested and _in_its_words(c):
                c.suggested = True  # (the CodiEsp-trained scorer ranks a history Z code low whatever the words)
                c.warnings.append("suggested below the threshold: the note names it in the code's own words")


def _in_its_words(c) -> bool:
    """One evidence span of ``c`` holds every word of its description or of one of its history terms ('personal'
    aside): "History of nicotine dependence" for Z87.891 'Personal history of nicotine dependence', "history of falls"
    (a term of the abbreviations) for Z91.81 'History of falling'."""
    from .coding_lexicon import _lexicon_words, lexicon

    history = _lexicon_words("history")[0]
    wants = [set(_lexicon_words(c.description))] + [set(w) for w in lexicon().words_of(c.code) if history in w]
    wants = [w - {"personal"} for w in wants]
    # (an abbreviation's words are the note tokenizer's, 'of' kept)
    got = [set(_lexicon_words(e.text)) | {t.norm for t in tokenize(e.text)} for e in c.evidence]
    return any(want and want <= g for want in wants for g in got)
