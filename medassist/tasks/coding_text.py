"""Text helpers for the ICD-10-CM coder: tokens with offsets, n-gram mentions, sentence units.

Shared by the run-time coder (medassist.tasks.code) and its training recipe (models/coder/train.py),
so both see exactly the same mentions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9']*|[0-9]+(?:[.,][0-9]+)?")

#: words that never start or end a mention n-gram
STOP = frozenset("""
a an the of and or in on with without to for by at from as is was were be been being are this that these those
which who whom whose his her their its it he she they we our us him them patient patients case cases year years
old man woman male female boy girl day days month months week weeks time times after before during due into
than then there also not no any some all one two three has had have having showed shows show presented presents
revealed reveals found performed other both such but so if while when where who what how very more most
""".split())


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    norm: str


def stem(word: str) -> str:
    """A light normalisation: lower case, simple English plural folded (vessels -> vessel)."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ous")):
        return w[:-1]
    return w


def tokenize(text: str, offset: int = 0) -> list[Token]:
    return [Token(m.start() + offset, m.end() + offset, stem(m.group())) for m in TOKEN_RE.finditer(text)]


def grams(tokens: list[Token], nmax: int = 3):
    """Yield (gram string, start token index, end token index exclusive) for content n-grams."""
    n_tok = len(tokens)
    for i in range(n_tok):
        if tokens[i].norm in STOP:
            continue
        for n in range(1, nmax + 1):
            j = i + n
            if j > n_tok:
                break
            if tokens[j - 1].norm in STOP:
                continue
            yield " ".join(t.norm for t in tokens[i:j]), i, j


def gram_set(text: str, nmax: int = 3) -> set[str]:
    toks = tokenize(text)
    return {g for g, _, _ in grams(toks, nmax)}


def sentence_spans(doc) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets: the Document's own sentences when it has them, else its lines
    split at full stops followed by a capital letter."""
    if getattr(doc, "sentences", None):
        return [(s.start, s.end) for s in doc.sentences]
    return split_units(doc.text)


_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def split_units(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        last = 0
        for m in _SPLIT_RE.finditer(line):
            if line[last:m.start()].strip():
                out.append((start + last, start + m.start()))
            last = m.end()
        if line[last:].strip():
            s = start + last
            e = start + len(line.rstrip())
            out.append((s, e))
    return out
