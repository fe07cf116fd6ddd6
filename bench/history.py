#!/usr/bin/env python
"""History full-text search over 100,000 stored documents: SQLCipher history vs the same in plain SQLite.

    .venv/bin/python bench/history.py [--docs 100000] [--queries 200] [--batch 5000] [--seed 7] [--json]

Builds two histories in a temp folder with the same schema (the store's migrations, FTS5 triggers
included) and the same synthetic clinical-ish notes (sentences assembled from a word list with a Zipf
pick of terms, ~60-90 words each; each note gets one run with a small result): one encrypted
(SQLCipher, raw 256-bit key, WAL) and its peer in plain SQLite. Inserts are batched (one transaction per
``--batch`` documents). Then ``History.search`` — the code the CLI and UI call: FTS5 MATCH over
documents and results, joined to runs, 20 hits with snippets — runs for the same ~200 queries (single
terms of every frequency, two-term AND, prefix) on both, in each order one after the other: ``recent``
(the default: newest matches first, FTS5 stops after 20) and ``relevance`` (bm25 over every match). Per
order: one warm-up pass (which also checks both answer the same), then a timed pass interleaving
encrypted and plain query by query. Prints insert throughput, median / p90 / max latency and the
encrypted / plain ratio. Goal: median <= 20 ms for the default search.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SYMPTOMS = """chest pain, shortness of breath, dyspnea on exertion, palpitations, syncope, dizziness, headache,
nausea, vomiting, diarrhea, constipation, abdominal pain, back pain, fever, chills, fatigue, weight loss,
cough, wheezing, hemoptysis, dysuria, hematuria, rash, pruritus, joint pain, swelling, numbness, weakness,
blurred vision, sore throat, anorexia, insomnia, anxiety, confusion, edema, claudication, melena,
hematochezia, orthopnea, tremor""".replace("\n", " ").split(", ")
CONDITIONS = """hypertension, type 2 diabetes mellitus, hyperlipidemia, coronary artery disease, atrial fibrillation,
congestive heart failure, chronic kidney disease, asthma, copd, pneumonia, urinary tract infection,
cellulitis, osteoarthritis, rheumatoid arthritis, hypothyroidism, gastroesophageal reflux disease,
migraine, depression, generalized anxiety disorder, obstructive sleep apnea, obesity, anemia, gout,
deep vein thrombosis, pulmonary embolism, stroke, transient ischemic attack, peripheral neuropathy,
cirrhosis, pancreatitis, cholecystitis, appendicitis, diverticulitis, sepsis, psoriasis, eczema, glaucoma,
cataract, osteoporosis, sarcoidosis, lupus, multiple sclerosis, parkinson disease, dementia, epilepsy,
melanoma, breast cancer, prostate cancer, colon cancer, lymphoma""".replace("\n", " ").split(", ")
DRUGS = """lisinopril, metformin, atorvastatin, amlodipine, metoprolol, losartan, omeprazole, levothyroxine,
albuterol, fluticasone, furosemide, hydrochlorothiazide, warfarin, apixaban, rivaroxaban, aspirin,
clopidogrel, insulin glargine, gabapentin, sertraline, escitalopram, prednisone, amoxicillin, azithromycin,
ceftriaxone, vancomycin, acetaminophen, ibuprofen, tramadol, oxycodone, pantoprazole, montelukast,
allopurinol, colchicine, tamsulosin, finasteride, donepezil, levetiracetam, methotrexate, hydroxychloroquine""".replace(
    "\n", " "
).split(", ")
BODY = """left arm, right leg, lower back, abdomen, chest wall, left knee, right shoulder, neck, both ankles, right
hip, left wrist, scalp, lower extremities, right upper quadrant, epigastrium, left flank""".replace("\n", " ").split(", ")
MODS = "mild, moderate, severe, intermittent, constant, worsening, improving, acute, chronic, recurrent, new, stable".split(", ")
FINDINGS = """normal sinus rhythm, elevated troponin, bilateral crackles, clear lungs, regular rate and rhythm, no murmurs,
tenderness to palpation, decreased breath sounds, elevated creatinine, low hemoglobin, elevated a1c,
elevated bnp, negative d-dimer, consolidation in the right lower lobe, pleural effusion, cardiomegaly,
no acute fracture, mild degenerative changes""".replace("\n", " ").split(", ")
TEMPLATES = [
    "Patient reports {mod} {sym} for {n} days.",
    "History of {cond} treated with {drug}.",
    "Denies {sym} or {sym2}.",
    "Examination shows {find}.",
    "Complains of {mod} {sym} in the {body}.",
    "Started {drug} {n} mg daily for {cond}.",
    "Family history of {cond}.",
    "Imaging demonstrates {find}.",
    "Assessment: {mod} {cond}, likely related to {cond2}.",
    "Plan: continue {drug}, follow up in {n} weeks, return if {sym} recurs.",
    "Labs notable for {find}; {drug} dose adjusted.",
    "No prior history of {cond}.",
]


ORDERS = ("recent", "relevance")


class Corpus:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        # Zipf-like weights: a few terms are everywhere, most are rare (as in real notes).
        self.w = {name: [1.0 / (i + 1) ** 1.1 for i in range(len(lst))] for name, lst in
                  (("sym", SYMPTOMS), ("cond", CONDITIONS), ("drug", DRUGS), ("body", BODY), ("find", FINDINGS))}

    def pick(self, name: str, lst: list[str]) -> str:
        return self.rng.choices(lst, weights=self.w[name])[0]

    def sentence(self) -> str:
        t = self.rng.choice(TEMPLATES)
        return t.format(
            mod=self.rng.choice(MODS), sym=self.pick("sym", SYMPTOMS), sym2=self.pick("sym", SYMPTOMS),
            cond=self.pick("cond", CONDITIONS), cond2=self.pick("cond", CONDITIONS), drug=self.pick("drug", DRUGS),
            body=self.pick("body", BODY), find=self.pick("find", FINDINGS), n=self.rng.randint(1, 30),
        )

    def note(self, i: int) -> str:
        return f"Visit {i}. " + " ".join(self.sentence() for _ in range(self.rng.randint(7, 11)))

    def queries(self, n: int) -> list[str]:
        words = sorted({w for lst in (SYMPTOMS, CONDITIONS, DRUGS, FINDINGS) for term in lst for w in term.split() if len(w) > 3})
        qs = []
        for k in range(n):
            kind = k % 4
            if kind == 0:  # a whole term (one or more words, all must appear)
                qs.append(self.rng.choice(self.rng.choice([SYMPTOMS, CONDITIONS, DRUGS])))
            elif kind == 1:  # one word
                qs.append(self.rng.choice(words))
            elif kind == 2:  # two terms together
                qs.append(f"{self.rng.choice(CONDITIONS)} {self.rng.choice(DRUGS)}")
            else:  # a prefix
                qs.append(self.rng.choice(words)[:5] + "*")
        return qs


def fill(h, corpus: Corpus, n_docs: int, batch: int) -> float:
    """Insert n_docs documents with one run each, ``batch`` per transaction; return seconds."""
    import hashlib

    conn = h.db.conn
    t0 = time.perf_counter()
    created = "2026-01-01T00:00:00.000+00:00"
    for start in range(0, n_docs, batch):
        docs, runs = [], []
        for i in range(start, min(n_docs, start + batch)):
            text = corpus.note(i)
            docs.append((i + 1, f"note{i}.txt", "note", text, hashlib.sha256(text.encode()).hexdigest(), created))
            result = {"summary": text.split(". ")[1][:120] + "."}
            runs.append((i + 1, "summarize", i + 1, json.dumps(result), result["summary"], created))
        with h.db.atomic():
            conn.executemany("INSERT INTO documents (id, source, kind, text, content_hash, created) VALUES (?, ?, ?, ?, ?, ?)", docs)
            conn.executemany("INSERT INTO runs (id, task, document_id, result, result_text, created) VALUES (?, ?, ?, ?, ?, ?)", runs)
    return time.perf_counter() - t0


def plain_history(folder: Path):
    """The peer: the same History code and schema over a plain (unencrypted) sqlite3 connection."""
    from medassist.store.db import History
    from medassist.store.keys import KeyMaterial

    conn = sqlite3.connect(folder / "plain.db", isolation_level=None, check_same_thread=False)
    return History._from_connection(conn, KeyMaterial("plain", b""), folder, folder / "plain.db", who="bench")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="build in DIR and keep the databases")
    args = ap.parse_args()

    from medassist.store import open_history

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="medassist-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    enc_home, plain_home = folder / "encrypted", folder / "plain"
    enc_home.mkdir(exist_ok=True)
    plain_home.mkdir(exist_ok=True)
    try:
        enc = open_history(enc_home, key=os.urandom(32), who="bench")
        plain = plain_history(plain_home)
        t_enc = fill(enc, Corpus(args.seed), args.docs, args.batch)
        t_plain = fill(plain, Corpus(args.seed), args.docs, args.batch)
        for h in (enc, plain):
            h.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        queries = Corpus(args.seed + 1).queries(args.queries)
        hits = {}
        lat = {(o, name): [] for o in ORDERS for name in ("encrypted", "plain")}
        for order in ORDERS:  # one order at a time, each on its own warm page cache
            for q in queries:  # warm-up pass; also checks both give the same answers
                a = [r["id"] for r in enc.search(q, args.limit, order=order)]
                b = [r["id"] for r in plain.search(q, args.limit, order=order)]
                if a != b:
                    raise SystemExit(f"encrypted and plain searches differ for {q!r} ({order})")
                hits[q] = len(a)
            for q in queries:  # interleaved encrypted/plain: VM speed drifts over minutes
                for name, h in (("encrypted", enc), ("plain", plain)):
                    t0 = time.perf_counter()
                    h.search(q, args.limit, order=order)
                    lat[(order, name)].append((time.perf_counter() - t0) * 1000.0)
        sizes = {"encrypted": (enc_home / "history.db").stat().st_size, "plain": (plain_home / "plain.db").stat().st_size}
        enc.close()
        plain.close()
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    def q(xs, p):
        return statistics.quantiles(xs, n=100)[p - 1]

    report = {
        "docs": args.docs,
        "queries": len(queries),
        "queries_with_hits": sum(1 for v in hits.values() if v),
        "limit": args.limit,
        "insert_docs_per_s": {"encrypted": round(args.docs / t_enc), "plain": round(args.docs / t_plain)},
        "insert_ratio_encrypted_over_plain": round(t_enc / t_plain, 2),
        "db_mb": {k: round(v / 1e6, 1) for k, v in sizes.items()},
        "search": {},
    }
    for order in ORDERS:
        med = {n: statistics.median(lat[(order, n)]) for n in ("encrypted", "plain")}
        report["search"][order] = {
            "median_ms": {n: round(v, 2) for n, v in med.items()},
            "p90_ms": {n: round(q(lat[(order, n)], 90), 2) for n in ("encrypted", "plain")},
            "max_ms": {n: round(max(lat[(order, n)]), 2) for n in ("encrypted", "plain")},
            "ratio_median_encrypted_over_plain": round(med["encrypted"] / med["plain"], 2),
        }
    report["goal_median_le_20ms"] = report["search"]["recent"]["median_ms"]["encrypted"] <= 20.0
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"documents: {args.docs:,} (one run each); queries: {len(queries)} ({report['queries_with_hits']} with hits), limit {args.limit}")
        print(f"insert: encrypted {report['insert_docs_per_s']['encrypted']:,} docs/s, plain {report['insert_docs_per_s']['plain']:,} docs/s "
              f"(encrypted/plain time {report['insert_ratio_encrypted_over_plain']}x); size {report['db_mb']['encrypted']} MB vs {report['db_mb']['plain']} MB")
        for order in ORDERS:
            r = report["search"][order]
            label = "History.search default" if order == "recent" else "bm25 ranked"
            print(f"search order={order} ({label}):")
            for name in ("encrypted", "plain"):
                print(f"  {name:>9}: median {r['median_ms'][name]:7.2f} ms  p90 {r['p90_ms'][name]:7.2f} ms  max {r['max_ms'][name]:7.2f} ms")
            print(f"  ratio encrypted/plain (median): {r['ratio_median_encrypted_over_plain']}x")
        print(f"goal: median <= 20 ms (default order, encrypted): {'met' if report['goal_median_le_20ms'] else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
