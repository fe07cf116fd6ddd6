"""Readability of a letter: Flesch-Kincaid grade, Flesch reading ease and SMOG (textstat).

textstat 0.7.13 counts English syllables with the CMU dictionary loaded through nltk, and nltk
*downloads* that dictionary on first use. MedAssist never goes online, so textstat's syllable counter always
uses its pyphen fallback (hyphenation patterns that ship inside the pyphen wheel): the same scores on every
machine. textstat imports nltk at module level only for that dictionary; importing nltk (and the scipy it
pulls in) costs ~100 MB and seconds, so textstat is imported with a placeholder ``nltk`` module that is taken
out of ``sys.modules`` again right after. ``syllable_source()`` says which counter is in use.

Scoring unit: a letter is laid out in lines (headings, bullet items) that are sentences for a reader;
a line without end punctuation is scored as one sentence (``score_text`` adds the full stop).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_SOURCE = "pyphen"


@lru_cache(maxsize=1)
def _textstat():
    import sys
    import types

    placeholder = "nltk" not in sys.modules and "textstat" not in sys.modules
    if placeholder:
        sys.modules["nltk"] = types.ModuleType("nltk")
    try:
        import textstat
        from textstat.backend.counts import _count_syllables
    finally:
        if placeholder:
            del sys.modules["nltk"]
    _count_syllables.get_cmudict = lambda lang: None  # type: ignore[assignment]  # never the download path
    return textstat


def syllable_source() -> str:
    _textstat()
    return _SOURCE


def syllables(word: str) -> int:
    return int(_textstat().syllable_count(word))


def score_text(text: str) -> str:
    """The text as scored: bullets dropped, every non-empty line ending in end punctuation."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-•*]|\d+[.)])\s+", "", line).strip()
        if not line:
            continue
        if not re.search(r"[.!?:]$", line):
            line += "."
        elif line.endswith(":"):
            line = line[:-1] + "."
        lines.append(line)
    return "\n".join(lines)


def readability(text: str) -> dict[str, Any]:
    ts = _textstat()
    scored = score_text(text)
    if not scored.strip():
        return {"flesch_kincaid_grade": None, "flesch_reading_ease": None, "smog": None, "words": 0,
                "sentences": 0, "syllable_source": _SOURCE}
    return {
        "flesch_kincaid_grade": round(float(ts.flesch_kincaid_grade(scored)), 2),
        "flesch_reading_ease": round(float(ts.flesch_reading_ease(scored)), 2),
        "smog": round(float(ts.smog_index(scored)), 2),
        "words": int(ts.lexicon_count(scored)),
        "sentences": int(ts.sentence_count(scored)),
        "syllable_source": _SOURCE,
    }
