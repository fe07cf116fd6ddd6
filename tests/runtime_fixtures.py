"""A tiny real model pack for runtime tests: an ONNX graph built with onnx.helper (token embedding lookup,
masked) and a word-level tokenizer.json, with a manifest carrying real hashes. Not a test module."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BUILT_EMBEDDER = ROOT / "models" / "packs" / "minilm-embedder"

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "chest", "pain", "no", "fever", "cough", "denies", "patient", "the"]
DIM = 4


def embedding_table() -> np.ndarray:
    rng = np.random.default_rng(1234)
    table = rng.normal(size=(len(VOCAB), DIM)).astype(np.float32)
    table[0] = 0.0  # [PAD]
    return table


def write_tiny_onnx(path: Path, table: np.ndarray | None = None) -> Path:
    """last_hidden_state[b, s, d] = table[input_ids] * attention_mask (opset 13)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    table = embedding_table() if table is None else table
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])
    out = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", table.shape[1]])
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["emb"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["maskf", "axes"], ["mask3"]),
        helper.make_node("Mul", ["emb", "mask3"], ["last_hidden_state"]),
    ]
    inits = [numpy_helper.from_array(table, "table"), numpy_helper.from_array(np.array([2], dtype=np.int64), "axes")]
    graph = helper.make_graph(nodes, "tiny_embedder", [ids, mask], [out], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="medassist-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def write_tiny_tokenizer(path: Path) -> Path:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(VOCAB)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    tok.save(str(path))
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def file_entry(folder: Path, rel: str, role: str | None = None) -> dict:
    p = folder / rel
    entry = {"path": rel, "sha256": sha256(p), "size": p.stat().st_size}
    if role:
        entry["role"] = role
    return entry


def make_tiny_pack(folder: Path, *, name: str = "tiny-embedder", version: str = "1.0", max_length: int = 8) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_tiny_onnx(folder / "model.onnx")
    write_tiny_tokenizer(folder / "tokenizer.json")
    manifest = {
        "name": name,
        "task": "embedding",
        "version": version,
        "licence": "Apache-2.0",
        "source": {"built_by": "tests/runtime_fixtures.py"},
        "quantization": "none",
        "files": [file_entry(folder, "model.onnx", "model"), file_entry(folder, "tokenizer.json", "tokenizer")],
        "inputs": [{"name": "input_ids"}, {"name": "attention_mask"}],
        "outputs": [{"name": "last_hidden_state"}],
        "dim": DIM,
        "max_length": max_length,
        "pooling": "mean",
        "normalize": True,
    }
    write_manifest(folder, manifest)
    return folder


def copy_built_embedder(dest: Path, *, with_reference: bool = True) -> Path:
    """Copy the built MiniLM pack (skips the test when it is not built)."""
    import pytest

    if not (BUILT_EMBEDDER / "manifest.json").is_file():
        pytest.skip("models/packs/minilm-embedder is not built (run `make models`)")
    shutil.copytree(BUILT_EMBEDDER, dest)
    if not with_reference:
        m = json.loads((dest / "manifest.json").read_text())
        m["files"] = [f for f in m["files"] if f.get("role") != "reference"]
        (dest / "model_fp32.onnx").unlink(missing_ok=True)
        write_manifest(dest, m)
    return dest


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 2 if offset is None else offset
    data[i] ^= 0x01
    path.write_bytes(bytes(data))
