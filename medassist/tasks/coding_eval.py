"""CodiEsp-D evaluation and data reading, shared by bench/codiesp.py and models/coder/train.py.

MAP is computed as trec_eval does for CodiEsp-D: per document, average precision over the ranked
list of predicted codes with the number of gold codes as denominator (a document with no
prediction scores 0), averaged over every document with gold codes. Codes are compared by
``coding_model.eval_key`` (no dot, no 7th character, no trailing placeholder X).
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path


def average_precision(ranked: list[str], gold: set[str]) -> float:
    if not gold:
        return 0.0
    hits, total, seen = 0, 0.0, set()
    for k, c in enumerate(ranked, 1):
        if c in seen:
            continue
        seen.add(c)
        if c in gold:
            hits += 1
            total += hits / k
    return total / len(gold)


def mean_average_precision(rankings: dict[str, list[str]], golds: dict[str, set[str]]) -> float:
    if not golds:
        return 0.0
    return sum(average_precision(rankings.get(d, []), g) for d, g in golds.items()) / len(golds)


def micro_prf(predicted: dict[str, set[str]], golds: dict[str, set[str]]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for d, g in golds.items():
        p = predicted.get(d, set())
        tp += len(p & g)
        fp += len(p - g)
        fn += len(g - p)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def gold_key(code: str) -> str:
    return code.strip().upper().replace(".", "").rstrip("X")


def read_split(root: Path, split: str):
    """-> (ids sorted, {id: English text}, {id: set of gold keys}, {id: [(raw code, spanish offset)]},
    {id: length of the Spanish text})."""
    root = Path(root)
    gold: dict[str, set[str]] = defaultdict(set)
    raw: dict[str, list[str]] = defaultdict(list)
    for line in (root / split / f"{split}D.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        doc, code = line.split("\t")[:2]
        gold[doc].add(gold_key(code))
        raw[doc].append(code.strip())
    ids = sorted(p.stem for p in (root / split / "text_files_en").glob("*.txt"))
    texts = {i: (root / split / "text_files_en" / f"{i}.txt").read_text(encoding="utf-8") for i in ids}
    spans: dict[str, list[tuple[str, int]]] = defaultdict(list)
    xfile = root / split / f"{split}X.tsv"
    if xfile.exists():
        for line in xfile.read_text(encoding="utf-8").splitlines():
            p = line.split("\t")
            if len(p) >= 5 and p[1] == "DIAGNOSTICO":
                spans[p[0]].append((p[2].strip(), int(re.split(r"[ ;]", p[4].strip())[0])))
    es_len = {}
    for i in ids:
        f = root / split / "text_files" / f"{i}.txt"
        es_len[i] = len(f.read_text(encoding="utf-8")) if f.exists() else 0
    return ids, texts, {i: gold.get(i, set()) for i in ids}, raw, spans, es_len
