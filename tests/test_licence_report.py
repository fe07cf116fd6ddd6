"""The installer's licence gate: GPL code fails the build unless a permissive/LGPL alternative is offered."""

from __future__ import annotations

import json

import pytest
from script_modules import load_script


@pytest.fixture(scope="module")
def lic():
    return load_script("installers/licence_report.py", "licence_report")


@pytest.mark.parametrize("text,gpl", [
    ("MIT", False), ("GPL-3.0-or-later", True), ("LGPL-3.0-only", False), ("AGPL-3.0", True),
    ("GNU General Public License v3 (GPLv3)", True), ("GNU Lesser General Public License v2 or later (LGPLv2+)", False),
])
def test_is_gpl(lic, text, gpl):
    assert lic.is_gpl(text) is gpl


def test_alternatives_pick_the_non_gpl_option(lic):
    assert lic.permissive_choice("GPL-2.0-only OR MPL-1.1") == "MPL-1.1"
    assert lic.permissive_choice("GPL-2.0-only OR GPL-3.0-only") is None
    assert lic.permissive_choice("MIT") is None


def test_real_bundle_modules_pass_and_a_gpl_one_fails(lic, tmp_path, monkeypatch, capsys):
    mods = tmp_path / "mods.json"
    mods.write_text(json.dumps(["numpy", "pydicom", "pyphen", "onnxruntime"]))
    assert lic.main([str(mods), "-o", str(tmp_path / "L.md")]) == 0
    text = (tmp_path / "L.md").read_text()
    assert "| pydicom |" in text and "| onnxruntime |" in text
    real = lic.licence_of
    monkeypatch.setattr(lic, "licence_of", lambda d: "GPL-3.0-only" if d.metadata["Name"] == "pydicom" else real(d))
    assert lic.main([str(mods)]) == 1
    assert "GPL code in the bundle: pydicom" in capsys.readouterr().err
