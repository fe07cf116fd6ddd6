"""Sectionizer + sentence splitter over every note in ../shared/data.

Prints, per corpus: notes, sections, sentences, offset errors (must be 0), and throughput against a
peer measured in the same run (a plain ``re`` split of the text into lines and full stops — the floor
any splitter costs). On ACI-Bench it measures the headers found against the upper-case section-title
lines the notes are written with (recall / precision), and lists what was missed / extra.

    .venv/bin/python bench/sections.py [--data ../shared/data] [--show-misses]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medassist.ingest import document_from_text  # noqa: E402

csv.field_size_limit(1 << 30)

#: a section-title line in ACI-Bench: upper-case words (and & / -), optionally ending with ':'
GOLD_HEADER = re.compile(r"^[ \t]*([A-Z][A-Z &/\-]*[A-Z])[ \t]*:?[ \t]*$")


def corpora(data: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    mts = data / "mtsamples-subset" / "mtsamples_first400.csv"
    if mts.exists():
        with open(mts, newline="", encoding="utf-8") as f:
            out["mtsamples"] = [row[4] for row in csv.reader(f) if len(row) > 4 and row[4].strip()]
    aci = []
    for part in ("train", "valid"):
        p = data / "aci-bench" / f"{part}.csv"
        if p.exists():
            with open(p, newline="", encoding="utf-8") as f:
                aci += [r["note"] for r in csv.DictReader(f)]
    if aci:
        out["aci-bench"] = aci
    for part in ("train", "dev", "background"):
        d = data / "codiesp" / part / "text_files_en"
        if d.is_dir():
            out[f"codiesp-{part}"] = [p.read_text(encoding="utf-8") for p in sorted(d.glob("*.txt"))]
    return out


def offset_errors(doc) -> list[str]:
    """Every way the spans of ``doc`` could be wrong (empty list when all is well)."""
    errs = []
    t = doc.text
    prev_end = 0
    for s in doc.sections:
        if not (prev_end <= s.start <= s.body_start <= s.end <= len(t)):
            errs.append(f"section {s.name} {s.start}:{s.body_start}:{s.end} out of order")
        if s.title and t[s.start : s.start + len(s.title)] != s.title:
            errs.append(f"section title {s.title!r} != {t[s.start:s.start + len(s.title)]!r}")
        prev_end = s.end
    prev_end = 0
    for x in doc.sentences:
        if not (prev_end <= x.start < x.end <= len(t)):
            errs.append(f"sentence {x.start}:{x.end} out of order/empty")
        sec = doc.section_at(x.start)
        if sec is None or sec.name != x.section or not (sec.body_start <= x.start and x.end <= sec.end):
            errs.append(f"sentence {x.start}:{x.end} not inside its section {x.section}")
        if doc.span(x.start, x.end).text != t[x.start : x.end] or t[x.start : x.end] != t[x.start : x.end].strip():
            errs.append(f"sentence {x.start}:{x.end} not trimmed")
        prev_end = x.end
    return errs


def header_scores(notes: list[str]) -> dict:
    """Headers found vs the upper-case title lines of the notes (one line = one gold header)."""
    tp = fp = fn = 0
    missed: Counter = Counter()
    names: Counter = Counter()
    extra: Counter = Counter()
    for note in notes:
        doc = document_from_text(note)
        text = doc.text
        gold = set()
        pos = 0
        for line in text.split("\n"):
            m = GOLD_HEADER.match(line)
            if m:
                gold.add(pos + m.start(1))
            pos += len(line) + 1
        found = {s.start for s in doc.sections if s.name != "preamble"}
        for sec in doc.sections:
            if sec.start in gold:
                names[(sec.title.upper(), sec.name)] += 1
        tp += len(gold & found)
        for g in gold - found:
            fn += 1
            missed[text[g : text.find("\n", g) if "\n" in text[g:] else len(text)].strip()] += 1
        for x in found - gold:
            fp += 1
            extra[text[x : text.find("\n", x) if "\n" in text[x:] else len(text)][:60]] += 1
    return {
        "recall": tp / max(1, tp + fn),
        "precision": tp / max(1, tp + fp),
        "tp": tp,
        "fn": fn,
        "fp": fp,
        "missed": missed,
        "extra": extra,
        "names": names,
    }


def bench_context(notes: list[str]) -> None:
    """ConText cue scan: the trie-shaped regex against a flat alternation of the same literals (peer),
    on every ACI-Bench sentence; then classify() on every word of 6+ letters."""
    from medassist.text.context import ContextRules, classify

    rules = ContextRules.default()
    lits = sorted((k for k in rules._by_literal), key=lambda k: (-len(k), k))

    def one(lit: str) -> str:
        body = r"\s+".join(re.escape(w) for w in lit.split())
        return (r"(?<!\w)" if lit[:1].isalnum() else "") + body + (r"(?!\w)" if lit[-1:].isalnum() else "")

    flat = re.compile("|".join(one(k) for k in lits), re.IGNORECASE)
    docs = [document_from_text(n) for n in notes]
    sents = [(d.text, x.start, x.end) for d in docs for x in d.sentences]
    t0 = time.perf_counter()
    ours = sum(1 for t, a, b in sents for m in rules._literal_re.finditer(t, a, b))
    t1 = time.perf_counter()
    peer = sum(1 for t, a, b in sents for m in flat.finditer(t, a, b))
    t2 = time.perf_counter()
    words = [(d, m.start(), m.end()) for d in docs for m in re.finditer(r"\b[A-Za-z]{6,}\b", d.text)]
    t3 = time.perf_counter()
    for d, a, b in words:
        classify(d, a, b)
    t4 = time.perf_counter()
    print(
        f"\ncontext cue scan, {len(sents)} sentences: trie {1e6 * (t1 - t0) / len(sents):.1f} us/sentence, "
        f"flat alternation {1e6 * (t2 - t1) / len(sents):.1f} us/sentence (ratio {(t2 - t1) / max(t1 - t0, 1e-9):.1f}x; "
        f"cues {ours} vs {peer}); classify: {1e6 * (t4 - t3) / len(words):.1f} us/mention over {len(words)} mentions"
    )


def _peer(text: str) -> int:
    n = 0
    for line in text.split("\n"):
        n += len(re.split(r"(?<=[.!?])\s+", line))
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args(argv)
    data = Path(args.data)
    cs = corpora(data)
    if not cs:
        print(f"no corpora under {data}")
        return 1
    bad = 0
    print(f"{'corpus':<20}{'notes':>7}{'sections':>10}{'sentences':>11}{'errors':>8}{'ms/note':>9}{'peer ms':>9}{'ratio':>7}")
    for name, notes in cs.items():
        t0 = time.perf_counter()
        docs = [document_from_text(n) for n in notes]
        t1 = time.perf_counter()
        for n in notes:
            _peer(n)
        t2 = time.perf_counter()
        errs = sum(len(offset_errors(d)) for d in docs)
        bad += errs
        ours, peer = (t1 - t0) * 1000 / len(notes), (t2 - t1) * 1000 / len(notes)
        print(
            f"{name:<20}{len(notes):>7}{sum(len(d.sections) for d in docs):>10}"
            f"{sum(len(d.sentences) for d in docs):>11}{errs:>8}{ours:>9.3f}{peer:>9.3f}{ours / max(peer, 1e-9):>7.1f}"
        )
    cod = [n for k in ("codiesp-train", "codiesp-dev") for n in cs.get(k, [])]
    if cod:
        lines = crossing = 0
        for n in cod:
            d = document_from_text(n)
            lines += sum(1 for ln in d.text.split("\n") if ln.strip())
            crossing += sum(1 for x in d.sentences if "\n" in d.text[x.start : x.end])
        print(f"\nCodiEsp train+dev (one sentence a line): {crossing} of {lines} lines joined to the next")
    if "aci-bench" in cs:
        bench_context(cs["aci-bench"])
        s = header_scores(cs["aci-bench"])
        print(
            f"\nACI-Bench headers vs upper-case title lines: recall {s['recall']:.3f} "
            f"precision {s['precision']:.3f} (tp {s['tp']}, missed {s['fn']}, extra {s['fp']})"
        )
        print("title -> section name:", ", ".join(f"{t} -> {n} ({c})" for (t, n), c in s["names"].most_common()))
        if args.show_misses:
            print("missed:", dict(s["missed"].most_common(20)))
            print("extra:", dict(s["extra"].most_common(20)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
