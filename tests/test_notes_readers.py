"""Note readers: encodings, RTF, DOCX, PDF (with and without a text layer), bad input, size limit."""

from __future__ import annotations

import codecs
import random

import pytest

from medassist.errors import IngestError, UnsupportedFormatError
from medassist.ingest import document_from_bytes, document_from_text, load_document
from medassist.ingest import notes as notes_mod

NOTE = (
    "CHIEF COMPLAINT: Café-au-lait spots and cough.\r\n"
    "\r\n"
    "HISTORY OF PRESENT ILLNESS\r\n"
    "The patient, seen by Dr. Müller, denies fever. She takes 2.5 mg b.i.d. with meals.\r\n"
    "\r\n"
    "PLAN: Chest X-ray.\r\n"
)
CLEAN = NOTE.replace("\r\n", "\n")


def _check_spans(doc):
    for s in doc.sections:
        assert 0 <= s.start <= s.body_start <= s.end <= len(doc.text)
        assert doc.text[s.start : s.start + len(s.title)] == s.title
    for x in doc.sentences:
        assert doc.span(x.start, x.end).text == doc.text[x.start : x.end]


def _expect_clean(doc):
    assert doc.text == CLEAN
    assert [s.name for s in doc.sections] == ["chief_complaint", "hpi", "plan"]
    sents = [doc.text[x.start : x.end] for x in doc.sentences]
    assert sents == [
        "Café-au-lait spots and cough.",
        "The patient, seen by Dr. Müller, denies fever.",
        "She takes 2.5 mg b.i.d. with meals.",
        "Chest X-ray.",
    ]
    _check_spans(doc)


@pytest.mark.parametrize(
    "encoding,bom",
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("cp1252", b""),
    ],
)
def test_text_encodings(tmp_path, encoding, bom):
    p = tmp_path / "note.txt"
    p.write_bytes(bom + NOTE.encode(encoding))
    doc = load_document(p)
    _expect_clean(doc)
    assert doc.source == str(p)
    assert doc.metadata["encoding"] == encoding
    assert doc.metadata["format"] == "text"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(encoding):
    doc = document_from_bytes(NOTE.encode(encoding), source="n.txt")
    _expect_clean(doc)
    assert doc.metadata["encoding"] == encoding


def test_cp1252_smart_quotes_and_euro():
    data = "Patient\u2019s co-pay \u20ac20 \u2013 \u201cfine\u201d.".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = document_from_bytes(data, source="x.txt")
    assert doc.text == "Patient\u2019s co-pay \u20ac20 \u2013 \u201cfine\u201d."
    assert doc.metadata["encoding"] == "cp1252"


def test_lone_cr_newlines_are_normalised_before_offsets():
    doc = document_from_text("HPI: cough.\rPLAN: rest.\r")
    assert "\r" not in doc.text
    assert [s.name for s in doc.sections] == ["hpi", "plan"]
    assert [doc.text[x.start : x.end] for x in doc.sentences] == ["cough.", "rest."]


def test_rtf(tmp_path):
    rtf = (
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}"
        r"\f0\fs20 CHIEF COMPLAINT: Caf\'e9-au-lait spots and cough.\par"
        r"\par HISTORY OF PRESENT ILLNESS\par The patient, seen by Dr. M\'fcller, denies fever. "
        r"She takes 2.5 mg b.i.d. with meals.\par\par {\b PLAN:} Chest X-ray.\par}"
    )
    p = tmp_path / "note.rtf"
    p.write_bytes(rtf.encode("ascii"))
    doc = load_document(p)
    assert doc.metadata["format"] == "rtf"
    assert "{" not in doc.text and "\\" not in doc.text
    assert doc.text.strip() == CLEAN.strip()
    assert [s.name for s in doc.sections] == ["chief_complaint", "hpi", "plan"]
    _check_spans(doc)


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("CHIEF COMPLAINT: Cough.")
    d.add_paragraph("MEDICATIONS")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "Lisinopril"
    t.cell(0, 1).text = "10 mg daily"
    t.cell(1, 0).text = "Metformin"
    t.cell(1, 1).text = "500 mg b.i.d."
    d.add_paragraph("PLAN: Chest X-ray.")
    p = tmp_path / "note.docx"
    d.save(p)
    doc = load_document(p)
    assert doc.metadata["format"] == "docx"
    assert [s.name for s in doc.sections] == ["chief_complaint", "medications", "plan"]
    med = doc.sections_named("medications")[0]
    assert [doc.text[x.start : x.end] for x in doc.sentences_in(med)] == [
        "Lisinopril | 10 mg daily",
        "Metformin | 500 mg b.i.d.",
    ]
    # the table comes between its paragraphs, in document order
    assert doc.text.index("Metformin") < doc.text.index("PLAN:")
    _check_spans(doc)


def test_zip_that_is_not_docx(tmp_path):
    import zipfile

    p = tmp_path / "notes.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(UnsupportedFormatError, match="not a Word document") as e:
        load_document(p)
    assert e.value.path == str(p)


def _pdf(text: str | None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if text is None:
        pdf.rect(20, 20, 100, 60, style="F")  # a "scan": graphics, no text
    else:
        pdf.set_font("Helvetica", size=11)
        for line in text.split("\n"):
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_pdf_with_text_layer(tmp_path):
    p = tmp_path / "note.pdf"
    p.write_bytes(_pdf("CHIEF COMPLAINT: Cough.\nHISTORY OF PRESENT ILLNESS\nShe denies fever. She has a cough.\nPLAN: Chest X-ray."))
    doc = load_document(p)
    assert doc.metadata["format"] == "pdf"
    assert [s.name for s in doc.sections] == ["chief_complaint", "hpi", "plan"]
    assert "She denies fever." in [doc.text[x.start : x.end] for x in doc.sentences]
    _check_spans(doc)


def test_scanned_pdf_without_text(tmp_path):
    p = tmp_path / "scan.pdf"
    p.write_bytes(_pdf(None))
    with pytest.raises(IngestError, match=r"no text layer \(scanned PDF\?\)") as e:
        load_document(p)
    assert e.value.path == str(p)
    assert str(p) in str(e.value)


def test_broken_pdf(tmp_path):
    p = tmp_path / "cut.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n")
    with pytest.raises(IngestError) as e:
        load_document(p)
    assert e.value.path == str(p)


def test_random_bytes_are_refused_with_the_file_named(tmp_path):
    p = tmp_path / "garbage.txt"
    p.write_bytes(random.Random(4).randbytes(4096))
    with pytest.raises(UnsupportedFormatError, match="binary data") as e:
        load_document(p)
    assert e.value.path == str(p)
    assert e.value.exit_code == 4


def test_png_renamed_txt_says_what_it_is(tmp_path):
    p = tmp_path / "photo.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    with pytest.raises(UnsupportedFormatError, match="PNG image"):
        load_document(p)


def test_empty_and_blank_files(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(IngestError, match="empty file") as e:
        load_document(p)
    assert e.value.path == str(p)
    q = tmp_path / "blank.txt"
    q.write_bytes(b"  \r\n\t\n")
    with pytest.raises(IngestError, match="no text"):
        load_document(q)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(IngestError, match="no such file"):
        load_document(tmp_path / "nope.txt")
    with pytest.raises(IngestError, match="folder"):
        load_document(tmp_path)


def test_size_limit(tmp_path):
    big = "a" * (notes_mod.MAX_TEXT_CHARS + 1)
    with pytest.raises(IngestError, match="too large"):
        document_from_text(big, source="<paste>")
    p = tmp_path / "big.txt"
    p.write_bytes(big.encode("ascii"))
    with pytest.raises(IngestError, match="too large") as e:
        load_document(p)
    assert e.value.path == str(p)
    # exactly at the limit is fine
    ok = document_from_text("x" * notes_mod.MAX_TEXT_CHARS)
    assert len(ok.text) == notes_mod.MAX_TEXT_CHARS


def test_stdin_bytes_and_paste():
    doc = document_from_bytes(NOTE.encode("utf-16"), source="<stdin>")
    _expect_clean(doc)
    assert doc.source == "<stdin>"
    pasted = document_from_text(NOTE)
    assert pasted.source == "<paste>"
    _expect_clean(pasted)


def test_text_file_named_dcm_goes_to_dicom_reader(tmp_path):
    p = tmp_path / "report.dcm"
    p.write_text("HPI: cough.", encoding="utf-8")
    with pytest.raises(IngestError) as e:
        load_document(p)
    assert e.value.path == str(p)


def test_dicom_sr_file_becomes_a_document():
    pytest.importorskip("pydicom")
    from pydicom.data import get_testdata_file

    path = get_testdata_file("test-SR.dcm", download=False)
    if path is None:
        pytest.skip("pydicom test-SR.dcm not installed")
    doc = load_document(path)
    assert doc.kind == "dicom-sr"
    assert doc.text.strip()
    _check_spans(doc)


def test_dicom_sr_bytes_from_stdin():
    pytest.importorskip("pydicom")
    from pathlib import Path

    from pydicom.data import get_testdata_file

    path = get_testdata_file("test-SR.dcm", download=False)
    ct = get_testdata_file("CT_small.dcm", download=False)
    if path is None or ct is None:
        pytest.skip("pydicom test files not installed")
    doc = document_from_bytes(Path(path).read_bytes(), source="<stdin>")
    assert doc.kind == "dicom-sr" and doc.text == load_document(path).text
    with pytest.raises(UnsupportedFormatError, match="without a Structured Report") as e:
        document_from_bytes(Path(ct).read_bytes(), source="<stdin>")
    assert e.value.path == "<stdin>"


def test_encrypted_pdf(tmp_path):
    from fpdf import FPDF

    def make(**enc):
        pdf = FPDF()
        pdf.set_encryption(owner_password="owner", **enc)
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.cell(0, 6, "HPI: Cough for 3 days.")
        return bytes(pdf.output())

    locked = tmp_path / "locked.pdf"
    locked.write_bytes(make(user_password="secret"))
    with pytest.raises(IngestError, match="needs a password") as e:
        load_document(locked)
    assert e.value.path == str(locked)
    # an owner password only (no user password) opens without asking
    open_ = tmp_path / "open.pdf"
    open_.write_bytes(make())
    doc = load_document(open_)
    assert [s.name for s in doc.sections] == ["hpi"]


def test_legacy_word_doc_is_named(tmp_path):
    p = tmp_path / "old.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(UnsupportedFormatError, match="legacy Office file.*DOCX") as e:
        load_document(p)
    assert e.value.path == str(p)


def test_docx_zip_bomb_is_refused(tmp_path, monkeypatch):
    import docx

    d = docx.Document()
    d.add_paragraph("HPI: " + "cough " * 20000)
    p = tmp_path / "big.docx"
    d.save(p)
    assert load_document(p).sections[0].name == "hpi"
    monkeypatch.setattr(notes_mod, "MAX_UNPACKED_BYTES", 50_000)
    with pytest.raises(IngestError, match="too large once unpacked") as e:
        load_document(p)
    assert e.value.path == str(p)


def test_pdf_over_the_text_limit_stops_early(tmp_path, monkeypatch):
    p = tmp_path / "long.pdf"
    p.write_bytes(_pdf("\n".join(f"Line {i}: the patient is well." for i in range(30))))
    monkeypatch.setattr(notes_mod, "MAX_TEXT_CHARS", 200)
    with pytest.raises(IngestError, match="too large") as e:
        load_document(p)
    assert e.value.path == str(p)


def test_zip_of_unknown_version_is_a_typed_error():
    """Found by bench/fuzz.py: zipfile raises NotImplementedError for versions it does not know."""
    import io
    import zipfile

    from medassist.errors import IngestError
    from medassist.ingest import document_from_bytes

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<x/>")
    data = bytearray(buf.getvalue())
    i = data.rfind(b"PK\x01\x02")
    data[i + 6 : i + 8] = (148).to_bytes(2, "little")  # "version needed to extract": 14.8
    with pytest.raises(IngestError, match="odd.docx.*zip file version"):
        document_from_bytes(bytes(data), source="odd.docx")
