"""Fact check of a drafted letter against its source note.

``check_letter(letter_text, doc, facts, plain_phrases=()) -> (warnings, missing)``

- warnings: every number, date, drug name and laterality ("left knee") in the letter must appear in the
  note; each that does not becomes a warning naming it. Lay-lexicon phrases the letter inserted
  (``plain_phrases``) are not checked for drug names (they are the project's own explanations), but
  numbers in them still are.
- missing: the note's facts (diagnoses, medications, allergies, pending tests, procedures, follow-up,
  warning signs) that the letter does not mention, each with its evidence.
"""

from __future__ import annotations

import re
from typing import Any

from medassist.document import Document

_NUM_RE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:/\d+)?")
_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_DATE_RE = re.compile(
    rf"\b(?:\d{{1,2}}[/-]\d{{1,2}}[/-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}(?:\s+\d{{4}})?|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b")
_LAT_RE = re.compile(r"\b(left|right|bilateral|both)[ \t]+([a-z]+)", re.I)


_NOT_BODY = {"away", "now", "after", "here", "there", "then", "to", "and", "or", "of", "the", "a", "an", "in",
             "on", "at", "for", "is", "was", "with", "time", "thing", "things", "way", "answer", "dose", "amount",
             "medicine", "medicines", "one", "ones"}


def _numbers(text: str) -> set[str]:
    out = set()
    for m in re.finditer(r"\d+(?:[.,]\d+)*", text):
        n = m.group().replace(",", "")
        out.add(n)
        if "." in n:
            out.add(n.rstrip("0").rstrip("."))
    return out


def _mask(text: str, phrases) -> str:
    for p in sorted(set(phrases), key=len, reverse=True):
        if p:
            text = text.replace(p, " " * len(p))
    return text


def check_letter(letter_text: str, doc: Document, facts, plain_phrases=(), *, kind: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """See the module doc. ``kind`` is the letter kind: a drug given in hospital only (``in_hospital``) is left
    out of a patient or discharge letter on purpose, so it is never missing there (only a ``gp`` letter must
    carry it); no letter gives a dose for it or for a drug of a hospital list the patient is asked to check."""
    from medassist.text.lay import get_lexicon

    source = doc.text
    src_low = source.lower()
    src_nums = _numbers(source)
    warnings: list[str] = []

    for m in _NUM_RE.finditer(letter_text):
        n = m.group().replace(",", "")
        parts = n.split("/")
        if not all(p in src_nums or ("." in p and p.rstrip("0").rstrip(".") in src_nums) for p in parts):
            warnings.append(f"number {m.group()!r} in the letter is not in the note")
    for m in _DATE_RE.finditer(letter_text):
        if m.group().lower() not in src_low:
            warnings.append(f"date {m.group()!r} in the letter is not in the note")
    masked = _mask(letter_text, plain_phrases)
    lex = get_lexicon()
    seen: set[str] = set()
    for h in lex.find_drugs(masked, patterns=False):
        name = h.text.lower()
        if name in seen:
            continue
        seen.add(name)
        if not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", src_low):
            warnings.append(f"medication {h.text!r} in the letter is not in the note")
    for m in _LAT_RE.finditer(masked):
        side, word = m.group(1).lower(), m.group(2).lower()
        if word in _NOT_BODY:
            continue
        if side == "both" and word not in ("eyes", "ears", "legs", "arms", "knees", "hips", "sides", "feet", "hands"):
            continue
        if not re.search(rf"\b{side}\b", src_low):
            warnings.append(f"laterality {m.group()!r} in the letter: the note never says {side!r}")
        elif word not in ("side", "sides") and not re.search(rf"\b{side}\s+(?:\w+\s+){{0,3}}{re.escape(word)}", src_low):
            warnings.append(f"laterality {m.group()!r} in the letter is not written so in the note")

    low = letter_text.lower()
    missing: list[dict[str, Any]] = []

    def carried(*needles: str | None) -> bool:
        return any(n and re.sub(r"\s+", " ", n.strip().rstrip(".").lower()) in low for n in needles)

    for f in facts.diagnoses:
        if not carried(f.text):
            missing.append(f.to_dict())
    for f in facts.medications:
        hospital = f.data.get("change") in ("in_hospital", "hospital_list")
        if not carried(f.text, *(f.data.get("also_named") or [])):
            if not (f.data.get("change") == "in_hospital" and kind != "gp"):
                missing.append(f.to_dict())
        elif f.data.get("dose") and not hospital and f.data.get("change") not in ("stop", "not_started", "not_taking", "may_start", "offered") \
                and not carried(f.data["dose"]):
            missing.append({**f.to_dict(), "what_is_missing": "dose"})
    for f in facts.allergies:
        if not carried(f.text):
            missing.append(f.to_dict())
    for f in facts.tests:
        if f.status == "pending" and not carried(f.text):
            missing.append(f.to_dict())
    for f in facts.procedures:
        if not carried(f.text):
            missing.append(f.to_dict())
    for f in facts.follow_up:
        if f.data.get("when") and not carried(f.data["when"]) and not carried(f.text):
            missing.append(f.to_dict())
    for f in facts.warnings:
        # compare word stems: the lay letter says "you develop" where the note says "he develops"
        words = [w[:5] for w in re.findall(r"[a-z]{5,}", f.text.lower())]
        if words and not all(w in low for w in words):
            missing.append(f.to_dict())
    return warnings, missing
