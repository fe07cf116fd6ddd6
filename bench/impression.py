"""Radiology impression quality and speed: the trained pack vs two baselines, measured in one run.

    python bench/impression.py --split val            # IU X-ray R2Gen val (296 reports)
    python bench/impression.py --split heldout        # the 10% of train the recipe tunes on

Prints ROUGE-1/2/L (rouge-score, use_stemmer=True; F-measure averaged over reports) for:
  constant   "No acute cardiopulmonary abnormality."
  nn-copy    the impression of the nearest training findings (TF-IDF cosine)
  model      the impression pack (int8 ONNX, torch-free beam search) with the findings safety checks and
             fallbacks of medassist.tasks.impression, and --fp32 DIR for an fp32 twin
and the model's per-impression latency (median, p90) next to the nn-copy latency as the peer; ``--peer DIR``
adds another pack (the previous recipe's twin) decoded the same way in the same run. A pack with a kNN-LM memory
(generation.json ``knn``) is also measured without it ("model without kNN"), in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "models" / "impression"))

CONSTANT = "No acute cardiopulmonary abnormality."


def main(argv=None) -> dict:
    import recipe  # models/impression/recipe.py (data loading + ROUGE, shared with training)

    from medassist.tasks.impression import ImpressionModel, TfidfIndex, find_impression_pack

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--split", choices=["val", "heldout"], default="val")
    p.add_argument("--pack", default=None, help="impression pack folder (default: the installed one)")
    p.add_argument("--peer", default=None, help="another impression pack measured in the same run (e.g. the previous "
                   "recipe's train-only twin): ROUGE and latency side by side")
    p.add_argument("--fp32", default=None, help="folder with fp32 encoder.onnx/decoder.onnx to compare")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--beams", type=int, default=None)
    p.add_argument("--rerank", type=int, default=None, help="rescore the model output + k retrieved impressions (default: the pack's)")
    p.add_argument("--variants", default="", help="extra comma-separated rerank values to report, e.g. 0,3,5")
    p.add_argument("--mbr", type=int, default=None, help="consensus over the model output + k retrieved impressions (default: the pack's)")
    p.add_argument("--mbr-variants", default="", help="extra k:weight pairs for consensus, e.g. 5:1.0,10:2.0")
    p.add_argument("--guard-variants", default="", help="extra comma-separated guard widths to report, e.g. 0,5,10")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--no-knn-peer", action="store_true", help="do not also measure a kNN pack's model without its memory")
    args = p.parse_args(argv)

    splits = recipe.load_iu()
    train, evals = splits["train"], splits["val"]
    if args.split == "heldout":
        train, evals = recipe.tune_split(train)
    if args.limit:
        evals = evals[: args.limit]
    refs = [e.impression for e in evals]
    results: dict[str, dict] = {}

    results["constant"] = recipe.rouge([CONSTANT] * len(evals), refs)

    index = TfidfIndex([e.findings for e in train], [e.impression for e in train])
    nn_preds, nn_ms = [], []
    for e in evals:
        t0 = time.perf_counter()
        j, _ = index.nearest(e.findings)
        nn_preds.append(index.payloads[j])
        nn_ms.append((time.perf_counter() - t0) * 1000)
    results["nn-copy"] = recipe.rouge(nn_preds, refs)
    results["nn-copy"]["median_ms"] = round(statistics.median(nn_ms), 2)

    folder = Path(args.pack) if args.pack else find_impression_pack()
    variants = [("model-int8", {}, {"rerank": args.rerank, "mbr": args.mbr})]
    for v in [x for x in args.variants.split(",") if x.strip()]:
        variants.append((f"int8-rerank{int(v)}", {}, {"rerank": int(v), "mbr": 0}))
    for v in [x for x in args.guard_variants.split(",") if x.strip()]:
        variants.append((f"int8-guard{int(v)}", {}, {"guard": int(v)}))
    for v in [x for x in args.mbr_variants.split(",") if x.strip()]:
        k, w = v.split(":")
        variants.append((f"int8-mbr{k}w{w}", {}, {"rerank": 0, "mbr": int(k), "mbr_model_weight": float(w)}))
    try:
        gen = json.loads((folder / "generation.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        gen = {}
    members = gen.get("members") or []
    if gen.get("knn") and not args.no_knn_peer:  # the same model without its kNN memory is the peer, in the same run
        variants.append(("model without kNN", {}, {"rerank": args.rerank, "mbr": args.mbr}))
    if len(members) > 1:  # an ensemble pack: its first member alone is the peer, in the same run
        variants.append(("first member", {"encoder": folder / members[0][0], "decoder": folder / members[0][1]},
                         {"rerank": args.rerank, "mbr": args.mbr}))
    if args.fp32:
        variants.append(("model-fp32", {"encoder": Path(args.fp32) / "encoder.onnx", "decoder": Path(args.fp32) / "decoder.onnx"}, {"rerank": args.rerank, "mbr": args.mbr}))
    if args.peer:
        variants.append(("peer", {}, {}))
    for name, override, opts in variants:
        where = Path(args.peer) if name == "peer" else folder
        m = ImpressionModel.from_folder(where, threads=args.threads, onnx_override=override or None,
                                        knn=name != "model without kNN")
        m.generate(evals[0].findings)  # warm-up
        preds, ms = [], []
        for e in evals:
            t0 = time.perf_counter()
            preds.append(m.generate(e.findings, num_beams=args.beams, **opts).impression)
            ms.append((time.perf_counter() - t0) * 1000)
        r = recipe.rouge(preds, refs)
        ms.sort()
        r["median_ms"] = round(statistics.median(ms), 1)
        r["p90_ms"] = round(ms[int(0.9 * (len(ms) - 1))], 1)
        r["exact_match"] = round(sum(a.strip() == b.strip() for a, b in zip(preds, refs)) / len(refs), 4)
        results[name] = r

    out = {"split": args.split, "n": len(evals), "pack": str(folder), "results": results}
    if args.peer:
        out["peer"] = str(args.peer)
    try:
        man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        man = {}
    learned = man.get("data", {}).get("splits", ["train"])
    tuned = man.get("recipe", {}).get("eval_split") == "train-heldout"  # trained without the held-out 10%
    seen = ("val" in learned) if args.split == "val" else not tuned
    out["pack_learned_from"] = learned
    out["optimistic"] = seen
    m = results["model-int8"]
    out["model_vs_nn_rougeL"] = round(m["rougeL"] - results["nn-copy"]["rougeL"], 4)
    out["model_latency_ratio_vs_nn"] = round(m["median_ms"] / max(1e-6, results["nn-copy"]["median_ms"]), 1)
    if args.json:
        print(json.dumps(out))
        return out
    print(f"IU X-ray {args.split}: {len(evals)} reports; pack {folder}")
    print(f"{'system':<18} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'median ms':>10}")
    for name, r in results.items():
        print(f"{name:<18} {r['rouge1']:>8.4f} {r['rouge2']:>8.4f} {r['rougeL']:>8.4f} {r.get('median_ms', ''):>10}")
    if seen:
        print(f"NOTE: this pack learned from {'+'.join(learned)}, which holds these reports: the model's numbers are "
              "optimistic; measure a pack trained without them (models/impression/recipe.py --out DIR, no --final; "
              "--tune for the held-out split)")
    print(f"model-int8 ROUGE-L minus nn-copy: {out['model_vs_nn_rougeL']:+.4f}; "
          f"latency {m['median_ms']} ms median (p90 {m['p90_ms']}), {out['model_latency_ratio_vs_nn']}x the nn-copy lookup")
    if "model without kNN" in results:
        alone = results["model without kNN"]
        print(f"model-int8 with its kNN memory vs the same model without it: ROUGE-L {m['rougeL'] - alone['rougeL']:+.4f}; "
              f"latency x{m['median_ms'] / max(1e-6, alone['median_ms']):.2f} ({m['median_ms']} vs {alone['median_ms']} ms)")
    if "peer" in results:
        peer = results["peer"]
        print(f"model-int8 vs the peer pack ({args.peer}): ROUGE-L {m['rougeL'] - peer['rougeL']:+.4f}; "
              f"latency x{m['median_ms'] / max(1e-6, peer['median_ms']):.2f} ({m['median_ms']} vs {peer['median_ms']} ms)")
    if "first member" in results:
        one = results["first member"]
        print(f"ensemble of {len(members)} (model-int8) vs its first member alone: ROUGE-L {m['rougeL'] - one['rougeL']:+.4f}; "
              f"latency x{m['median_ms'] / max(1e-6, one['median_ms']):.2f} ({m['median_ms']} vs {one['median_ms']} ms)")
    return out


if __name__ == "__main__":
    main()
