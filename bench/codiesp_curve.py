"""Learning curve of the ICD-10-CM coder on CodiEsp: how dev-style MAP and F1 grow with the notes the pack learns
from, and what the shipped pack (train + dev, 750 notes) may reach on notes it never saw.

    .venv/bin/python bench/codiesp_curve.py [--folds 6] [--sizes 250 375 500 625] [--work DIR]

The 750 notes of CodiEsp train + dev are split into ``--folds`` seeded folds. For each fold and each size N, a pack
is trained by the shipped recipe (``models/coder/train.py --final --hold-out K/FOLDS --train-notes N --ranker
--threshold 0.3``) on a sample of N of the notes outside the fold, and codes the fold's notes end to end (ingest,
scorer, safety, validation: ``code_document``). Each size is then scored over all 750 notes, every note by a pack
that did not learn it: MAP over the ranked list and micro P / R / F1 of the suggested set (``--suggest coded`` and
``mentioned``), as ``bench/codiesp.py`` computes them. A straight line of MAP (and of F1) against log2(N) is fitted to the sizes and read at 750: an
estimate, printed as one, with the line's largest miss on the measured sizes.

The peer, measured in the same run, is the largest measured size: the ratio lines compare every size with it.
Packs are kept under ``--work`` (default: a folder under the system temp) and reused when their recipe matches, so an
interrupted run goes on where it stopped. It takes about a minute a pack on this 2-core machine (folds x sizes
packs), so it is a bench, not a test.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

THRESHOLD = 0.3  # the shipped pack's operating threshold (models/coder/dev_metrics.json)


def fit_line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares a, b of y = a + b * x."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - b * mx, b


def train_pack(out: Path, fold: int, folds: int, size: int) -> Path:
    """The pack of one fold and size, trained unless ``out`` already holds it."""
    spec = f"{fold}/{folds}"
    mpath = out / "manifest.json"
    if mpath.exists():
        recipe = json.loads(mpath.read_text()).get("recipe", "")
        if re.search(rf"--hold-out {spec}(?!\d)", recipe) and re.search(rf"--train-notes {size}(?!\d)", recipe):
            return out
    cmd = [sys.executable, str(ROOT / "models/coder/train.py"), "--final", "--hold-out", spec, "--train-notes",
           str(size), "--ranker", "--threshold", str(THRESHOLD), "--out", str(out)]
    env = dict(os.environ, MEDASSIST_HOME=tempfile.mkdtemp(prefix="medassist-curve-"))
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"training {out.name} failed:\n{done.stderr[-2000:]}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/codiesp")
    ap.add_argument("--folds", type=int, default=6)
    ap.add_argument("--sizes", type=int, nargs="+", default=[250, 375, 500, 625],
                    help="notes each pack learns from (at most the notes outside a fold)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "medassist-codiesp-curve")
    args = ap.parse_args(argv)

    from codiesp import align, header_labels

    from medassist.ingest import document_from_text
    from medassist.runtime.packs import ModelPack
    from medassist.tasks.code import Coder, code_document
    from medassist.tasks.coding_eval import mean_average_precision, micro_prf, read_split
    from medassist.tasks.coding_model import eval_key

    texts, gold = {}, {}
    for split in ("train", "dev"):
        if not (args.data / split).is_dir():
            print(f"no CodiEsp {split} split under {args.data}", file=sys.stderr)
            return 2
        ids, t, g, *_ = read_split(args.data, split)
        texts.update({i: t[i] for i in ids})
        gold.update({i: g[i] for i in ids if g[i]})
    total = len(texts)
    outside = total - math.ceil(total / args.folds)
    sizes = sorted(set(args.sizes))
    if sizes[-1] > outside:
        ap.error(f"--sizes: a fold of {args.folds} leaves {outside} notes to learn from, not {sizes[-1]}")
    headers = header_labels(gold)
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"CodiEsp train + dev (English MT): {total} notes, {len(gold)} with gold codes; {args.folds} folds; "
          f"packs under {args.work}")

    rows = []
    t0 = time.perf_counter()
    for size in sizes:
        rankings, suggested, mentioned, coded = {}, {}, {}, 0
        for k in range(args.folds):
            pack_dir = train_pack(args.work / f"fold{k}-of{args.folds}-n{size}", k, args.folds, size)
            pack = ModelPack.load(pack_dir)
            data = pack.manifest.get("data", {})
            held = data.get("held_out", [])
            if data.get("notes") != size or not held:
                raise SystemExit(f"{pack_dir}: learned from {data.get('notes')} notes, held out {len(held)}")
            coder = Coder(pack=pack)
            for i in held:
                doc = document_from_text(texts[i], source=f"{i}.txt")
                res = code_document(doc, coder=coder)
                coded += 1
                if i not in gold:
                    continue
                rankings[i] = align([eval_key(c.code) for c in res.codes], gold[i], headers)
                suggested[i] = set(align([eval_key(c.code) for c in res.codes if c.suggested], gold[i], headers))
                res = code_document(doc, coder=coder, scope="mentioned")
                mentioned[i] = set(align([eval_key(c.code) for c in res.codes if c.suggested], gold[i], headers))
        if coded != total or set(rankings) != set(gold):
            raise SystemExit(f"size {size}: the folds coded {coded} of {total} notes")
        m = mean_average_precision(rankings, gold)
        p, r, f = micro_prf(suggested, gold)
        mp, mr, mf = micro_prf(mentioned, gold)
        rows.append((size, m, p, r, f, mf))
        print(f"learned from {size:4d} notes: MAP {m:.4f}  micro P {p:.4f} R {r:.4f} F1 {f:.4f} (--suggest coded); "
              f"--suggest mentioned P {mp:.4f} R {mr:.4f} F1 {mf:.4f}  ({args.folds} packs, "
              f"{time.perf_counter() - t0:.0f} s so far)", flush=True)

    peer = rows[-1]
    for size, m, _, _, f, mf in rows[:-1]:
        print(f"ratio {size} / {peer[0]} notes: MAP x{m / peer[1]:.3f}, F1 x{f / peer[4]:.3f} (coded), "
              f"x{mf / peer[5]:.3f} (mentioned)")
    if len(rows) >= 2:
        xs = [math.log2(r[0]) for r in rows]
        for name, col in (("MAP", 1), ("F1 (coded)", 4), ("F1 (mentioned)", 5)):
            a, b = fit_line(xs, [r[col] for r in rows])
            miss = max(abs(a + b * x - r[col]) for x, r in zip(xs, rows))
            # the curve bends (less a doubling as notes grow): the last two sizes' slope, carried on, reads lower
            last = (rows[-1][col] - rows[-2][col]) / (xs[-1] - xs[-2])
            at_last = rows[-1][col] + last * (math.log2(total) - xs[-1])
            print(f"{name} ~ {a:.4f} + {b:.4f} log2(notes): {b:+.4f} a doubling, largest miss on the measured sizes "
                  f"{miss:.4f}; read at {total} notes (the shipped pack learned from train + dev): {a + b * math.log2(total):.4f}; "
                  f"from the last two sizes ({last:+.4f} a doubling): {at_last:.4f} (extrapolations, not measurements)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
