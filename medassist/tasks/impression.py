"""Radiology findings -> impression.

``impress(findings_text)`` runs the committed trained pack (task "impression"): a small transformer
encoder-decoder trained here on IU X-ray (recipe: ``models/impression/recipe.py``). The model is
retrieval-augmented: its input is the findings plus the impression of the most similar training findings
(TF-IDF nearest neighbour, :class:`TfidfIndex`, the same code the recipe and ``bench/impression.py`` use).
Decoding is torch-free (:mod:`medassist.runtime.seq2seq`).

Every impression is a draft for the radiologist: ``Impression.evidence`` is empty because a generated
sentence has no span in the findings; ``Impression.neighbour`` says which training impression was fed in.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..errors import ModelPackError, TaskError

PACK_TASK = "impression"

_TOKEN = re.compile(r"[a-z0-9]+")


def _terms(text: str) -> list[str]:
    toks = [t for t in _TOKEN.findall(text.lower()) if t != "xxxx"]
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]


class TfidfIndex:
    """A small TF-IDF (unigrams + bigrams, sublinear tf, smoothed idf, L2-normalised) cosine index with an
    inverted file. Pure Python + numpy; deterministic. ``payloads[i]`` is returned for document ``i``."""

    def __init__(self, docs: Sequence[str], payloads: Sequence[str]):
        if len(docs) != len(payloads):
            raise ValueError("docs and payloads differ in length")
        import numpy as np

        self.n = len(docs)
        self.payloads = list(payloads)
        counts = []
        df: dict[str, int] = {}
        for d in docs:
            c: dict[str, int] = {}
            for t in _terms(d):
                c[t] = c.get(t, 0) + 1
            counts.append(c)
            for t in c:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log((1 + self.n) / (1 + k)) + 1.0 for t, k in df.items()}
        postings: dict[str, list[tuple[int, float]]] = {}
        for i, c in enumerate(counts):
            w = {t: (1.0 + math.log(k)) * self.idf[t] for t, k in c.items()}
            norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
            for t, v in w.items():
                postings.setdefault(t, []).append((i, v / norm))
        self._post = {
            t: (np.fromiter((i for i, _ in p), dtype=np.int64, count=len(p)), np.fromiter((v for _, v in p), dtype=np.float32, count=len(p)))
            for t, p in postings.items()
        }

    def scores(self, text: str):
        import numpy as np

        c: dict[str, int] = {}
        for t in _terms(text):
            if t in self.idf:
                c[t] = c.get(t, 0) + 1
        w = {t: (1.0 + math.log(k)) * self.idf[t] for t, k in c.items()}
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        s = np.zeros(self.n, dtype=np.float32)
        for t, v in w.items():
            idx, vals = self._post[t]
            s[idx] += vals * (v / norm)
        return s

    def top(self, text: str, k: int, exclude: int | None = None) -> list[tuple[int, float]]:
        """The ``k`` most similar documents with distinct payloads, best first."""
        import numpy as np

        s = self.scores(text)
        if exclude is not None:
            s[exclude] = -1.0
        out, seen = [], set()
        for i in np.argsort(-s, kind="stable")[: max(k * 4, k)]:
            key = self.payloads[int(i)].strip().lower()
            if key in seen:
                continue
            seen.add(key)
            out.append((int(i), float(s[int(i)])))
            if len(out) == k:
                break
        return out

    def nearest(self, text: str, exclude: int | None = None) -> tuple[int, float]:
        """Index and cosine of the most similar document (ties: lowest index); ``exclude`` leaves one out."""
        import numpy as np

        s = self.scores(text)
        if exclude is not None:
            s[exclude] = -1.0
        i = int(np.argmax(s))
        return i, float(s[i])


def _lcs_f(a: list[str], b: list[str]) -> float:
    """LCS-based F-measure of two token lists (ROUGE-L style, no stemming)."""
    if not a or not b:
        return 0.0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    lcs = prev[-1]
    if lcs == 0:
        return 0.0
    p, r = lcs / len(a), lcs / len(b)
    return 2 * p * r / (p + r)


def consensus(cands: list[str], weights: list[float]) -> int:
    """Minimum-Bayes-risk choice: the candidate with the highest weighted LCS agreement with the others."""
    toks = [_TOKEN.findall(c.lower()) for c in cands]
    best, best_s = 0, -1.0
    for i in range(len(cands)):
        sc = sum(weights[j] * _lcs_f(toks[i], toks[j]) for j in range(len(cands)) if j != i)
        if sc > best_s + 1e-12:
            best, best_s = i, sc
    return best


#: abnormal concepts a chest X-ray impression must not invent or drop (regexes over lower-cased text)
CONCEPTS: dict[str, str] = {
    "pleural effusion": r"\beffusions?\b|pleural fluid",
    "pneumothorax": r"\bpneumothora(?:x|ces)\b",
    "consolidation/pneumonia": r"\bconsolidat\w*|\bpneumonia\b|\binfiltrat\w*|airspace (?:disease|opacit\w*)",
    "atelectasis": r"\batelecta\w*",
    "edema": r"\bedema\b|vascular congestion|\bchf\b|heart failure",
    "cardiomegaly": r"\bcardiomegaly\b|(?:heart|cardiac silhouette|cardiac size|heart size)(?: \w+){0,2} (?:is |are )?(?:mildly |moderately |markedly )?enlarged|enlarged (?:heart|cardiac)",
    "nodule/mass": r"\bnodules?\b|\bmass(?:es)?\b|\bneoplasm|\btumou?r",
    "fracture": r"\bfractures?\b",
    "emphysema/copd": r"\bemphysema\w*|\bcopd\b|hyperinflat\w*|hyperexpan\w*",
    "hernia": r"\bhernia\b",
}


def affirmed_concepts(text: str) -> set[str]:
    """Abnormal concepts the text affirms (ConText rules drop "no pleural effusion", "without pneumothorax")."""
    from ..text.context import classify

    low = text.lower()
    out = set()
    for name, rx in CONCEPTS.items():
        for m in re.finditer(rx, low):
            if classify(text, m.start(), m.end()).status not in ("negated", "hypothetical"):
                out.add(name)
                break
    return out


def consistency(findings_concepts: set[str], impression: str) -> tuple[list[str], list[str]]:
    """(invented, dropped): concepts the impression affirms that the findings do not, and the reverse."""
    imp = affirmed_concepts(impression)
    return sorted(imp - findings_concepts), sorted(findings_concepts - imp)


def retrieval_input(findings: str, neighbour_impressions: "str | list[str]") -> str:
    """The encoder input of the retrieval-augmented model (the recipe trains on exactly this): the findings,
    then each neighbour's impression after a [SEP]."""
    if isinstance(neighbour_impressions, str):
        neighbour_impressions = [neighbour_impressions]
    return " [SEP] ".join([findings, *neighbour_impressions])


@dataclass
class Impression:
    impression: str
    findings: str
    model: dict[str, Any] = field(default_factory=dict)  # pack info: name, version, sha256
    neighbour: dict[str, Any] | None = None  # {"impression", "similarity"} fed to the model, when retrieving
    score: float = 0.0  # length-normalised log-probability
    elapsed_ms: float = 0.0
    evidence: list = field(default_factory=list)  # generated text: no span in the findings
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "impression": self.impression,
            "findings": self.findings,
            "model": self.model,
            "neighbour": self.neighbour,
            "score": round(self.score, 4),
            "elapsed_ms": round(self.elapsed_ms, 1),
            "evidence": [],
            "evidence_note": "generated draft: no source span; check against the findings",
            "warnings": list(self.warnings),
        }


class ImpressionModel:
    """A loaded impression pack folder: the ONNX seq2seq model, its generation settings and (when the pack
    is retrieval-augmented) the TF-IDF index over its retrieval.json."""

    def __init__(self, folder: Path, manifest: dict, seq, gen: dict, index: TfidfIndex | None, info: dict):
        self.folder, self.manifest, self.seq, self.gen, self.index, self.info = folder, manifest, seq, gen, index, info

    @classmethod
    def from_folder(cls, folder: str | Path, *, verify: bool = True, threads: int | None = None,
                    onnx_override: dict[str, Path] | None = None) -> "ImpressionModel":
        import hashlib
        import json

        from ..runtime.seq2seq import Seq2SeqOnnx

        folder = Path(folder)
        info: dict[str, Any]
        try:
            from ..runtime.packs import ModelPack  # type: ignore

            pack = ModelPack.load(folder, verify=verify)
            manifest, info = pack.manifest, pack.info()
        except ImportError:
            mpath = folder / "manifest.json"
            if not mpath.is_file():
                raise ModelPackError("manifest.json missing", path=folder)
            try:
                manifest = json.loads(mpath.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise ModelPackError(f"manifest.json is not JSON: {exc}", path=mpath) from exc
            if verify:
                for f in manifest.get("files", []):
                    p = folder / f["path"]
                    if not p.is_file():
                        raise ModelPackError("file listed in the manifest is missing", path=p)
                    if hashlib.sha256(p.read_bytes()).hexdigest() != f["sha256"]:
                        raise ModelPackError("sha256 does not match the manifest", path=p)
            info = {"name": manifest.get("name"), "version": manifest.get("version"),
                    "sha256": hashlib.sha256(mpath.read_bytes()).hexdigest()}
        if manifest.get("task") != PACK_TASK:
            raise ModelPackError(f"pack task is {manifest.get('task')!r}, not {PACK_TASK!r}", path=folder)
        gpath = folder / "generation.json"
        try:
            gen = json.loads(gpath.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelPackError(f"generation.json unreadable: {exc}", path=gpath) from exc
        onnx = {"encoder": folder / "encoder.onnx", "decoder": folder / "decoder.onnx", **(onnx_override or {})}
        seq = Seq2SeqOnnx(onnx["encoder"], onnx["decoder"], folder / "tokenizer.json", pad_id=gen["pad_id"],
                          bos_id=gen["bos_id"], eos_id=gen["eos_id"], max_src=gen["max_src"],
                          max_new_tokens=gen["max_new_tokens"], threads=threads)
        index = None
        if gen.get("retrieval"):
            rpath = folder / "retrieval.json"
            try:
                rows = json.loads(rpath.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ModelPackError(f"retrieval.json unreadable: {exc}", path=rpath) from exc
            index = TfidfIndex([r["findings"] for r in rows], [r["impression"] for r in rows])
        return cls(folder, manifest, seq, gen, index, info)

    def generate(self, findings: str, *, num_beams: int | None = None, rerank: int | None = None,
                 mbr: int | None = None, mbr_model_weight: float | None = None, guard: int | None = None) -> Impression:
        t0 = time.perf_counter()
        text = re.sub(r"\s+", " ", findings or "").strip()
        if not text:
            raise TaskError("no findings text to summarise into an impression")
        neighbour = None
        src = text
        if self.index is not None:
            k = int(self.gen.get("neighbours", 1))
            top = self.index.top(text, k) if k > 1 else [self.index.nearest(text)]
            j, sim = top[0]
            neighbour = {"impression": self.index.payloads[j], "similarity": round(sim, 4)}
            if k > 1:
                neighbour["others"] = [self.index.payloads[i] for i, _ in top[1:]]
            src = retrieval_input(text, [self.index.payloads[i] for i, _ in top])
        g = self.seq.generate(src, num_beams=num_beams or int(self.gen.get("num_beams", 4)),
                              length_penalty=float(self.gen.get("length_penalty", 1.0)))
        out = g.text.strip()
        score = g.score
        k = int(self.gen.get("rerank", 0) if rerank is None else rerank)
        if k > 0 and self.index is not None:
            # hybrid: the model also scores the impressions of the k nearest training findings and keeps
            # whichever of them or its own output it finds most likely
            from ..runtime.seq2seq import score_candidates

            cands = [out] + [self.index.payloads[j] for j, _ in self.index.top(text, k)]
            scores = score_candidates(self.seq, src, cands)
            best = max(range(len(cands)), key=lambda i: (scores[i], -i))
            out, score = cands[best].strip(), scores[best]
            if best > 0:
                neighbour = dict(neighbour or {}, chosen="retrieved impression (rescored by the model)")
        guard = int(self.gen.get("guard", 0) if guard is None else guard)
        fc = affirmed_concepts(text)
        invented, dropped = consistency(fc, out)
        if guard > 0 and self.index is not None and (invented or dropped):
            # the draft invents or drops an abnormality the findings state: take the nearest training
            # impression that agrees better with the findings (the model's draft wins ties)
            best = (len(invented) + 0.5 * len(dropped), 0, out)
            for rank, (j, _) in enumerate(self.index.top(text, guard), start=1):
                inv, dro = consistency(fc, self.index.payloads[j])
                cand = (len(inv) + 0.5 * len(dro), rank, self.index.payloads[j])
                if cand < best:
                    best = cand
            if best[1] > 0:
                out = best[2].strip()
                neighbour = dict(neighbour or {}, chosen="retrieved impression (the draft disagreed with the findings)")
                invented, dropped = consistency(fc, out)
        k = int(self.gen.get("mbr", 0) if mbr is None else mbr)
        if k > 0 and self.index is not None:
            # consensus of the model's draft and the impressions of the k nearest training findings
            top = self.index.top(text, k)
            cands = [out] + [self.index.payloads[j] for j, _ in top]
            wm = float(self.gen.get("mbr_model_weight", 1.0) if mbr_model_weight is None else mbr_model_weight)
            best = consensus(cands, [wm] + [max(1e-3, s_) for _, s_ in top])
            if best > 0:
                out = cands[best].strip()
                neighbour = dict(neighbour or {}, chosen="retrieved impression (consensus with the model draft)")
        warnings = []
        if invented:
            warnings.append("the impression states what the findings do not: " + ", ".join(invented))
        if dropped:
            warnings.append("the findings state what the impression leaves out: " + ", ".join(dropped))
        if "XXXX" in out and "XXXX" not in text:
            warnings.append("the impression holds XXXX placeholders (words redacted in the training reports): rewrite them")
        cmp_rx = r"\b(?:stable|unchanged|again|interval|previous(?:ly)?|prior|compared|new)\b"
        if re.search(cmp_rx, out, re.I) and not re.search(cmp_rx, text, re.I):
            warnings.append("the impression compares with a prior study that the findings do not mention")
        if not out:
            warnings.append("the model produced an empty impression")
        return Impression(out, text, dict(self.info), neighbour, score, (time.perf_counter() - t0) * 1000.0, [], warnings)


_CACHE: dict[str, ImpressionModel] = {}


def find_impression_pack() -> Path:
    """The impression pack folder: the registry (when the runtime has landed), else models/trained/impression-*."""
    try:
        from ..runtime.registry import find_pack  # type: ignore

        pack = find_pack(task=PACK_TASK)
        if pack is not None:
            return Path(pack.path)
    except ImportError:
        pass
    from ..config import PROJECT_ROOT, home_dir

    roots = [home_dir() / "packs", PROJECT_ROOT / "models" / "trained", PROJECT_ROOT / "models" / "packs"]
    import json

    for root in roots:
        for m in sorted(root.glob("*/manifest.json")) if root.is_dir() else []:
            try:
                if json.loads(m.read_text(encoding="utf-8")).get("task") == PACK_TASK:
                    return m.parent
            except (OSError, ValueError):
                continue
    raise ModelPackError("no impression model pack installed (task 'impression')")


def load_impression_model(folder: str | Path | None = None) -> ImpressionModel:
    path = Path(folder) if folder else find_impression_pack()
    key = str(path.resolve())
    if key not in _CACHE:
        _CACHE[key] = ImpressionModel.from_folder(path)
    return _CACHE[key]


def impress(findings_text: str, *, pack: str | Path | None = None, num_beams: int | None = None) -> Impression:
    """Draft an impression from radiology findings text with the installed impression pack."""
    return load_impression_model(pack).generate(findings_text, num_beams=num_beams)
