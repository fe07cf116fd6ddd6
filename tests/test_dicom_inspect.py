"""``medassist inspect``: DICOM studies, non-image objects and per-file errors; notes; jsonl per input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pydicom = pytest.importorskip("pydicom")

from medassist.cli import main  # noqa: E402
from medassist.ingest.dicom_synth import write_series  # noqa: E402

TEST_FILES = Path(pydicom.data.__file__).parent / "test_files"


def _jsonl(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_inspect_dicom_folder_json(tmp_path, capsys):
    write_series(tmp_path / "st", 3, size=16)
    (tmp_path / "st" / "junk.dcm").write_bytes(np.random.default_rng(0).bytes(500))
    rc = main(["inspect", str(tmp_path / "st"), "--format", "json"])
    rec = json.loads(capsys.readouterr().out)
    assert rc == 2 and rec["kind"] == "dicom" and rec["instance_count"] == 3  # junk.dcm not read: partial
    (se,) = rec["studies"][0]["series"]
    assert [i["number"] for i in se["instances"]] == [1, 2, 3]
    inst = se["instances"][0]
    assert inst["size"] == "16x16" and inst["frames"] == 1 and inst["photometric"] == "MONOCHROME2"
    assert inst["transfer_syntax_name"] == "Explicit VR Little Endian" and inst["modality"] == "CT"
    assert rec["errors"] == [
        {"file": str(tmp_path / "st" / "junk.dcm"), "error": "NotDicomError", "message": rec["errors"][0]["message"]}
    ]


def test_inspect_jsonl_mixed_inputs_go_on_after_errors(tmp_path, capsys):
    note = tmp_path / "note.txt"
    note.write_text("CHIEF COMPLAINT: Cough.\n\nHPI: Three days of cough. No fever.\n\nPLAN: Rest.\n")
    bad = tmp_path / "bad.dcm"
    bad.write_text("hello, not dicom\n")
    rc = main(["inspect", str(TEST_FILES / "test-SR.dcm"), str(bad), str(note), str(TEST_FILES / "waveform_ecg.dcm"), "--format", "jsonl"])
    recs = _jsonl(capsys)
    assert rc == 2  # some failed
    assert [r["file"] for r in recs] == [str(TEST_FILES / "test-SR.dcm"), str(bad), str(note), str(TEST_FILES / "waveform_ecg.dcm")]
    assert recs[0]["others"][0]["type"] == "Comprehensive SR Storage"
    assert recs[1]["error_type"] == "NotDicomError" and "text file" in recs[1]["error"]
    assert recs[2]["kind"] == "note" and recs[2]["sentence_count"] >= 3
    names = [s["name"] for s in recs[2]["sections"]]
    assert "chief_complaint" in names and "plan" in names
    text = note.read_text()
    for s in recs[2]["sections"]:
        assert 0 <= s["start"] < s["end"] <= len(text)
    assert recs[3]["others"][0]["type"] == "12-lead ECG Waveform Storage"


def test_inspect_text_dicomdir(capsys):
    rc = main(["inspect", str(TEST_FILES / "dicomdirtests" / "DICOMDIR")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "31 image instances" in out and "MONOCHROME1" in out and "Explicit VR Little Endian" in out
    assert out.count("Series ") >= 6


def test_inspect_single_bad_file_exit_code(tmp_path, capsys):
    p = tmp_path / "cut.dcm"
    p.write_bytes((TEST_FILES / "CT_small.dcm").read_bytes()[:1000])
    rc = main(["inspect", str(p)])
    assert rc == 4  # IngestError's exit code
    captured = capsys.readouterr()
    assert captured.out == ""  # errors are reported once, on stderr, never mixed into the output
    assert str(p) in captured.err and "without Pixel Data" in captured.err


def test_inspect_folder_of_notes_is_one_input_per_note(tmp_path, capsys):
    (tmp_path / "n").mkdir()
    (tmp_path / "n" / "a.txt").write_text("HPI: Cough for 3 days. No fever.\nPLAN: Rest.\n")
    (tmp_path / "n" / "b.txt").write_text("ASSESSMENT: Well.\n")
    rc = main(["inspect", str(tmp_path / "n"), "--format", "jsonl"])
    recs = _jsonl(capsys)
    assert rc == 0 and [Path(r["file"]).name for r in recs] == ["a.txt", "b.txt"]
    assert all(r["kind"] == "note" for r in recs)
    assert [s["name"] for s in recs[0]["sections"]] == ["hpi", "plan"]
