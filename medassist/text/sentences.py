"""Sentence splitting with exact character offsets, one section at a time.

Rules (kept simple and predictable):

* a sentence never crosses a section boundary, and never includes a section's header;
* a blank line, a list item (``-``, ``•``, ``1.``, ``a)``) and a line that does not continue the one
  before it end a sentence. A line break is a soft wrap only when the previous line does not end with
  ``.!?:;`` and either the next line goes on in lower case, or the previous line is long
  (``WRAP_WIDTH``) in a region whose lines are all short (hard-wrapped prose). So one-sentence-a-line
  text (CodiEsp), short label lines and bulleted lists split on their lines;
* inside a line, ``.``, ``!`` or ``?`` (with closing quotes/brackets) followed by white space end a
  sentence when the next word starts with an upper-case letter, a digit or an opening quote/bracket —
  not after a title or a Latin abbreviation (``Dr.``, ``e.g.``, ``vs.``, ``approx.``), not after a list
  number (``1.``), not after a question mark standing alone (``Dyspnea, ? PE``: it queries the next term),
  so ``b.i.d. with meals``, ``2.5 mg`` and ``Dr. Smith`` stay whole;
* surrounding white space and stray leading punctuation (``,``/``;``/``:``) are left out of the span;
  pieces without a letter or digit are dropped.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..document import Section, Sentence

#: abbreviations after which a full stop never ends a sentence (lower case, without the final dot)
NO_SPLIT_AFTER = frozenset(
    """
    dr drs mr mrs ms mx prof sr jr st mt ft rev hon gen col lt sgt capt messrs
    e.g eg i.e ie cf viz vs v et al approx appr ca c.f
    fig figs no nos vol ref refs dept univ inc ltd co corp
    pt pts hx dx tx rx sx fx
    """.split()
)
#: abbreviations that do not end a sentence when a number follows ("No. 5", "approx. 3")
NO_SPLIT_BEFORE_DIGIT = frozenset({"no", "nos", "approx", "fig", "figs", "vol", "ref", "p", "pp", "ca", "tab", "tabs"})

#: a line at least this long that stops mid-sentence is taken as hard-wrapped prose
WRAP_WIDTH = 60
#: ...in a region whose lines are all at most this long (else lines are paragraphs: CodiEsp, ACI-Bench)
MAX_WRAPPED_LINE = 100
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*\u2022\u25cf\u25aa\u25e6>]|\d{1,3}[.)](?=[ \t])|[a-zA-Z][)](?=[ \t])|\(\w{1,3}\))")
# end punctuation, closing quotes/brackets, then white space — or ",X" (run-together transcriptions)
_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?:(?=\s)|,(?=[A-Z]))")
_TOKEN_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_LIST_MARKER_ONLY = re.compile(r"^\W*(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]$")
_STRIP_LEAD = " \t\n\r\f\v,;:"


def split_sentences(text: str, sections: Iterable[Section] | None = None) -> list[Sentence]:
    """Sentences of ``text``, in order, each inside one section's body (``text[s.start:s.end]``)."""
    sections = list(sections or [])
    if not sections:
        return [Sentence(a, b, "preamble") for a, b in split_spans(text, 0, len(text))]
    out: list[Sentence] = []
    for sec in sections:
        for a, b in split_spans(text, sec.body_start, sec.end):
            out.append(Sentence(a, b, sec.name))
    return out


def split_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the sentences in ``text[start:end]``."""
    spans: list[tuple[int, int]] = []
    for a, b in _line_chunks(text, start, end):
        for s, e in _split_chunk(text, a, b):
            s, e = _trim(text, s, e)
            if s < e and _has_alnum(text, s, e):
                spans.append((s, e))
    return spans


def _has_alnum(text: str, s: int, e: int) -> bool:
    for ch in text[s:e]:
        if ch.isalnum():
            return True
    return False


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in _STRIP_LEAD):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
        e -= 1  # a trailing comma is a line break in run-together transcriptions ("...well.,PLAN:")
    return s, e


def _line_chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Group the lines of a region into chunks; a chunk boundary is a hard line break."""
    chunks: list[tuple[int, int]] = []
    chunk_start = start
    prev_line_end_char = ""  # last non-space char of the previous non-empty line in the chunk
    prev_line_len = 0
    # hard-wrapped text: no line in the region is longer than a typical wrap width
    wrapped = max((len(ln) for ln in text[start:end].split("\n")), default=0) <= MAX_WRAPPED_LINE
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        line = text[pos:line_end]
        stripped = line.strip()
        if pos > chunk_start:  # there is a line break before this line inside the chunk
            soft = (
                stripped != ""
                and prev_line_end_char != ""
                and prev_line_end_char not in ".!?:;"
                and not _LIST_ITEM.match(line)
                and (
                    stripped[0].islower()
                    or stripped[0] in "("
                    # a long line cut mid-sentence (hard-wrapped prose): "seen by\nDr. Smith"
                    or (wrapped and prev_line_len >= WRAP_WIDTH and stripped[0].isalnum())
                )
            )
            if not soft:
                if pos - 1 > chunk_start:
                    chunks.append((chunk_start, pos - 1))
                chunk_start = pos
                prev_line_end_char = ""
        if stripped:
            prev_line_end_char = stripped[-1]
            prev_line_len = len(stripped)
        else:
            # a blank line always ends a chunk
            if line_end > chunk_start:
                chunks.append((chunk_start, line_end))
            chunk_start = line_end + 1
            prev_line_end_char = ""
        pos = line_end + 1
    if chunk_start < end:
        chunks.append((chunk_start, end))
    return chunks


def _split_chunk(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    s = a
    for m in _BOUNDARY.finditer(text, a, b):
        e = m.end()
        # next visible character
        j = e
        while j < b and text[j].isspace():
            j += 1
        if j >= b:
            break
        nxt = text[j]
        if nxt == "," and j + 1 < b and text[j + 1].isupper():
            nxt = text[j + 1]  # "...nose.  ,EYES: ..." (run-together transcription)
        if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'(\u201c\u2018[-\u2022*#"):
            continue
        punct = m.group(0)
        if punct == "?" and m.start() > s and text[m.start() - 1] in " \t,(" :
            continue  # "Dyspnea, ? PE": a question mark standing alone before a term queries it, it ends nothing
        if punct.startswith("."):
            before = text[max(s, m.start() - 20) : m.start() + 1]
            tok = _TOKEN_BEFORE.search(before)
            if tok:
                word = tok.group(1).lower()
                if word in NO_SPLIT_AFTER:
                    continue
                if nxt.isdigit() and word in NO_SPLIT_BEFORE_DIGIT:
                    continue
            if _LIST_MARKER_ONLY.match(text[s : m.start() + 1].strip()):
                continue
        out.append((s, e))
        s = e
    if s < b:
        out.append((s, b))
    return out
