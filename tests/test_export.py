"""Shared export: DOCX and PDF read back contain the text; PDF without a Unicode font falls back to latin-1."""

from __future__ import annotations

import pytest

from medassist.errors import TaskError
from medassist.export import export_docx, export_pdf, export_text

BLOCKS = [
    (None, ["Dear Zoë Ünal,"]),
    ("Your medicines", ["- Take lisinopril 40 mg once a day.", "- Stop taking aspirin."]),
    (None, ["Best wishes,", "Dr. Ada Lane"]),
]


def test_text_export():
    t = export_text("Your visit", BLOCKS)
    assert t.startswith("Your visit\n")
    assert "Your medicines:\n- Take lisinopril 40 mg once a day." in t


def test_docx_read_back(tmp_path):
    import docx

    p = export_docx("Your visit", BLOCKS, tmp_path / "a" / "l.docx", meta={"author": "Dr. Ada Lane"})
    d = docx.Document(str(p))
    paras = [x.text for x in d.paragraphs]
    assert paras[0] == "Your visit"
    assert "Dear Zoë Ünal," in paras and "Take lisinopril 40 mg once a day." in paras
    assert d.core_properties.author == "Dr. Ada Lane"


def test_pdf_read_back_unicode(tmp_path):
    import pypdf

    from medassist.export.pdf import find_unicode_font

    p = export_pdf("Your visit", BLOCKS, tmp_path / "l.pdf")
    text = "\n".join(pg.extract_text() for pg in pypdf.PdfReader(str(p)).pages)
    assert "Take lisinopril 40 mg once a day." in text
    if find_unicode_font():
        assert "Zoë Ünal" in text


def test_pdf_latin1_fallback(tmp_path, monkeypatch):
    import pypdf

    import medassist.export.pdf as pdfmod

    monkeypatch.setattr(pdfmod, "find_unicode_font", lambda: None)
    blocks = [(None, ["“Quoted” – 5 µg • ok ≥ 2 — Ωmega"])]
    p = export_pdf("Fallback", blocks, tmp_path / "f.pdf")
    text = pypdf.PdfReader(str(p)).pages[0].extract_text()
    assert '"Quoted" - 5 ug - ok >= 2 - ?mega' in text
    assert pdfmod.to_latin1("café") == "café"


def test_unwritable_path_is_a_typed_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(TaskError) as exc:
        export_docx("T", BLOCKS, blocker / "sub" / "l.docx")
    assert "l.docx" in str(exc.value)
    with pytest.raises(TaskError):
        export_pdf("T", BLOCKS, blocker / "sub" / "l.pdf")
