"""The IT-admin face of the CLI: ``models list`` (labels, licence, search path of an installed build),
``doctor`` (key source, execution providers), ``history show`` rendering, a locked history, and the
``inspect``/error conventions of a mixed folder (QA findings E1-E3, H1-H4)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from runtime_fixtures import make_tiny_pack, write_manifest

from medassist.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------------------------------ models list (H4)
def _restricted_pack(folder: Path) -> Path:
    make_tiny_pack(folder, name="tiny-nc")
    m = json.loads((folder / "manifest.json").read_text())
    m["licence"] = "Model code Apache-2.0; weights derived from a data set for research use only, non-commercial"
    m["quantization"] = "int8 dynamic (onnxruntime quantize_dynamic, per_channel, MatMul/Gemm)"
    write_manifest(folder, m)
    return folder


def test_models_list_short_quant_and_licence_columns(tmp_path, home, capsys):
    assert run(capsys, "models", "import", str(_restricted_pack(tmp_path / "nc")))[0] == 0
    assert run(capsys, "models", "import", str(make_tiny_pack(tmp_path / "tiny")))[0] == 0
    code, out, _ = run(capsys, "models", "list")
    assert code == 0
    lines = out.splitlines()
    header = lines[0].split()
    assert header[:5] == ["NAME", "VERSION", "TASK", "QUANT", "LICENCE"]
    nc = next(x for x in lines if x.startswith("tiny-nc "))
    tiny = next(x for x in lines if x.startswith("tiny-embedder "))
    # the long quantization text stays out of the table; a restricted licence is not shown as Apache-2.0
    assert "int8 dyn " in nc and "quantize_dynamic" not in out
    assert "non-commercial" in nc and "Apache-2.0" not in nc
    assert "Apache-2.0" in tiny and " none " in tiny
    # columns line up: the SIZE column starts at the same place on every pack row
    assert nc.index(" MB") == tiny.index(" MB")
    assert f"user {home / 'packs'}" in out
    # the full texts are kept in JSON
    code, out, _ = run(capsys, "models", "list", "--format", "json")
    rows = {r["name"]: r for r in json.loads(out)["packs"]}
    assert rows["tiny-nc"]["licence"].endswith("non-commercial")
    assert rows["tiny-nc"]["quant_label"] == "int8 dyn" and rows["tiny-nc"]["licence_label"] == "non-commercial"


def test_quant_and_licence_labels_of_the_shipped_manifests():
    from medassist.commands.models import licence_label, quant_label

    assert quant_label({"weight_type": "int8", "is_static": False, "per_channel": True}) == "int8 dyn"
    assert quant_label({"weight_type": "int4"}) == "int4"
    assert quant_label("none") == "none" and quant_label(None) == "none"
    assert licence_label("CC BY 4.0 (derived from CodiEsp); ICD-10-CM: US public domain") == "CC BY 4.0"
    assert licence_label("Kaggle repackaging CC BY-NC-ND 4.0") == "non-commercial"
    for manifest in sorted((ROOT / "models" / "trained").glob("*/manifest.json")):
        m = json.loads(manifest.read_text())
        assert len(quant_label(m.get("quantization"))) <= 12, manifest
        assert len(licence_label(m.get("licence"))) <= 24, manifest


def test_frozen_build_looks_for_packs_in_its_bundle(tmp_path):
    """A PyInstaller build (sys.frozen, sys._MEIPASS) finds the packs bundled under models/ in its data folder,
    after the user's imported packs — not in a source tree."""
    bundle = tmp_path / "bundle"
    make_tiny_pack(bundle / "models" / "trained" / "tiny-embedder")
    code = (
        "import sys, json; sys.frozen = True; sys._MEIPASS = sys.argv[1]\n"
        "from medassist.cli import main\n"
        "sys.exit(main(['models', 'list', '--format', 'json']))\n"
    )
    env = {"MEDASSIST_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    res = subprocess.run([sys.executable, "-c", code, str(bundle)], capture_output=True, text=True, timeout=120,
                         env=env)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["search_paths"] == [str(tmp_path / "home" / "packs"), str(bundle / "models" / "trained"),
                                    str(bundle / "models" / "packs")]
    assert [(p["name"], p["location"]) for p in data["packs"]] == [("tiny-embedder", "trained")]


# ------------------------------------------------------------------------------------------ history show (H3)
NOTE = ("ASSESSMENT AND PLAN:\nType 2 diabetes mellitus on metformin, continue. Essential hypertension, "
        "lisinopril 10 mg daily. Denies chest pain.\n")


def test_history_show_renders_a_run_like_the_task_printed_it(tmp_path, capsys):
    note = tmp_path / "visit.txt"
    note.write_text(NOTE)
    code, printed, _ = run(capsys, "code", str(note))
    assert code == 0 and "Suggested ICD-10-CM codes" in printed
    code, listing, _ = run(capsys, "history", "list", "--format", "json")
    run_id = json.loads(listing)[0]["id"]
    code, shown, _ = run(capsys, "history", "show", str(run_id))
    assert code == 0
    head, _, rendered = shown.partition("result:\n")
    assert f"run {run_id}: code" in head and "visit.txt" in head
    assert rendered.strip() == printed.strip()  # the same text the command printed
    assert '"codes"' not in shown and "{" not in rendered
    # json keeps the raw stored result
    code, raw, _ = run(capsys, "history", "show", str(run_id), "--format", "json")
    stored = json.loads(raw)["result"]
    assert [c["code"] for c in stored["codes"] if c["suggested"]]
    assert all(f"{c['code']:<9} {c['description']}" in rendered for c in stored["codes"] if c["suggested"])


def test_history_show_falls_back_to_json_for_a_result_the_renderer_cannot_read(home, capsys):
    from test_store_support import FAST_N

    from medassist.commands.history import render_result
    from medassist.document import Document
    from medassist.store import open_history

    with open_history(home, scrypt_n=FAST_N) as h:
        rid = h.record_run("code", Document("Asthma.", source="old.txt"), {"codes_v0": ["J45.909"]})
        other = h.record_run("triage", Document("Asthma.", source="x.txt"), {"level": 3})
    code, shown, _ = run(capsys, "history", "show", str(rid))
    assert code == 0 and '"codes_v0": [' in shown and "J45.909" in shown
    assert json.loads(render_result("triage", {"level": 3})) == {"level": 3}
    code, shown, _ = run(capsys, "history", "show", str(other))
    assert code == 0 and '"level": 3' in shown


# ------------------------------------------------------------------------------------------ doctor (H2)
def test_doctor_warns_when_the_history_key_comes_from_a_passphrase(tmp_path, monkeypatch, capsys):
    code, out, _ = run(capsys, "doctor", "--format", "json")
    r = json.loads(out)
    hk = r["history_key"]
    assert hk["source"] == "passphrase" and hk["warn"] is True
    assert "MEDASSIST_PASSPHRASE (set in this environment)" in hk["passphrase_from"]
    assert any(w.startswith("history key derived from a passphrase") for w in r["warnings"])
    code, out, _ = run(capsys, "doctor")
    assert "history key      WARN derived from a passphrase" in out
    assert "keyring backend  WARN none usable" in out
    assert "status           WARN" in out and "status           OK" not in out
    monkeypatch.delenv("MEDASSIST_PASSPHRASE")
    code, out, _ = run(capsys, "doctor", "--format", "json")
    assert "none given here: set MEDASSIST_PASSPHRASE" in json.loads(out)["history_key"]["passphrase_from"]


def test_doctor_is_ok_when_an_os_keyring_holds_the_key(monkeypatch, capsys):
    import keyring.backend

    class OSKeyring(keyring.backend.KeyringBackend):
        priority = 5

        def get_password(self, service, username):
            return None

        def set_password(self, service, username, password):
            pass

        def delete_password(self, service, username):
            pass

    import medassist.store.keys as keys

    monkeypatch.setattr(keys, "select_keyring", lambda: (OSKeyring(), "test OS keyring"))
    code, out, _ = run(capsys, "doctor", "--format", "json")
    r = json.loads(out)
    assert r["history_key"]["source"] == "os_keyring" and r["history_key"]["warn"] is False
    assert not any("history key" in w for w in r["warnings"])
    code, out, _ = run(capsys, "doctor")
    assert "history key      OK a random 256-bit key kept in the OS keyring" in out


def test_a_remote_execution_provider_is_never_chosen(tmp_path, home, capsys):
    from medassist.config import Settings
    from medassist.runtime import session as rs

    offered = ["AzureExecutionProvider", "CPUExecutionProvider"]
    assert rs.choose_providers("auto", offered).chosen == ["CPUExecutionProvider"]
    named = rs.choose_providers("AzureExecutionProvider", offered)
    assert named.chosen == ["CPUExecutionProvider"] and "not a local execution provider" in named.fallback
    model = make_tiny_pack(tmp_path / "tiny") / "model.onnx"
    sess = rs.create_session(model, provider="AzureExecutionProvider", threads=1)
    assert sess.get_providers() == ["CPUExecutionProvider"]
    with pytest.raises(rs.ExecutionProviderError):
        rs.create_session(model, provider="AzureExecutionProvider", threads=1, strict=True)
    # a settings file naming it (the app's settings dialog lists what onnxruntime offers): doctor says so
    Settings(execution_provider="AzureExecutionProvider").save(home)
    code, out, _ = run(capsys, "doctor", "--format", "json")
    r = json.loads(out)
    assert r["execution_providers"]["chosen"] == ["CPUExecutionProvider"]
    assert "AzureExecutionProvider" not in r["execution_providers"]["attached"]
    assert any("AzureExecutionProvider is not a local execution provider" in w for w in r["warnings"])
    if "AzureExecutionProvider" in rs.available_providers():
        assert any("never uses it" in n for n in r["notes"])
        code, out, _ = run(capsys, "doctor")
        assert "NOTE           onnxruntime also lists AzureExecutionProvider" in out


# ------------------------------------------------------------------------------------------ locked history (H1)
def test_a_locked_history_stops_the_task_and_says_how_to_go_on(tmp_path, home, monkeypatch, capsys):
    """Decision: nothing runs unrecorded by accident. A wrong passphrase stops the task before it reads the input
    (exit 6, one line on stderr naming --no-history); with --no-history the clinician gets the codes, unrecorded."""
    from test_store_support import FAST_N

    from medassist.store import open_history

    open_history(home, scrypt_n=FAST_N).close()  # a history keyed with conftest's passphrase
    note = tmp_path / "visit.txt"
    note.write_text(NOTE)
    monkeypatch.setenv("MEDASSIST_PASSPHRASE", "wrong")
    code, out, err = run(capsys, "code", str(note))
    assert code == 6 and out == ""
    assert err.count("\n") == 1 and "wrong passphrase" in err
    assert "Nothing was run" in err and "--no-history" in err
    code, out, err = run(capsys, "code", str(note), "--no-history")
    assert code == 0 and "Suggested ICD-10-CM codes" in out and "E11" in out and err == ""
    monkeypatch.setenv("MEDASSIST_PASSPHRASE", "correct horse battery staple")
    with open_history(home) as h:
        assert h.count_runs() == 0


def test_task_help_documents_the_locked_history_choice(capsys):
    for command in ("code", "summarize", "letter", "report"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "A locked history (wrong or missing passphrase) stops the run" in text, command
        assert "add --no-history to run without recording" in text, command


# ------------------------------------------------------------------------------------------ mixed folder (E1, E2)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def mixed(tmp_path):
    from pydicom.data import get_testdata_file

    ct = get_testdata_file("CT_small.dcm", download=False)
    if not ct:
        pytest.skip("pydicom's CT_small.dcm is not installed")
    folder = tmp_path / "mix"
    folder.mkdir()
    (folder / "CT_small.dcm").write_bytes(Path(ct).read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(PNG)
    (folder / "random.dcm").write_bytes(bytes((i * 37) % 251 for i in range(4000)))
    (folder / "good.txt").write_text(NOTE)
    return folder


def test_inspect_mixed_folder_reads_the_note_and_exits_partial(mixed, capsys):
    code, out, err = run(capsys, "inspect", str(mixed))
    assert code == 2
    assert "Clinical notes, not DICOM (1):" in out and "good.txt: note," in out and "assessment_plan" in out
    not_read = out.split("Not read (3):")[1]
    assert "empty.txt" in not_read and "image.txt" in not_read and "random.dcm" in not_read
    assert "good.txt" not in not_read
    assert err.strip() == f"medassist inspect: {mixed}: 3 files could not be read"
    code, out, _ = run(capsys, "inspect", str(mixed), "--format", "json")
    rec = json.loads(out)
    assert [Path(n["file"]).name for n in rec["notes"]] == ["good.txt"] and rec["instance_count"] == 1


def test_errors_go_once_to_stderr_and_a_dicom_image_is_named(mixed, tmp_path, capsys):
    code, out, err = run(capsys, "code", str(mixed), "--no-history")
    assert code == 2
    assert "Suggested ICD-10-CM codes" in out and "medassist code" not in out and "ERROR" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 4 and all(x.startswith("medassist code: ") for x in lines)  # one line per failed file
    ct = next(x for x in lines if "CT_small.dcm" in x)
    assert ct.endswith("CT_small.dcm: a DICOM image (CT Image Storage), not a note: open it with `medassist report`")
    code, out, err = run(capsys, "code", str(mixed / "CT_small.dcm"), "--no-history", "--format", "jsonl")
    assert code == 4
    assert json.loads(out)["error"].endswith("a DICOM image (CT Image Storage), not a note: open it with `medassist report`")
