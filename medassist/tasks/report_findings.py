"""Deterministic findings logic for report drafts (no model): sentence split, normal/abnormal triage, the
extractive impression, the check of a model impression against the findings, and MR sequence detection.

Data (cues, terms, sequences) live in ``resources/report_templates/_lexicon.json``.

- :func:`extractive_impression` — the positive/abnormal sentences of the findings, verbatim, numbered,
  critical ones first; ``None`` when every sentence is normal (the caller uses the template's normal one).
- :func:`check_impression` — reasons a model impression disagrees with the findings: a de-identification
  token (``XXXX``), a side (left/right/bilateral) not given for that finding term, an abnormal finding the
  impression leaves out, a number not in the findings. An empty list means it passed.
- :func:`sequence_status` — for an MR study: which sequence families (diffusion, susceptibility,
  post-contrast) were acquired, not acquired, or cannot be told from the headers.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from ..config import resource_path

DEID_TOKEN = re.compile(r"X{3,}", re.IGNORECASE)
_SENT = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9(\[])|(?<=[a-z]\.)(?=[A-Z][a-z])|\n+")
_NUMBER = re.compile(r"(?<![A-Za-z])\d+(?:\.\d+)?")
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    return json.loads(resource_path("report_templates", "_lexicon.json").read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9*+]+", text.lower())) + " "


def _has(text_norm: str, phrase: str) -> bool:
    return f" {' '.join(re.findall(r'[a-z0-9*+]+', phrase.lower()))} " in text_norm


def split_findings(text: str) -> list[str]:
    """Sentences of a findings text, verbatim (numbering like "1." and "Label:" prefixes kept)."""
    out = []
    for part in _SENT.split(text or ""):
        s = part.strip()
        if s and re.search(r"[A-Za-z]", s):
            out.append(s)
    return out


def _body(sentence: str) -> str:
    """The sentence without a leading "1." and a leading "Label:" (for triage only)."""
    s = _NUMBERED.sub("", sentence)
    m = re.match(r"^[A-Za-z][A-Za-z /&,-]{0,40}:\s+(.*)$", s)
    return m.group(1) if m else s


def is_normal(sentence: str) -> bool:
    """True when the sentence states a normal/negative finding only. In doubt (a "but", an uncertain
    word, no normal cue), it is abnormal — an abnormal sentence is kept in the impression."""
    lex = lexicon()
    n = _norm(_body(sentence))
    if any(_has(n, w) for w in lex["break_words"]) or any(_has(n, w) for w in lex["uncertain_words"]):
        return False
    if is_neutral(sentence):
        return True
    if any(n.startswith(f" {' '.join(re.findall(r'[a-z0-9]+', w))} ") for w in lex["negation_starts"]):
        return True
    if re.search(r" abnormal", n):  # "abnormal", "abnormality" outside a leading negation
        return False
    return any(_has(n, w) for w in lex["normal_words"])


def is_neutral(sentence: str) -> bool:
    """A technique/comparison sentence ("The examination consists of frontal and lateral radiographs")
    with no finding term: neither normal nor abnormal; kept out of the impression."""
    n = _norm(_body(sentence))
    if not any(_has(n, w) for w in lexicon().get("neutral_phrases", [])):
        return False
    return not (_terms(n) - {"lung", "line", "tube", "base", "apex", "lobe", "frontal"})


def redact(sentence: str) -> str:
    """A de-identification token (IU X-ray "XXXX") shown as "[redacted]": the sentence is kept (it may carry
    a finding) but the token never reaches the report."""
    return DEID_TOKEN.sub("[redacted]", sentence)


def abnormal_sentences(findings: str) -> list[str]:
    return [s for s in split_findings(findings) if not is_normal(s)]


def _critical(sentence: str) -> bool:
    n = _norm(sentence)
    return any(_has(n, w) for w in lexicon()["critical_terms"])


def extractive_impression(findings: str) -> str | None:
    """The abnormal sentences of ``findings`` verbatim (critical ones first, else in order), numbered when
    there are several; None when there is none (all normal)."""
    sents = abnormal_sentences(findings)
    if not sents:
        return None
    sents = [redact(s) for s in sents]  # never drop a finding, never print the token
    order = sorted(range(len(sents)), key=lambda k: (not _critical(sents[k]), k))
    sents = [_NUMBERED.sub("", sents[k]).strip() for k in order]
    sents = [s if s[-1] in ".!?" else s + "." for s in sents]
    if len(sents) == 1:
        return sents[0]
    return "\n".join(f"{i}. {s}" for i, s in enumerate(sents, 1))


# --------------------------------------------------------------------------------------------- checks
def _sides(text_norm: str) -> set[str]:
    out = set()
    for side, words in lexicon()["sides"].items():
        if any(_has(text_norm, w) for w in words):
            out.add(side)
    return out


def _terms(text_norm: str) -> set[str]:
    return {t for t in lexicon()["finding_terms"] if _has(text_norm, t)}


def _clauses(text: str) -> list[str]:
    return [c for s in split_findings(text) for c in re.split(r",|;|\band\b|\bwith\b", _body(s)) if c.strip()]


def _term_sides(text: str) -> dict[str, set[str]]:
    """term -> the sides named in the same clause (an empty set: the term without a side)."""
    out: dict[str, set[str]] = {}
    for c in _clauses(text):
        n = _norm(c)
        sides = _sides(n)
        for t in _terms(n):
            out.setdefault(t, set()).update(sides)
    return out


_GENERIC_TERMS = {"line", "tube", "tip", "lung", "lobe", "base", "apex", "enlarged", "fluid", "pleural", "lead", "leads", "port", "sinus"}


def check_impression(impression: str, findings: str) -> list[str]:
    """Why ``impression`` cannot be trusted as a summary of ``findings`` (empty: it passed)."""
    reasons: list[str] = []
    if DEID_TOKEN.search(impression or ""):
        reasons.append("the model draft contains the de-identification token 'XXXX'")
    f_sides = _term_sides(findings)
    i_sides = _term_sides(impression)
    all_f_sides = _sides(_norm(findings))
    for term, sides in sorted(i_sides.items()):
        for side in sorted(sides):
            known = f_sides.get(term)
            if known is not None and known and side not in known and not (side == "bilateral" and {"left", "right"} <= known):
                reasons.append(f"side: the impression says {side} {term}, the findings say {'/'.join(sorted(known))}")
            elif side not in all_f_sides and not (side == "bilateral" and {"left", "right"} <= all_f_sides):
                reasons.append(f"side: the impression says {side} ({term}), the findings never do")
    imp_norm = _norm(impression)
    for s in abnormal_sentences(findings):
        terms = _terms(_norm(_body(s)))
        key = terms - _GENERIC_TERMS or terms
        if not key:
            words = {w for w in re.findall(r"[a-z]{5,}", _body(s).lower())}
            key = words
        if key and not any(_has(imp_norm, t) for t in key):
            reasons.append(f"the impression leaves out: {_body(s).rstrip('.')}")
    f_words = set(re.findall(r"[a-z]{4,}", findings.lower()))
    allowed = set(lexicon().get("impression_words_allowed", []))
    for s in split_findings(_NUMBERED.sub("", impression)):
        if is_normal(s):
            continue
        plain = re.sub(r"\[[^\]]*\]", " ", _body(s)).lower()  # "[redacted word]" and the like
        new = [w for w in dict.fromkeys(re.findall(r"[a-z]{4,}", plain)) if w not in f_words and w not in allowed and w.rstrip("s") not in f_words and w + "s" not in f_words]
        if new:
            reasons.append(f"the impression adds words the findings do not have: {', '.join(new)}")
    f_nums = set(_NUMBER.findall(findings))
    for num in _NUMBER.findall(_NUMBERED.sub("", impression)):
        # list numbering ("2. ") is not a measurement
        if num not in f_nums and not re.search(rf"(?:^|\s){re.escape(num)}[.)]\s", impression):
            reasons.append(f"number {num} is not in the findings")
    return list(dict.fromkeys(reasons))


def clean_model_text(text: str) -> str:
    """Drop repeated sentences and stray punctuation (" ." / ". .") from a generated impression; renumber."""
    parts = [p.strip() for p in re.split(r"(?:^|\s)\d{1,2}[.)]\s+", text or "") if p.strip()]
    sents: list[str] = []
    for p in parts:
        for s in split_findings(p):
            s = re.sub(r"\s+([.,;:])", r"\1", s).strip(" .")
            if s and re.search(r"[A-Za-z]", s) and s.lower() + "." not in (x.lower() for x in sents):
                sents.append(s + ".")
    if len(sents) <= 1:
        return sents[0] if sents else ""
    return "\n".join(f"{i}. {s}" for i, s in enumerate(sents, 1))


# --------------------------------------------------------------------------------------------- request / sequences
def names_lesion(text: str) -> list[str]:
    """Lesion words named in ``text`` (the requested exam / clinical information)."""
    n = _norm(text or "")
    return [w for w in lexicon()["lesion_words"] if _has(n, w)]


def _series_tokens(ds: Any) -> tuple[str, list[str], bool]:
    from .report_tags import text_of

    names = " ".join(text_of(ds, k) for k in ("SeriesDescription", "ProtocolName", "SequenceName"))
    itype = [str(x).upper() for x in (ds.get("ImageType") or [])] if hasattr(ds, "get") else []
    has_b = "DiffusionBValue" in ds if hasattr(ds, "__contains__") else False
    return names, itype, has_b


def contrast_status(series_datasets: list[list[Any]]) -> str:
    """"acquired" (a ContrastBolusAgent, or a post-contrast name), "not acquired" (every series/study
    description says without contrast, e.g. "CT CHEST WITHOUT CONTRAST", "WO"), else "unknown"."""
    from .report_tags import text_of

    lex = lexicon()
    post = lex["sequences"]["post_contrast"]["names"]
    saw_without = False
    for dss in series_datasets:
        for ds in dss[:3]:
            if text_of(ds, "ContrastBolusAgent"):
                return "acquired"
            n = _norm(" ".join(text_of(ds, k) for k in ("StudyDescription", "SeriesDescription", "ProtocolName")))
            without = any(_has(n, w) for w in lex.get("no_contrast_phrases", []))
            if not without and any(_has(n, w) for w in post):
                return "acquired"
            saw_without = saw_without or without
    return "not acquired" if saw_without else "unknown"


def sequence_status(series_datasets: list[list[Any]]) -> dict[str, str]:
    """{"diffusion"|"susceptibility"|"post_contrast": "acquired"|"not acquired"|"unknown"} from the
    names (description, protocol, sequence name) and ImageType of every series. "not acquired" only when
    every series can be identified (a name with letters, or an ImageType naming its weighting) and none
    matches; any unidentified series makes the answer "unknown"."""
    lex = lexicon()
    ident_types = set(lex["identifying_image_types"])
    out: dict[str, str] = {}
    all_identified = bool(series_datasets)
    found = {k: False for k in lex["sequences"]}
    for dss in series_datasets:
        identified = False
        for ds in dss[:3]:
            names, itype, has_b = _series_tokens(ds)
            n = _norm(names)
            if re.search(r"[A-Za-z]{2,}", names) or ident_types & set(itype):
                identified = True
            for fam, spec in lex["sequences"].items():
                if any(_has(n, w) for w in spec["names"]) or set(spec["image_types"]) & set(itype):
                    found[fam] = True
            if has_b:
                found["diffusion"] = True
        all_identified = all_identified and identified
    for fam, hit in found.items():
        out[fam] = "acquired" if hit else ("not acquired" if all_identified else "unknown")
    return out
