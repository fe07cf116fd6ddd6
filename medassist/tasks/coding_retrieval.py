"""Opt-in candidate generation for the ICD-10-CM coder by embedding retrieval.

    from medassist.tasks.coding_retrieval import add_retrieval
    add_retrieval(result.codes, doc)      # appends RetrievalCandidate entries below the listed codes

The sentences that can name a diagnosis (the note's preamble, chief complaint, history, assessment,
impression, hospital course, diagnoses...; never the medication, allergy, exam, review-of-systems or
family-history sections) are embedded with the embedder pack (MiniLM int8) and looked up in the
``coder-index`` pack: an ONNX graph holding the int8 embeddings of a few thousand code descriptions
(recipe: models/coder_index/build.py) that returns the top-k codes by cosine. A sentence with a negation,
uncertainty, hypothetical or family cue gives nothing (a whole sentence has no single mention whose
scope could be checked, so any such cue silences it).

A retrieved code becomes a candidate when its cosine reaches the floor (``FLOOR``) and the code is not
listed already. Its evidence is the whole sentence (``Span`` over the source), its ``source`` is
"retrieval", its score 0 (the scorer never saw it) with the cosine kept as ``similarity``. Retrieval
candidates are appended BELOW every scored candidate and are never suggested: a clinician must not get a
code from similarity alone.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any

from medassist import icd10
from medassist.document import Span
from medassist.errors import ModelPackError, TaskError

from .code import CodeSuggestion

INDEX_PACK = "coder-index"
INDEX_TASK = "icd10cm-retrieval"
FLOOR = 0.5  # cosine a retrieved code must reach (see bench/codiesp.py --retrieval for its effect)
TOP_K = 3  # codes looked up per sentence
MAX_CANDIDATES = 25  # retrieval candidates per note at most
MAX_SENTENCES = 80  # sentences embedded per note at most (the first ones, in reading order)
MIN_WORDS = 2

#: Sections whose sentences may name the patient's conditions. Notes with no headers (case reports,
#: transcriptions) are one ``preamble`` section.
SECTIONS = frozenset({
    "preamble", "chief_complaint", "hpi", "subjective", "pmh", "psh", "impression", "assessment",
    "assessment_plan", "hospital_course", "discharge_diagnoses", "complications", "indications",
    "findings", "consultation", "condition", "problem_list",
})
HISTORY_SECTIONS = frozenset({"pmh", "psh"})
_SILENCING = frozenset({"NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HYPOTHETICAL", "FAMILY"})
_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass
class RetrievalCandidate(CodeSuggestion):
    """A code found by embedding similarity only: listed for review, never suggested."""

    similarity: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["source"] = "retrieval"
        d["similarity"] = round(float(self.similarity), 4)
        return d


class Retriever:
    """The code index (ONNX TopK over int8 code embeddings) plus the embedder that queries it."""

    def __init__(self, pack=None, embedder=None, threads: int | None = None):
        import numpy as np

        from medassist.runtime.session import create_session

        if pack is None:
            from medassist.runtime.registry import find_pack

            pack = find_pack(name=INDEX_PACK)  # verified: a tampered file raises ModelPackError
            if pack is None:
                raise ModelPackError(f"the ICD-10-CM retrieval index pack '{INDEX_PACK}' was not found "
                                     "(expected in models/trained/ or $MEDASSIST_HOME/packs)")
        if pack.task != INDEX_TASK:
            raise ModelPackError(f"pack {pack.name!r} is a {pack.task!r} pack, not an {INDEX_TASK!r} pack",
                                 path=pack.path)
        if not pack.verified:
            pack.verify()
        self.pack = pack
        codes_path = pack.file("codes")
        try:
            data = json.loads(codes_path.read_text(encoding="utf-8"))
            self.codes: list[str] = [str(c) for c in data["codes"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelPackError(f"unreadable code list ({exc})", path=codes_path) from None
        self.session = create_session(pack.file("index"), threads=threads)
        rows = int(pack.manifest.get("rows", -1))
        if rows != len(self.codes):
            raise ModelPackError(f"the code list has {len(self.codes)} codes, the manifest says {rows} rows",
                                 path=codes_path)
        if embedder is None:
            from medassist.runtime.embedder import get_embedder

            embedder = get_embedder(threads=threads)
        self.embedder = embedder
        dim = int(pack.manifest.get("dim", 0))
        if embedder.dim and dim and embedder.dim != dim:
            raise ModelPackError(f"index vectors are {dim}-d, the embedder gives {embedder.dim}-d",
                                 path=pack.path / "manifest.json")
        self._np = np
        want = (pack.manifest.get("embedder") or {}).get("model_sha256")
        have = next((e.get("sha256") for e in embedder.pack.manifest.get("files", []) if e.get("role") == "model"), None)
        #: False when the index was built with another build of the embedder (scores shift slightly)
        self.embedder_matches = bool(want and have == want)

    def models(self) -> list[dict]:
        info = self.pack.info()
        if not self.embedder_matches:
            info = {**info, "note": "index built with another build of the embedder"}
        return [info, self.embedder.pack.info()]

    def search(self, texts: list[str], k: int = TOP_K) -> list[list[tuple[str, float]]]:
        """For each text, its k nearest codes as (code, cosine), best first."""
        np = self._np
        if not texts:
            return []
        k = max(1, min(int(k), len(self.codes)))
        q = self.embedder.embed(texts).astype(np.float32)
        scores, rows = self.session.run(["scores", "rows"], {"query": q, "k": np.array([k], dtype=np.int64)})
        return [[(self.codes[int(r)], float(s)) for s, r in zip(srow, rrow)] for srow, rrow in zip(scores, rows)]


def _rules():
    from medassist.text.context import _default_rules

    return _default_rules()


def query_sentences(doc) -> list[tuple[int, int, str]]:
    """(start, end, status) of the sentences worth a lookup: in a diagnosis/history section, enough words,
    and no negation / uncertainty / hypothetical / family cue. Status is "historical" in a past-history
    section or after a history cue, else "affirmed"."""
    text = doc.text
    sents = getattr(doc, "sentences", None) or []
    if not sents:
        from .coding_text import split_units

        units = [(a, b, "preamble") for a, b in split_units(text)]
    else:
        units = [(s.start, s.end, s.section) for s in sents]
    rules = _rules()
    out = []
    for a, b, section in units:
        if section not in SECTIONS:
            continue
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if len(_WORD.findall(text, a, b)) < MIN_WORDS:
            continue
        cats = {c.rule.category for c in rules.cues(text, a, b) if c.rule.direction not in ("PSEUDO", "TERMINATE")}
        if cats & _SILENCING:
            continue
        status = "historical" if (section in HISTORY_SECTIONS or "HISTORICAL" in cats) else "affirmed"
        out.append((a, b, status))
        if len(out) >= MAX_SENTENCES:
            break
    return out


def retrieve(doc, retriever: Retriever, *, exclude=(), k: int = TOP_K, floor: float = FLOOR,
             max_candidates: int = MAX_CANDIDATES) -> list[RetrievalCandidate]:
    """Retrieval candidates for ``doc`` (codes in ``exclude`` left out), by decreasing cosine."""
    if not isinstance(getattr(doc, "text", None), str):
        raise TaskError("retrieval needs a Document with text")
    units = query_sentences(doc)
    if not units:
        return []
    hits = retriever.search([doc.text[a:b] for a, b, _ in units], k=k)
    skip = set(exclude)
    best: dict[str, tuple[float, int]] = {}
    for n, row in enumerate(hits):
        for code, sim in row:
            if sim < floor or code in skip:
                continue
            if code not in best or sim > best[code][0]:
                best[code] = (sim, n)
    out: list[RetrievalCandidate] = []
    for code, (sim, n) in sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:max_candidates]:
        entry = icd10.lookup(code)
        if entry is None:  # never list a code outside the code set
            continue
        a, b, status = units[n]
        out.append(RetrievalCandidate(
            code=entry.code, description=entry.description, score=0.0, suggested=False, status=status,
            billable=entry.billable, evidence=[Span.of(doc.text, a, b)],
            warnings=[f"retrieval only: this sentence resembles the code's description (cosine {sim:.2f}); "
                      "no term of the code was found in the note: not suggested, check before use"],
            sources=["retrieval"], similarity=sim))
    return out


def add_retrieval(codes: list, doc, retriever: Retriever | None = None, **kw) -> list[RetrievalCandidate]:
    """Append retrieval candidates below ``codes`` (in place; codes already listed are not repeated).
    Returns the appended candidates."""
    retriever = retriever or get_retriever()
    extra = retrieve(doc, retriever, exclude={c.code for c in codes}, **kw)
    codes.extend(extra)
    return extra


_lock = threading.Lock()
_retriever: Retriever | None = None


def get_retriever() -> Retriever:
    """The process-wide retriever (index pack + embedder, loaded once)."""
    global _retriever
    with _lock:
        if _retriever is None:
            _retriever = Retriever()
        return _retriever
