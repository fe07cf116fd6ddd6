"""Sentence alignment of a CodiEsp case report's Spanish text with its English translation (build time only).

The CodiEsp X file places each label's evidence by a character offset in the Spanish text; the English text is a
machine translation written one sentence a line. ``english_lines`` maps a Spanish offset to the English line(s)
that translate the Spanish sentence holding it, by a length-based dynamic-programming alignment of the Spanish
sentences with the English lines (Gale & Church 1993: translated sentences keep their length ratio; 1-1, 1-2,
2-1, 2-2, 1-3, 3-1 and unmatched sentences, each move with its prior cost).
"""
from __future__ import annotations

import bisect
import math
import re

# a Spanish sentence ends at . ! ? before a capital, a digit or an opening bracket, or at a line break
_SPANISH_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡0-9(])|\n+")
# (Spanish sentences, English lines, prior cost)
_MOVES = ((1, 1, 0.0), (1, 2, 1.5), (2, 1, 1.5), (2, 2, 2.5), (1, 3, 3.5), (3, 1, 3.5), (1, 0, 5.0), (0, 1, 5.0))


def spanish_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank Spanish sentence."""
    out, pos = [], 0
    for m in _SPANISH_SENTENCE_END.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text.rstrip())))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _length_cost(n_es: int, n_en: int, ratio: float) -> float:
    if n_es == 0 or n_en == 0:
        return 6.0
    return 8.0 * abs(math.log((n_en + 1) / (n_es * ratio + 1)))


def align_lengths(es: list[int], en: list[int]) -> dict[int, list[int]]:
    """Spanish sentence index -> English line indices, from the sentences' lengths in characters."""
    ratio = sum(en) / max(1, sum(es))
    n, m = len(es), len(en)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            for a, b, prior in _MOVES:
                ii, jj = i + a, j + b
                if ii > n or jj > m:
                    continue
                c = here + prior + _length_cost(sum(es[i:ii]), sum(en[j:jj]), ratio)
                if c < cost[ii][jj]:
                    cost[ii][jj] = c
                    back[ii][jj] = (i, j)
    out: dict[int, list[int]] = {}
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = back[i][j]
        for k in range(pi, i):
            out[k] = list(range(pj, j))
        i, j = pi, pj
    return out


class SentenceAlignment:
    """One report's alignment: ``english_lines(offset)`` -> the English lines' (start, end) character spans that
    translate the Spanish sentence at that offset ([] when the alignment left that sentence unmatched)."""

    def __init__(self, spanish: str, english: str):
        self.es = spanish_sentences(spanish)
        self.es_starts = [s for s, _ in self.es]
        lines, pos = [], 0
        for line in english.split("\n"):
            if line.strip():
                lines.append((pos, pos + len(line)))
            pos += len(line) + 1
        self.en = lines
        self.map = align_lengths([e - s for s, e in self.es], [e - s for s, e in self.en]) if self.es and self.en else {}

    def english_lines(self, offset: int) -> list[tuple[int, int]]:
        k = max(0, bisect.bisect_right(self.es_starts, offset) - 1)
        return [self.en[j] for j in self.map.get(k, [])]
