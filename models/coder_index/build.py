#!/usr/bin/env python
"""Build the ICD-10-CM embedding index (pack ``coder-index``) used by the coder's opt-in retrieval.

    .venv/bin/python models/coder_index/build.py                        # -> models/trained/coder-index
    .venv/bin/python models/coder_index/build.py --pack DIR --out DIR   # index for another coder pack

Which codes: every code in the coder pack's knowledge (the codes CodiEsp training notes used), then the
billable codes of the same 4-character subcategories (siblings a note may call for, e.g. the other
laterality), ranked by how often their subcategory was used, up to ``--max-codes`` in all. Codes that
need a 7th character get "A" (initial encounter), as the lexical matcher does.

What is embedded: one row per code, the tabular description followed by up to three inclusion terms
("Acute myocardial infarction; Myocardial infarction (acute) NOS; ..."), with the words that carry no
meaning for retrieval dropped ("unspecified", "NOS"). Embedder: the minilm-embedder pack (int8), the one
the app embeds note sentences with.

What is stored (data, never a pickle):
  * ``index.onnx``: an ONNX graph whose initializer is the int8 matrix (one row per code, symmetric
    per-row scale); it dequantizes the matrix, scores ``query @ index.T`` (cosine: rows and queries are
    unit vectors) and returns ``TopK`` (scores, row numbers). Inputs ``query`` float32 [n, dim], ``k`` int64 [1].
  * ``codes.json``: the code of each row and the text that was embedded.
  * ``manifest.json``: sha256 and size of both, the embedder pack it was built with (its model's sha256).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "2")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from medassist import icd10  # noqa: E402
from medassist.runtime.packs import MANIFEST, ModelPack, sha256_file  # noqa: E402

NAME = "coder-index"
TASK = "icd10cm-retrieval"
VERSION = "1.0.0"
OPSET = 13
MAX_TERMS = 3
# qualifiers that say nothing a note would say: ", unspecified [organism|site...]", "NOS", ", site not specified"
_DROP = re.compile(r",\s*(?:unspecified|site not specified)\b[^;]*$|\s*\bNOS\b|,?\s*not elsewhere classified",
                   re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def product_code(code: str) -> str | None:
    """The code as the coder lists it: billable, 7th character "A" where one is required; else None."""
    e = icd10.lookup(code)
    if e is None:
        return None
    if e.seventh_required:
        return icd10.with_seventh(e.code, "A") if "A" in e.seventh_chars else None
    return e.code if e.billable else None


def _clean(text: str) -> str:
    text = _DROP.sub("", text)
    return _SPACES.sub(" ", text).strip(" ,;")


def code_text(code: str) -> str:
    """What is embedded for a code: its description, then up to MAX_TERMS inclusion terms."""
    cs = icd10.codeset()
    base = icd10.codeset().split_seventh(code)
    raw = cs.raw(base[0] if base else code) or cs.raw(code)
    if raw is None:
        raise ValueError(f"{code} is not in the ICD-10-CM code set")
    parts = [_clean(raw["d"])]
    seen = {parts[0].lower()}
    for term in list(raw.get("i", ())) + list(raw.get("inc", ())):
        t = _clean(term)
        if t and t.lower() not in seen and len(parts) <= MAX_TERMS:
            seen.add(t.lower())
            parts.append(t)
    return "; ".join(p for p in parts if p)


def select_codes(prior: dict[str, int], max_codes: int) -> list[str]:
    """The knowledge's codes (most used first), then billable siblings in their 4-character subcategories."""
    out: list[str] = []
    seen: set[str] = set()
    sub_use: dict[str, int] = {}
    for code, n in sorted(prior.items(), key=lambda kv: (-kv[1], kv[0])):
        p = product_code(code)
        if p and p not in seen:
            seen.add(p)
            out.append(p)
        key = icd10.normalize(code).replace(".", "")[:4]
        sub_use[key] = sub_use.get(key, 0) + int(n)
    siblings: list[tuple[int, str]] = []
    for code in icd10.codeset().codes():
        key = code.replace(".", "")[:4]
        if key in sub_use:
            p = product_code(code)
            if p and p not in seen:
                seen.add(p)
                siblings.append((-sub_use[key], p))
    out.extend(c for _, c in sorted(siblings))
    return out[:max_codes]


def quantize_rows(vectors):
    """Symmetric per-row int8: q = round(v / s), s = max|v| / 127 (per row)."""
    import numpy as np

    v = np.asarray(vectors, dtype=np.float32)
    scale = np.abs(v).max(axis=1) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    q = np.clip(np.rint(v / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


def index_model(q, scale):
    """ONNX graph: DequantizeLinear(index, per-row scale) -> Gemm(query, index^T) -> TopK(k)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    n, dim = q.shape
    inits = [numpy_helper.from_array(q, "index_int8"), numpy_helper.from_array(scale, "index_scale"),
             numpy_helper.from_array(np.zeros(n, dtype=np.int8), "index_zero")]
    nodes = [
        helper.make_node("DequantizeLinear", ["index_int8", "index_scale", "index_zero"], ["index"], axis=0),
        helper.make_node("Gemm", ["query", "index"], ["scores_all"], transB=1),
        helper.make_node("TopK", ["scores_all", "k"], ["scores", "rows"], axis=-1, largest=1, sorted=1),
    ]
    graph = helper.make_graph(
        nodes, "coder_index",
        [helper.make_tensor_value_info("query", TensorProto.FLOAT, ["n", dim]),
         helper.make_tensor_value_info("k", TensorProto.INT64, [1])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["n", "k"]),
         helper.make_tensor_value_info("rows", TensorProto.INT64, ["n", "k"])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="medassist models/coder_index/build.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def build_index(codes: list[str], out: Path, *, embedder=None, source: str = "", extra: dict | None = None) -> Path:
    """Embed ``codes`` (product codes) and write the pack (index.onnx, codes.json, manifest.json) to ``out``."""
    import numpy as np

    if embedder is None:
        from medassist.runtime.embedder import get_embedder

        embedder = get_embedder(threads=2)
    texts = [code_text(c) for c in codes]
    if not texts:
        raise ValueError("no codes to index")
    vecs = np.concatenate([embedder.embed(texts[i:i + 256], batch_size=32) for i in range(0, len(texts), 256)])
    q, scale = quantize_rows(vecs)
    back = q.astype(np.float32) * scale[:, None]
    agree = np.sum(back * vecs, axis=1) / np.linalg.norm(back, axis=1)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.onnx").write_bytes(index_model(q, scale).SerializeToString())
    (out / "codes.json").write_text(json.dumps({"codes": codes, "texts": texts}, ensure_ascii=False, indent=0) + "\n",
                                    encoding="utf-8")
    emb_pack = embedder.pack
    manifest = {
        "name": NAME,
        "task": TASK,
        "version": VERSION,
        "licence": "ICD-10-CM: US public domain (CDC/NCHS); vectors from all-MiniLM-L6-v2 (Apache-2.0)",
        "source": source or "ICD-10-CM April 2026 tabular list",
        "quantization": "int8 symmetric per row (DequantizeLinear in the graph)",
        "files": [
            {"path": "index.onnx", "sha256": sha256_file(out / "index.onnx"),
             "size": (out / "index.onnx").stat().st_size, "role": "index"},
            {"path": "codes.json", "sha256": sha256_file(out / "codes.json"),
             "size": (out / "codes.json").stat().st_size, "role": "codes"},
        ],
        "inputs": [{"name": "query", "dtype": "float", "shape": ["n", int(q.shape[1])]},
                   {"name": "k", "dtype": "int64", "shape": [1]}],
        "outputs": [{"name": "scores", "dtype": "float", "shape": ["n", "k"]},
                    {"name": "rows", "dtype": "int64", "shape": ["n", "k"]}],
        "rows": int(q.shape[0]),
        "dim": int(q.shape[1]),
        "embedder": {"name": emb_pack.name, "version": emb_pack.version,
                     "model_sha256": _model_sha(emb_pack)},
        "metrics": {"int8_row_cosine_min": round(float(agree.min()), 4),
                    "int8_row_cosine_mean": round(float(agree.mean()), 4)},
        "recipe": "models/coder_index/build.py",
        **(extra or {}),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    ModelPack.load(out, verify=True)
    return out


def _model_sha(pack) -> str:
    for entry in pack.manifest.get("files", []):
        if entry.get("role") == "model":
            return entry["sha256"]
    return ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pack", type=Path, default=ROOT / "models/trained/coder-codiesp",
                    help="the coder pack whose knowledge chooses the codes (default: the shipped one)")
    ap.add_argument("--out", type=Path, default=ROOT / "models/trained" / NAME)
    ap.add_argument("--max-codes", type=int, default=4000)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    coder = ModelPack.load(args.pack, verify=True)
    prior = json.loads(coder.file("knowledge.json").read_text(encoding="utf-8"))["prior"]
    codes = select_codes(prior, args.max_codes)
    n_known = sum(1 for c in codes if c in {product_code(k) for k in prior})
    print(f"[coder_index] {len(codes)} codes ({n_known} from the coder's knowledge, "
          f"{len(codes) - n_known} subcategory siblings)", flush=True)
    src = (f"ICD-10-CM April 2026 tabular list; codes chosen by the knowledge of {coder.name} "
           f"{coder.version} ({coder.manifest_sha256[:12]}) plus billable subcategory siblings")
    build_index(codes, args.out, source=src,
                extra={"data": {"coder_pack": coder.name, "coder_pack_sha256": coder.manifest_sha256,
                                "coder_splits": coder.manifest.get("data", {}).get("splits", []),
                                "codes_from_knowledge": n_known, "max_codes": args.max_codes}})
    sizes = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"[coder_index] wrote {args.out} ({sizes / 1e6:.2f} MB) in {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
