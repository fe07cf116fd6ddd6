"""Model packs: manifest checks, sha256/size verification, path safety, import and the registry order."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from runtime_fixtures import copy_built_embedder, file_entry, flip_byte, make_tiny_pack, write_manifest

from medassist.errors import ModelPackError
from medassist.runtime import registry
from medassist.runtime.packs import ModelPack, import_pack


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def test_tiny_pack_loads_and_verifies(tmp_path):
    folder = make_tiny_pack(tmp_path / "tiny")
    pack = ModelPack.load(folder)
    assert pack.verified and pack.name == "tiny-embedder" and pack.task == "embedding"
    assert pack.file("model") == folder / "model.onnx"
    assert pack.file("tokenizer.json") == folder / "tokenizer.json"
    info = pack.info()
    assert info == {
        "name": "tiny-embedder",
        "version": "1.0",
        "sha256": hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest(),
    }
    with pytest.raises(ModelPackError, match="no file or role 'decoder'"):
        pack.file("decoder")


def test_flipped_byte_in_onnx_is_named(tmp_path):
    folder = make_tiny_pack(tmp_path / "tiny")
    ModelPack.load(folder)  # verified once (and memoised)
    flip_byte(folder / "model.onnx")
    with pytest.raises(ModelPackError) as err:
        ModelPack.load(folder)
    assert err.value.path.endswith("model.onnx")
    assert "sha256 mismatch" in str(err.value)


def test_truncated_and_missing_files_are_named(tmp_path):
    folder = make_tiny_pack(tmp_path / "tiny")
    tok = folder / "tokenizer.json"
    tok.write_bytes(tok.read_bytes()[:-10])
    with pytest.raises(ModelPackError, match=r"tokenizer\.json: size mismatch"):
        ModelPack.load(folder)
    tok.unlink()
    with pytest.raises(ModelPackError, match=r"tokenizer\.json: file listed in the manifest is missing"):
        ModelPack.load(folder)
    # without verification the manifest still reads (listing is cheap), but file access verifies
    pack = ModelPack.load(folder, verify=False)
    with pytest.raises(ModelPackError, match="missing"):
        pack.file("model")


@pytest.mark.parametrize(
    "bad_path, problem",
    [
        ("../x.onnx", "leaves the pack folder"),
        ("sub/../../x.json", "leaves the pack folder"),
        ("/etc/passwd.txt", "must be relative"),
        ("C:/evil.onnx", "must be relative"),
        ("weights.pkl", "not an ONNX, JSON or text file"),
        ("model.bin", "not an ONNX, JSON or text file"),
        ("loader.py", "not an ONNX, JSON or text file"),
    ],
)
def test_manifest_paths_are_refused(tmp_path, bad_path, problem):
    folder = make_tiny_pack(tmp_path / "tiny")
    m = _manifest(folder)
    m["files"].append({"path": bad_path, "sha256": "0" * 64, "size": 1})
    write_manifest(folder, m)
    with pytest.raises(ModelPackError) as err:
        ModelPack.load(folder, verify=False)
    assert problem in str(err.value) and bad_path in str(err.value)
    assert err.value.path.endswith("manifest.json")


def test_symlink_out_of_the_pack_is_refused(tmp_path):
    folder = make_tiny_pack(tmp_path / "tiny")
    outside = tmp_path / "outside.json"
    outside.write_text("{}")
    (folder / "extra.json").symlink_to(outside)
    m = _manifest(folder)
    m["files"].append(file_entry(folder, "extra.json"))
    write_manifest(folder, m)
    with pytest.raises(ModelPackError, match="outside the pack folder"):
        ModelPack.load(folder)


@pytest.mark.parametrize(
    "mutate, problem",
    [
        (lambda m: m.pop("files"), "lacks field(s): files"),
        (lambda m: m.update(name="../up"), "not a plain folder name"),
        (lambda m: m["files"][0].update(sha256="xyz"), "no valid sha256"),
        (lambda m: m["files"][0].update(size=-1), "no valid size"),
        (lambda m: m["files"].append(dict(m["files"][0])), "listed twice"),
    ],
)
def test_malformed_manifests(tmp_path, mutate, problem):
    folder = make_tiny_pack(tmp_path / "tiny")
    m = _manifest(folder)
    mutate(m)
    write_manifest(folder, m)
    with pytest.raises(ModelPackError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        ModelPack.load(folder)


def test_manifest_not_json(tmp_path):
    folder = make_tiny_pack(tmp_path / "tiny")
    (folder / "manifest.json").write_text("{not json")
    with pytest.raises(ModelPackError, match="manifest.json: manifest is not valid JSON"):
        ModelPack.load(folder)
    with pytest.raises(ModelPackError, match="folder not found"):
        ModelPack.load(tmp_path / "nope")


def test_import_copies_only_listed_files_and_registry_prefers_home(tmp_path, home):
    src = make_tiny_pack(tmp_path / "src")
    (src / "evil.pkl").write_bytes(b"\x80\x04not loaded")
    pack = registry.import_to_home(src)
    assert pack.path == home / "packs" / "tiny-embedder"
    assert sorted(p.name for p in pack.path.iterdir()) == ["manifest.json", "model.onnx", "tokenizer.json"]
    found = registry.find_pack(name="tiny-embedder")
    assert found is not None and found.path == pack.path and found.verified
    assert registry.find_pack(task="no-such-task") is None
    assert registry.search_paths()[0] == home / "packs"


def test_import_refuses_other_version_unless_forced(tmp_path, home):
    registry.import_to_home(make_tiny_pack(tmp_path / "v1", version="1.0"))
    v2 = make_tiny_pack(tmp_path / "v2", version="2.0")
    with pytest.raises(ModelPackError, match="version 1.0 is installed; refusing"):
        registry.import_to_home(v2)
    assert registry.find_pack(name="tiny-embedder").version == "1.0"
    assert registry.import_to_home(v2, force=True).version == "2.0"
    assert registry.find_pack(name="tiny-embedder").version == "2.0"
    assert not [p for p in (home / "packs").iterdir() if p.name.startswith(".")]  # no temp leftovers


def test_import_of_tampered_pack_copies_nothing(tmp_path, home):
    src = make_tiny_pack(tmp_path / "src")
    flip_byte(src / "model.onnx")
    with pytest.raises(ModelPackError, match="model.onnx: sha256 mismatch"):
        registry.import_to_home(src)
    assert not (home / "packs" / "tiny-embedder").exists()


def test_tampered_home_pack_is_not_skipped_silently(tmp_path, home):
    pack = registry.import_to_home(make_tiny_pack(tmp_path / "src"))
    flip_byte(pack.path / "tokenizer.json", offset=5)
    with pytest.raises(ModelPackError, match="tokenizer.json"):
        registry.find_pack(name="tiny-embedder")


def test_built_minilm_pack_tamper(tmp_path):
    """The real default pack: verifies as built; one flipped byte in its ONNX file names that file."""
    folder = copy_built_embedder(tmp_path / "minilm-embedder", with_reference=False)
    pack = ModelPack.load(folder)
    m = pack.manifest
    assert (m["name"], m["task"], m["licence"], m["dim"]) == ("minilm-embedder", "embedding", "Apache-2.0", 384)
    assert m["quantization"]["per_channel"] is True
    assert len(m["source"]["sha256"]) == 64
    flip_byte(folder / "model.onnx")
    with pytest.raises(ModelPackError) as err:
        ModelPack.load(folder)
    assert err.value.path == str(folder / "model.onnx")
