"""`medassist models list|verify|import` and `medassist doctor`, run through the real CLI entry point."""

from __future__ import annotations

import json

import pytest
from runtime_fixtures import copy_built_embedder, flip_byte, make_tiny_pack

from medassist.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_list_verify_roundtrip(tmp_path, home, capsys):
    src = make_tiny_pack(tmp_path / "tiny")
    code, out, _ = run(capsys, "models", "import", str(src))
    assert code == 0 and "imported tiny-embedder 1.0" in out
    code, out, _ = run(capsys, "models", "list", "--format", "json")
    listed = {p["name"]: p for p in json.loads(out)["packs"]}
    assert listed["tiny-embedder"]["location"] == "user" and listed["tiny-embedder"]["version"] == "1.0"
    code, out, _ = run(capsys, "models", "verify", "tiny-embedder")
    assert code == 0 and out.startswith("OK    tiny-embedder 1.0: 2 files verified")


def test_verify_names_the_tampered_file_and_fails(tmp_path, home, capsys):
    run(capsys, "models", "import", str(make_tiny_pack(tmp_path / "tiny")))
    installed = home / "packs" / "tiny-embedder" / "model.onnx"
    flip_byte(installed)
    code, out, err = run(capsys, "models", "verify", "tiny-embedder")
    assert code == 3
    assert f"FAIL  tiny-embedder: {installed}: sha256 mismatch" in out
    assert str(installed) in err
    code, out, _ = run(capsys, "models", "verify", "--format", "json")
    report = json.loads(out)
    assert code == 3 and report["ok"] is False
    assert [p["file"] for p in report["packs"] if not p["ok"]] == [str(installed)]


def test_verify_built_minilm_pack_by_folder(tmp_path, capsys):
    folder = copy_built_embedder(tmp_path / "minilm-embedder", with_reference=False)
    code, out, _ = run(capsys, "models", "verify", str(folder))
    assert code == 0 and "OK    minilm-embedder" in out
    flip_byte(folder / "model.onnx")
    code, out, err = run(capsys, "models", "verify", str(folder))
    assert code != 0 and str(folder / "model.onnx") in err


def test_import_refusals_exit_non_zero(tmp_path, capsys):
    run(capsys, "models", "import", str(make_tiny_pack(tmp_path / "v1")))
    code, _, err = run(capsys, "models", "import", str(make_tiny_pack(tmp_path / "v2", version="2.0")))
    assert code == 3 and "refusing to replace it with version 2.0 (use --force)" in err
    code, out, _ = run(capsys, "models", "import", "--force", str(tmp_path / "v2"))
    assert code == 0 and "tiny-embedder 2.0" in out
    code, _, err = run(capsys, "models", "import", str(tmp_path / "nowhere"))
    assert code == 3 and "model pack folder not found" in err
    code, _, err = run(capsys, "models", "verify", "no-such-pack")
    assert code == 3 and "no-such-pack: no pack of that name or folder" in err


def test_doctor_json_reports_the_installation(tmp_path, capsys):
    run(capsys, "models", "import", str(make_tiny_pack(tmp_path / "tiny")))
    code, out, _ = run(capsys, "doctor", "--format", "json")
    r = json.loads(out)
    assert set(r["versions"]) >= {"python", "medassist", "onnxruntime", "tokenizers", "pydicom", "sqlcipher", "PySide6"}
    assert r["versions"]["medassist"] and r["versions"]["onnxruntime"]
    ep = r["execution_providers"]
    assert "CPUExecutionProvider" in ep["available"] and ep["attached"][-1] == "CPUExecutionProvider"
    assert {p["name"] for p in r["packs"]} >= {"tiny-embedder"}
    # conftest's fail backend is refused: the history would use a passphrase, and doctor says why
    assert r["keyring"]["backend"] is None
    assert r["keyring"]["os_backend"] is False
    assert "keyring.backends.fail.Keyring" in r["keyring"]["error"]
    assert r["network_guard"]["installed"] is True
    assert code == (0 if r["ok"] else 1)


def test_doctor_text_flags_a_broken_pack(tmp_path, home, capsys):
    run(capsys, "models", "import", str(make_tiny_pack(tmp_path / "tiny")))
    (home / "packs" / "tiny-embedder" / "tokenizer.json").write_text("{}")
    code, out, _ = run(capsys, "doctor")
    assert code == 1
    assert "tiny-embedder" in out and "FAILED:" in out and "tokenizer.json: size mismatch" in out
    assert "network guard    installed" in out


def test_doctor_never_imports_qt(tmp_path):
    import subprocess
    import sys

    code = "import sys; from medassist.cli import main; main(['doctor', '--format', 'json']); print('QT', 'PySide6' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={"MEDASSIST_HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
                              "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert res.stdout.strip().endswith("QT False"), res.stderr


def test_verify_checks_the_packs_a_pack_requires(tmp_path, home, capsys):
    """A pack whose manifest "requires" another (the impression model reads the embedder's token states) verifies
    only while that pack is installed with the file it names; otherwise FAIL naming its manifest.json."""
    from runtime_fixtures import write_manifest

    from medassist.runtime.packs import sha256_file

    run(capsys, "models", "import", str(make_tiny_pack(tmp_path / "tiny")))
    model_sha = sha256_file(home / "packs" / "tiny-embedder" / "model.onnx")
    for name, need, ok in (("needs-ok", {"pack": "tiny-embedder", "role": "model", "sha256": model_sha}, True),
                           ("needs-other", {"pack": "tiny-embedder", "role": "model", "sha256": "0" * 64}, False),
                           ("needs-absent", {"pack": "no-such-pack", "role": "model", "sha256": model_sha}, False)):
        folder = make_tiny_pack(tmp_path / name, name=name)
        m = json.loads((folder / "manifest.json").read_text())
        write_manifest(folder, {**m, "requires": [need]})
        code, out, err = run(capsys, "models", "verify", str(folder))
        assert (code == 0) is ok, out
        if not ok:
            assert str(folder / "manifest.json") in err
            assert ("not installed" if need["pack"] == "no-such-pack" else "the installed one") in out
